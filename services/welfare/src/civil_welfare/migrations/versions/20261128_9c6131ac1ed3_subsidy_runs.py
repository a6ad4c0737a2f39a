"""subsidy runs: disbursement runs and lines, idempotency records, the paid-run guard

Revision ID: 9c6131ac1ed3
Revises: 6315eef82067
Create Date: 2026-11-28 18:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from civil_shared.runtime.disbursements import DROP_PAID_RUN_GUARD, PAID_RUN_GUARD

revision: str = "9c6131ac1ed3"
down_revision: str | None = "6315eef82067"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[sa.DateTime]]:
    return [
        sa.Column(name, sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)
        for name in ("created_at", "updated_at")
    ]


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
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'paid')", name=op.f("ck_disbursement_run_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement_run")),
        sa.UniqueConstraint(
            "programme", "period", name=op.f("uq_disbursement_run_programme_period")
        ),
    )
    op.create_table(
        "disbursement_line",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
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
        sa.PrimaryKeyConstraint("run_id", "source_id", name=op.f("pk_disbursement_line")),
    )
    op.create_index(
        op.f("ix_disbursement_line_area_code"), "disbursement_line", ["area_code"], unique=False
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
    # A paid run is the bureau's record of money sent: not even a careless script may change it.
    for statement in PAID_RUN_GUARD:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_PAID_RUN_GUARD:
        op.execute(statement)
    op.drop_table("idempotency_record")
    op.drop_index(op.f("ix_disbursement_line_area_code"), table_name="disbursement_line")
    op.drop_table("disbursement_line")
    op.drop_table("disbursement_run")
