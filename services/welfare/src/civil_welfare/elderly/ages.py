"""Ages from the ID number's birth date, in Python and in SQL, counted the same way.

A 29 February birthday counts from 1 March in a common year (``IdNumber.age_on``).
"""

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, literal


def latest_birth_for_age(on: date, years: int) -> date:
    """The last birth date of someone who is ``years`` old or more on ``on``.

    ``IdNumber(n).age_on(on) >= years`` exactly when
    ``n.birth_date <= latest_birth_for_age(on, years)``.
    """
    year = on.year - years
    try:
        return on.replace(year=year)
    except ValueError:  # on is 29 February and that year has none: 28 February is the latest
        return date(year, 2, 28)


def born_by(id_number: Any, on: date, years: int) -> ColumnElement[bool]:
    """SQL: the holder of ``id_number`` (a column) is ``years`` old or more on ``on``.

    The birth date is read as the text YYYYMMDD (characters 7–14), which orders like
    the date (byte order, ``COLLATE "C"``); the cut-off is computed once, not per row.
    """
    latest = latest_birth_for_age(on, years)
    return func.substr(id_number, 7, 8).collate("C") <= literal(f"{latest:%Y%m%d}")
