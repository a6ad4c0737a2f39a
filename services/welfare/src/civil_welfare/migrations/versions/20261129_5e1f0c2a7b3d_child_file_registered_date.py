"""child files: the registration date (建档日期), which may precede the platform

Revision ID: 5e1f0c2a7b3d
Revises: 9c6131ac1ed3
Create Date: 2026-11-29 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1f0c2a7b3d"
down_revision: str | None = "9c6131ac1ed3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: files made before keep their creation day as the registration day.
    op.add_column("child_file", sa.Column("registered_date", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("child_file", "registered_date")
