"""Social organisations (register, yearly inspections, illegal-organisation cases) and
charity (projects, donations)

Revision ID: 8b0116e5992e
Revises: 5ad7c2e8565a
Create Date: 2026-11-28 17:55:30.491149
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b0116e5992e"
down_revision: str | None = "5ad7c2e8565a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "charity_project",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("goal_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
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
            "purpose IN ('epidemic', 'poverty', 'education', 'disaster', 'other')",
            name=op.f("ck_charity_project_purpose_known"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'active', 'completed', 'terminated')",
            name=op.f("ck_charity_project_status_known"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('completed', 'terminated') OR end_date IS NOT NULL",
            name=op.f("ck_charity_project_ended_with_date"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_charity_project_end_after_start"),
        ),
        sa.CheckConstraint("goal_amount > 0", name=op.f("ck_charity_project_goal_positive")),
        sa.CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9",
            name=op.f("ck_charity_project_township_level"),
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_charity_project_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charity_project")),
        sa.UniqueConstraint("organiser", "name", name=op.f("uq_charity_project_organiser_name")),
    )
    op.create_index(op.f("ix_charity_project_status"), "charity_project", ["status"], unique=False)
    op.create_index(
        op.f("ix_charity_project_township_code"), "charity_project", ["township_code"], unique=False
    )
    op.create_table(
        "illegal_organisation_case",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_detail", sa.Text(), nullable=True),
        sa.Column("opened_date", sa.Date(), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("activities", sa.Text(), nullable=True),
        sa.Column("investigation_notes", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("outcome_notes", sa.Text(), nullable=True),
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
            "outcome IN ('dispersed', 'banned', 'transferred', 'closed_no_case')",
            name=op.f("ck_illegal_organisation_case_outcome_known"),
        ),
        sa.CheckConstraint(
            "source <> 'other' OR source_detail IS NOT NULL",
            name=op.f("ck_illegal_organisation_case_other_explained"),
        ),
        sa.CheckConstraint(
            "source IN ('report', 'inspection', 'online_check', 'transfer', 'other')",
            name=op.f("ck_illegal_organisation_case_source_known"),
        ),
        sa.CheckConstraint(
            "(outcome IS NULL) = (outcome_date IS NULL)",
            name=op.f("ck_illegal_organisation_case_closed_with_date"),
        ),
        sa.CheckConstraint(
            "outcome_date IS NULL OR outcome_date >= opened_date",
            name=op.f("ck_illegal_organisation_case_closed_after_opened"),
        ),
        sa.CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9",
            name=op.f("ck_illegal_organisation_case_township_level"),
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_illegal_organisation_case_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_illegal_organisation_case")),
    )
    op.create_index(
        "ix_illegal_organisation_case_outcome_date",
        "illegal_organisation_case",
        ["outcome_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_illegal_organisation_case_township_code"),
        "illegal_organisation_case",
        ["township_code"],
        unique=False,
    )
    op.create_table(
        "social_organisation",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_type", sa.String(length=30), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("registration_date", sa.Date(), nullable=False),
        sa.Column("registering_authority", sa.String(length=100), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("legal_representative", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("business_scope", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
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
            "left(credit_code, 1) = '5' AND substr(credit_code, 2, 1) = CASE org_type WHEN 'social_group' THEN '1' WHEN 'social_service_agency' THEN '2' WHEN 'foundation' THEN '3' END",
            name=op.f("ck_social_organisation_credit_code_matches_type"),
        ),
        sa.CheckConstraint(
            "org_type IN ('social_group', 'social_service_agency', 'foundation')",
            name=op.f("ck_social_organisation_org_type_known"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'deregistered', 'revoked')",
            name=op.f("ck_social_organisation_status_known"),
        ),
        sa.CheckConstraint(
            "status_date IS NULL OR status_date >= registration_date",
            name=op.f("ck_social_organisation_status_after_registration"),
        ),
        sa.CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9",
            name=op.f("ck_social_organisation_township_level"),
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_social_organisation_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_organisation")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_social_organisation_credit_code")),
    )
    op.create_index(
        op.f("ix_social_organisation_org_type"), "social_organisation", ["org_type"], unique=False
    )
    op.create_index(
        op.f("ix_social_organisation_status"), "social_organisation", ["status"], unique=False
    )
    op.create_index(
        op.f("ix_social_organisation_township_code"),
        "social_organisation",
        ["township_code"],
        unique=False,
    )
    op.create_index(
        "uq_social_organisation_registered_name",
        "social_organisation",
        ["name"],
        unique=True,
        postgresql_where=sa.text("status IN ('active', 'suspended')"),
    )
    op.create_table(
        "donation",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("donor_name", sa.String(length=200), nullable=False),
        sa.Column("donor_kind", sa.String(length=20), nullable=False),
        sa.Column("donation_date", sa.Date(), nullable=False),
        sa.Column("form", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("goods_description", sa.String(length=500), nullable=True),
        sa.Column("goods_quantity", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("goods_unit", sa.String(length=20), nullable=True),
        sa.Column("goods_value", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("purpose_note", sa.String(length=500), nullable=True),
        sa.Column("receiving_body", sa.String(length=200), nullable=False),
        sa.Column("receipt_number", sa.String(length=50), nullable=False),
        sa.Column("township_code", sa.String(length=9), nullable=True),
        sa.Column("project_id", sa.Uuid(), nullable=True),
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
            "(form = 'money' AND amount > 0 AND goods_description IS NULL AND goods_quantity IS NULL AND goods_unit IS NULL AND goods_value IS NULL) OR (form = 'goods' AND amount IS NULL AND goods_description IS NOT NULL AND goods_quantity > 0 AND goods_unit IS NOT NULL AND goods_value > 0)",
            name=op.f("ck_donation_money_or_goods"),
        ),
        sa.CheckConstraint(
            "donor_kind IN ('person', 'organisation')", name=op.f("ck_donation_donor_kind_known")
        ),
        sa.CheckConstraint("form IN ('money', 'goods')", name=op.f("ck_donation_form_known")),
        sa.CheckConstraint(
            "purpose IN ('epidemic', 'poverty', 'education', 'disaster', 'other')",
            name=op.f("ck_donation_purpose_known"),
        ),
        sa.CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9",
            name=op.f("ck_donation_township_level"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["charity_project.id"],
            name=op.f("fk_donation_project_id_charity_project"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_donation_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation")),
        sa.UniqueConstraint(
            "receiving_body",
            "receipt_number",
            name=op.f("uq_donation_receiving_body_receipt_number"),
        ),
    )
    op.create_index(
        "ix_donation_donation_date_purpose", "donation", ["donation_date", "purpose"], unique=False
    )
    op.create_index(op.f("ix_donation_project_id"), "donation", ["project_id"], unique=False)
    op.create_index(op.f("ix_donation_township_code"), "donation", ["township_code"], unique=False)
    op.create_table(
        "social_organisation_inspection",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=30), nullable=False),
        sa.Column("inspected_date", sa.Date(), nullable=True),
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
            "result IN ('qualified', 'basically_qualified', 'unqualified', 'not_inspected')",
            name=op.f("ck_social_organisation_inspection_result_known"),
        ),
        sa.CheckConstraint(
            "result NOT IN ('unqualified', 'not_inspected') OR notes IS NOT NULL",
            name=op.f("ck_social_organisation_inspection_failure_explained"),
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_social_organisation_inspection_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["social_organisation.id"],
            name=op.f("fk_social_organisation_inspection_organisation_id_social_organisation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_organisation_inspection")),
        sa.UniqueConstraint(
            "organisation_id",
            "year",
            name=op.f("uq_social_organisation_inspection_organisation_id_year"),
        ),
    )
    op.create_index(
        "ix_social_organisation_inspection_year",
        "social_organisation_inspection",
        ["year"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_social_organisation_inspection_year", table_name="social_organisation_inspection"
    )
    op.drop_table("social_organisation_inspection")
    op.drop_index(op.f("ix_donation_township_code"), table_name="donation")
    op.drop_index(op.f("ix_donation_project_id"), table_name="donation")
    op.drop_index("ix_donation_donation_date_purpose", table_name="donation")
    op.drop_table("donation")
    op.drop_index(
        "uq_social_organisation_registered_name",
        table_name="social_organisation",
        postgresql_where=sa.text("status IN ('active', 'suspended')"),
    )
    op.drop_index(op.f("ix_social_organisation_township_code"), table_name="social_organisation")
    op.drop_index(op.f("ix_social_organisation_status"), table_name="social_organisation")
    op.drop_index(op.f("ix_social_organisation_org_type"), table_name="social_organisation")
    op.drop_table("social_organisation")
    op.drop_index(
        op.f("ix_illegal_organisation_case_township_code"), table_name="illegal_organisation_case"
    )
    op.drop_index(
        "ix_illegal_organisation_case_outcome_date", table_name="illegal_organisation_case"
    )
    op.drop_table("illegal_organisation_case")
    op.drop_index(op.f("ix_charity_project_township_code"), table_name="charity_project")
    op.drop_index(op.f("ix_charity_project_status"), table_name="charity_project")
    op.drop_table("charity_project")
