"""link enrolments and applications to households

Revision ID: 0d194c7327e2
Revises: 5b955f034774
Create Date: 2026-11-28 17:03:21.494565
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0d194c7327e2"
down_revision: str | None = "5b955f034774"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_foreign_key(
        op.f("fk_application_household_id_household"),
        "application",
        "household",
        ["household_id"],
        ["id"],
        ondelete="RESTRICT",
    )
    op.create_foreign_key(
        op.f("fk_enrolment_household_id_household"),
        "enrolment",
        "household",
        ["household_id"],
        ["id"],
        ondelete="RESTRICT",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_enrolment_household_id_household"), "enrolment", type_="foreignkey")
    op.drop_constraint(
        op.f("fk_application_household_id_household"), "application", type_="foreignkey"
    )
