"""disabled persons and the two disability subsidies: register, applications with their
decisions, grants

Revision ID: 63ec56307a56
Revises: bee003039cee
Create Date: 2026-11-28 20:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "63ec56307a56"
down_revision: str | None = "bee003039cee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disabled_person",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("certificate_number", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("care_need_since", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_date", sa.Date(), nullable=True),
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
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_disabled_person_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "category IN ('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple')",
            name=op.f("ck_disabled_person_category_known"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_disabled_person_id_number_format")
        ),
        sa.CheckConstraint(
            "left(certificate_number, 18) = id_number AND substr(certificate_number, 19, 1) = CASE category WHEN 'visual' THEN '1' WHEN 'hearing' THEN '2' WHEN 'speech' THEN '3' WHEN 'physical' THEN '4' WHEN 'intellectual' THEN '5' WHEN 'mental' THEN '6' WHEN 'multiple' THEN '7' END AND substr(certificate_number, 20, 1) = grade::text",
            name=op.f("ck_disabled_person_certificate_matches"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'moved_out', 'deceased', 'cancelled')",
            name=op.f("ck_disabled_person_status_known"),
        ),
        sa.CheckConstraint("grade BETWEEN 1 AND 4", name=op.f("ck_disabled_person_grade_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disabled_person")),
        sa.UniqueConstraint(
            "certificate_number", name=op.f("uq_disabled_person_certificate_number")
        ),
        sa.UniqueConstraint("id_number", name=op.f("uq_disabled_person_id_number")),
    )
    op.create_index(
        op.f("ix_disabled_person_area_code"), "disabled_person", ["area_code"], unique=False
    )
    op.create_index(op.f("ix_disabled_person_name"), "disabled_person", ["name"], unique=False)
    op.create_table(
        "disability_subsidy_application",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.SmallInteger(), nullable=False),
        sa.Column("care_need_months", sa.Integer(), nullable=True),
        sa.Column("in_orphan_scheme", sa.Boolean(), nullable=False),
        sa.Column("in_dibao", sa.Boolean(), nullable=False),
        sa.Column("in_tekun", sa.Boolean(), nullable=False),
        sa.Column("household_edge_of_dibao", sa.Boolean(), nullable=True),
        sa.Column("assistance_programmes", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("assistance_checked_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
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
            "category IN ('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple')",
            name=op.f("ck_disability_subsidy_application_category_known"),
        ),
        sa.CheckConstraint(
            "NOT (in_dibao AND in_tekun)",
            name=op.f("ck_disability_subsidy_application_not_dibao_and_tekun"),
        ),
        sa.CheckConstraint(
            "grade BETWEEN 1 AND 4", name=op.f("ck_disability_subsidy_application_grade_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["disabled_person.id"],
            name=op.f("fk_disability_subsidy_application_person_id_disabled_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disability_subsidy_application")),
    )
    op.create_index(
        op.f("ix_disability_subsidy_application_person_id"),
        "disability_subsidy_application",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "disability_subsidy_grant",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("subsidy", sa.String(length=10), nullable=False),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("end_period", sa.String(length=7), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("stop_reason", sa.Text(), nullable=True),
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
            "(status = 'active') = (end_period IS NULL)",
            name=op.f("ck_disability_subsidy_grant_end_when_stopped"),
        ),
        sa.CheckConstraint(
            "(status = 'stopped') = (stop_reason IS NOT NULL)",
            name=op.f("ck_disability_subsidy_grant_reason_when_stopped"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'stopped')", name=op.f("ck_disability_subsidy_grant_status_known")
        ),
        sa.CheckConstraint(
            "subsidy IN ('living', 'care')", name=op.f("ck_disability_subsidy_grant_subsidy_known")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["disabled_person.id"],
            name=op.f("fk_disability_subsidy_grant_person_id_disabled_person"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disability_subsidy_grant")),
    )
    op.create_index(
        "ix_disability_subsidy_grant_payable",
        "disability_subsidy_grant",
        ["subsidy", "start_period", "end_period"],
        unique=False,
    )
    op.create_index(
        op.f("ix_disability_subsidy_grant_person_id"),
        "disability_subsidy_grant",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        "uq_disability_subsidy_grant_one_active",
        "disability_subsidy_grant",
        ["person_id", "subsidy"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "disability_subsidy_decision",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("subsidy", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reasons", postgresql.ARRAY(sa.String(length=40)), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "(outcome = 'granted') = (cardinality(reasons) = 0)",
            name=op.f("ck_disability_subsidy_decision_reasons_when_refused"),
        ),
        sa.CheckConstraint(
            "(outcome = 'granted') = (grant_id IS NOT NULL)",
            name=op.f("ck_disability_subsidy_decision_grant_when_granted"),
        ),
        sa.CheckConstraint(
            "outcome IN ('granted', 'refused')",
            name=op.f("ck_disability_subsidy_decision_outcome_known"),
        ),
        sa.CheckConstraint(
            "reasons <@ ARRAY['not_in_dibao', 'not_in_dibao_or_edge', 'edge_of_dibao_unknown', 'in_tekun', 'in_orphan_scheme', 'grade_not_covered', 'no_long_term_care_need', 'care_need_too_short']::varchar[]",
            name=op.f("ck_disability_subsidy_decision_reasons_known"),
        ),
        sa.CheckConstraint(
            "subsidy IN ('living', 'care')",
            name=op.f("ck_disability_subsidy_decision_subsidy_known"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["disability_subsidy_application.id"],
            name=op.f(
                "fk_disability_subsidy_decision_application_id_disability_subsidy_application"
            ),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["disability_subsidy_grant.id"],
            name=op.f("fk_disability_subsidy_decision_grant_id_disability_subsidy_grant"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disability_subsidy_decision")),
        sa.UniqueConstraint(
            "application_id",
            "subsidy",
            name=op.f("uq_disability_subsidy_decision_application_id_subsidy"),
        ),
        sa.UniqueConstraint("grant_id", name=op.f("uq_disability_subsidy_decision_grant_id")),
    )
    op.create_index(
        op.f("ix_disability_subsidy_decision_application_id"),
        "disability_subsidy_decision",
        ["application_id"],
        unique=False,
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    op.drop_index(
        op.f("ix_disability_subsidy_decision_application_id"),
        table_name="disability_subsidy_decision",
    )
    op.drop_table("disability_subsidy_decision")
    op.drop_index(
        "uq_disability_subsidy_grant_one_active",
        table_name="disability_subsidy_grant",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        op.f("ix_disability_subsidy_grant_person_id"), table_name="disability_subsidy_grant"
    )
    op.drop_index("ix_disability_subsidy_grant_payable", table_name="disability_subsidy_grant")
    op.drop_table("disability_subsidy_grant")
    op.drop_index(
        op.f("ix_disability_subsidy_application_person_id"),
        table_name="disability_subsidy_application",
    )
    op.drop_table("disability_subsidy_application")
    op.drop_index(op.f("ix_disabled_person_name"), table_name="disabled_person")
    op.drop_index(op.f("ix_disabled_person_area_code"), table_name="disabled_person")
    op.drop_table("disabled_person")
    # ### end Alembic commands ###
