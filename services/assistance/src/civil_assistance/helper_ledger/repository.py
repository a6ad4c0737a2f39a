import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.helper_ledger.models import HelperAssignment, HelperVisit
from civil_assistance.helper_ledger.schemas import HelperLedgerStats, TownshipCount
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode

AssignmentRow = tuple[HelperAssignment, date | None]

_last_visit = (
    select(func.max(HelperVisit.visit_date))
    .where(HelperVisit.assignment_id == HelperAssignment.id)
    .correlate(HelperAssignment)
    .scalar_subquery()
)


def active_on(on: date) -> ColumnElement[bool]:
    """Helped on ``on``: started by then, and not ended (an end date is the first day
    without the helper)."""
    return (HelperAssignment.start_date <= on) & or_(
        HelperAssignment.end_date.is_(None), HelperAssignment.end_date > on
    )


class HelperLedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, assignment_id: uuid.UUID, *, for_update: bool = False
    ) -> HelperAssignment | None:
        return await self.session.get(HelperAssignment, assignment_id, with_for_update=for_update)

    async def active_for(self, id_number: str) -> HelperAssignment | None:
        return await self.session.scalar(
            select(HelperAssignment).where(
                HelperAssignment.id_number == id_number, HelperAssignment.end_date.is_(None)
            )
        )

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[AssignmentRow], int]:
        query = (
            select(HelperAssignment, _last_visit)
            .where(*conditions)
            .order_by(HelperAssignment.area_code, HelperAssignment.start_date, HelperAssignment.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(row[0], row[1]) for row in rows], await count_rows(self.session, query)

    async def visits(
        self, assignment_id: uuid.UUID, *, limit: int | None = None, offset: int = 0
    ) -> tuple[list[HelperVisit], int]:
        query = (
            select(HelperVisit)
            .where(HelperVisit.assignment_id == assignment_id)
            .order_by(HelperVisit.visit_date.desc(), HelperVisit.created_at.desc())
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, row: HelperAssignment | HelperVisit) -> None:
        self.session.add(row)
        await self.session.flush()


#: The statistics' statement, built once per year and area (see Statements).
_STATEMENTS = Statements()


async def helper_ledger_stats(
    session: AsyncSession, year: int, area_code: str | None = None
) -> HelperLedgerStats:
    """Beneficiaries with an active helper at the end of ``year`` (today, for the
    current year), in the city (or ``area_code``) and by township — one aggregate."""
    on = min(date(year, 12, 31), date.today())

    def build() -> Any:
        township = func.left(HelperAssignment.area_code, 9)
        within: ColumnElement[bool] = (
            HelperAssignment.area_code.startswith(area_code, autoescape=True)
            if area_code
            else true()
        )
        query = (
            select(
                func.grouping(township).label("all_townships"),
                township.label("township"),
                func.count().label("active"),
            )
            .where(active_on(on), within)
            .group_by(func.grouping_sets(tuple_(), tuple_(township)))
        )
        return query

    query = _STATEMENTS.get(("helpers", on, area_code), build)
    total, townships = 0, []
    for row in (await session.execute(query)).all():
        if row.all_townships:
            total = row.active
        else:
            townships.append(TownshipCount(area_code=AreaCode(row.township), count=row.active))
    return HelperLedgerStats(
        year=year,
        on=on,
        active=total,
        by_township=sorted(townships, key=lambda t: t.area_code),
    )
