"""Identity: staff users, API clients and the sign-in attempts the limits count

Revision ID: fd855bb129f4
Revises: d8bb2643ad61
Create Date: 2026-11-28 19:57:26.115265
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "fd855bb129f4"
down_revision: str | None = "d8bb2643ad61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.String(length=30)), nullable=False),
        sa.Column(
            "area_codes",
            postgresql.ARRAY(sa.String(length=12)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column(
            "secret_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_token_at", sa.DateTime(timezone=True), nullable=True),
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
            "scopes <@ ARRAY['pii:read', 'assistance:read', 'assistance:write', 'welfare:read', 'welfare:write', 'governance:read', 'governance:write', 'dashboard:read']::varchar[] AND cardinality(scopes) >= 1",
            name=op.f("ck_api_client_scopes_known"),
        ),
        sa.CheckConstraint(
            "client_id = lower(client_id)", name=op.f("ck_api_client_client_id_lower_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_client_client_id")),
    )
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "attempted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("grant_type", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("client_address", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "grant_type IN ('password', 'client_credentials')",
            name=op.f("ck_sign_in_attempt_grant_type_known"),
        ),
        sa.CheckConstraint(
            "outcome IN ('succeeded', 'invalid_credentials', 'disabled', 'invalid_scope', 'rate_limited')",
            name=op.f("ck_sign_in_attempt_outcome_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_attempt")),
    )
    op.create_index(
        "ix_sign_in_attempt_client_address_attempted_at",
        "sign_in_attempt",
        ["client_address", "attempted_at"],
        unique=False,
    )
    op.create_index(
        "ix_sign_in_attempt_subject_attempted_at",
        "sign_in_attempt",
        ["subject", "attempted_at"],
        unique=False,
    )
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "area_codes",
            postgresql.ARRAY(sa.String(length=12)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("pii_read", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column(
            "password_changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True),
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
            "(role = 'township_officer') = (cardinality(area_codes) >= 1)",
            name=op.f("ck_staff_user_areas_only_for_township_officers"),
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'city_officer', 'township_officer', 'auditor')",
            name=op.f("ck_staff_user_role_known"),
        ),
        sa.CheckConstraint(
            "username = lower(username)", name=op.f("ck_staff_user_username_lower_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )


def downgrade() -> None:
    op.drop_table("staff_user")
    op.drop_index("ix_sign_in_attempt_subject_attempted_at", table_name="sign_in_attempt")
    op.drop_index("ix_sign_in_attempt_client_address_attempted_at", table_name="sign_in_attempt")
    op.drop_table("sign_in_attempt")
    op.drop_table("api_client")
