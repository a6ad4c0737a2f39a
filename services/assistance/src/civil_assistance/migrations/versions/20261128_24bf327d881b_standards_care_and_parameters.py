"""tekun care standards, versioned standards, policy parameters; Tianmen 2019–2020 seed

Revision ID: 24bf327d881b
Revises: ff7f43ae0803
Create Date: 2026-11-28 16:32:51.210983
"""

import datetime
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "24bf327d881b"
down_revision: str | None = "ff7f43ae0803"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIANMEN = "429006"
PROGRAMMES = (
    "urban_dibao",
    "rural_dibao",
    "urban_tekun_basic",
    "rural_tekun_basic",
    "tekun_care_self_care",
    "tekun_care_partly_disabled",
    "tekun_care_fully_disabled",
)
KEYS = (
    "edge_of_dibao_factor",
    "review_interval_stable_months",
    "review_interval_unstable_months",
    "review_after_death_months",
    "gradual_exit_max_months",
    "temporary_max_multiple",
    "temporary_township_limit_multiple",
    "tekun_basic_min_multiple",
    "minimum_wage_monthly",
    "tekun_care_share_self_care",
    "tekun_care_share_partly_disabled",
    "tekun_care_share_fully_disabled",
    "public_notice_days",
    "county_decision_working_days",
    "average_disposable_income_urban",
    "average_disposable_income_rural",
)

# Tianmen's standards (2020 report, FIGURES.md section 1). The exact dates the
# bureau raised them are not public: 1 January of the year is used.
BASIC_STANDARDS = {
    2019: {
        "urban_dibao": ("600.00", "per_month"),
        "rural_dibao": ("4800.00", "per_year"),
        "urban_tekun_basic": ("1200.00", "per_month"),
        "rural_tekun_basic": ("8100.00", "per_year"),
    },
    2020: {
        "urban_dibao": ("630.00", "per_month"),
        "rural_dibao": ("5400.00", "per_year"),
        "urban_tekun_basic": ("1260.00", "per_month"),
        "rural_tekun_basic": ("9000.00", "per_year"),
    },
}
# Tianmen's care standards are not public: the default is a share of the local
# monthly minimum wage (seeded below as a parameter), 1/10, 1/6 and 1/3, to the fen.
MINIMUM_WAGE = Decimal("1520.00")
CARE_SHARES = {
    "tekun_care_self_care": (Decimal(1), Decimal(10)),
    "tekun_care_partly_disabled": (Decimal(1), Decimal(6)),
    "tekun_care_fully_disabled": (Decimal(1), Decimal(3)),
}

PENDING = "默认值，待市局确认"
PARAMETERS: dict[str, tuple[str, str]] = {
    "edge_of_dibao_factor": (
        "1.5",
        f"{PENDING}：低保边缘家庭为人均收入低于当地低保标准 1.5 倍的家庭",
    ),
    "review_interval_stable_months": (
        "12",
        "最低生活保障审核确认办法：短期内收入变化不大的家庭每年核查一次（默认值）",
    ),
    "review_interval_unstable_months": (
        "6",
        "最低生活保障审核确认办法：收入来源不固定、成员有劳动能力的家庭每半年核查一次（默认值）",
    ),
    "review_after_death_months": ("3", f"{PENDING}：家庭成员死亡后 3 个月内核查"),
    "gradual_exit_max_months": ("6", f"{PENDING}：低保渐退期最长 6 个月"),
    "temporary_max_multiple": (
        "6",
        f"{PENDING}：临时救助每次一般不超过城市低保月标准的 6 倍",
    ),
    "temporary_township_limit_multiple": (
        "3",
        f"{PENDING}：乡镇（街道）审批城市低保月标准 3 倍以内的临时救助，以上由市级审批",
    ),
    "tekun_basic_min_multiple": (
        "1.3",
        "特困人员认定办法、社会救助暂行办法：基本生活标准不低于当地低保标准的 1.3 倍",
    ),
    "minimum_wage_monthly": (
        "1520",
        f"{PENDING}：天门市适用的湖北省月最低工资标准（暂按 1520 元/月）",
    ),
    "tekun_care_share_self_care": (
        "0.1",
        f"{PENDING}：全自理特困人员护理标准为当地最低工资标准的 1/10",
    ),
    "tekun_care_share_partly_disabled": (
        "0.1667",
        f"{PENDING}：半失能特困人员护理标准为当地最低工资标准的 1/6",
    ),
    "tekun_care_share_fully_disabled": (
        "0.3333",
        f"{PENDING}：全失能特困人员护理标准为当地最低工资标准的 1/3",
    ),
    "public_notice_days": ("7", "最低生活保障审核确认办法：公示期 7 天"),
    "county_decision_working_days": (
        "10",
        "最低生活保障审核确认办法：县级民政部门 10 个工作日内作出审批决定",
    ),
}
SEED_YEARS = (2019, 2020)

