"""elderly: left-behind elderly register, high-age allowance, hard-up elderly subsidies

Revision ID: d9bdbb85e023
Revises: c0c81b50b43c
Create Date: 2026-11-28 17:52:50
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d9bdbb85e023"
down_revision: str | None = "c0c81b50b43c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hard_up_elder_subsidy",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("hardship_basis", sa.String(length=20), nullable=False),
        sa.Column("hardship_note", sa.Text(), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("end_period", sa.String(length=7), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
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
            "(status = 'ended') = (end_period IS NOT NULL)",
            name=op.f("ck_hard_up_elder_subsidy_ended_with_end"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'",
            name=op.f("ck_hard_up_elder_subsidy_village_in_tianmen"),
        ),
        sa.CheckConstraint(
            "hardship_basis <> 'other' OR hardship_note IS NOT NULL",
            name=op.f("ck_hard_up_elder_subsidy_other_explained"),
        ),
        sa.CheckConstraint(
            "hardship_basis IN ('dibao', 'tekun', 'edge_of_dibao', 'other')",
            name=op.f("ck_hard_up_elder_subsidy_basis_known"),
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'",
            name=op.f("ck_hard_up_elder_subsidy_id_number_format"),
        ),
        sa.CheckConstraint(
            "kind <> 'hard_up_disabled' OR assessment IS NOT NULL",
            name=op.f("ck_hard_up_elder_subsidy_disabled_assessed"),
        ),
        sa.CheckConstraint(
            "kind IN ('hard_up_high_age', 'hard_up_disabled')",
            name=op.f("ck_hard_up_elder_subsidy_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'ended')",
            name=op.f("ck_hard_up_elder_subsidy_status_known"),
        ),
        sa.CheckConstraint(
            "end_period IS NULL OR end_period >= start_period",
            name=op.f("ck_hard_up_elder_subsidy_end_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hard_up_elder_subsidy")),
    )
    op.create_index(
        op.f("ix_hard_up_elder_subsidy_area_code"),
        "hard_up_elder_subsidy",
        ["area_code"],
        unique=False,
    )
    op.create_index(
        op.f("ix_hard_up_elder_subsidy_id_number"),
        "hard_up_elder_subsidy",
        ["id_number"],
        unique=False,
    )
    op.create_index(
        "uq_hard_up_elder_subsidy_one_open",
        "hard_up_elder_subsidy",
        ["id_number", "kind"],
        unique=True,
        postgresql_where=sa.text("status <> 'ended'"),
    )
    op.create_table(
        "high_age_allowance",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("start_period", sa.String(length=7), nullable=False),
        sa.Column("end_period", sa.String(length=7), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("stop_reason", sa.String(length=20), nullable=True),
        sa.Column("stop_date", sa.Date(), nullable=True),
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
            "(status = 'stopped') = (stop_reason IS NOT NULL AND stop_date IS NOT NULL"
            " AND end_period IS NOT NULL)",
            name=op.f("ck_high_age_allowance_stopped_with_reason"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_high_age_allowance_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_high_age_allowance_id_number_format")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'stopped')",
            name=op.f("ck_high_age_allowance_status_known"),
        ),
        sa.CheckConstraint(
            "stop_reason IS NULL OR stop_reason IN ('death', 'moved_away', 'other')",
            name=op.f("ck_high_age_allowance_stop_reason_known"),
        ),
        sa.CheckConstraint(
            "end_period IS NULL OR end_period >= start_period",
            name=op.f("ck_high_age_allowance_end_after_start"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_high_age_allowance")),
        sa.UniqueConstraint("id_number", name=op.f("uq_high_age_allowance_id_number")),
    )
    op.create_index(
        op.f("ix_high_age_allowance_area_code"), "high_age_allowance", ["area_code"], unique=False
    )
    op.create_table(
        "left_behind_elder",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("living_situation", sa.String(length=20), nullable=False),
        sa.Column("living_note", sa.Text(), nullable=True),
        sa.Column("risk_level", sa.String(length=10), nullable=False),
        sa.Column("worker_name", sa.String(length=100), nullable=False),
        sa.Column("worker_username", sa.String(length=200), nullable=True),
        sa.Column("worker_phone", sa.String(length=20), nullable=True),
        sa.Column("registered_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("left_date", sa.Date(), nullable=True),
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
            "(status = 'left') = (left_date IS NOT NULL)",
            name=op.f("ck_left_behind_elder_left_with_date"),
        ),
        sa.CheckConstraint(
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_left_behind_elder_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "id_number ~ '^[0-9]{17}[0-9X]$'", name=op.f("ck_left_behind_elder_id_number_format")
        ),
        sa.CheckConstraint(
            "living_situation <> 'other' OR living_note IS NOT NULL",
            name=op.f("ck_left_behind_elder_other_explained"),
        ),
        sa.CheckConstraint(
            "living_situation IN ('alone', 'with_spouse', 'with_grandchildren', 'other')",
            name=op.f("ck_left_behind_elder_living_known"),
        ),
        sa.CheckConstraint(
            "risk_level IN ('low', 'medium', 'high')", name=op.f("ck_left_behind_elder_risk_known")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'left')", name=op.f("ck_left_behind_elder_status_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_left_behind_elder")),
        sa.UniqueConstraint("id_number", name=op.f("uq_left_behind_elder_id_number")),
    )
    op.create_index(
        op.f("ix_left_behind_elder_area_code"), "left_behind_elder", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_left_behind_elder_risk_level"), "left_behind_elder", ["risk_level"], unique=False
    )
    op.create_index(
        op.f("ix_left_behind_elder_worker_username"),
        "left_behind_elder",
        ["worker_username"],
        unique=False,
    )
    op.create_table(
        "left_behind_elder_child",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("elder_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("away_for", sa.String(length=10), nullable=False),
        sa.Column("whereabouts", sa.String(length=200), nullable=True),
        sa.Column("away_since", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.CheckConstraint(
            "(away_for = 'not_away') = (away_since IS NULL)",
            name=op.f("ck_left_behind_elder_child_away_with_since"),
        ),
        sa.CheckConstraint(
            "away_for IN ('work', 'other', 'not_away')",
            name=op.f("ck_left_behind_elder_child_away_for_known"),
        ),
        sa.CheckConstraint(
            "relation IN ('son', 'daughter', 'adopted', 'stepchild', 'other')",
            name=op.f("ck_left_behind_elder_child_relation_known"),
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["left_behind_elder.id"],
            name=op.f("fk_left_behind_elder_child_elder_id_left_behind_elder"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_left_behind_elder_child")),
    )
    op.create_index(
        op.f("ix_left_behind_elder_child_elder_id"),
        "left_behind_elder_child",
        ["elder_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_left_behind_elder_child_elder_id"), table_name="left_behind_elder_child")
    op.drop_table("left_behind_elder_child")
    op.drop_index(op.f("ix_left_behind_elder_worker_username"), table_name="left_behind_elder")
    op.drop_index(op.f("ix_left_behind_elder_risk_level"), table_name="left_behind_elder")
    op.drop_index(op.f("ix_left_behind_elder_area_code"), table_name="left_behind_elder")
    op.drop_table("left_behind_elder")
    op.drop_index(op.f("ix_high_age_allowance_area_code"), table_name="high_age_allowance")
    op.drop_table("high_age_allowance")
    op.drop_index(
        "uq_hard_up_elder_subsidy_one_open",
        table_name="hard_up_elder_subsidy",
        postgresql_where=sa.text("status <> 'ended'"),
    )
    op.drop_index(op.f("ix_hard_up_elder_subsidy_id_number"), table_name="hard_up_elder_subsidy")
    op.drop_index(op.f("ix_hard_up_elder_subsidy_area_code"), table_name="hard_up_elder_subsidy")
    op.drop_table("hard_up_elder_subsidy")
