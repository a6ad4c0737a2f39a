"""Queries of the hard-up elderly subsidies; only flushes, never commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber, Period
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a part of the name."""
    try:
        return HardUpElderSubsidy.id_number == str(IdNumber(q))
    except ValueError:
        return HardUpElderSubsidy.name.contains(q.strip(), autoescape=True)


def payable_in(period: Period) -> ColumnElement[bool]:
    """Granted for ``period``: started by then, not ended before it, not suspended."""
    grant = HardUpElderSubsidy
    return (
        (grant.start_period <= str(period))
        & or_(grant.end_period.is_(None), grant.end_period >= str(period))
        & (grant.status != "suspended")
    )


class GrantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, grant_id: uuid.UUID) -> HardUpElderSubsidy | None:
        return await self.session.get(HardUpElderSubsidy, grant_id)

    async def open_grant(self, id_number: str, kind: str) -> HardUpElderSubsidy | None:
        grant = HardUpElderSubsidy
        return await self.session.scalar(
            select(grant).where(
                grant.id_number == id_number, grant.kind == kind, grant.status != "ended"
            )
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[HardUpElderSubsidy], int]:
        grant = HardUpElderSubsidy
        query = (
            select(grant)
            .where(*conditions)
            .order_by(grant.area_code, grant.name, grant.kind, grant.start_period, grant.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, grant: HardUpElderSubsidy) -> None:
        self.session.add(grant)
        await self.session.flush()
