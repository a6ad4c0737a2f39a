"""The monthly standards of the welfare subsidies in a year, with growth on the year before."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.contracts.welfare import StandardFigure
from civil_welfare.children.orphans.standards import growth_pct
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.parameters.service import find_parameter

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


async def _in_force(
    session: AsyncSession, key: ParameterKey, year: int, area_code: str
) -> Decimal | None:
    """The value ``parameter_value`` would use (latest year up to ``year``, most specific
    area), or None when none is set: a statistic shows an unset standard as unknown."""
    found = await find_parameter(session, key, year, area_code)
    return found.value if found is not None else None


async def standard_figures(
    session: AsyncSession, year: int, area_code: str
) -> list[StandardFigure]:
    """Each standard in force in ``year`` for ``area_code`` and in the year before.

    A handful of indexed look-ups of the parameter store (two per key), the store's own
    rule of which row applies; nothing here runs per person or per township.
    """
    figures = []
    for key in STANDARD_KEYS:
        amount = await _in_force(session, key, year, area_code)
        previous = await _in_force(session, key, year - 1, area_code)
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
