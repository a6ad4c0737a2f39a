"""Parameter values for set-based SQL: every area that sets its own, and the city.

A rule applied to a whole population in one statement (a monthly run, a count)
cannot call ``parameter_value`` per row. It reads here, once, the values that
apply in each area with an override of its own (most specific first) and in
the city, and builds a ``CASE`` on the row's area code with the values bound
as parameters. A person gets exactly what ``parameter_value`` gives for their
area: the latest year up to the one asked, then the most specific area.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from civil_shared.types import TIANMEN, AreaCode
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.models import WelfareParameter
from civil_welfare.parameters.service import store

Values = Mapping[ParameterKey, Decimal]


@dataclass(frozen=True, slots=True)
class AreaValues:
    """The values of some keys in one year: per overriding area, then the city's."""

    year: int
    #: (area code prefix, values), the most specific area first.
    overrides: tuple[tuple[str, Values], ...]
    city: Values

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """The values as a hashable key (a statement built from them is kept by it)."""

        def items(values: Values) -> tuple[tuple[str, Decimal], ...]:
            return tuple(sorted((str(k), v) for k, v in values.items()))

        return (
            self.year,
            tuple((prefix, items(values)) for prefix, values in self.overrides),
            items(self.city),
        )

    def for_area(self, area_code: str) -> Values:
        """The values that apply to a person in ``area_code``."""
        for prefix, values in self.overrides:
            if area_code.startswith(prefix):
                return values
        return self.city

    def case(
        self,
        area_column: InstrumentedAttribute[str] | ColumnElement[str],
        expression: Callable[[Values], ColumnElement[Any]],
    ) -> ColumnElement[Any]:
        """``expression`` of the values applying to each row's ``area_column``."""
        if not self.overrides:
            return expression(self.city)
        return case(
            *((area_column.startswith(prefix), expression(v)) for prefix, v in self.overrides),
            else_=expression(self.city),
        )


async def values_by_area(
    session: AsyncSession, keys: Sequence[ParameterKey], year: int
) -> AreaValues:
    """The values of ``keys`` for ``year`` in the city and in every area that sets any of
    them; a 409 ``WELFARE_PARAMETER_MISSING`` when one is set nowhere (never guessed).

    One statement reads every row of the keys up to ``year``; each area's value is then
    ``parameter_value``'s rule applied to them (the latest year, then the most specific
    area on the area's path).
    """
    model = WelfareParameter
    rows = (
        await session.execute(
            select(model.key, model.area_code, model.year, model.value).where(
                model.key.in_([k.value for k in keys]), model.year <= year
            )
        )
    ).all()
    city = str(TIANMEN)
    # Per key, the rows by precedence: the latest year first, then the most specific area.
    by_key: dict[str, list[Any]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.year, len(r.area_code)), reverse=True):
        by_key[row.key].append(row)
    areas = {row.area_code for row in rows if row.area_code != city}

    def values(area: str) -> Values:
        lineage = {str(a) for a in AreaCode(area).lineage}
        found: dict[ParameterKey, Decimal] = {}
        for key in keys:
            applying = next((r for r in by_key[key.value] if r.area_code in lineage), None)
            if applying is None:  # parameter_value's own 409
                raise store.missing(key, year, area)
            found[key] = applying.value
        return found

    overrides = [(area, values(area)) for area in sorted(areas, key=lambda a: (-len(a), a))]
    return AreaValues(year=year, overrides=tuple(overrides), city=values(city))
