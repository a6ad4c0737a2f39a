"""visits: the visit log of left-behind elderly and children with a file

Revision ID: bee003039cee
Revises: 8745cc010556
Create Date: 2026-11-28 20:03:13
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bee003039cee"
down_revision: str | None = "8745cc010556"
branch_labels: str | Sequence[str] | None = None
# The visit references both registers: it follows the left-behind elderly (d9bdbb85e023)
# and depends on the child files (8745cc010556), a sibling branch until they are chained.
# (Alembic 1.20 fails on two depends_on siblings of one branch point, hence not both.)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "visit",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("elder_id", sa.Uuid(), nullable=True),
        sa.Column("child_file_id", sa.Uuid(), nullable=True),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("visitor_name", sa.String(length=100), nullable=False),
        sa.Column("visitor_username", sa.String(length=200), nullable=True),
        sa.Column("follow_up_action", sa.Text(), nullable=True),
        sa.Column("follow_up_due_date", sa.Date(), nullable=True),
        sa.Column("follow_up_done_date", sa.Date(), nullable=True),
        sa.Column("follow_up_result", sa.Text(), nullable=True),
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
            "area_code ~ '^429006[0-9]{6}$'", name=op.f("ck_visit_village_in_tianmen")
        ),
        sa.CheckConstraint(
            "kind IN ('home_visit', 'phone', 'video', 'school', 'other')",
            name=op.f("ck_visit_kind_known"),
        ),
        sa.CheckConstraint(
            "(follow_up_action IS NULL) = (follow_up_due_date IS NULL)",
            name=op.f("ck_visit_follow_up_with_due_date"),
        ),
        sa.CheckConstraint(
            "(follow_up_done_date IS NULL) = (follow_up_result IS NULL)",
            name=op.f("ck_visit_follow_up_done_with_result"),
        ),
        sa.CheckConstraint(
            "follow_up_done_date IS NULL"
            " OR (follow_up_action IS NOT NULL AND follow_up_done_date >= visit_date)",
            name=op.f("ck_visit_follow_up_done_after_visit"),
        ),
        sa.CheckConstraint(
            "follow_up_due_date IS NULL OR follow_up_due_date >= visit_date",
            name=op.f("ck_visit_follow_up_due_after_visit"),
        ),
        sa.CheckConstraint(
            "num_nonnulls(elder_id, child_file_id) = 1", name=op.f("ck_visit_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["child_file_id"],
            ["child_file.id"],
            name=op.f("fk_visit_child_file_id_child_file"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["elder_id"],
            ["left_behind_elder.id"],
            name=op.f("fk_visit_elder_id_left_behind_elder"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    op.create_index(op.f("ix_visit_area_code"), "visit", ["area_code"], unique=False)
    op.create_index(
        "ix_visit_child_file_date", "visit", ["child_file_id", "visit_date"], unique=False
    )
    op.create_index("ix_visit_elder_date", "visit", ["elder_id", "visit_date"], unique=False)
    op.create_index(op.f("ix_visit_visit_date"), "visit", ["visit_date"], unique=False)
    op.create_index(op.f("ix_visit_visitor_username"), "visit", ["visitor_username"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_visit_visitor_username"), table_name="visit")
    op.drop_index(op.f("ix_visit_visit_date"), table_name="visit")
    op.drop_index("ix_visit_elder_date", table_name="visit")
    op.drop_index("ix_visit_child_file_date", table_name="visit")
    op.drop_index(op.f("ix_visit_area_code"), table_name="visit")
    op.drop_table("visit")
