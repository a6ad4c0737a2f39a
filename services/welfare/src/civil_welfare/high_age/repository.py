"""Queries of the high-age allowance register; only flushes, never commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber, Period
from civil_welfare.high_age.models import HighAgeAllowance


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a part of the name."""
    try:
        return HighAgeAllowance.id_number == str(IdNumber(q))
    except ValueError:
        return HighAgeAllowance.name.contains(q.strip(), autoescape=True)


def payable_in(period: Period) -> ColumnElement[bool]:
    """On the register for ``period``: started by then, not ended before, not suspended
    (a stopped recipient is paid up to the last month, ``end_period``)."""
    return (
        (HighAgeAllowance.start_period <= str(period))
        & or_(HighAgeAllowance.end_period.is_(None), HighAgeAllowance.end_period >= str(period))
        & (HighAgeAllowance.status != "suspended")
    )


class AllowanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, allowance_id: uuid.UUID) -> HighAgeAllowance | None:
        return await self.session.get(HighAgeAllowance, allowance_id)

    async def find_by_id_number(self, id_number: str) -> HighAgeAllowance | None:
        return await self.session.scalar(
            select(HighAgeAllowance).where(HighAgeAllowance.id_number == id_number)
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[HighAgeAllowance], int]:
        query = (
            select(HighAgeAllowance)
            .where(*conditions)
            .order_by(HighAgeAllowance.area_code, HighAgeAllowance.name, HighAgeAllowance.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, allowance: HighAgeAllowance) -> None:
        self.session.add(allowance)
        await self.session.flush()
