"""children and workforce: child files, orphan and de facto unsupported cases, child
directors and supervisors with their training

One table holds both kinds of support case so that one exclusion constraint keeps a
child in at most one (non-revoked) case a month: never an orphan and de facto
unsupported at once. The ID number takes part as a
one-point int8range (GiST's own ranges; btree_gist is not in the embedded PostgreSQL).

Revision ID: 8745cc010556
Revises: d9bdbb85e023
Create Date: 2026-11-28 20:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8745cc010556"
down_revision: str | None = "d9bdbb85e023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "child_support_case",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("scheme", sa.String(length=30), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("father_state", sa.String(length=30), nullable=False),
        sa.Column("father_disability_category", sa.String(length=20), nullable=True),
        sa.Column("father_disability_grade", sa.SmallInteger(), nullable=True),
        sa.Column("father_out_of_contact_since", sa.Date(), nullable=True),
        sa.Column("mother_state", sa.String(length=30), nullable=False),
        sa.Column("mother_disability_category", sa.String(length=20), nullable=True),
        sa.Column("mother_disability_grade", sa.SmallInteger(), nullable=True),
        sa.Column("mother_out_of_contact_since", sa.Date(), nullable=True),
        sa.Column("orphan_kind", sa.String(length=20), nullable=True),
        sa.Column("institution_name", sa.String(length=200), nullable=True),
        sa.Column(
            "other_support_monthly",
            sa.Numeric(precision=14, scale=2),
            server_default=sa.text("0"),
            nullable=False,
        ),
        sa.Column("other_support_note", sa.Text(), nullable=True),
        sa.Column("guardian_name", sa.String(length=100), nullable=True),
        sa.Column("guardian_relation", sa.String(length=20), nullable=True),
        sa.Column("guardian_phone", sa.String(length=20), nullable=True),
        sa.Column("guardian_id_number", sa.String(length=18), nullable=True),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("assessed_date", sa.Date(), nullable=False),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("end_period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column("end_reason", sa.String(length=30), nullable=True),
        sa.Column("changed_date", sa.Date(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
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
            (
                sa.text(
                    "int4range((left(start_period, 4)::integer * 12 + right(start_period, 2)::integer), (left(end_period, 4)::integer * 12 + right(end_period, 2)::integer), '[]')"
                ),
                "&&",
            ),
            where=sa.text("status <> 'revoked'"),
            using="gist",
            name="ex_child_support_case_one_case_a_month",
        ),
        sa.CheckConstraint(
            "(father_state = 'disabled') = (father_disability_category IS NOT NULL AND father_disability_grade IS NOT NULL) AND (father_disability_category IS NULL) = (father_disability_grade IS NULL)",
            name=op.f("ck_child_support_case_father_disability_when_disabled"),
        ),
        sa.CheckConstraint(
            "(father_state = 'out_of_contact') = (father_out_of_contact_since IS NOT NULL)",
            name=op.f("ck_child_support_case_father_since_when_out_of_contact"),
        ),
        sa.CheckConstraint(
            "(mother_state = 'disabled') = (mother_disability_category IS NOT NULL AND mother_disability_grade IS NOT NULL) AND (mother_disability_category IS NULL) = (mother_disability_grade IS NULL)",
            name=op.f("ck_child_support_case_mother_disability_when_disabled"),
        ),
        sa.CheckConstraint(
            "(mother_state = 'out_of_contact') = (mother_out_of_contact_since IS NOT NULL)",
            name=op.f("ck_child_support_case_mother_since_when_out_of_contact"),
        ),
        sa.CheckConstraint(
            "(orphan_kind IS NOT DISTINCT FROM 'institution') = (institution_name IS NOT NULL)",
            name=op.f("ck_child_support_case_institution_named"),
        ),
        sa.CheckConstraint(
            "(status = 'ended') = (end_reason IS NOT NULL) AND (status = 'active') = (changed_date IS NULL)",
            name=op.f("ck_child_support_case_ended_with_reason"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_child_support_case_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "end_reason IS NULL OR end_reason IN ('adopted', 'parent_returned', 'died', 'moved_away', 'scheme_changed', 'other')",
            name=op.f("ck_child_support_case_end_reason_known"),
        ),
        sa.CheckConstraint(
            "father_disability_category IS NULL OR father_disability_category IN ('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple')",
            name=op.f("ck_child_support_case_father_disability_category_known"),
        ),
        sa.CheckConstraint(
            "father_state IN ('normal', 'dead', 'missing', 'disabled', 'seriously_ill', 'imprisoned', 'compulsory_rehabilitation', 'detained', 'out_of_contact')",
            name=op.f("ck_child_support_case_father_state_known"),
        ),
        sa.CheckConstraint(
            "guardian_id_number IS NULL OR guardian_id_number ~ '^[0-9]{17}[0-9X]$'",
            name=op.f("ck_child_support_case_guardian_id_number_format"),
        ),
        sa.CheckConstraint(
            "guardian_relation IS NULL OR guardian_relation IN ('father', 'mother', 'grandparent', 'sibling', 'other_relative', 'entrusted', 'institution')",
            name=op.f("ck_child_support_case_guardian_relation_known"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_child_support_case_id_number_format")
        ),
        sa.CheckConstraint(
            "mother_disability_category IS NULL OR mother_disability_category IN ('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple')",
            name=op.f("ck_child_support_case_mother_disability_category_known"),
        ),
        sa.CheckConstraint(
            "mother_state IN ('normal', 'dead', 'missing', 'disabled', 'seriously_ill', 'imprisoned', 'compulsory_rehabilitation', 'detained', 'out_of_contact')",
            name=op.f("ck_child_support_case_mother_state_known"),
        ),
        sa.CheckConstraint(
            "orphan_kind IS NULL OR orphan_kind IN ('scattered', 'institution')",
            name=op.f("ck_child_support_case_orphan_kind_known"),
        ),
        sa.CheckConstraint(
            "scheme <> 'de_facto_unsupported' OR (orphan_kind IS NULL AND guardian_name IS NOT NULL)",
            name=op.f("ck_child_support_case_unsupported_fields"),
        ),
        sa.CheckConstraint(
            "scheme <> 'orphan' OR (orphan_kind IS NOT NULL AND father_state IN ('dead', 'missing') AND mother_state IN ('dead', 'missing') AND other_support_monthly = 0)",
            name=op.f("ck_child_support_case_orphan_fields"),
        ),
        sa.CheckConstraint(
            "scheme IN ('orphan', 'de_facto_unsupported')",
            name=op.f("ck_child_support_case_scheme_known"),
        ),
        sa.CheckConstraint(
            "start_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND end_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'",
            name=op.f("ck_child_support_case_periods"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'ended', 'revoked')",
            name=op.f("ck_child_support_case_status_known"),
        ),
        sa.CheckConstraint(
            "(guardian_name IS NULL) = (guardian_relation IS NULL)",
            name=op.f("ck_child_support_case_guardian_complete"),
        ),
        sa.CheckConstraint(
            "end_period >= start_period", name=op.f("ck_child_support_case_end_after_start")
        ),
        sa.CheckConstraint(
            "father_disability_grade BETWEEN 1 AND 4",
            name=op.f("ck_child_support_case_father_disability_grade_range"),
        ),
        sa.CheckConstraint(
            "mother_disability_grade BETWEEN 1 AND 4",
            name=op.f("ck_child_support_case_mother_disability_grade_range"),
        ),
        sa.CheckConstraint(
            "other_support_monthly >= 0",
            name=op.f("ck_child_support_case_other_support_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_support_case")),
    )
    op.create_index(
        op.f("ix_child_support_case_area_code"), "child_support_case", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_child_support_case_id_number"), "child_support_case", ["id_number"], unique=False
    )
    op.create_index(
        op.f("ix_child_support_case_name"), "child_support_case", ["name"], unique=False
    )
    op.create_index(
        "ix_child_support_case_payable",
        "child_support_case",
        ["scheme", "status", "start_period"],
        unique=False,
    )
    op.create_table(
        "child_welfare_worker",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("appointed_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column("left_date", sa.Date(), nullable=True),
        sa.Column("left_reason", sa.Text(), nullable=True),
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
            "(role = 'director' AND area_code ~ '^429006[0-9]{6}$') OR (role = 'supervisor' AND area_code ~ '^429006[0-9]{3}$')",
            name=op.f("ck_child_welfare_worker_area_fits_role"),
        ),
        sa.CheckConstraint(
            "(status = 'left') = (left_date IS NOT NULL)",
            name=op.f("ck_child_welfare_worker_left_with_date"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_child_welfare_worker_id_number_format")
        ),
        sa.CheckConstraint(
            "role IN ('director', 'supervisor')", name=op.f("ck_child_welfare_worker_role_known")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'left')", name=op.f("ck_child_welfare_worker_status_known")
        ),
        sa.CheckConstraint(
            "left_date IS NULL OR left_date >= appointed_date",
            name=op.f("ck_child_welfare_worker_left_after"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_welfare_worker")),
        sa.UniqueConstraint("id", "area_code", name=op.f("uq_child_welfare_worker_id_area_code")),
    )
    op.create_index(
        op.f("ix_child_welfare_worker_area_code"),
        "child_welfare_worker",
        ["area_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_child_welfare_worker_id_number"),
        "child_welfare_worker",
        ["id_number"],
        unique=False,
    )
    op.create_index(
        "uq_child_welfare_worker_one_per_area",
        "child_welfare_worker",
        ["role", "area_code"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "uq_child_welfare_worker_one_post_per_person",
        "child_welfare_worker",
        ["role", "id_number"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "child_file",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("guardian_name", sa.String(length=100), nullable=False),
        sa.Column("guardian_relation", sa.String(length=20), nullable=False),
        sa.Column("guardian_phone", sa.String(length=20), nullable=True),
        sa.Column("guardian_id_number", sa.String(length=18), nullable=True),
        sa.Column("school", sa.String(length=200), nullable=True),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("director_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), server_default="active", nullable=False),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.Column("closed_date", sa.Date(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
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
            "(status = 'closed') = (close_reason IS NOT NULL AND closed_date IS NOT NULL)",
            name=op.f("ck_child_file_closed_with_reason"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_child_file_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "category IN ('left_behind', 'hardship', 'both')",
            name=op.f("ck_child_file_category_known"),
        ),
        sa.CheckConstraint(
            "close_reason IS NULL OR close_reason IN ('turned_18', 'parents_returned', 'situation_improved', 'moved_away', 'died', 'other')",
            name=op.f("ck_child_file_close_reason_known"),
        ),
        sa.CheckConstraint(
            "guardian_id_number IS NULL OR guardian_id_number ~ '^[0-9]{17}[0-9X]$'",
            name=op.f("ck_child_file_guardian_id_number_format"),
        ),
        sa.CheckConstraint(
            "guardian_relation IN ('father', 'mother', 'grandparent', 'sibling', 'other_relative', 'entrusted', 'institution')",
            name=op.f("ck_child_file_relation_known"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_child_file_id_number_format")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'closed')", name=op.f("ck_child_file_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["director_id", "area_code"],
            ["child_welfare_worker.id", "child_welfare_worker.area_code"],
            name=op.f("fk_child_file_director_id_child_welfare_worker"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_file")),
        sa.UniqueConstraint("id_number", name=op.f("uq_child_file_id_number")),
    )
    op.create_index(op.f("ix_child_file_area_code"), "child_file", ["area_code"], unique=False)
    op.create_index(op.f("ix_child_file_director_id"), "child_file", ["director_id"], unique=False)
    op.create_index(op.f("ix_child_file_name"), "child_file", ["name"], unique=False)
    op.create_table(
        "child_welfare_training",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("worker_id", sa.Uuid(), nullable=False),
        sa.Column("training_date", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=1), nullable=False),
        sa.Column("organiser", sa.String(length=200), nullable=False),
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
            "hours > 0 AND hours <= 200", name=op.f("ck_child_welfare_training_hours_range")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["child_welfare_worker.id"],
            name=op.f("fk_child_welfare_training_worker_id_child_welfare_worker"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child_welfare_training")),
        sa.UniqueConstraint(
            "worker_id",
            "training_date",
            "topic",
            name=op.f("uq_child_welfare_training_worker_id_training_date_topic"),
        ),
    )
    op.create_index(
        op.f("ix_child_welfare_training_training_date"),
        "child_welfare_training",
        ["training_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_child_welfare_training_worker_id"),
        "child_welfare_training",
        ["worker_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_child_welfare_training_worker_id"), table_name="child_welfare_training")
    op.drop_index(
        op.f("ix_child_welfare_training_training_date"), table_name="child_welfare_training"
    )
    op.drop_table("child_welfare_training")
    op.drop_index(op.f("ix_child_file_name"), table_name="child_file")
    op.drop_index(op.f("ix_child_file_director_id"), table_name="child_file")
    op.drop_index(op.f("ix_child_file_area_code"), table_name="child_file")
    op.drop_table("child_file")
    op.drop_index(
        "uq_child_welfare_worker_one_post_per_person",
        table_name="child_welfare_worker",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        "uq_child_welfare_worker_one_per_area",
        table_name="child_welfare_worker",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(op.f("ix_child_welfare_worker_id_number"), table_name="child_welfare_worker")
    op.drop_index(op.f("ix_child_welfare_worker_area_code"), table_name="child_welfare_worker")
    op.drop_table("child_welfare_worker")
    op.drop_index("ix_child_support_case_payable", table_name="child_support_case")
    op.drop_index(op.f("ix_child_support_case_name"), table_name="child_support_case")
    op.drop_index(op.f("ix_child_support_case_id_number"), table_name="child_support_case")
    op.drop_index(op.f("ix_child_support_case_area_code"), table_name="child_support_case")
    op.drop_table("child_support_case")
