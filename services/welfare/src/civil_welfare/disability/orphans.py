"""Whether a child is in the orphan scheme (孤儿基本生活保障): such a child gets no
disability living subsidy (DOMAIN.md), though it may get the care subsidy.

The orphan register belongs to ``civil_welfare.children`` (one support-case table
for orphans and de facto unsupported children); this is the one place the
disability rules ask it.
"""

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.types import Period
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.schemas import CaseStatus, Scheme


async def in_orphan_scheme(session: AsyncSession, id_number: str, from_period: Period) -> bool:
    """True when the child has an orphan case covering ``from_period`` or a later month.

    A case's ``end_period`` is the last month it pays (the month of the 18th
    birthday, or earlier when it ended); a revoked case never counted.
    """
    case = ChildSupportCase
    found = await session.scalar(
        select(
            exists().where(
                case.id_number == id_number,
                case.scheme == Scheme.ORPHAN.value,
                case.status != CaseStatus.REVOKED.value,
                case.end_period >= str(from_period),
            )
        )
    )
    return bool(found)