standard_table = sa.table(
    "assistance_standard",
    sa.column("programme", sa.String),
    sa.column("year", sa.Integer),
    sa.column("area_code", sa.String),
    sa.column("amount", sa.Numeric(14, 2)),
    sa.column("unit", sa.String),
    sa.column("effective_date", sa.Date),
)
parameter_table = sa.table(
    "assistance_parameter",
    sa.column("key", sa.String),
    sa.column("year", sa.Integer),
    sa.column("area_code", sa.String),
    sa.column("value", sa.Numeric(14, 4)),
    sa.column("effective_date", sa.Date),
    sa.column("source", sa.Text),
)


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _standard_rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for year in SEED_YEARS:
        effective = datetime.date(year, 1, 1)
        for programme, (amount, unit) in BASIC_STANDARDS[year].items():
            rows.append(
                {
                    "programme": programme,
                    "year": year,
                    "area_code": TIANMEN,
                    "amount": Decimal(amount),
                    "unit": unit,
                    "effective_date": effective,
                }
            )
        for programme, (numerator, denominator) in CARE_SHARES.items():
            care = (MINIMUM_WAGE * numerator / denominator).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )
            rows.append(
                {
                    "programme": programme,
                    "year": year,
                    "area_code": TIANMEN,
                    "amount": care,
                    "unit": "per_month",
                    "effective_date": effective,
                }
            )
    return rows


def upgrade() -> None:
    op.create_table(
        "assistance_parameter",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("value", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
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
        sa.CheckConstraint(_one_of("key", KEYS), name=op.f("ck_assistance_parameter_key_known")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_assistance_parameter_value_non_negative")),
        sa.CheckConstraint(
            "year BETWEEN 2000 AND 2100", name=op.f("ck_assistance_parameter_year_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assistance_parameter")),
        sa.UniqueConstraint(
            "key", "year", "area_code", name=op.f("uq_assistance_parameter_key_year_area_code")
        ),
    )
    op.create_index(
        op.f("ix_assistance_parameter_area_code"),
        "assistance_parameter",
        ["area_code"],
        unique=False,
    )
    op.add_column(
        "assistance_standard",
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_assistance_standard_programme_known"),
        "assistance_standard",
        _one_of("programme", PROGRAMMES),
    )
    op.create_check_constraint(
        op.f("ck_assistance_standard_unit_known"),
        "assistance_standard",
        _one_of("unit", ("per_month", "per_year")),
    )

    # The standards table may already hold a figure entered by hand: keep it.
    op.execute(postgresql.insert(standard_table).values(_standard_rows()).on_conflict_do_nothing())
    op.bulk_insert(
        parameter_table,
        [
            {
                "key": key,
                "year": year,
                "area_code": TIANMEN,
                "value": Decimal(value),
                "effective_date": datetime.date(year, 1, 1),
                "source": source,
            }
            for year in SEED_YEARS
            for key, (value, source) in PARAMETERS.items()
        ],
    )


def downgrade() -> None:
    # Care standards do not exist before this revision; the seeded basic ones go too,
    # so that upgrading again seeds them afresh.
    op.execute(
        sa.delete(standard_table).where(
            standard_table.c.area_code == TIANMEN,
            standard_table.c.year.in_(SEED_YEARS),
        )
    )
    op.execute(sa.delete(standard_table).where(standard_table.c.programme.like("tekun_care_%")))
    op.drop_constraint(
        op.f("ck_assistance_standard_unit_known"), "assistance_standard", type_="check"
    )
    op.drop_constraint(
        op.f("ck_assistance_standard_programme_known"), "assistance_standard", type_="check"
    )
    op.drop_column("assistance_standard", "version")
    op.drop_index(op.f("ix_assistance_parameter_area_code"), table_name="assistance_parameter")
    op.drop_table("assistance_parameter")
