"""Queries of boundary lines, their verifications and disputes; only flushes."""

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.boundaries.models import BoundaryDispute, BoundaryLine, BoundaryVerification
from civil_governance.boundaries.status import UNRESOLVED
from civil_shared.auth import Principal
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.scoping import area_condition


def visible_line(principal: Principal) -> ColumnElement[bool]:
    """A township officer sees the lines of its township, whichever side it is on."""
    return or_(
        area_condition(BoundaryLine.township_a_code, principal),
        area_condition(BoundaryLine.township_b_code, principal),
    )


def touches(township_code: str) -> ColumnElement[bool]:
    return or_(
        BoundaryLine.township_a_code == township_code,
        BoundaryLine.township_b_code == township_code,
    )


class BoundaryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_line(
        self, line_id: uuid.UUID, *, for_update: bool = False
    ) -> BoundaryLine | None:
        return await self.session.get(BoundaryLine, line_id, with_for_update=for_update)

    async def line_between(self, township_a: str, township_b: str) -> BoundaryLine | None:
        return await self.session.scalar(
            select(BoundaryLine).where(
                BoundaryLine.township_a_code == township_a,
                BoundaryLine.township_b_code == township_b,
            )
        )

    async def page_lines(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[BoundaryLine], int]:
        query = (
            select(BoundaryLine)
            .where(*conditions)
            .order_by(BoundaryLine.township_a_code, BoundaryLine.township_b_code)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def unresolved_counts(self, line_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        if not line_ids:
            return {}
        query = (
            select(BoundaryDispute.line_id, func.count())
            .where(
                BoundaryDispute.line_id.in_(list(line_ids)), BoundaryDispute.status.in_(UNRESOLVED)
            )
            .group_by(BoundaryDispute.line_id)
        )
        return {row[0]: row[1] for row in (await self.session.execute(query)).all()}

    async def verifications(self, line_id: uuid.UUID) -> list[BoundaryVerification]:
        query = (
            select(BoundaryVerification)
            .where(BoundaryVerification.line_id == line_id)
            .order_by(
                BoundaryVerification.verified_date.desc(),
                BoundaryVerification.created_at.desc(),
                BoundaryVerification.id,
            )
        )
        return list((await self.session.scalars(query)).all())

    async def disputes(self, line_id: uuid.UUID) -> list[BoundaryDispute]:
        query = (
            select(BoundaryDispute)
            .where(BoundaryDispute.line_id == line_id)
            .order_by(
                BoundaryDispute.opened_date.desc(),
                BoundaryDispute.created_at.desc(),
                BoundaryDispute.id,
            )
        )
        return list((await self.session.scalars(query)).all())

    async def get_dispute(
        self, dispute_id: uuid.UUID, *, for_update: bool = False
    ) -> BoundaryDispute | None:
        return await self.session.get(BoundaryDispute, dispute_id, with_for_update=for_update)

    async def page_disputes(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[tuple[BoundaryDispute, BoundaryLine]], int]:
        query = (
            select(BoundaryDispute, BoundaryLine)
            .join(BoundaryLine, BoundaryLine.id == BoundaryDispute.line_id)
            .where(*conditions)
            .order_by(BoundaryDispute.opened_date.desc(), BoundaryDispute.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(row[0], row[1]) for row in rows], await count_rows(self.session, query)

    async def add(self, row: BoundaryLine | BoundaryVerification | BoundaryDispute) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
