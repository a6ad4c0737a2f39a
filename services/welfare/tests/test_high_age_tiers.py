"""The high-age tiers as a pure rule: age reached by the month's last day, 29 February,
tier boundaries, amounts; and the SQL cut-off agreeing with ``IdNumber.age_on``."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period
from civil_welfare.elderly.ages import latest_birth_for_age
from civil_welfare.high_age.tiers import Tiers, age_in_period, assess, first_period_at_age

DEFAULT = Tiers((80, 90, 100))
AMOUNTS = (Decimal("50.00"), Decimal("100.00"), Decimal("300.00"))


@pytest.mark.parametrize(
    ("birth", "period", "age", "tier"),
    [
        # Turning 80 on the last day of the month: already 80 for that month.
        (date(1940, 7, 31), "2020-07", 80, 1),
        (date(1940, 7, 31), "2020-06", 79, None),
        # Turning 80 on the first day: the month before is still 79.
        (date(1940, 8, 1), "2020-07", 79, None),
        (date(1940, 8, 1), "2020-08", 80, 1),
        # 89 → 90 and 99 → 100 within the month.
        (date(1930, 12, 15), "2020-11", 89, 1),
        (date(1930, 12, 15), "2020-12", 90, 2),
        (date(1920, 5, 20), "2020-04", 99, 2),
        (date(1920, 5, 20), "2020-05", 100, 3),
        (date(1915, 1, 1), "2020-01", 105, 3),
        # 29 February birthdays: in a leap year the birthday is in February...
        (date(1940, 2, 29), "2020-02", 80, 1),
        (date(1940, 2, 29), "2020-01", 79, None),
        # ...in a common year it counts from 1 March: still 89 at the end of February.
        (date(1932, 2, 29), "2022-02", 89, 1),
        (date(1932, 2, 29), "2022-03", 90, 2),
        # Born 28 February: 90 on 28 February of a common year.
        (date(1932, 2, 28), "2022-02", 90, 2),
    ],
)
def test_the_tier_is_set_by_the_age_at_the_end_of_the_month(
    birth: date, period: str, age: int, tier: int | None
) -> None:
    found = assess(birth, Period(period), DEFAULT, AMOUNTS)

    assert (found.age, found.tier) == (age, tier)
    assert found.on == Period(period).last_day
    assert found.monthly_amount == (AMOUNTS[tier - 1] if tier else None)


def test_age_79_is_not_eligible_and_says_from_when() -> None:
    found = assess(date(1941, 3, 15), Period("2020-07"), DEFAULT, AMOUNTS)

    assert found.tier is None
    assert found.monthly_amount is None
    assert "年满79周岁" in found.explanation
    assert "自 2021-03 起符合条件" in found.explanation
    assert "月末（2020-07-31）" in found.explanation


def test_first_period_of_a_29_february_birthday_in_a_common_year_is_march() -> None:
    assert first_period_at_age(date(1932, 2, 29), 90) == "2022-03"
    assert first_period_at_age(date(1940, 2, 29), 80) == "2020-02"


def test_labels_follow_the_parameters() -> None:
    tiers = Tiers((85, 95, 100))
    assert tiers.label(1) == "第1档（85–94岁）"
    assert tiers.label(2) == "第2档（95–99岁）"
    assert tiers.label(3) == "第3档（100岁及以上）"
    assert assess(date(1936, 1, 1), Period("2020-12"), tiers).tier is None  # 84 < 85


@pytest.mark.parametrize("ages", [(90, 80, 100), (80, 80, 100), (80, 90)])
def test_tier_ages_must_rise(ages: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="高龄津贴"):
        Tiers(ages)


def test_a_month_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="早于出生日期"):
        age_in_period(date(2020, 8, 1), Period("2020-07"))


def test_sql_cut_off_agrees_with_the_id_numbers_age() -> None:
    """``birth <= latest_birth_for_age(on, n)`` is what the SQL tests; it must be
    exactly ``age_on(on) >= n``, around every birthday and on 29 February."""
    rng = random.Random(80)  # noqa: S311 - test data
    days = [date(2020, 2, 29), date(2021, 2, 28), date(2022, 3, 1), date(2024, 12, 31)]
    for on in days:
        for years in (60, 80, 89, 90, 100):
            latest = latest_birth_for_age(on, years)
            for birth in (latest - timedelta(days=1), latest, latest + timedelta(days=1)):
                id_number = make_id_number(rng, birth_date=birth)
                assert (id_number.age_on(on) >= years) == (birth <= latest), (on, years, birth)
    leap = date(1932, 2, 29)
    assert make_id_number(rng, birth_date=leap).age_on(date(2022, 2, 28)) == 89
    assert latest_birth_for_age(date(2022, 2, 28), 90) < leap
