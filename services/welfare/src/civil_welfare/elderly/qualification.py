"""Who is a left-behind elder (留守老人): the rule, computed and explained, never stored.

DOMAIN.md: every child away for work for over half a year. "Half a year" is the
parameter ``left_behind_min_months_away`` (default 6); as in Chinese legal usage,
"以上" includes the figure itself, so a child away exactly that many months counts.
An elder is someone aged 60 or over (老年人权益保障法 第二条).
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

#: 老年人权益保障法 第二条: "老年人是指六十周岁以上的公民" — statute, not local policy.
ELDERLY_MIN_AGE = 60


class AwayFor(StrEnum):
    """work 外出务工; other 因其他原因外出（求学、参军等）; not_away 未外出（在家或在本地）."""

    WORK = "work"  # 外出务工
    OTHER = "other"  # 因其他原因外出
    NOT_AWAY = "not_away"  # 未外出


@dataclass(frozen=True, slots=True)
class ChildSituation:
    name: str
    away_for: AwayFor
    away_since: date | None


@dataclass(frozen=True, slots=True)
class Qualification:
    qualified: bool
    on: date
    min_months_away: int
    reasons: tuple[str, ...]


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months; a day the month lacks becomes its last
    (31 August + 6 months = 28 or 29 February), as PostgreSQL's ``date + interval`` does."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def away_long_enough(away_since: date, on: date, min_months: int) -> bool:
    """Away for at least ``min_months`` whole months by ``on``."""
    return add_months(away_since, min_months) <= on


def qualify(
    age: int, children: Sequence[ChildSituation], on: date, min_months_away: int
) -> Qualification:
    """Whether the elder is left behind on ``on``, with one reason per test made."""
    reasons: list[str] = []
    ok = True
    if age >= ELDERLY_MIN_AGE:
        reasons.append(f"年满{ELDERLY_MIN_AGE}周岁（{age}岁）")
    else:
        ok = False
        reasons.append(f"未满{ELDERLY_MIN_AGE}周岁（{age}岁），不属于老年人")
    if not children:
        ok = False
        reasons.append("未登记子女情况，无法认定子女均外出务工")
    for child in children:
        if child.away_for is AwayFor.NOT_AWAY or child.away_since is None:
            ok = False
            reasons.append(f"子女{child.name}未外出")
        elif child.away_for is AwayFor.OTHER:
            ok = False
            reasons.append(f"子女{child.name}外出不是为了务工")
        elif away_long_enough(child.away_since, on, min_months_away):
            reasons.append(
                f"子女{child.name}自 {child.away_since} 起外出务工，"
                f"至 {on} 已满{min_months_away}个月"
            )
        else:
            ok = False
            reasons.append(
                f"子女{child.name}自 {child.away_since} 起外出务工，至 {on} 未满"
                f"{min_months_away}个月（{add_months(child.away_since, min_months_away)} 起满）"
            )
    summary = "符合留守老人认定条件：子女均外出务工半年以上" if ok else "不符合留守老人认定条件"
    return Qualification(
        qualified=ok, on=on, min_months_away=min_months_away, reasons=(summary, *reasons)
    )
