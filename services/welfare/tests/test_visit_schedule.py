"""The visit round's rule: month ends, leap years, interval changes, the due/overdue
boundaries, who is on the round; and the SQL twin agreeing with it day by day."""

from datetime import date, timedelta

import pytest
from sqlalchemy import Date, Integer, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.testing.factories import make_id_number
from civil_welfare.visits.schedule import (
    counts_for_round,
    due_date_sql,
    next_visit_due,
    on_round,
    overdue_days,
    overdue_days_sql,
    schedule_state,
    state_sql,
)
from civil_welfare.visits.schemas import ScheduleState, SubjectKind, VisitKind

D = date.fromisoformat


@pytest.mark.parametrize(
    ("last", "months", "due"),
    [
        ("2020-01-31", 1, "2020-02-29"),  # leap February
        ("2021-01-31", 1, "2021-02-28"),  # common February
        ("2019-11-30", 3, "2020-02-29"),  # DOMAIN's child round into a leap February
        ("2018-11-30", 3, "2019-02-28"),
        ("2019-11-29", 3, "2020-02-29"),
        ("2019-11-28", 3, "2020-02-28"),
        ("2020-02-29", 1, "2020-03-29"),  # from a leap day: the same day next month
        ("2020-02-29", 12, "2021-02-28"),
        ("2020-02-29", 48, "2024-02-29"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2020-05-31", 1, "2020-06-30"),  # 30-day month
        ("2020-12-31", 1, "2021-01-31"),  # over the year end
        ("2020-10-31", 3, "2021-01-31"),
        ("2020-12-15", 3, "2021-03-15"),
        ("1999-11-30", 3, "2000-02-29"),  # 2000 is a leap year (divisible by 400)
        ("2099-11-30", 3, "2100-02-28"),  # 2100 is not (divisible by 100)
    ],
)
def test_the_due_date_is_the_interval_after_the_last_visit_clipped_to_the_month_end(
    last: str, months: int, due: str
) -> None:
    assert next_visit_due(D(last), D("2015-01-01"), months) == D(due)


def test_a_subject_never_visited_is_due_the_interval_after_registration() -> None:
    assert next_visit_due(None, D("2020-01-31"), 1) == D("2020-02-29")
    assert next_visit_due(None, D("2019-11-30"), 3) == D("2020-02-29")


def test_the_last_visit_wins_over_registration() -> None:
    assert next_visit_due(D("2020-03-10"), D("2020-01-31"), 1) == D("2020-04-10")


def test_the_round_does_not_drift_at_month_ends() -> None:
    # Visited on 31 January, then on the due day 29 February: next due 29 March, counted
    # from the visit made; not 31 March (which adding the months to the first visit gives).
    first = next_visit_due(D("2020-01-31"), D("2019-01-01"), 1)
    assert first == D("2020-02-29")
    assert next_visit_due(first, D("2019-01-01"), 1) == D("2020-03-29")
    assert next_visit_due(D("2020-01-31"), D("2019-01-01"), 2) == D("2020-03-31")


def test_a_changed_interval_moves_the_due_date_from_the_same_visit() -> None:
    last = D("2020-11-30")
    assert next_visit_due(last, last, 1) == D("2020-12-30")
    assert next_visit_due(last, last, 2) == D("2021-01-30")
    assert next_visit_due(last, last, 3) == D("2021-02-28")
    on = D("2021-01-05")
    # Shortening the round to 1 month makes the same subject overdue at once.
    assert schedule_state(next_visit_due(last, last, 3), on) is ScheduleState.SCHEDULED
    assert schedule_state(next_visit_due(last, last, 1), on) is ScheduleState.OVERDUE


def test_an_interval_below_one_month_is_refused() -> None:
    with pytest.raises(ValueError, match="至少为1个月"):
        next_visit_due(None, D("2020-01-01"), 0)


def test_a_visit_is_in_time_on_its_due_date_and_overdue_the_day_after() -> None:
    due = D("2020-02-29")
    assert schedule_state(due, D("2020-02-29")) is ScheduleState.DUE
    assert schedule_state(due, D("2020-03-01")) is ScheduleState.OVERDUE
    assert overdue_days(due, D("2020-02-29")) == 0
    assert overdue_days(due, D("2020-03-01")) == 1
    assert overdue_days(due, D("2020-03-31")) == 31


def test_due_means_within_the_window_today_included() -> None:
    due = D("2020-03-08")
    assert schedule_state(due, D("2020-03-01")) is ScheduleState.DUE  # 7 days ahead
    assert schedule_state(due, D("2020-02-29")) is ScheduleState.SCHEDULED  # 8 days ahead
    assert schedule_state(due, D("2020-03-01"), within_days=6) is ScheduleState.SCHEDULED
    assert schedule_state(D("2020-03-01"), D("2020-03-01"), within_days=0) is ScheduleState.DUE
    with pytest.raises(ValueError, match="不能为负"):
        schedule_state(due, D("2020-03-01"), within_days=-1)


def test_a_child_is_visited_at_home_an_elder_also_by_phone_or_video() -> None:
    assert counts_for_round(SubjectKind.CHILD, VisitKind.HOME_VISIT)
    assert not counts_for_round(SubjectKind.CHILD, VisitKind.PHONE)
    assert not counts_for_round(SubjectKind.CHILD, VisitKind.SCHOOL)
    assert counts_for_round(SubjectKind.ELDERLY, VisitKind.PHONE)
    assert counts_for_round(SubjectKind.ELDERLY, VisitKind.VIDEO)
    assert not counts_for_round(SubjectKind.ELDERLY, VisitKind.OTHER)


def test_who_is_on_the_round() -> None:
    registered = D("2020-01-31")
    assert not on_round(registered, D("2020-01-30"), active=True, ended=None)
    assert on_round(registered, D("2020-01-31"), active=True, ended=None)
    # Left the register on 10 March: on the round until the day before.
    assert on_round(registered, D("2020-03-09"), active=False, ended=D("2020-03-10"))
    assert not on_round(registered, D("2020-03-10"), active=False, ended=D("2020-03-10"))
    # A child leaves the round on the 18th birthday (born 29 February: 1 March of a common year).
    child = make_id_number(birth_date=D("2004-02-29"))
    assert on_round(registered, D("2022-02-28"), active=True, ended=None, child_id_number=child)
    assert not on_round(registered, D("2022-03-01"), active=True, ended=None, child_id_number=child)


# --- the SQL twin, day by day ---------------------------------------------------------


@pytest.mark.parametrize("months", [1, 2, 3, 6, 12])
async def test_sql_due_dates_agree_with_the_rule_on_every_day_2015_to_2030(
    session: AsyncSession, months: int
) -> None:
    start, end = D("2015-01-01"), D("2030-12-31")
    days = select(func.generate_series(start, end, timedelta(days=1)).label("d")).subquery()
    anchor = cast(days.c.d, Date)
    rows = (
        await session.execute(
            select(anchor, due_date_sql(anchor, literal(months, Integer))).order_by(anchor)
        )
    ).all()

    assert len(rows) == (end - start).days + 1
    disagree = [(a, d) for a, d in rows if d != next_visit_due(a, a, months)]
    assert disagree == []


async def test_sql_state_and_overdue_days_agree_with_the_rule(session: AsyncSession) -> None:
    on = D("2020-02-29")
    dues = [on + timedelta(days=n) for n in range(-40, 41)]
    for within in (0, 7, 30):
        states = (
            await session.execute(
                select(
                    *(state_sql(literal(d, Date), on, within) for d in dues),
                    *(overdue_days_sql(literal(d, Date), on) for d in dues),
                )
            )
        ).one()
        assert list(states[: len(dues)]) == [schedule_state(d, on, within).value for d in dues]
        assert list(states[len(dues) :]) == [overdue_days(d, on) for d in dues]
