"""parameters on the shared store: versioned, four places, known keys, 2020 values

Revision ID: c0c81b50b43c
Revises: 1ac645fc9d74
Create Date: 2026-11-28 18:10:00

"""

import datetime
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0c81b50b43c"
down_revision: str | None = "1ac645fc9d74"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: a migration must not change when the code's key list does.
KEYS = (
    "high_age_tier1_min_age",
    "high_age_tier2_min_age",
    "high_age_tier3_min_age",
    "high_age_tier1_allowance",
    "high_age_tier2_allowance",
    "high_age_tier3_allowance",
    "hard_up_high_age_subsidy",
    "hard_up_disabled_elderly_subsidy",
    "left_behind_min_months_away",
    "orphan_scattered_allowance",
    "orphan_institution_allowance",
    "parent_missing_min_months",
    "disability_living_subsidy",
    "disability_care_subsidy",
    "living_subsidy_edge_of_dibao",
    "care_subsidy_grade3_mental",
    "care_need_min_months",
    "elderly_visit_interval_months",
    "child_visit_interval_months",
)

REPORT = "天门市民政局2020年工作总结"
RULE = "DOMAIN.md 默认值"
#: Tianmen's 2020 values where the bureau's report gives them, the rules' defaults
#: otherwise. The high-age allowance amounts are not in the report: they are set
#: through the API (or the demo dataset), never guessed here.
SEED_2020 = (
    ("high_age_tier1_min_age", "80", RULE),
    ("high_age_tier2_min_age", "90", RULE),
    ("high_age_tier3_min_age", "100", RULE),
    ("left_behind_min_months_away", "6", RULE),
    ("orphan_scattered_allowance", "1260", REPORT),
    ("orphan_institution_allowance", "2016", REPORT),
    ("parent_missing_min_months", "6", RULE),
    ("disability_living_subsidy", "50", REPORT),
    ("disability_care_subsidy", "100", REPORT),
    ("living_subsidy_edge_of_dibao", "0", RULE),
    ("care_subsidy_grade3_mental", "0", RULE),
    ("care_need_min_months", "6", RULE),
    ("elderly_visit_interval_months", "1", RULE),
    ("child_visit_interval_months", "3", REPORT),
)


def upgrade() -> None:
    op.add_column(
        "welfare_parameter",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    )
    op.alter_column(
        "welfare_parameter",
        "value",
        type_=sa.Numeric(precision=14, scale=4),
        existing_type=sa.Numeric(precision=14, scale=2),
        existing_nullable=False,
    )
    op.create_check_constraint(
        "key_known",
        "welfare_parameter",
        "key IN (" + ", ".join(f"'{key}'" for key in KEYS) + ")",
    )
    table = sa.table(
        "welfare_parameter",
        sa.column("key", sa.String),
        sa.column("year", sa.Integer),
        sa.column("area_code", sa.String),
        sa.column("value", sa.Numeric),
        sa.column("effective_date", sa.Date),
        sa.column("source", sa.Text),
    )
    existing = {
        row[0]
        for row in op.get_bind().execute(
            sa.text("SELECT key FROM welfare_parameter WHERE year = 2020 AND area_code = '429006'")
        )
    }
    op.bulk_insert(
        table,
        [
            {
                "key": key,
                "year": 2020,
                "area_code": "429006",
                "value": value,
                "effective_date": datetime.date(2020, 1, 1),
                "source": source,
            }
            for key, value, source in SEED_2020
            if key not in existing
        ],
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM welfare_parameter WHERE year = 2020 AND source IN (:a, :b)"
        ).bindparams(a=REPORT, b=RULE)
    )
    op.drop_constraint(op.f("ck_welfare_parameter_key_known"), "welfare_parameter", type_="check")
    op.alter_column(
        "welfare_parameter",
        "value",
        type_=sa.Numeric(precision=14, scale=2),
        existing_type=sa.Numeric(precision=14, scale=4),
        existing_nullable=False,
    )
    op.drop_column("welfare_parameter", "version")
