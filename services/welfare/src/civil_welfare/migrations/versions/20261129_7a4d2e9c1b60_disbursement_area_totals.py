"""disbursement runs: their lines summed by area, written with the lines (for the statistics)

Revision ID: 7a4d2e9c1b60
Revises: 5e1f0c2a7b3d
Create Date: 2026-11-29 05:00:00

"""

from collections.abc import Sequence

from alembic import op

from civil_shared.runtime.disbursements import ADD_AREA_TOTALS, DROP_AREA_TOTALS

revision: str = "7a4d2e9c1b60"
down_revision: str | None = "5e1f0c2a7b3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in ADD_AREA_TOTALS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_AREA_TOTALS:
        op.execute(statement)
