"""The visit round (定期探访): when the next visit is due, in Python and in SQL, the same rule.

DOMAIN.md: a visit is due the interval after the last one, and overdue after that.
The interval is a policy parameter by year and area (``elderly_visit_interval_months``,
default 1; ``child_visit_interval_months``, default 3), the one in force in the year of
the day asked about (a changed interval applies at once to every subject). A subject
never visited is due the interval after it was put on the register.

Months are calendar months; a day the month lacks becomes its last day (31 January +
1 month = 28 or 29 February; 30 November 2019 + 3 months = 29 February 2020), exactly
as PostgreSQL's ``date + interval 'n months'`` counts. The due date is always counted
from the last visit itself, never by adding the interval repeatedly (which would drift:
31 January + 1 + 1 month is 28 March, + 2 months is 31 March).

A visit is in time up to and including its due date; from the next day it is overdue.
"Due" is a due date within the next ``within_days`` days (today included).

Which visits keep the round: for an elder any contact of the round (home, phone or
video); for a child only a home visit (DOMAIN.md: "visits every child's home every 3
months"). Other contacts are logged but leave the schedule as it is.
"""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, String, case, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

from civil_shared.types import IdNumber
from civil_welfare.children.majority import is_minor_on
from civil_welfare.elderly.qualification import add_months
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.visits.schemas import ScheduleState, SubjectKind, VisitKind

#: The interval parameter of each kind of subject.
INTERVAL_KEY: dict[SubjectKind, ParameterKey] = {
    SubjectKind.ELDERLY: ParameterKey.ELDERLY_VISIT_INTERVAL_MONTHS,
    SubjectKind.CHILD: ParameterKey.CHILD_VISIT_INTERVAL_MONTHS,
}

#: The kinds of visit that keep each subject's round.
ROUND_KINDS: dict[SubjectKind, frozenset[VisitKind]] = {
    SubjectKind.ELDERLY: frozenset({VisitKind.HOME_VISIT, VisitKind.PHONE, VisitKind.VIDEO}),
    SubjectKind.CHILD: frozenset({VisitKind.HOME_VISIT}),
}

#: The default window of the "due" list (days).
DEFAULT_WITHIN_DAYS = 7


def counts_for_round(subject: SubjectKind, kind: VisitKind) -> bool:
    return kind in ROUND_KINDS[subject]


def round_kinds(subject: SubjectKind) -> list[str]:
    """The kinds keeping ``subject``'s round, as stored (sorted, for stable SQL)."""
    return sorted(k.value for k in ROUND_KINDS[subject])


def next_visit_due(last_visit: date | None, registered: date, interval_months: int) -> date:
    """The last day the next visit is in time: ``interval_months`` calendar months after the
    last visit, or after registration for a subject never visited."""
    if interval_months < 1:
        raise ValueError("探访周期应至少为1个月")
    return add_months(last_visit if last_visit is not None else registered, interval_months)


def schedule_state(due: date, on: date, within_days: int = DEFAULT_WITHIN_DAYS) -> ScheduleState:
    """Overdue after the due date; due when it falls within ``within_days`` days of ``on``."""
    if within_days < 0:
        raise ValueError("天数不能为负")
    if on > due:
        return ScheduleState.OVERDUE
    if due <= on + timedelta(days=within_days):
        return ScheduleState.DUE
    return ScheduleState.SCHEDULED


def overdue_days(due: date, on: date) -> int:
    return max((on - due).days, 0)


def on_round(
    registered: date,
    on: date,
    *,
    active: bool,
    ended: date | None,
    child_id_number: IdNumber | None = None,
) -> bool:
    """Whether the subject is on the visit round on ``on``: registered by then, not left (or
    its file closed) by then, and, for a child, not yet 18."""
    if registered > on:
        return False
    if not active and (ended is None or ended <= on):
        return False
    return child_id_number is None or is_minor_on(child_id_number, on)


# --- the same rules in SQL, for lists over whole registers ---------------------------


def due_date_sql(anchor: Any, interval_months: Any) -> ColumnElement[date]:
    """SQL twin of :func:`next_visit_due` given ``coalesce(last_visit, registered)``."""
    return cast(anchor + func.make_interval(0, interval_months), Date)


def state_sql(due: Any, on: date, within_days: int) -> ColumnElement[str]:
    """SQL twin of :func:`schedule_state`."""
    return case(
        (due < on, literal(ScheduleState.OVERDUE.value, String)),
        (due <= on + timedelta(days=within_days), literal(ScheduleState.DUE.value, String)),
        else_=literal(ScheduleState.SCHEDULED.value, String),
    )


def overdue_days_sql(due: Any, on: date) -> ColumnElement[int]:
    """SQL twin of :func:`overdue_days` (date minus date is a number of days)."""
    return func.greatest(literal(on, Date) - due, literal(0, Integer))
