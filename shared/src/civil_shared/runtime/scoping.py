"""What part of the city a caller sees: township officers only their own areas.

A record outside the caller's areas is reported as not found (never 403, which
would confirm it exists), and lists are filtered in SQL, never after the fact.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from civil_shared.auth import Principal
from civil_shared.errors import NotFound


def area_condition(column: InstrumentedAttribute[str], principal: Principal) -> ColumnElement[bool]:
    """A WHERE condition keeping the rows whose area code the caller may see."""
    prefixes = principal.area_prefixes
    if prefixes is None:
        return true()
    if not prefixes:
        return false()
    return or_(*(column.startswith(prefix, autoescape=True) for prefix in prefixes))


def ensure_visible(principal: Principal, area_code: str | None, not_found: NotFound) -> None:
    """Raise ``not_found`` for a record the caller may not see."""
    if not principal.sees_area(area_code):
        raise not_found
