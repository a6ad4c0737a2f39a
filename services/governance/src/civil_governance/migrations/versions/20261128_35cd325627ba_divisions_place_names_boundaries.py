"""Division renames and the no-duplicate-sibling rule, the place-name register with its
naming history, township boundary lines (verifications, disputes) and survey training

Revision ID: 35cd325627ba
Revises: 5b1d0c2e7a41
Create Date: 2026-11-28 17:57:43.998006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "35cd325627ba"
down_revision: str | None = "5b1d0c2e7a41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "boundary_training",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("held_date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
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
            "participants > 0", name=op.f("ck_boundary_training_participants_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_training")),
        sa.UniqueConstraint(
            "held_date", "place", "topic", name=op.f("uq_boundary_training_held_date_place_topic")
        ),
    )
    op.create_index(
        op.f("ix_boundary_training_held_date"), "boundary_training", ["held_date"], unique=False
    )
    op.create_table(
        "boundary_line",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("township_a_code", sa.String(length=12), nullable=False),
        sa.Column("township_b_code", sa.String(length=12), nullable=False),
        sa.Column("length_km", sa.Numeric(precision=9, scale=3), nullable=False),
        sa.Column("survey_status", sa.String(length=20), nullable=False),
        sa.Column("survey_batch", sa.String(length=50), nullable=True),
        sa.Column("surveyed_date", sa.Date(), nullable=True),
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
            "survey_status IN ('not_surveyed', 'surveyed', 'verified', 'disputed')",
            name=op.f("ck_boundary_line_survey_status_known"),
        ),
        sa.CheckConstraint(
            "survey_status NOT IN ('surveyed', 'verified') OR surveyed_date IS NOT NULL",
            name=op.f("ck_boundary_line_surveyed_has_survey"),
        ),
        sa.CheckConstraint(
            "(survey_batch IS NULL) = (surveyed_date IS NULL)",
            name=op.f("ck_boundary_line_survey_complete"),
        ),
        sa.CheckConstraint(
            "length(township_a_code) = 9 AND length(township_b_code) = 9",
            name=op.f("ck_boundary_line_townships_are_township_level"),
        ),
        sa.CheckConstraint("length_km > 0", name=op.f("ck_boundary_line_length_positive")),
        sa.CheckConstraint(
            "township_a_code < township_b_code", name=op.f("ck_boundary_line_townships_ordered")
        ),
        sa.ForeignKeyConstraint(
            ["township_a_code"],
            ["division.code"],
            name=op.f("fk_boundary_line_township_a_code_division"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["township_b_code"],
            ["division.code"],
            name=op.f("fk_boundary_line_township_b_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_line")),
        sa.UniqueConstraint(
            "township_a_code",
            "township_b_code",
            name=op.f("uq_boundary_line_township_a_code_township_b_code"),
        ),
    )
    op.create_index(
        "ix_boundary_line_survey_status", "boundary_line", ["survey_status"], unique=False
    )
    op.create_index(
        "ix_boundary_line_township_b_code", "boundary_line", ["township_b_code"], unique=False
    )
    op.create_table(
        "boundary_training_township",
        sa.Column("training_id", sa.Uuid(), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.CheckConstraint(
            "length(township_code) = 9", name=op.f("ck_boundary_training_township_township_level")
        ),
        sa.ForeignKeyConstraint(
            ["township_code"],
            ["division.code"],
            name=op.f("fk_boundary_training_township_township_code_division"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["boundary_training.id"],
            name=op.f("fk_boundary_training_township_training_id_boundary_training"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "training_id", "township_code", name=op.f("pk_boundary_training_township")
        ),
    )
    op.create_index(
        op.f("ix_boundary_training_township_township_code"),
        "boundary_training_township",
        ["township_code"],
        unique=False,
    )
    op.create_table(
        "division_change",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("changed_date", sa.Date(), nullable=False),
        sa.Column("old_name", sa.String(length=100), nullable=False),
        sa.Column("new_name", sa.String(length=100), nullable=False),
        sa.Column("old_kind", sa.String(length=30), nullable=False),
        sa.Column("new_kind", sa.String(length=30), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
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
            "old_name <> new_name OR old_kind <> new_kind",
            name=op.f("ck_division_change_something_changed"),
        ),
        sa.ForeignKeyConstraint(
            ["division_code"],
            ["division.code"],
            name=op.f("fk_division_change_division_code_division"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division_change")),
        sa.UniqueConstraint(
            "division_code", "seq", name=op.f("uq_division_change_division_code_seq")
        ),
    )
    op.create_table(
        "place_name",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("standard_name", sa.String(length=100), nullable=False),
        sa.Column("pinyin", sa.String(length=300), nullable=False),
        sa.Column("pinyin_key", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=True),
        sa.Column("origin", sa.Text(), nullable=True),
        sa.Column("approval_date", sa.Date(), nullable=True),
        sa.Column("approving_authority", sa.String(length=200), nullable=True),
        sa.Column("approval_document", sa.String(length=100), nullable=True),
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
            "category IN ('natural', 'administrative_area', 'autonomous_organisation', 'non_administrative_area', 'settlement', 'road', 'bridge', 'transport_facility', 'water_facility', 'memorial_scenic', 'building')",
            name=op.f("ck_place_name_category_known"),
        ),
        sa.CheckConstraint(
            "(approval_date IS NULL) = (approving_authority IS NULL)",
            name=op.f("ck_place_name_approval_complete"),
        ),
        sa.CheckConstraint(
            "approval_document IS NULL OR approval_date IS NOT NULL",
            name=op.f("ck_place_name_document_approved"),
        ),
        sa.ForeignKeyConstraint(
            ["division_code"],
            ["division.code"],
            name=op.f("fk_place_name_division_code_division"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_name")),
        sa.UniqueConstraint(
            "division_code",
            "category",
            "standard_name",
            name=op.f("uq_place_name_division_code_category_standard_name"),
        ),
    )
    op.create_index(
        op.f("ix_place_name_division_code"), "place_name", ["division_code"], unique=False
    )
    op.create_index("ix_place_name_pinyin_key", "place_name", ["pinyin_key"], unique=False)
    op.create_table(
        "boundary_dispute",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("opened_date", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolved_date", sa.Date(), nullable=True),
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
            "(status = 'resolved') = (resolved_date IS NOT NULL) AND (status = 'resolved') = (resolution IS NOT NULL)",
            name=op.f("ck_boundary_dispute_resolved_with_resolution"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'mediating', 'resolved')",
            name=op.f("ck_boundary_dispute_status_known"),
        ),
        sa.CheckConstraint(
            "resolved_date IS NULL OR resolved_date >= opened_date",
            name=op.f("ck_boundary_dispute_resolved_after_opened"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["boundary_line.id"],
            name=op.f("fk_boundary_dispute_line_id_boundary_line"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_dispute")),
    )
    op.create_index(
        "ix_boundary_dispute_line", "boundary_dispute", ["line_id", "opened_date"], unique=False
    )
    op.create_index("ix_boundary_dispute_status", "boundary_dispute", ["status"], unique=False)
    op.create_table(
        "boundary_verification",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("verified_date", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
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
            "result IN ('passed', 'failed')", name=op.f("ck_boundary_verification_result_known")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["boundary_line.id"],
            name=op.f("fk_boundary_verification_line_id_boundary_line"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_boundary_verification")),
    )
    op.create_index(
        "ix_boundary_verification_line",
        "boundary_verification",
        ["line_id", "verified_date"],
        unique=False,
    )
    op.create_table(
        "place_name_change",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("place_name_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=10), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("old_name", sa.String(length=100), nullable=True),
        sa.Column("old_pinyin", sa.String(length=300), nullable=True),
        sa.Column("new_name", sa.String(length=100), nullable=False),
        sa.Column("new_pinyin", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("approving_authority", sa.String(length=200), nullable=True),
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
            "(event = 'named') = (old_name IS NULL)",
            name=op.f("ck_place_name_change_renamed_from_old"),
        ),
        sa.CheckConstraint(
            "(event = 'named') = (seq = 1)", name=op.f("ck_place_name_change_named_first")
        ),
        sa.CheckConstraint(
            "event = 'named' OR (event_date IS NOT NULL AND reason IS NOT NULL AND document_number IS NOT NULL AND approving_authority IS NOT NULL)",
            name=op.f("ck_place_name_change_rename_documented"),
        ),
        sa.CheckConstraint(
            "event IN ('named', 'renamed')", name=op.f("ck_place_name_change_event_known")
        ),
        sa.ForeignKeyConstraint(
            ["place_name_id"],
            ["place_name.id"],
            name=op.f("fk_place_name_change_place_name_id_place_name"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_place_name_change")),
        sa.UniqueConstraint(
            "place_name_id", "seq", name=op.f("uq_place_name_change_place_name_id_seq")
        ),
    )
    op.add_column(
        "division", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_unique_constraint(
        op.f("uq_division_parent_code_name"), "division", ["parent_code", "name"]
    )


def downgrade() -> None:
    op.drop_constraint(op.f("uq_division_parent_code_name"), "division", type_="unique")
    op.drop_column("division", "version")
    op.drop_table("place_name_change")
    op.drop_index("ix_boundary_verification_line", table_name="boundary_verification")
    op.drop_table("boundary_verification")
    op.drop_index("ix_boundary_dispute_status", table_name="boundary_dispute")
    op.drop_index("ix_boundary_dispute_line", table_name="boundary_dispute")
    op.drop_table("boundary_dispute")
    op.drop_index("ix_place_name_pinyin_key", table_name="place_name")
    op.drop_index(op.f("ix_place_name_division_code"), table_name="place_name")
    op.drop_table("place_name")
    op.drop_table("division_change")
    op.drop_index(
        op.f("ix_boundary_training_township_township_code"), table_name="boundary_training_township"
    )
    op.drop_table("boundary_training_township")
    op.drop_index("ix_boundary_line_township_b_code", table_name="boundary_line")
    op.drop_index("ix_boundary_line_survey_status", table_name="boundary_line")
    op.drop_table("boundary_line")
    op.drop_index(op.f("ix_boundary_training_held_date"), table_name="boundary_training")
    op.drop_table("boundary_training")
