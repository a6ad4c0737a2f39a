"""communities and their three councils and covenant, community workers, social-work projects

Revision ID: 5ad7c2e8565a
Revises: 35cd325627ba
Create Date: 2026-11-28 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ad7c2e8565a"
down_revision: str | None = "35cd325627ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community",
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("pilot_year", sa.SmallInteger(), nullable=True),
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
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_community_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "households >= 0 AND households <= population",
            name=op.f("ck_community_households_range"),
        ),
        sa.CheckConstraint(
            "pilot_year BETWEEN 2000 AND 2100", name=op.f("ck_community_pilot_year_range")
        ),
        sa.CheckConstraint("population >= 0", name=op.f("ck_community_population_non_negative")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["division.code"],
            name=op.f("fk_community_area_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_community")),
    )
    op.create_table(
        "community_council",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("established_date", sa.Date(), nullable=False),
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
            "kind IN ('consultation_council', 'council', 'supervision_committee')",
            name=op.f("ck_community_council_kind_known"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["community.area_code"],
            name=op.f("fk_community_council_area_code_community"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_council")),
        sa.UniqueConstraint("area_code", "kind", name=op.f("uq_community_council_area_code_kind")),
    )
    op.create_table(
        "community_worker",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("post", sa.String(length=30), nullable=False),
        sa.Column("salary_grade", sa.SmallInteger(), nullable=False),
        sa.Column("hired_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), server_default="active", nullable=False),
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
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_community_worker_id_number_format")
        ),
        sa.CheckConstraint(
            "post IN ('party_secretary', 'director', 'secretary_and_director', 'deputy', 'committee_member', 'full_time_worker', 'grid_worker')",
            name=op.f("ck_community_worker_post_known"),
        ),
        sa.CheckConstraint(
            "status = 'active' OR status_date IS NOT NULL",
            name=op.f("ck_community_worker_status_dated"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'on_leave', 'left')",
            name=op.f("ck_community_worker_status_known"),
        ),
        sa.CheckConstraint(
            "salary_grade >= 1", name=op.f("ck_community_worker_salary_grade_positive")
        ),
        sa.CheckConstraint(
            "status_date IS NULL OR status_date >= hired_date",
            name=op.f("ck_community_worker_status_after_hire"),
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["community.area_code"],
            name=op.f("fk_community_worker_area_code_community"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_worker")),
    )
    op.create_index(
        op.f("ix_community_worker_area_code"), "community_worker", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_community_worker_id_number"), "community_worker", ["id_number"], unique=False
    )
    op.create_index(
        "uq_community_worker_one_director",
        "community_worker",
        ["area_code"],
        unique=True,
        postgresql_where=sa.text(
            "post IN ('director', 'secretary_and_director') AND status <> 'left'"
        ),
    )
    op.create_index(
        "uq_community_worker_one_post",
        "community_worker",
        ["id_number"],
        unique=True,
        postgresql_where=sa.text("status <> 'left'"),
    )
    op.create_index(
        "uq_community_worker_one_secretary",
        "community_worker",
        ["area_code"],
        unique=True,
        postgresql_where=sa.text(
            "post IN ('party_secretary', 'secretary_and_director') AND status <> 'left'"
        ),
    )
    op.create_table(
        "community_worker_quota",
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("quota", sa.SmallInteger(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
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
        sa.CheckConstraint("quota >= 0", name=op.f("ck_community_worker_quota_quota_non_negative")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["community.area_code"],
            name=op.f("fk_community_worker_quota_area_code_community"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("area_code", name=op.f("pk_community_worker_quota")),
    )
    op.create_table(
        "covenant_version",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("version_number", sa.SmallInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("adopted_date", sa.Date(), nullable=False),
        sa.Column("superseded_date", sa.Date(), nullable=True),
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
        sa.CheckConstraint(
            "superseded_date IS NULL OR superseded_date > adopted_date",
            name=op.f("ck_covenant_version_superseded_after_adopted"),
        ),
        sa.CheckConstraint(
            "version_number >= 1", name=op.f("ck_covenant_version_version_number_positive")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["community.area_code"],
            name=op.f("fk_covenant_version_area_code_community"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_version")),
        sa.UniqueConstraint(
            "area_code", "version_number", name=op.f("uq_covenant_version_area_code_version_number")
        ),
    )
    op.create_index(
        "ix_covenant_version_adopted_date", "covenant_version", ["adopted_date"], unique=False
    )
    op.create_index(
        "uq_covenant_version_one_current",
        "covenant_version",
        ["area_code"],
        unique=True,
        postgresql_where=sa.text("superseded_date IS NULL"),
    )
    op.create_table(
        "social_work_project",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("pilot", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("service", sa.Text(), nullable=False),
        sa.Column("provider_name", sa.String(length=200), nullable=False),
        sa.Column("provider_credit_code", sa.String(length=18), nullable=True),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
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
            "kind IN ('psychological_aid', 'elderly_care', 'child_welfare', 'disability_support', 'social_assistance', 'community_governance', 'other')",
            name=op.f("ck_social_work_project_kind_known"),
        ),
        sa.CheckConstraint(
            "provider_credit_code IS NULL OR provider_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'",
            name=op.f("ck_social_work_project_credit_code_format"),
        ),
        sa.CheckConstraint("budget >= 0", name=op.f("ck_social_work_project_budget_non_negative")),
        sa.CheckConstraint(
            "end_date >= start_date", name=op.f("ck_social_work_project_end_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["community.area_code"],
            name=op.f("fk_social_work_project_area_code_community"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_work_project")),
        sa.UniqueConstraint(
            "area_code",
            "name",
            "start_date",
            name=op.f("uq_social_work_project_area_code_name_start_date"),
        ),
    )
    op.create_index(
        op.f("ix_social_work_project_area_code"), "social_work_project", ["area_code"], unique=False
    )
    op.create_index(
        "ix_social_work_project_period",
        "social_work_project",
        ["start_date", "end_date"],
        unique=False,
    )
    op.create_table(
        "council_meeting",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("council_id", sa.Uuid(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.Column("attendance", sa.SmallInteger(), nullable=False),
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
        sa.CheckConstraint("attendance >= 1", name=op.f("ck_council_meeting_attendance_positive")),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["community_council.id"],
            name=op.f("fk_council_meeting_council_id_community_council"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_meeting")),
    )
    op.create_index(
        "ix_council_meeting_council_date",
        "council_meeting",
        ["council_id", "meeting_date"],
        unique=False,
    )
    op.create_index(
        "ix_council_meeting_meeting_date", "council_meeting", ["meeting_date"], unique=False
    )
    op.create_table(
        "council_member",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("council_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
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
            "role IN ('chair', 'vice_chair', 'member')", name=op.f("ck_council_member_role_known")
        ),
        sa.CheckConstraint(
            "until IS NULL OR until > since", name=op.f("ck_council_member_until_after_since")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["community_council.id"],
            name=op.f("fk_council_member_council_id_community_council"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_member")),
    )
    op.create_index(
        op.f("ix_council_member_council_id"), "council_member", ["council_id"], unique=False
    )
    op.create_index(
        "uq_council_member_one_chair",
        "council_member",
        ["council_id"],
        unique=True,
        postgresql_where=sa.text("role = 'chair' AND until IS NULL"),
    )
    op.create_table(
        "covenant_recognition",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("recognised_by", sa.String(length=200), nullable=False),
        sa.Column("honour", sa.String(length=200), nullable=True),
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
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_covenant_recognition_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["covenant_version.id"],
            name=op.f("fk_covenant_recognition_version_id_covenant_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_covenant_recognition")),
        sa.UniqueConstraint(
            "version_id",
            "year",
            "recognised_by",
            name=op.f("uq_covenant_recognition_version_id_year_recognised_by"),
        ),
    )
    op.create_index(
        op.f("ix_covenant_recognition_version_id"),
        "covenant_recognition",
        ["version_id"],
        unique=False,
    )
    op.create_index("ix_covenant_recognition_year", "covenant_recognition", ["year"], unique=False)
    op.create_table(
        "worker_assessment",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("result", sa.String(length=30), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
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
        sa.CheckConstraint(
            "result IN ('excellent', 'competent', 'basically_competent', 'incompetent')",
            name=op.f("ck_worker_assessment_result_known"),
        ),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_worker_assessment_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["community_worker.id"],
            name=op.f("fk_worker_assessment_worker_id_community_worker"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_assessment")),
        sa.UniqueConstraint("worker_id", "year", name=op.f("uq_worker_assessment_worker_id_year")),
    )
    op.create_index("ix_worker_assessment_year", "worker_assessment", ["year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_worker_assessment_year", table_name="worker_assessment")
    op.drop_table("worker_assessment")
    op.drop_index("ix_covenant_recognition_year", table_name="covenant_recognition")
    op.drop_index(op.f("ix_covenant_recognition_version_id"), table_name="covenant_recognition")
    op.drop_table("covenant_recognition")
    op.drop_index(
        "uq_council_member_one_chair",
        table_name="council_member",
        postgresql_where=sa.text("role = 'chair' AND until IS NULL"),
    )
    op.drop_index(op.f("ix_council_member_council_id"), table_name="council_member")
    op.drop_table("council_member")
    op.drop_index("ix_council_meeting_meeting_date", table_name="council_meeting")
    op.drop_index("ix_council_meeting_council_date", table_name="council_meeting")
    op.drop_table("council_meeting")
    op.drop_index("ix_social_work_project_period", table_name="social_work_project")
    op.drop_index(op.f("ix_social_work_project_area_code"), table_name="social_work_project")
    op.drop_table("social_work_project")
    op.drop_index(
        "uq_covenant_version_one_current",
        table_name="covenant_version",
        postgresql_where=sa.text("superseded_date IS NULL"),
    )
    op.drop_index("ix_covenant_version_adopted_date", table_name="covenant_version")
    op.drop_table("covenant_version")
    op.drop_table("community_worker_quota")
    op.drop_index(
        "uq_community_worker_one_secretary",
        table_name="community_worker",
        postgresql_where=sa.text(
            "post IN ('party_secretary', 'secretary_and_director') AND status <> 'left'"
        ),
    )
    op.drop_index(
        "uq_community_worker_one_post",
        table_name="community_worker",
        postgresql_where=sa.text("status <> 'left'"),
    )
    op.drop_index(
        "uq_community_worker_one_director",
        table_name="community_worker",
        postgresql_where=sa.text(
            "post IN ('director', 'secretary_and_director') AND status <> 'left'"
        ),
    )
    op.drop_index(op.f("ix_community_worker_id_number"), table_name="community_worker")
    op.drop_index(op.f("ix_community_worker_area_code"), table_name="community_worker")
    op.drop_table("community_worker")
    op.drop_table("community_council")
    op.drop_table("community")
