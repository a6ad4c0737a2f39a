"""Entitlement rules as pure functions, at their boundaries (DOMAIN.md)."""

from datetime import date
from decimal import Decimal as D

import pytest

from civil_assistance.entitlements import (
    CARE_STANDARD,
    IncomeStability,
    ReviewIntervals,
    SelfCareLevel,
    add_months,
    assess_dibao,
    dibao_monthly_amount,
    gradual_exit_last_period,
    income_per_person,
    is_edge_of_dibao,
    monthly_standard,
    review_due_date,
    self_care_level,
    tekun_basic_floor_ok,
    tekun_monthly_amount,
    unable_to_work,
)
from civil_assistance.standards.schemas import StandardProgramme, StandardUnit
from civil_shared.types import DisabilityCategory, Period

# --- standards per month ----------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "monthly"),
    [
        (D("5400"), StandardUnit.PER_YEAR, D("450.00")),  # rural dibao 2020
        (D("4800"), StandardUnit.PER_YEAR, D("400.00")),  # rural dibao 2019
        (D("9000"), StandardUnit.PER_YEAR, D("750.00")),  # rural tekun 2020
        (D("8100"), StandardUnit.PER_YEAR, D("675.00")),  # rural tekun 2019
        (D("5000"), StandardUnit.PER_YEAR, D("416.67")),  # 416.666… rounds up
        (D("4999"), StandardUnit.PER_YEAR, D("416.58")),  # 416.583… rounds down
        (D("0.06"), StandardUnit.PER_YEAR, D("0.01")),  # half a fen (0.005) rounds up
        (D("0.05"), StandardUnit.PER_YEAR, D("0.00")),  # 0.00416… rounds down
        (D("630"), StandardUnit.PER_MONTH, D("630.00")),
        (D("630"), "per_month", D("630.00")),
        (D("0"), StandardUnit.PER_YEAR, D("0.00")),
    ],
)
def test_monthly_standard_is_a_twelfth_of_a_yearly_one_to_the_fen(
    amount: D, unit: StandardUnit | str, monthly: D
) -> None:
    result = monthly_standard(amount, unit)
    assert result == monthly
    assert result.as_tuple().exponent == -2


def test_monthly_standard_refuses_an_unknown_unit_or_a_negative_amount() -> None:
    with pytest.raises(ValueError, match="per_week"):
        monthly_standard(D("630"), "per_week")
    with pytest.raises(ValueError, match="不能为负数"):
        monthly_standard(D("-1"), StandardUnit.PER_MONTH)


# --- income per person --------------------------------------------------------


@pytest.mark.parametrize(
    ("incomes", "members", "per_person"),
    [
        ([D("1200"), D("300")], 3, D("500")),
        ([], 2, D("0")),
        ([D("0")], 1, D("0")),
        ([D("629.99")], 1, D("629.99")),
        ([D("100")], 3, D("100") / 3),  # kept exact: no rounding before the test
    ],
)
def test_income_per_person(incomes: list[D], members: int, per_person: D) -> None:
    assert income_per_person(incomes, members) == per_person


@pytest.mark.parametrize("members", [0, -1, True])
def test_income_per_person_needs_at_least_one_member(members: int) -> None:
    with pytest.raises(ValueError, match="不少于 1 人"):
        income_per_person([D("100")], members)


def test_a_negative_income_item_is_refused() -> None:
    with pytest.raises(ValueError, match="收入不能为负数"):
        income_per_person([D("100"), D("-1")], 2)


# --- dibao amount -------------------------------------------------------------


@pytest.mark.parametrize(
    ("standard", "per_person", "members", "amount"),
    [
        (D("630"), D("0"), 3, D("1890.00")),  # zero income
        (D("630"), D("0"), 1, D("630.00")),  # one-person household, no income
        (D("630"), D("500"), 1, D("130.00")),  # one-person household
        (D("630"), D("500"), 3, D("390.00")),
        (D("630"), D("630"), 3, D("0.00")),  # exactly at the standard: not eligible
        (D("630"), D("630.01"), 3, D("0.00")),  # above: never negative
        (D("630"), D("1000"), 2, D("0.00")),
        (D("630"), D("629.99"), 1, D("0.01")),  # a fen below the standard
        (D("630"), D("629.995"), 1, D("0.01")),  # exactly half a fen rounds up
        (D("630"), D("629.9951"), 1, D("0.00")),  # just under half a fen rounds down
        (D("450.00"), D("200"), 2, D("500.00")),  # rural: 5400 / 12
        (D("630"), D("100") / 3, 3, D("1790.00")),  # exact per-person figure: 1890 − 100
        (D("630"), D("1889.99") / 3, 3, D("0.01")),  # 629.9966…: below, so eligible
        (D("630"), D("1889.995") / 3, 3, D("0.01")),  # 0.005 rounds half up to a fen
        (D("630"), D("1889.996") / 3, 3, D("0.00")),  # 0.004 rounds down to nothing
    ],
)
def test_dibao_amount_is_the_gap_to_the_standard_times_members(
    standard: D, per_person: D, members: int, amount: D
) -> None:
    result = dibao_monthly_amount(standard, per_person, members)
    assert result == amount
    assert result.as_tuple().exponent == -2


