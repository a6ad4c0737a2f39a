"""child files: every file has its registration date (older files: their creation day)

Revision ID: 7c2b9e4f1a85
Revises: 7a4d2e9c1b60
Create Date: 2026-11-29 05:10:00

"""

from collections.abc import Sequence
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "7c2b9e4f1a85"
down_revision: str | None = "7a4d2e9c1b60"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A file made before the date was kept was opened the day it was created, in the
    # server's local time (the day the service called "today"; the session runs in UTC).
    offset = datetime.now().astimezone().utcoffset() or timedelta(0)
    op.execute(
        sa.text(
            "UPDATE child_file SET registered_date = CAST(timezone('UTC', created_at) + :offset"
            " AS date) WHERE registered_date IS NULL"
        ).bindparams(sa.bindparam("offset", offset, type_=sa.Interval()))
    )
    op.alter_column("child_file", "registered_date", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    op.alter_column("child_file", "registered_date", existing_type=sa.Date(), nullable=True)
