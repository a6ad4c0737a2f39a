"""care institutions, their disabled tekun ledger and closed-management periods;
funeral fee waivers; public cemeteries

Revision ID: 6315eef82067
Revises: 63ec56307a56
Create Date: 2026-11-28 17:47:11.475483

The two exclusion constraints (no overlapping stays of one person on the ledger,
no overlapping closed-management periods of one institution) compare the person
or institution as a one-point int8range: GiST has ranges built in, while equality
on uuid or varchar would need btree_gist, which the embedded PostgreSQL lacks.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6315eef82067"
down_revision: str | None = "63ec56307a56"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Trusted since PostgreSQL 13: the database owner may create it.
    op.create_table(
        "care_institution",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("operator", sa.String(length=10), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("residents_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("staff_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="operating", nullable=False),
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
            "area_code ~ '^429006([0-9]{3}|[0-9]{6})$'",
            name=op.f("ck_care_institution_area_in_tianmen"),
        ),
        sa.CheckConstraint(
            "kind IN ('welfare_home', 'elderly_care_institution', 'care_centre')",
            name=op.f("ck_care_institution_kind_known"),
        ),
        sa.CheckConstraint(
            "operator IN ('public', 'private')", name=op.f("ck_care_institution_operator_known")
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR residents_count = 0",
            name=op.f("ck_care_institution_closed_is_empty"),
        ),
        sa.CheckConstraint(
            "status IN ('operating', 'suspended', 'closed')",
            name=op.f("ck_care_institution_status_known"),
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_care_institution_capacity_positive")),
        sa.CheckConstraint(
            "residents_count <= capacity",
            name=op.f("ck_care_institution_residents_within_capacity"),
        ),
        sa.CheckConstraint(
            "residents_count >= 0 AND staff_count >= 0",
            name=op.f("ck_care_institution_counts_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_institution")),
        sa.UniqueConstraint("name", name=op.f("uq_care_institution_name")),
    )
    op.create_index(
        op.f("ix_care_institution_area_code"), "care_institution", ["area_code"], unique=False
    )
    op.create_table(
        "funeral_waiver",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("deceased_id_number", sa.String(length=18), nullable=False),
        sa.Column("deceased_name", sa.String(length=100), nullable=False),
        sa.Column("death_date", sa.Date(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("family_programme", sa.String(length=10), nullable=False),
        sa.Column("items", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
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
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_funeral_waiver_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "deceased_id_number ~ '^[0-9]{17}[0-9X]$'",
            name=op.f("ck_funeral_waiver_id_number_format"),
        ),
        sa.CheckConstraint(
            "family_programme IN ('dibao', 'tekun')", name=op.f("ck_funeral_waiver_programme_known")
        ),
        sa.CheckConstraint(
            "items <@ ARRAY['transport', 'storage', 'cremation', 'urn', 'ash_storage', "
            "'farewell']::varchar[] AND cardinality(items) >= 1",
            name=op.f("ck_funeral_waiver_items_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_funeral_waiver_amount_positive")),
        sa.CheckConstraint(
            "approved_date >= death_date", name=op.f("ck_funeral_waiver_approved_after_death")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funeral_waiver")),
        sa.UniqueConstraint(
            "deceased_id_number", name=op.f("uq_funeral_waiver_deceased_id_number")
        ),
    )
    op.create_index(
        "ix_funeral_waiver_approved_date", "funeral_waiver", ["approved_date"], unique=False
    )
    op.create_index(
        op.f("ix_funeral_waiver_area_code"), "funeral_waiver", ["area_code"], unique=False
    )
    op.create_table(
        "public_cemetery",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("year_built", sa.SmallInteger(), nullable=True),
        sa.Column("graves_capacity", sa.Integer(), nullable=False),
        sa.Column("pilot", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
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
            "(status IN ('built', 'in_use')) = (year_built IS NOT NULL)",
            name=op.f("ck_public_cemetery_built_has_year"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_public_cemetery_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'under_construction', 'built', 'in_use')",
            name=op.f("ck_public_cemetery_status_known"),
        ),
        sa.CheckConstraint(
            "graves_capacity > 0", name=op.f("ck_public_cemetery_graves_capacity_positive")
        ),
        sa.CheckConstraint(
            "year_built >= 1949", name=op.f("ck_public_cemetery_year_built_plausible")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_public_cemetery")),
        sa.UniqueConstraint("area_code", "name", name=op.f("uq_public_cemetery_area_code_name")),
    )
    op.create_index(
        op.f("ix_public_cemetery_area_code"), "public_cemetery", ["area_code"], unique=False
    )
    op.create_table(
        "closed_management_period",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("residents_inside", sa.Integer(), nullable=False),
        sa.Column("staff_inside", sa.Integer(), nullable=False),
        sa.Column("infections", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
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
        postgresql.ExcludeConstraint(
            (
                sa.text(
                    "int8range(('x' || translate(left(institution_id::text, 18), '-', ''))::bit(64)::bigint, ('x' || translate(left(institution_id::text, 18), '-', ''))::bit(64)::bigint, '[]')"
                ),
                "&&",
            ),
            (sa.text("daterange(start_date, end_date, '[]')"), "&&"),
            using="gist",
            name="ex_closed_management_period_no_overlap",
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_closed_management_period_end_after_start"),
        ),
        sa.CheckConstraint(
            "residents_inside >= 0 AND staff_inside >= 0 AND infections >= 0",
            name=op.f("ck_closed_management_period_counts_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["care_institution.id"],
            name=op.f("fk_closed_management_period_institution_id_care_institution"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_management_period")),
    )
    op.create_index(
        op.f("ix_closed_management_period_institution_id"),
        "closed_management_period",
        ["institution_id"],
        unique=False,
    )
    op.create_index(
        "ix_closed_management_period_start_date",
        "closed_management_period",
        ["start_date"],
        unique=False,
    )
    op.create_table(
        "disabled_tekun_resident",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("self_care_level", sa.String(length=20), nullable=False),
        sa.Column("admitted_date", sa.Date(), nullable=False),
        sa.Column("left_date", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
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
        postgresql.ExcludeConstraint(
            (
                sa.text(
                    "int8range(left(id_number, 17)::bigint, left(id_number, 17)::bigint, '[]')"
                ),
                "&&",
            ),
            (sa.text("daterange(admitted_date, left_date, '[)')"), "&&"),
            using="gist",
            name="ex_disabled_tekun_resident_stays_do_not_overlap",
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'",
            name=op.f("ck_disabled_tekun_resident_id_number_format"),
        ),
        sa.CheckConstraint(
            "self_care_level IN ('fully_disabled', 'partly_disabled')",
            name=op.f("ck_disabled_tekun_resident_self_care_level_known"),
        ),
        sa.CheckConstraint(
            "(left_date IS NULL) = (left_reason IS NULL)",
            name=op.f("ck_disabled_tekun_resident_left_with_reason"),
        ),
        sa.CheckConstraint(
            "left_date IS NULL OR left_date >= admitted_date",
            name=op.f("ck_disabled_tekun_resident_left_after_admitted"),
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["care_institution.id"],
            name=op.f("fk_disabled_tekun_resident_institution_id_care_institution"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disabled_tekun_resident")),
    )
    op.create_index(
        op.f("ix_disabled_tekun_resident_institution_id"),
        "disabled_tekun_resident",
        ["institution_id"],
        unique=False,
    )
    op.create_index(
        "uq_disabled_tekun_resident_one_active",
        "disabled_tekun_resident",
        ["id_number"],
        unique=True,
        postgresql_where=sa.text("left_date IS NULL"),
    )


def downgrade() -> None:
    op.drop_index(
        "uq_disabled_tekun_resident_one_active",
        table_name="disabled_tekun_resident",
        postgresql_where=sa.text("left_date IS NULL"),
    )
    op.drop_index(
        op.f("ix_disabled_tekun_resident_institution_id"), table_name="disabled_tekun_resident"
    )
    op.drop_table("disabled_tekun_resident")
    op.drop_index("ix_closed_management_period_start_date", table_name="closed_management_period")
    op.drop_index(
        op.f("ix_closed_management_period_institution_id"), table_name="closed_management_period"
    )
    op.drop_table("closed_management_period")
    op.drop_index(op.f("ix_public_cemetery_area_code"), table_name="public_cemetery")
    op.drop_table("public_cemetery")
    op.drop_index(op.f("ix_funeral_waiver_area_code"), table_name="funeral_waiver")
    op.drop_index("ix_funeral_waiver_approved_date", table_name="funeral_waiver")
    op.drop_table("funeral_waiver")
    op.drop_index(op.f("ix_care_institution_area_code"), table_name="care_institution")
    op.drop_table("care_institution")
