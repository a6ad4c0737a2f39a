"""disbursement runs: their lines summed by area, written with the lines (for the statistics)

Revision ID: b83f5a1d6c27
Revises: 0d194c7327e2
Create Date: 2026-11-29 05:00:00

"""

from collections.abc import Sequence

from alembic import op

from civil_shared.runtime.disbursements import ADD_AREA_TOTALS, DROP_AREA_TOTALS

revision: str = "b83f5a1d6c27"
down_revision: str | None = "0d194c7327e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in ADD_AREA_TOTALS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_AREA_TOTALS:
        op.execute(statement)
