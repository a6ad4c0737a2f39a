"""The left-behind rule as a pure function: every child away for work for the minimum
months (inclusive), month ends, and an elder aged 60 or over."""

from datetime import date

import pytest

from civil_welfare.elderly.qualification import (
    AwayFor,
    ChildSituation,
    add_months,
    away_long_enough,
    qualify,
)

ON = date(2020, 7, 1)


def away(name: str, since: date, why: AwayFor = AwayFor.WORK) -> ChildSituation:
    return ChildSituation(name=name, away_for=why, away_since=since)


def test_every_child_away_for_work_six_months_qualifies() -> None:
    found = qualify(72, [away("张大", date(2019, 3, 1)), away("张二", date(2020, 1, 1))], ON, 6)

    assert found.qualified
    assert found.reasons[0].startswith("符合留守老人认定条件")
    assert any("张二" in r and "已满6个月" in r for r in found.reasons)


def test_one_child_away_less_than_six_months_does_not() -> None:
    found = qualify(72, [away("张大", date(2019, 3, 1)), away("张二", date(2020, 1, 2))], ON, 6)

    assert not found.qualified
    assert any("张二" in r and "未满6个月" in r and "2020-07-02 起满" in r for r in found.reasons)


def test_a_child_at_home_or_away_for_study_does_not() -> None:
    at_home = ChildSituation(name="张三", away_for=AwayFor.NOT_AWAY, away_since=None)
    studying = away("张四", date(2018, 9, 1), AwayFor.OTHER)

    assert not qualify(72, [away("张大", date(2019, 3, 1)), at_home], ON, 6).qualified
    found = qualify(72, [studying], ON, 6)
    assert not found.qualified
    assert any("张四外出不是为了务工" in r for r in found.reasons)


def test_no_children_recorded_or_under_60_does_not() -> None:
    assert not qualify(72, [], ON, 6).qualified
    young = qualify(59, [away("李大", date(2019, 3, 1))], ON, 6)
    assert not young.qualified
    assert any("未满60周岁" in r for r in young.reasons)


def test_the_minimum_months_is_the_parameter() -> None:
    children = [away("王大", date(2020, 4, 1))]
    assert not qualify(70, children, ON, 6).qualified
    assert qualify(70, children, ON, 3).qualified


@pytest.mark.parametrize(
    ("since", "on", "expected"),
    [
        (date(2019, 8, 31), date(2020, 2, 28), False),
        # 31 August + 6 months is 29 February in a leap year (the month's last day).
        (date(2019, 8, 31), date(2020, 2, 29), True),
        (date(2020, 8, 31), date(2021, 2, 28), True),
        (date(2020, 1, 15), date(2020, 7, 14), False),
        (date(2020, 1, 15), date(2020, 7, 15), True),
    ],
)
def test_six_months_across_month_ends(since: date, on: date, expected: bool) -> None:
    assert away_long_enough(since, on, 6) is expected


def test_add_months_crosses_years_and_clips_to_month_end() -> None:
    assert add_months(date(2019, 11, 30), 3) == date(2020, 2, 29)
    assert add_months(date(2020, 12, 31), 2) == date(2021, 2, 28)
    assert add_months(date(2020, 7, 1), 18) == date(2022, 1, 1)
