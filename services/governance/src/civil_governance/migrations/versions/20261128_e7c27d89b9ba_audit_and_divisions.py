"""audit and divisions

Revision ID: e7c27d89b9ba
Revises:
Create Date: 2026-11-28 15:16:27.088840
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "e7c27d89b9ba"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity", sa.String(length=100), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=True),
        sa.Column("old_values", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("new_values", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index(op.f("ix_audit_event_entity"), "audit_event", ["entity"], unique=False)
    op.create_index(
        op.f("ix_audit_event_occurred_at"), "audit_event", ["occurred_at"], unique=False
    )
    op.create_table(
        "division",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("parent_code", sa.String(length=12), nullable=True),
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
            "code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'", name=op.f("ck_division_code_format")
        ),
        sa.CheckConstraint(
            "(parent_code IS NULL AND length(code) = 6) OR parent_code = left(code, length(code) - 3)",
            name=op.f("ck_division_parent_is_prefix"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_code"],
            ["division.code"],
            name=op.f("fk_division_parent_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_division")),
    )
    op.create_index(op.f("ix_division_parent_code"), "division", ["parent_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_division_parent_code"), table_name="division")
    op.drop_table("division")
    op.drop_index(op.f("ix_audit_event_occurred_at"), table_name="audit_event")
    op.drop_index(op.f("ix_audit_event_entity"), table_name="audit_event")
    op.drop_table("audit_event")
