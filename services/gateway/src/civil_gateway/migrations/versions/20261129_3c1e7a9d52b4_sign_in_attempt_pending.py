"""sign-in attempt: pending outcome

A sign-in records its attempt as ``pending`` before the password is checked
(without holding a database connection) and sets the outcome afterwards.

Revision ID: 3c1e7a9d52b4
Revises: fd855bb129f4
Create Date: 2026-11-29 01:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3c1e7a9d52b4"
down_revision: str | None = "fd855bb129f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "'succeeded', 'invalid_credentials', 'disabled', 'invalid_scope', 'rate_limited'"
AFTER = f"'pending', {BEFORE}"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_sign_in_attempt_outcome_known"), "sign_in_attempt", type_="check")
    op.create_check_constraint(
        op.f("ck_sign_in_attempt_outcome_known"), "sign_in_attempt", f"outcome IN ({AFTER})"
    )


def downgrade() -> None:
    # An attempt still pending was never decided: it counts as the failure it may have been.
    op.execute(
        "UPDATE sign_in_attempt SET outcome = 'invalid_credentials' WHERE outcome = 'pending'"
    )
    op.drop_constraint(op.f("ck_sign_in_attempt_outcome_known"), "sign_in_attempt", type_="check")
    op.create_check_constraint(
        op.f("ck_sign_in_attempt_outcome_known"), "sign_in_attempt", f"outcome IN ({BEFORE})"
    )
