"""The high-age parameters the rules read: tier ages and amounts for a year and area."""

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, case, cast, literal
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import Conflict
from civil_shared.types import Period
from civil_welfare.elderly.ages import born_by
from civil_welfare.high_age.tiers import Tiers
from civil_welfare.parameters.by_area import Values
from civil_welfare.parameters.keys import ParameterKey as K
from civil_welfare.parameters.service import parameter_value

TIER_AGE_KEYS = (K.HIGH_AGE_TIER1_MIN_AGE, K.HIGH_AGE_TIER2_MIN_AGE, K.HIGH_AGE_TIER3_MIN_AGE)
AMOUNT_KEYS = (K.HIGH_AGE_TIER1_ALLOWANCE, K.HIGH_AGE_TIER2_ALLOWANCE, K.HIGH_AGE_TIER3_ALLOWANCE)


def tiers_of(values: Values) -> Tiers:
    """The tiers the parameters describe; a 409 when they contradict each other."""
    try:
        return Tiers(tuple(int(values[key]) for key in TIER_AGE_KEYS))
    except ValueError as exc:
        raise Conflict(
            f"高龄津贴档次参数有误：{exc}，请先更正政策参数",
            code="WELFARE_HIGH_AGE_TIERS_INVALID",
        ) from None


async def tiers_for(session: AsyncSession, year: int, area_code: str) -> Tiers:
    return tiers_of({k: await parameter_value(session, k, year, area_code) for k in TIER_AGE_KEYS})


async def amounts_for(session: AsyncSession, year: int, area_code: str) -> tuple[Decimal, ...]:
    """The three tiers' monthly amounts; 409 WELFARE_PARAMETER_MISSING when one is unset."""
    return tuple([await parameter_value(session, k, year, area_code) for k in AMOUNT_KEYS])


def amount_sql(id_number: Any, period: Period, values: Values) -> ColumnElement[Any]:
    """SQL: the monthly amount for the holder of ``id_number`` (a column) in ``period``,
    NULL below the first tier — a CASE on the birth date read from the ID number, the
    highest tier first, its cut-offs (the last birth date reaching each tier's age by the
    month's last day) and amounts bound as parameters."""
    on = period.last_day
    tiers = tiers_of(values)
    amounts = [values[key] for key in AMOUNT_KEYS]
    whens = [
        (born_by(id_number, on, age), cast(literal(amount), Numeric(14, 2)))
        for age, amount in reversed(list(zip(tiers.min_ages, amounts, strict=True)))
    ]
    return case(*whens, else_=None)
