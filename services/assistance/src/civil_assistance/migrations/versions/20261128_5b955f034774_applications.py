"""applications

Revision ID: 5b955f034774
Revises: 61d54688f857
Create Date: 2026-11-28 16:38:52.958985
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "5b955f034774"
down_revision: str | None = "61d54688f857"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("applicant_id_number", sa.String(length=18), nullable=False),
        sa.Column("applicant_name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("application_date", sa.Date(), nullable=False),
        sa.Column("staff_related", sa.Boolean(), nullable=False),
        sa.Column("staff_relation", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=True),
        sa.Column("investigator_1", sa.String(length=100), nullable=True),
        sa.Column("investigator_2", sa.String(length=100), nullable=True),
        sa.Column("county_visited", sa.Boolean(), nullable=False),
        sa.Column("visit_findings", sa.Text(), nullable=True),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("income_per_person", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("standard_monthly", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=True),
        sa.Column("reasons", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("self_care_level", sa.String(length=20), nullable=True),
        sa.Column("notice_start_date", sa.Date(), nullable=True),
        sa.Column("notice_end_date", sa.Date(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("enrolment_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
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
        sa.CheckConstraint(
            "status IN ('submitted', 'investigated', 'in_notice', 'approved', 'rejected', 'withdrawn')",
            name=op.f("ck_application_status_known"),
        ),
        sa.CheckConstraint(
            "investigator_1 IS NULL OR investigator_1 <> investigator_2",
            name=op.f("ck_application_two_investigators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
    )
    op.create_index(
        op.f("ix_application_applicant_id_number"),
        "application",
        ["applicant_id_number"],
        unique=False,
    )
    op.create_index(op.f("ix_application_area_code"), "application", ["area_code"], unique=False)
    op.create_index(
        op.f("ix_application_household_id"), "application", ["household_id"], unique=False
    )
    op.create_index(
        "uq_application_open",
        "application",
        ["applicant_id_number", "programme"],
        unique=True,
        postgresql_where=sa.text("status IN ('submitted', 'investigated', 'in_notice')"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_application_open",
        table_name="application",
        postgresql_where=sa.text("status IN ('submitted', 'investigated', 'in_notice')"),
    )
    op.drop_index(op.f("ix_application_household_id"), table_name="application")
    op.drop_index(op.f("ix_application_area_code"), table_name="application")
    op.drop_index(op.f("ix_application_applicant_id_number"), table_name="application")
    op.drop_table("application")
