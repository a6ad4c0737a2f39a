import uuid
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.rescue.models import RescueRecord
from civil_assistance.rescue.schemas import RescueStats, TownshipRescues
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode


def in_year(year: int) -> ColumnElement[bool]:
    # A range, not EXTRACT(YEAR ...), so the found_date index serves it.
    return (RescueRecord.found_date >= date(year, 1, 1)) & (
        RescueRecord.found_date < date(year + 1, 1, 1)
    )


class RescueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, record_id: uuid.UUID) -> RescueRecord | None:
        return await self.session.get(RescueRecord, record_id)

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[RescueRecord], int]:
        query = (
            select(RescueRecord)
            .where(*conditions)
            .order_by(RescueRecord.found_date.desc(), RescueRecord.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, record: RescueRecord) -> RescueRecord:
        self.session.add(record)
        await self.session.flush()
        return record


#: The statistics' statement, built once per year and area (see Statements).
_STATEMENTS = Statements()


async def rescue_stats(
    session: AsyncSession, year: int, area_code: str | None = None
) -> RescueStats:
    """Person-times helped in ``year``, in the city (or ``area_code``) and by township."""

    def build() -> Any:
        township = func.left(RescueRecord.area_code, 9)
        within: ColumnElement[bool] = (
            RescueRecord.area_code.startswith(area_code, autoescape=True) if area_code else true()
        )
        query = (
            select(
                func.grouping(township).label("all_townships"),
                township.label("township"),
                func.count().label("person_times"),
            )
            .where(in_year(year), within)
            .group_by(func.grouping_sets(tuple_(), tuple_(township)))
        )
        return query

    query = _STATEMENTS.get(("rescues", year, area_code), build)
    total, townships = 0, []
    for row in (await session.execute(query)).all():
        if row.all_townships:
            total = row.person_times
        else:
            townships.append(
                TownshipRescues(area_code=AreaCode(row.township), person_times=row.person_times)
            )
    return RescueStats(
        year=year, person_times=total, by_township=sorted(townships, key=lambda t: t.area_code)
    )
