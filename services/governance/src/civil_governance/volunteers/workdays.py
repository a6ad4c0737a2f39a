"""Working days: weekends off, public holidays off, make-up working days on.

China's public holidays and the weekend days worked in exchange (调休) are set
each year by the State Council; the service keeps them in the table
``working_calendar_day`` (edited through the API) and hands them to
:class:`WorkingCalendar`. Dates of entry are Beijing dates.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from civil_governance.volunteers.rules import ENTRY_WORKING_DAYS, CalendarDayKind

BEIJING: Final = ZoneInfo("Asia/Shanghai")


def local_date(moment: datetime) -> date:
    """The Beijing date of ``moment`` (an aware datetime)."""
    return moment.astimezone(BEIJING).date()


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today in Beijing (the server's clock is UTC: after 16:00 UTC it is tomorrow)."""
    return local_date(now())


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    #: Weekend days worked in exchange for a holiday (调休上班).
    workdays: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, days: Iterable[tuple[date, str]]) -> "WorkingCalendar":
        """From (day, kind) pairs as the table holds them."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        for day, kind in days:
            (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
        return cls(frozenset(holidays), frozenset(workdays))

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
        day, counted = start, 0
        while counted < count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def entry_deadline(self, activity_date: date) -> date:
        """The last day a record of an activity on ``activity_date`` is on time."""
        return self.add_working_days(activity_date, ENTRY_WORKING_DAYS)


def is_late(entered_at: datetime, deadline: date) -> bool:
    """Entered after the deadline's Beijing day (the database checks the same)."""
    return local_date(entered_at) > deadline
