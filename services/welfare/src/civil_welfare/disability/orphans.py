"""Whether a child is in the orphan scheme (孤儿基本生活保障): such a child gets no
disability living subsidy (DOMAIN.md), though it may get the care subsidy.

The orphan register belongs to ``civil_welfare.children``; this is the one place
the disability rules ask it.
"""

from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def in_orphan_scheme(session: AsyncSession, id_number: str, on: date) -> bool:
    """HOOK (until civil_welfare.children's orphan register lands): True when an
    ``orphan`` table exists and holds the child as receiving the allowance on ``on``."""
    present = await session.scalar(text("SELECT to_regclass('orphan') IS NOT NULL"))
    if not present:
        return False
    found = await session.scalar(
        text("SELECT EXISTS (SELECT 1 FROM orphan WHERE id_number = :id_number)"),
        {"id_number": id_number},
    )
    return bool(found)
