"""The monthly standards of the welfare subsidies in a year, with growth on the year before."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, column, func, select, values
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.contracts.welfare import StandardFigure
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode
from civil_welfare.children.orphans.standards import growth_pct
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.models import WelfareParameter

#: The amounts paid per person and month, the orphan standards first (the report's order).
STANDARD_KEYS: tuple[ParameterKey, ...] = (
    ParameterKey.ORPHAN_SCATTERED_ALLOWANCE,
    ParameterKey.ORPHAN_INSTITUTION_ALLOWANCE,
    ParameterKey.DISABILITY_LIVING_SUBSIDY,
    ParameterKey.DISABILITY_CARE_SUBSIDY,
    ParameterKey.HIGH_AGE_TIER1_ALLOWANCE,
    ParameterKey.HIGH_AGE_TIER2_ALLOWANCE,
    ParameterKey.HIGH_AGE_TIER3_ALLOWANCE,
    ParameterKey.HARD_UP_HIGH_AGE_SUBSIDY,
    ParameterKey.HARD_UP_DISABLED_ELDERLY_SUBSIDY,
)

#: The statement of each years and area asked, built once (see Statements).
_STATEMENTS = Statements()


async def values_in_years(
    session: AsyncSession, years: Sequence[int], area_code: str
) -> dict[tuple[str, int], Decimal]:
    """``{(key, year): value}`` of every standard in force in each of ``years`` for
    ``area_code``; a standard not set is absent (shown as unknown, never guessed).

    The parameter store's own rule (the latest year up to the year asked, then the most
    specific area on the code's path), for every key and year in one statement.
    """

    def build() -> Any:
        p = WelfareParameter
        wanted = values(column("year", Integer), name="wanted").data([(y,) for y in years])
        return (
            select(p.key, wanted.c.year, p.value)
            .select_from(p)
            .join(wanted, p.year <= wanted.c.year)
            .where(
                p.key.in_([k.value for k in STANDARD_KEYS]),
                p.area_code.in_([str(a) for a in AreaCode(area_code).lineage]),
            )
            .ext(distinct_on(p.key, wanted.c.year))
            .order_by(p.key, wanted.c.year, p.year.desc(), func.length(p.area_code).desc())
        )

    query = _STATEMENTS.get((tuple(years), area_code), build)
    return {(row.key, row.year): row.value for row in await session.execute(query)}


async def standard_figures(
    session: AsyncSession, year: int, area_code: str
) -> tuple[list[StandardFigure], list[StandardFigure]]:
    """Each standard in force for ``area_code`` in ``year`` and in the year before, each
    with growth on its own year before (one statement: see :func:`values_in_years`)."""
    found = await values_in_years(session, (year, year - 1, year - 2), area_code)

    def of(y: int) -> list[StandardFigure]:
        figures = []
        for key in STANDARD_KEYS:
            amount, previous = found.get((key.value, y)), found.get((key.value, y - 1))
            figures.append(
                StandardFigure(
                    key=key.value,
                    label=key.label,
                    amount=amount,
                    previous_amount=previous,
                    growth_pct=growth_pct(previous, amount),
                )
            )
        return figures

    return of(year), of(year - 1)
