"""What a monthly run pays de facto unsupported children: the scattered-orphan standard of
the month's year minus what the child already gets, one line per child whose case covers
the month; a child already getting as much or more is not paid (no zero lines).
"""

from sqlalchemy import cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import MoneyColumn
from civil_shared.runtime.disbursements import AnySelect
from civil_shared.types import Period
from civil_welfare.children.support.models import ChildSupportCase as C
from civil_welfare.children.support.repository import covering
from civil_welfare.children.support.schemas import Scheme
from civil_welfare.parameters.by_area import values_by_area
from civil_welfare.parameters.keys import ParameterKey

STANDARD = ParameterKey.ORPHAN_SCATTERED_ALLOWANCE


async def payable_lines(session: AsyncSession, period: Period) -> AnySelect:
    """De facto unsupported children to pay for ``period``: ``source_id`` is the case.

    409 ``WELFARE_PARAMETER_MISSING`` when the year's scattered-orphan standard is not set.
    """
    values = await values_by_area(session, [STANDARD], period.year)
    standard = values.case(C.area_code, lambda v: literal(v[STANDARD], MoneyColumn))
    amount = cast(func.greatest(standard - C.other_support_monthly, 0), MoneyColumn)
    return select(
        C.id.label("source_id"),
        C.id_number.label("payee_id_number"),
        C.name.label("payee_name"),
        C.area_code.label("area_code"),
        amount.label("amount"),
    ).where(
        C.scheme == Scheme.DE_FACTO_UNSUPPORTED.value,
        covering(str(period)),
        standard > C.other_support_monthly,
    )
