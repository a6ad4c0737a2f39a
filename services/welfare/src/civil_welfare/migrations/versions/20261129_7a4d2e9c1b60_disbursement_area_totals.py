"""disbursement runs: their lines summed by area, written with the lines (for the statistics)

Revision ID: 7a4d2e9c1b60
Revises: 5e1f0c2a7b3d
Create Date: 2026-11-29 05:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from civil_shared.runtime.disbursements import AREA_TOTAL_GUARD, DROP_AREA_TOTAL_GUARD

revision: str = "7a4d2e9c1b60"
down_revision: str | None = "5e1f0c2a7b3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disbursement_area_total",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["disbursement_run.id"],
            name=op.f("fk_disbursement_area_total_run_id_disbursement_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "area_code", name=op.f("pk_disbursement_area_total")),
    )
    # The runs made before: their sums from their lines, before the guard refuses
    # rows of paid runs.
    op.execute(
        "INSERT INTO disbursement_area_total (run_id, area_code, line_count, persons, amount)"
        " SELECT run_id, area_code, count(*), sum(persons), sum(amount)"
        " FROM disbursement_line GROUP BY run_id, area_code"
    )
    for statement in AREA_TOTAL_GUARD:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_AREA_TOTAL_GUARD:
        op.execute(statement)
    op.drop_table("disbursement_area_total")
