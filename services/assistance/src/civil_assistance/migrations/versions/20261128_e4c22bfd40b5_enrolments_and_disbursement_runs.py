"""enrolments and disbursement runs

Revision ID: e4c22bfd40b5
Revises: ca21526dc7d2
Create Date: 2026-11-28 16:22:41.418652
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from civil_shared.runtime.disbursements import DROP_PAID_RUN_GUARD, PAID_RUN_GUARD

revision: str = "e4c22bfd40b5"
down_revision: str | None = "ca21526dc7d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disbursement_run",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("total_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.String(length=200), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('draft', 'approved', 'paid')", name=op.f("ck_disbursement_run_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement_run")),
        sa.UniqueConstraint(
            "programme", "period", name=op.f("uq_disbursement_run_programme_period")
        ),
    )
    op.create_table(
        "enrolment",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("payee_id_number", sa.String(length=18), nullable=False),
        sa.Column("payee_name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("end_period", sa.String(length=7), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("in_poverty_alleviation", sa.Boolean(), nullable=False),
        sa.Column("next_review_date", sa.Date(), nullable=True),
        sa.Column("gradual_exit_until", sa.String(length=7), nullable=True),
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
            "status IN ('active', 'suspended', 'gradual_exit', 'ended')",
            name=op.f("ck_enrolment_status_known"),
        ),
        sa.CheckConstraint(
            "end_period IS NULL OR end_period >= start_period",
            name=op.f("ck_enrolment_end_after_start"),
        ),
        sa.CheckConstraint("monthly_amount >= 0", name=op.f("ck_enrolment_amount_non_negative")),
        sa.CheckConstraint("persons >= 1", name=op.f("ck_enrolment_persons_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment")),
    )
    op.create_index(op.f("ix_enrolment_area_code"), "enrolment", ["area_code"], unique=False)
    op.create_index(op.f("ix_enrolment_household_id"), "enrolment", ["household_id"], unique=False)
    op.create_index(
        op.f("ix_enrolment_next_review_date"), "enrolment", ["next_review_date"], unique=False
    )
    op.create_index(
        "ix_enrolment_payable", "enrolment", ["programme", "status", "start_period"], unique=False
    )
    op.create_index(
        op.f("ix_enrolment_payee_id_number"), "enrolment", ["payee_id_number"], unique=False
    )
    op.create_table(
        "idempotency_record",
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("actor", "key", name=op.f("pk_idempotency_record")),
    )
    op.create_table(
        "disbursement_line",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=True),
        sa.Column("payee_id_number", sa.String(length=18), nullable=False),
        sa.Column("payee_name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["disbursement_run.id"],
            name=op.f("fk_disbursement_line_run_id_disbursement_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "enrolment_id", name=op.f("pk_disbursement_line")),
    )
    op.create_index(
        op.f("ix_disbursement_line_area_code"), "disbursement_line", ["area_code"], unique=False
    )
    op.create_table(
        "enrolled_person",
        sa.Column("enrolment_id", sa.Uuid(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_enrolled_person_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enrolment_id", "id_number", name=op.f("pk_enrolled_person")),
    )
    op.create_index(
        "uq_enrolled_person_one_enrolment",
        "enrolled_person",
        ["id_number"],
        unique=True,
        postgresql_where=sa.text("enrolled"),
    )

    # A paid run is the bureau's record of money sent: not even a careless script may change it.
    for statement in PAID_RUN_GUARD:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_PAID_RUN_GUARD:
        op.execute(statement)
    op.drop_index(
        "uq_enrolled_person_one_enrolment",
        table_name="enrolled_person",
        postgresql_where=sa.text("enrolled"),
    )
    op.drop_table("enrolled_person")
    op.drop_index(op.f("ix_disbursement_line_area_code"), table_name="disbursement_line")
    op.drop_table("disbursement_line")
    op.drop_table("idempotency_record")
    op.drop_index(op.f("ix_enrolment_payee_id_number"), table_name="enrolment")
    op.drop_index("ix_enrolment_payable", table_name="enrolment")
    op.drop_index(op.f("ix_enrolment_next_review_date"), table_name="enrolment")
    op.drop_index(op.f("ix_enrolment_household_id"), table_name="enrolment")
    op.drop_index(op.f("ix_enrolment_area_code"), table_name="enrolment")
    op.drop_table("enrolment")
    op.drop_table("disbursement_run")
