"""enrolment reviews

Revision ID: 61d54688f857
Revises: e4c22bfd40b5
Create Date: 2026-11-28 16:35:43.713128
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "61d54688f857"
down_revision: str | None = "e4c22bfd40b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enrolment_review",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("income_stability", sa.String(length=20), nullable=False),
        sa.Column("working_age_members", sa.Integer(), nullable=False),
        sa.Column("previous_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_enrolment_review_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_review")),
    )
    op.create_index(
        op.f("ix_enrolment_review_enrolment_id"), "enrolment_review", ["enrolment_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_enrolment_review_enrolment_id"), table_name="enrolment_review")
    op.drop_table("enrolment_review")
