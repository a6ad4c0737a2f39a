"""What a monthly run pays orphans: one line per orphan whose case covers the month.

The standard of the month's year is read once per area that sets its own (and for the
city), bound into a ``CASE`` on the orphan's village: set-based, nothing per row in
Python. A month is paid from ``start_period`` to ``end_period`` (the month of the 18th
birthday, or the last month of an ended case); revoked cases pay nothing.
"""

from sqlalchemy import cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import MoneyColumn
from civil_shared.runtime.disbursements import AnySelect
from civil_shared.types import Period
from civil_welfare.children.orphans.schemas import OrphanKind
from civil_welfare.children.orphans.standards import (
    STANDARD_KEYS,
    ensure_institution_above_scattered,
)
from civil_welfare.children.support.models import ChildSupportCase as C
from civil_welfare.children.support.repository import covering
from civil_welfare.children.support.schemas import Scheme
from civil_welfare.parameters.by_area import values_by_area


async def payable_lines(session: AsyncSession, period: Period, kind: OrphanKind) -> AnySelect:
    """Orphans of ``kind`` to pay for ``period``: ``source_id`` is the orphan's case.

    409 ``WELFARE_PARAMETER_MISSING`` when the year's standard is not set; for
    institution care, 409 ``WELFARE_ORPHAN_STANDARDS_INCONSISTENT`` when its standard is
    not above the scattered one somewhere.
    """
    key = STANDARD_KEYS[kind]
    if kind is OrphanKind.INSTITUTION:
        values = await values_by_area(session, list(STANDARD_KEYS.values()), period.year)
        ensure_institution_above_scattered(values)
    else:
        values = await values_by_area(session, [key], period.year)
    amount = values.case(C.area_code, lambda v: literal(v[key], MoneyColumn))
    return select(
        C.id.label("source_id"),
        C.id_number.label("payee_id_number"),
        C.name.label("payee_name"),
        C.area_code.label("area_code"),
        cast(amount, MoneyColumn).label("amount"),
    ).where(
        C.scheme == Scheme.ORPHAN.value,
        C.orphan_kind == kind.value,
        covering(str(period)),
    )


async def scattered_payable_lines(session: AsyncSession, period: Period) -> AnySelect:
    """散居孤儿基本生活费 for ``period``."""
    return await payable_lines(session, period, OrphanKind.SCATTERED)


async def institution_payable_lines(session: AsyncSession, period: Period) -> AnySelect:
    """集中供养孤儿基本生活费 for ``period``."""
    return await payable_lines(session, period, OrphanKind.INSTITUTION)