def test_dibao_amount_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="不少于 1 人"):
        dibao_monthly_amount(D("630"), D("0"), 0)
    with pytest.raises(ValueError, match="低保标准不能为负数"):
        dibao_monthly_amount(D("-630"), D("0"), 1)
    with pytest.raises(ValueError, match="人均收入不能为负数"):
        dibao_monthly_amount(D("630"), D("-1"), 1)


# --- edge of dibao ------------------------------------------------------------


@pytest.mark.parametrize(
    ("per_person", "edge"),
    [
        (D("0"), False),  # in dibao, not at its edge
        (D("629.99"), False),
        (D("630"), True),  # at the standard: no longer dibao, at its edge
        (D("944.99"), True),
        (D("945"), False),  # exactly 1.5 × 630: not below it
        (D("1000"), False),
    ],
)
def test_edge_of_dibao_is_from_the_standard_up_to_below_the_factor(
    per_person: D, edge: bool
) -> None:
    assert is_edge_of_dibao(per_person, D("630"), D("1.5")) is edge


def test_edge_factor_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="不小于 1"):
        is_edge_of_dibao(D("700"), D("630"), D("0.9"))


@pytest.mark.parametrize(
    ("incomes", "members", "eligible", "edge", "amount", "shown"),
    [
        ([D("1889.99")], 3, True, False, D("0.01"), D("630.00")),
        ([D("1890")], 3, False, True, D("0.00"), D("630.00")),
        ([], 1, True, False, D("630.00"), D("0.00")),
        ([D("2835")], 3, False, False, D("0.00"), D("945.00")),
    ],
)
def test_assess_dibao_decides_on_the_exact_income_and_shows_it_to_the_fen(
    incomes: list[D], members: int, eligible: bool, edge: bool, amount: D, shown: D
) -> None:
    result = assess_dibao(D("630"), incomes, members, D("1.5"))
    assert (result.eligible, result.edge_of_dibao) == (eligible, edge)
    assert result.monthly_amount == amount
    assert result.income_per_person == shown


# --- tekun -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cannot_do", "level"),
    [
        (0, SelfCareLevel.SELF_CARE),
        (1, SelfCareLevel.PARTLY_DISABLED),
        (3, SelfCareLevel.PARTLY_DISABLED),
        (4, SelfCareLevel.FULLY_DISABLED),
        (6, SelfCareLevel.FULLY_DISABLED),
    ],
)
def test_self_care_level_by_activities_that_cannot_be_done(
    cannot_do: int, level: SelfCareLevel
) -> None:
    assert self_care_level(cannot_do) is level


@pytest.mark.parametrize("cannot_do", [-1, 7, True])
def test_self_care_level_counts_only_six_activities(cannot_do: int) -> None:
    with pytest.raises(ValueError, match="0 至 6"):
        self_care_level(cannot_do)


def test_each_level_has_its_care_standard() -> None:
    assert CARE_STANDARD == {
        SelfCareLevel.SELF_CARE: StandardProgramme.TEKUN_CARE_SELF_CARE,
        SelfCareLevel.PARTLY_DISABLED: StandardProgramme.TEKUN_CARE_PARTLY_DISABLED,
        SelfCareLevel.FULLY_DISABLED: StandardProgramme.TEKUN_CARE_FULLY_DISABLED,
    }


@pytest.mark.parametrize(
    ("basic", "care", "total"),
    [
        (D("1260"), D("152.00"), D("1412.00")),
        (D("750.00"), D("506.67"), D("1256.67")),  # rural 9000 / 12 + fully disabled
        (D("1260"), D("0"), D("1260.00")),
    ],
)
def test_tekun_amount_is_basic_plus_care(basic: D, care: D, total: D) -> None:
    assert tekun_monthly_amount(basic, care) == total


def test_tekun_amount_refuses_negative_standards() -> None:
    with pytest.raises(ValueError, match="不能为负数"):
        tekun_monthly_amount(D("-1"), D("0"))


@pytest.mark.parametrize(
    ("basic", "dibao", "ok"),
    [
        (D("1260"), D("630"), True),  # Tianmen urban 2020
        (D("9000"), D("5400"), True),  # Tianmen rural 2020 (yearly against yearly)
        (D("819"), D("630"), True),  # exactly 1.3 ×
        (D("818.99"), D("630"), False),
    ],
)
def test_tekun_basic_standard_is_at_least_the_multiple_of_dibao(
    basic: D, dibao: D, ok: bool
) -> None:
    assert tekun_basic_floor_ok(basic, dibao, D("1.3")) is ok


