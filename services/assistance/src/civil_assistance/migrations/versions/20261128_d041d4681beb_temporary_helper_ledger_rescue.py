"""temporary assistance cases, helper ledger (assignments, visits), vagrant rescue records

Revision ID: d041d4681beb
Revises: 24bf327d881b
Create Date: 2026-11-28 16:44:42.998531
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d041d4681beb"
down_revision: str | None = "24bf327d881b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "helper_assignment",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("reason_note", sa.Text(), nullable=True),
        sa.Column("has_phone", sa.Boolean(), nullable=False),
        sa.Column("helper_name", sa.String(length=100), nullable=False),
        sa.Column("helper_phone", sa.String(length=20), nullable=False),
        sa.Column("helper_role", sa.String(length=30), nullable=False),
        sa.Column("helper_relation", sa.String(length=100), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
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
            "helper_role IN ('village_cadre', 'township_staff', 'party_member', 'relative', 'neighbour', 'social_worker', 'volunteer', 'other')",
            name=op.f("ck_helper_assignment_helper_role_known"),
        ),
        sa.CheckConstraint(
            "reason <> 'other' OR reason_note IS NOT NULL",
            name=op.f("ck_helper_assignment_other_explained"),
        ),
        sa.CheckConstraint(
            "reason IN ('seriously_ill', 'severely_disabled', 'dispersed_tekun', 'other')",
            name=op.f("ck_helper_assignment_reason_known"),
        ),
        sa.CheckConstraint(
            "(end_date IS NULL) = (end_reason IS NULL)",
            name=op.f("ck_helper_assignment_ended_with_reason"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_helper_assignment_end_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helper_assignment")),
    )
    op.create_index(
        op.f("ix_helper_assignment_area_code"), "helper_assignment", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_helper_assignment_id_number"), "helper_assignment", ["id_number"], unique=False
    )
    op.create_index(
        "uq_helper_assignment_one_active",
        "helper_assignment",
        ["id_number"],
        unique=True,
        postgresql_where=sa.text("end_date IS NULL"),
    )
    op.create_table(
        "rescue_record",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("person_name", sa.String(length=100), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=False),
        sa.Column("approximate_age", sa.Integer(), nullable=True),
        sa.Column("found_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("help_given", postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
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
            "help_given <@ ARRAY['food', 'shelter', 'medical', 'transport_home', 'other']::varchar[] AND cardinality(help_given) >= 1",
            name=op.f("ck_rescue_record_help_given_known"),
        ),
        sa.CheckConstraint(
            "outcome IN ('returned_home', 'placed_in_institution', 'left', 'other')",
            name=op.f("ck_rescue_record_outcome_known"),
        ),
        sa.CheckConstraint(
            "sex IN ('male', 'female', 'unknown')", name=op.f("ck_rescue_record_sex_known")
        ),
        sa.CheckConstraint(
            "approximate_age IS NULL OR approximate_age BETWEEN 0 AND 120",
            name=op.f("ck_rescue_record_age_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rescue_record")),
    )
    op.create_index(
        op.f("ix_rescue_record_area_code"), "rescue_record", ["area_code"], unique=False
    )
    op.create_index("ix_rescue_record_found_date", "rescue_record", ["found_date"], unique=False)
    op.create_index(
        op.f("ix_rescue_record_id_number"), "rescue_record", ["id_number"], unique=False
    )
    op.create_table(
        "temporary_case",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("application_date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("multiple", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("standard_monthly", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("max_multiple", sa.Numeric(precision=8, scale=4), nullable=False),
        sa.Column("township_limit_multiple", sa.Numeric(precision=8, scale=4), nullable=False),
        sa.Column("income_per_person_yearly", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("average_disposable_income", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("major_hardship", sa.Boolean(), nullable=False),
        sa.Column("major_hardship_reason", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rejected_by", sa.String(length=200), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paid_by", sa.String(length=200), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
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
            "(status = 'paid') = (paid_at IS NOT NULL)", name=op.f("ck_temporary_case_paid_once")
        ),
        sa.CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)",
            name=op.f("ck_temporary_case_rejected_with_reason"),
        ),
        sa.CheckConstraint(
            "cause IN ('illness', 'accident', 'disaster', 'fire', 'education', 'epidemic', 'other')",
            name=op.f("ck_temporary_case_cause_known"),
        ),
        sa.CheckConstraint(
            "kind <> 'spending' OR income_per_person_yearly < average_disposable_income",
            name=op.f("ck_temporary_case_spending_income_below_average"),
        ),
        sa.CheckConstraint(
            "kind IN ('emergency', 'spending')", name=op.f("ck_temporary_case_kind_known")
        ),
        sa.CheckConstraint(
            "status <> 'township_approved' OR amount <= standard_monthly * township_limit_multiple",
            name=op.f("ck_temporary_case_township_within_limit"),
        ),
        sa.CheckConstraint(
            "status IN ('applied', 'township_approved', 'county_approved', 'paid', 'rejected')",
            name=op.f("ck_temporary_case_status_known"),
        ),
        sa.CheckConstraint(
            "NOT major_hardship OR major_hardship_reason IS NOT NULL",
            name=op.f("ck_temporary_case_major_hardship_reason"),
        ),
        sa.CheckConstraint(
            "amount <= standard_monthly * max_multiple OR major_hardship",
            name=op.f("ck_temporary_case_within_max_multiple"),
        ),
        sa.CheckConstraint(
            "amount > 0 AND standard_monthly > 0", name=op.f("ck_temporary_case_amount_positive")
        ),
        sa.CheckConstraint(
            "year = EXTRACT(YEAR FROM application_date)",
            name=op.f("ck_temporary_case_year_of_application"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_temporary_case")),
    )
    op.create_index(
        op.f("ix_temporary_case_area_code"), "temporary_case", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_temporary_case_id_number"), "temporary_case", ["id_number"], unique=False
    )
    op.create_index(
        "ix_temporary_case_year_status", "temporary_case", ["year", "status"], unique=False
    )
    op.create_index(
        "uq_temporary_case_person_cause_year",
        "temporary_case",
        ["id_number", "cause", "year"],
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    )
    op.create_table(
        "helper_visit",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
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
            ["assignment_id"],
            ["helper_assignment.id"],
            name=op.f("fk_helper_visit_assignment_id_helper_assignment"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helper_visit")),
    )
    op.create_index(
        "ix_helper_visit_assignment_date",
        "helper_visit",
        ["assignment_id", "visit_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_helper_visit_assignment_date", table_name="helper_visit")
    op.drop_table("helper_visit")
    op.drop_index(
        "uq_temporary_case_person_cause_year",
        table_name="temporary_case",
        postgresql_where=sa.text("status <> 'rejected'"),
    )
    op.drop_index("ix_temporary_case_year_status", table_name="temporary_case")
    op.drop_index(op.f("ix_temporary_case_id_number"), table_name="temporary_case")
    op.drop_index(op.f("ix_temporary_case_area_code"), table_name="temporary_case")
    op.drop_table("temporary_case")
    op.drop_index(op.f("ix_rescue_record_id_number"), table_name="rescue_record")
    op.drop_index("ix_rescue_record_found_date", table_name="rescue_record")
    op.drop_index(op.f("ix_rescue_record_area_code"), table_name="rescue_record")
    op.drop_table("rescue_record")
    op.drop_index(
        "uq_helper_assignment_one_active",
        table_name="helper_assignment",
        postgresql_where=sa.text("end_date IS NULL"),
    )
    op.drop_index(op.f("ix_helper_assignment_id_number"), table_name="helper_assignment")
    op.drop_index(op.f("ix_helper_assignment_area_code"), table_name="helper_assignment")
    op.drop_table("helper_assignment")
