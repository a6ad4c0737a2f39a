"""When a dibao household is next reviewed (动态管理), and how long a gradual exit lasts."""

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from civil_shared.types import Period


class IncomeStability(StrEnum):
    """家庭收入状况: 基本稳定 / 不稳定."""

    STABLE = "stable"  # 短期内收入变化不大
    UNSTABLE = "unstable"  # 收入来源不固定


@dataclass(frozen=True, slots=True)
class ReviewIntervals:
    """The review rule's months: policy parameters, defaults 12 / 6 / 3."""

    stable_months: int = 12
    unstable_months: int = 6
    after_death_months: int = 3

    def __post_init__(self) -> None:
        if min(self.stable_months, self.unstable_months, self.after_death_months) < 1:
            raise ValueError("核查周期应不少于 1 个月")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def review_due_date(
    since: date,
    stability: IncomeStability | str,
    working_age_members: int,
    member_death_date: date | None,
    intervals: ReviewIntervals,
) -> date:
    """The next review after ``since`` (the last review, or the approval).

    Yearly for a stable household; half-yearly when its income is unstable or a
    member can work; and no later than the after-death interval after a
    member's death that the last review has not seen.
    """
    if working_age_members < 0:
        raise ValueError("有劳动能力的成员人数不能为负数")
    # By value: the households package has its own enumeration of the same states.
    frequent = IncomeStability(stability) is IncomeStability.UNSTABLE or working_age_members > 0
    due = add_months(since, intervals.unstable_months if frequent else intervals.stable_months)
    if member_death_date is not None and member_death_date >= since:
        due = min(due, add_months(member_death_date, intervals.after_death_months))
    return due


def gradual_exit_last_period(first: Period, months: int, max_months: int) -> Period:
    """The last period paid in a gradual exit (渐退期) of ``months`` starting at ``first``."""
    if not 1 <= months <= max_months:
        raise ValueError(f"渐退期应为 1 至 {max_months} 个月")
    last = first
    for _ in range(months - 1):
        last = last.next()
    return last
