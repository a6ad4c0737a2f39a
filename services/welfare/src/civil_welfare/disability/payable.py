"""What a monthly run of each disability subsidy pays: one line per grant payable that month.

A grant pays from its start period; an active grant has no end, a stopped one
pays up to and including its end period. The amount is the year's parameter for
the person's area (village, township or city, most specific first), read once
and bound into the query: set-based, nothing passes through Python per person.
"""

from typing import Any

from sqlalchemy import Select, and_, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import MoneyColumn
from civil_shared.types import Period
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.disability.schemas import DisabilitySubsidy, GrantStatus
from civil_welfare.parameters.by_area import values_by_area
from civil_welfare.parameters.keys import ParameterKey

AMOUNT_KEYS = {
    DisabilitySubsidy.LIVING: ParameterKey.DISABILITY_LIVING_SUBSIDY,
    DisabilitySubsidy.CARE: ParameterKey.DISABILITY_CARE_SUBSIDY,
}


async def payable_lines(
    session: AsyncSession, subsidy: DisabilitySubsidy, period: Period
) -> Select[Any]:
    """``source_id``, ``payee_id_number``, ``payee_name``, ``area_code``, ``amount`` of every
    ``subsidy`` grant payable in ``period``; a 409 when the amount is set nowhere."""
    key = AMOUNT_KEYS[subsidy]
    amounts = await values_by_area(session, [key], period.year)
    month = str(period)
    grant, person = DisabilitySubsidyGrant, DisabledPerson
    amount = amounts.case(person.area_code, lambda values: literal(values[key], MoneyColumn))
    return (
        select(
            grant.id.label("source_id"),
            person.id_number.label("payee_id_number"),
            person.name.label("payee_name"),
            person.area_code.label("area_code"),
            amount.label("amount"),
        )
        .join(person, person.id == grant.person_id)
        .where(
            grant.subsidy == subsidy.value,
            grant.start_period <= month,
            or_(
                and_(grant.status == GrantStatus.ACTIVE.value, grant.end_period.is_(None)),
                and_(grant.status == GrantStatus.STOPPED.value, grant.end_period >= month),
            ),
        )
    )


async def living_subsidy_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """困难残疾人生活补贴 for ``period``."""
    return await payable_lines(session, DisabilitySubsidy.LIVING, period)


async def care_subsidy_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """重度残疾人护理补贴 for ``period``."""
    return await payable_lines(session, DisabilitySubsidy.CARE, period)
