"""households, members, incomes and property

Revision ID: ca21526dc7d2
Revises: d041d4681beb
Create Date: 2026-11-28 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ca21526dc7d2"
down_revision: str | None = "d041d4681beb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "household",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("residence_type", sa.String(length=10), nullable=False),
        sa.Column("income_stability", sa.String(length=10), nullable=False),
        sa.Column(
            "in_poverty_alleviation", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
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
            "area_code ~ '^429006([0-9]{3}|[0-9]{6})$'", name=op.f("ck_household_area_in_tianmen")
        ),
        sa.CheckConstraint(
            "income_stability IN ('stable', 'unstable')", name=op.f("ck_household_stability_known")
        ),
        sa.CheckConstraint(
            "residence_type IN ('urban', 'rural')", name=op.f("ck_household_residence_type_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
    )
    op.create_index(op.f("ix_household_area_code"), "household", ["area_code"], unique=False)
    op.create_table(
        "household_member",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("id_number", sa.CHAR(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("employment_status", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("disability_category", sa.String(length=20), nullable=True),
        sa.Column("disability_grade", sa.SmallInteger(), nullable=True),
        sa.Column("death_date", sa.Date(), nullable=True),
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
            "disability_category IS NULL OR disability_category IN ('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple')",
            name=op.f("ck_household_member_disability_category_known"),
        ),
        sa.CheckConstraint(
            "employment_status IN ('employed', 'unemployed', 'student', 'retired', 'unable_to_work', 'other')",
            name=op.f("ck_household_member_employment_known"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_household_member_id_number_format")
        ),
        sa.CheckConstraint(
            "relation IN ('head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other')",
            name=op.f("ck_household_member_relation_known"),
        ),
        sa.CheckConstraint(
            "(disability_category IS NULL) = (disability_grade IS NULL)",
            name=op.f("ck_household_member_disability_category_with_grade"),
        ),
        sa.CheckConstraint(
            "disability_grade BETWEEN 1 AND 4",
            name=op.f("ck_household_member_disability_grade_range"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_member_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
        sa.UniqueConstraint("id_number", name=op.f("uq_household_member_id_number")),
    )
    op.create_index(
        op.f("ix_household_member_household_id"), "household_member", ["household_id"], unique=False
    )
    op.create_index(
        "uq_household_member_one_head",
        "household_member",
        ["household_id"],
        unique=True,
        postgresql_where=sa.text("relation = 'head'"),
    )
    op.create_table(
        "household_property",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint(
            "kind IN ('house', 'vehicle', 'deposit', 'securities', 'business', 'other')",
            name=op.f("ck_household_property_kind_known"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_household_property_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_property_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_property")),
    )
    op.create_index(
        op.f("ix_household_property_household_id"),
        "household_property",
        ["household_id"],
        unique=False,
    )
    op.create_table(
        "member_income",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint(
            "kind IN ('wages', 'business_net', 'property', 'transfer', 'assistance', 'special_care', 'award_scholarship', 'basic_pension_residents')",
            name=op.f("ck_member_income_kind_known"),
        ),
        sa.CheckConstraint(
            "monthly_amount >= 0", name=op.f("ck_member_income_amount_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["household_member.id"],
            name=op.f("fk_member_income_member_id_household_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_income")),
        sa.UniqueConstraint("member_id", "kind", name=op.f("uq_member_income_member_id_kind")),
    )


def downgrade() -> None:
    op.drop_table("member_income")
    op.drop_index(op.f("ix_household_property_household_id"), table_name="household_property")
    op.drop_table("household_property")
    op.drop_index(
        "uq_household_member_one_head",
        table_name="household_member",
        postgresql_where=sa.text("relation = 'head'"),
    )
    op.drop_index(op.f("ix_household_member_household_id"), table_name="household_member")
    op.drop_table("household_member")
    op.drop_index(op.f("ix_household_area_code"), table_name="household")
    op.drop_table("household")
