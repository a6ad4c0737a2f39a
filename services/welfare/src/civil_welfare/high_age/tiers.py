"""The high-age allowance's tiers: pure rules, no database.

DOMAIN.md: tiers are a parameter (defaults 80–89, 90–99, 100 and over), amounts per
month set by year. The age is the one reached by the **last day of the payment
month**: a person turning 80 (or 90, 100) on any day of a month is in the new tier
for that whole month. A 29 February birthday counts from 1 March in a common year
(``IdNumber.age_on``), so such a person moves up in March of a common year.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

from civil_shared.types import Period

TIER_COUNT = 3


@dataclass(frozen=True, slots=True)
class Tiers:
    """The minimum age of each tier, lowest first (defaults 80, 90, 100)."""

    min_ages: tuple[int, ...]

    def __post_init__(self) -> None:
        ages = self.min_ages
        if len(ages) != TIER_COUNT or any(a <= 0 for a in ages):
            raise ValueError("高龄津贴应有三档起始年龄，均为正整数")
        if any(low >= high for low, high in pairwise(ages)):
            raise ValueError(f"高龄津贴各档起始年龄应逐档递增（现为 {'、'.join(map(str, ages))}）")

    def tier_of(self, age: int) -> int | None:
        """The tier (1, 2, 3) of someone ``age`` old; None below the first."""
        tier = None
        for number, minimum in enumerate(self.min_ages, start=1):
            if age >= minimum:
                tier = number
        return tier

    def label(self, tier: int) -> str:
        low = self.min_ages[tier - 1]
        if tier == TIER_COUNT:
            return f"第{tier}档（{low}岁及以上）"
        return f"第{tier}档（{low}–{self.min_ages[tier] - 1}岁）"


@dataclass(frozen=True, slots=True)
class Assessment:
    """A person's place in the tiers for one payment month."""

    period: Period
    on: date  # the month's last day: the age is the one reached by then
    age: int
    tier: int | None
    tier_label: str | None
    monthly_amount: Decimal | None  # None when not eligible (or amounts not asked)
    explanation: str


def age_in_period(birth_date: date, period: Period) -> int:
    """Full years reached by the last day of ``period``'s month."""
    on = period.last_day
    if on < birth_date:
        raise ValueError("该月份早于出生日期")
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def birthday_in(birth_date: date, year: int) -> date:
    """The day someone born on ``birth_date`` turns a year older in ``year``
    (29 February is 1 March in a common year)."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


def first_period_at_age(birth_date: date, age: int) -> Period:
    """The first payment month in which someone reaches ``age``."""
    return Period.of(birthday_in(birth_date, birth_date.year + age))


def assess(
    birth_date: date,
    period: Period,
    tiers: Tiers,
    amounts: Sequence[Decimal] | None = None,
) -> Assessment:
    """The tier and monthly amount of someone born on ``birth_date`` for ``period``.

    ``amounts`` are the three tiers' monthly amounts for the period's year; without
    them only the tier is assessed.
    """
    on = period.last_day
    age = age_in_period(birth_date, period)
    tier = tiers.tier_of(age)
    if tier is None:
        first = first_period_at_age(birth_date, tiers.min_ages[0])
        return Assessment(
            period=period,
            on=on,
            age=age,
            tier=None,
            tier_label=None,
            monthly_amount=None,
            explanation=(
                f"至 {period} 月末（{on}）年满{age}周岁，未达到高龄津贴起始年龄"
                f"{tiers.min_ages[0]}周岁；自 {first} 起符合条件"
            ),
        )
    label = tiers.label(tier)
    amount = amounts[tier - 1] if amounts is not None else None
    money = f"，每月 {amount} 元" if amount is not None else ""
    return Assessment(
        period=period,
        on=on,
        age=age,
        tier=tier,
        tier_label=label,
        monthly_amount=amount,
        explanation=f"至 {period} 月末（{on}）年满{age}周岁，属{label}{money}",
    )
