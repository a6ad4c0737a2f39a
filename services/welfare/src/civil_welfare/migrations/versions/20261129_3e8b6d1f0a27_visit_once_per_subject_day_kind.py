"""visits: a subject's visit of one kind on one day is recorded once

Revision ID: 3e8b6d1f0a27
Revises: 7c2b9e4f1a85
Create Date: 2026-11-29 05:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3e8b6d1f0a27"
down_revision: str | None = "7c2b9e4f1a85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Before this revision the visit import wrote a file uploaded twice twice. Such a copy
# is identical to its original in everything a user entered or completed; the copy (the
# later row) goes, the first stays. Two visits of one subject, day and kind that differ
# in anything are not removed: which one is right is for a person to decide, and the
# unique index then refuses to be built, naming the pair.
_DROP_COPIES = """
    DELETE FROM visit AS copy
    USING visit AS original
    WHERE copy.{subject} IS NOT NULL
      AND original.{subject} = copy.{subject}
      AND original.visit_date = copy.visit_date
      AND original.kind = copy.kind
      AND original.findings = copy.findings
      AND original.visitor_name = copy.visitor_name
      AND original.visitor_username IS NOT DISTINCT FROM copy.visitor_username
      AND original.follow_up_action IS NOT DISTINCT FROM copy.follow_up_action
      AND original.follow_up_due_date IS NOT DISTINCT FROM copy.follow_up_due_date
      AND original.follow_up_done_date IS NOT DISTINCT FROM copy.follow_up_done_date
      AND original.follow_up_result IS NOT DISTINCT FROM copy.follow_up_result
      AND (original.created_at, original.id) < (copy.created_at, copy.id)
"""


def upgrade() -> None:
    for subject in ("elder_id", "child_file_id"):
        op.execute(sa.text(_DROP_COPIES.format(subject=subject)))
    op.create_index(
        "uq_visit_elder_date_kind",
        "visit",
        ["elder_id", "visit_date", "kind"],
        unique=True,
        postgresql_where=sa.text("elder_id IS NOT NULL"),
    )
    op.create_index(
        "uq_visit_child_file_date_kind",
        "visit",
        ["child_file_id", "visit_date", "kind"],
        unique=True,
        postgresql_where=sa.text("child_file_id IS NOT NULL"),
    )


def downgrade() -> None:
    # The removed copies are not restored: they were the same visit written twice.
    op.drop_index(
        "uq_visit_child_file_date_kind",
        table_name="visit",
        postgresql_where=sa.text("child_file_id IS NOT NULL"),
    )
    op.drop_index(
        "uq_visit_elder_date_kind",
        table_name="visit",
        postgresql_where=sa.text("elder_id IS NOT NULL"),
    )
