"""Turning 18 (年满18周岁): when a child's allowance ends.

The orphan allowance and the de facto unsupported child's allowance are paid to
minors. The last month paid is the month of the 18th birthday; payment stops
from the next month (年满18周岁的次月起停发). Someone born on 29 February turns 18 on
1 March when the 18th year has no 29 February, as :meth:`IdNumber.age_on` counts.
"""

from datetime import date

from civil_shared.types import IdNumber, Period

ADULT_AGE = 18


def eighteenth_birthday(birth: date) -> date:
    """The day a child born on ``birth`` turns 18."""
    try:
        return birth.replace(year=birth.year + ADULT_AGE)
    except ValueError:  # 29 February, and the 18th year is not a leap year
        return date(birth.year + ADULT_AGE, 3, 1)


def last_minor_period(id_number: IdNumber) -> Period:
    """The last month an allowance for a minor is paid: the month the child turns 18."""
    return Period.of(eighteenth_birthday(id_number.birth_date))


def is_minor_on(id_number: IdNumber, on: date) -> bool:
    return on < eighteenth_birthday(id_number.birth_date)