@pytest.mark.parametrize(
    ("age", "category", "grade", "unable"),
    [
        (60, None, None, True),
        (59, None, None, False),
        (15, None, None, True),
        (16, None, None, False),
        (0, None, None, True),
        (40, DisabilityCategory.INTELLECTUAL, 3, True),
        (40, DisabilityCategory.INTELLECTUAL, 4, False),
        (40, DisabilityCategory.MENTAL, 1, True),
        (40, DisabilityCategory.MENTAL, 4, False),
        (40, DisabilityCategory.PHYSICAL, 2, True),
        (40, DisabilityCategory.PHYSICAL, 3, False),
        (40, DisabilityCategory.VISUAL, 1, True),
        (40, DisabilityCategory.VISUAL, 2, False),
        (40, DisabilityCategory.HEARING, 1, False),
        (40, DisabilityCategory.SPEECH, 1, False),
        (70, DisabilityCategory.HEARING, 4, True),  # age alone suffices
    ],
)
def test_unable_to_work(
    age: int, category: DisabilityCategory | None, grade: int | None, unable: bool
) -> None:
    assert unable_to_work(age, category, grade) is unable


@pytest.mark.parametrize(
    ("age", "category", "grade"),
    [
        (-1, None, None),
        (40, DisabilityCategory.PHYSICAL, None),
        (40, None, 1),
        (40, DisabilityCategory.PHYSICAL, 0),
        (40, DisabilityCategory.PHYSICAL, 5),
    ],
)
def test_unable_to_work_refuses_incomplete_or_impossible_input(
    age: int, category: DisabilityCategory | None, grade: int | None
) -> None:
    with pytest.raises(ValueError, match=r"年龄|残疾"):
        unable_to_work(age, category, grade)


# --- reviews -----------------------------------------------------------------

DEFAULTS = ReviewIntervals()


@pytest.mark.parametrize(
    ("stability", "working_age", "death", "due"),
    [
        (IncomeStability.STABLE, 0, None, date(2021, 3, 15)),  # yearly
        (IncomeStability.UNSTABLE, 0, None, date(2020, 9, 15)),  # half-yearly
        (IncomeStability.STABLE, 1, None, date(2020, 9, 15)),  # a member can work
        (IncomeStability.STABLE, 0, date(2020, 4, 10), date(2020, 7, 10)),  # after a death
        (IncomeStability.UNSTABLE, 0, date(2020, 8, 1), date(2020, 9, 15)),  # already sooner
        (IncomeStability.STABLE, 0, date(2020, 3, 15), date(2020, 6, 15)),  # death that day
        (IncomeStability.STABLE, 0, date(2020, 3, 14), date(2021, 3, 15)),  # seen by the review
    ],
)
def test_review_due_date(
    stability: IncomeStability, working_age: int, death: date | None, due: date
) -> None:
    assert review_due_date(date(2020, 3, 15), stability, working_age, death, DEFAULTS) == due


def test_review_due_date_follows_the_parameters() -> None:
    intervals = ReviewIntervals(stable_months=24, unstable_months=3, after_death_months=1)
    since = date(2020, 1, 31)
    assert review_due_date(since, IncomeStability.STABLE, 0, None, intervals) == date(2022, 1, 31)
    assert review_due_date(since, IncomeStability.UNSTABLE, 0, None, intervals) == date(2020, 4, 30)


def test_review_intervals_must_be_positive() -> None:
    with pytest.raises(ValueError, match="不少于 1 个月"):
        ReviewIntervals(stable_months=0)
    with pytest.raises(ValueError, match="不能为负数"):
        review_due_date(date(2020, 1, 1), IncomeStability.STABLE, -1, None, DEFAULTS)


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2020, 1, 31), 1, date(2020, 2, 29)),  # leap year: clamp to the month's end
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2020, 8, 31), 6, date(2021, 2, 28)),
        (date(2020, 12, 15), 1, date(2021, 1, 15)),
        (date(2020, 2, 29), 12, date(2021, 2, 28)),
    ],
)
def test_add_months(day: date, months: int, result: date) -> None:
    assert add_months(day, months) == result


@pytest.mark.parametrize(("months", "last"), [(1, "2020-11"), (2, "2020-12"), (6, "2021-04")])
def test_gradual_exit_lasts_at_most_the_maximum(months: int, last: str) -> None:
    assert gradual_exit_last_period(Period("2020-11"), months, 6) == last


@pytest.mark.parametrize("months", [0, 7])
def test_gradual_exit_outside_one_to_max_months_is_refused(months: int) -> None:
    with pytest.raises(ValueError, match="1 至 6 个月"):
        gradual_exit_last_period(Period("2020-11"), months, 6)


def test_categories_and_stability_are_taken_by_value() -> None:
    # Households keep their own enumerations with the same values.
    assert unable_to_work(40, "intellectual", 3) is True
    assert review_due_date(date(2020, 3, 15), "unstable", 0, None, DEFAULTS) == date(2020, 9, 15)
    with pytest.raises(ValueError, match="blind"):
        unable_to_work(40, "blind", 1)
    with pytest.raises(ValueError, match="shaky"):
        review_due_date(date(2020, 3, 15), "shaky", 0, None, DEFAULTS)
