"""Queries of funeral waivers and cemeteries; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Integer, func, literal, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode, IdNumber, Period
from civil_welfare.funeral.models import FuneralWaiver, PublicCemetery
from civil_welfare.funeral.schemas import (
    BUILT_STATUSES,
    CemeteryStats,
    FamilyProgramme,
    MonthWaivers,
    ProgrammeWaivers,
    TownshipCemeteries,
    TownshipWaivers,
    WaiverTotals,
)


def approved_between(first: Period, last: Period) -> ColumnElement[bool]:
    # A date range, not to_char(...), so the approved_date index serves it.
    return (FuneralWaiver.approved_date >= first.first_day) & (
        FuneralWaiver.approved_date <= last.last_day
    )


def deceased_name_or_id_number(q: str) -> ColumnElement[bool]:
    try:
        return FuneralWaiver.deceased_id_number == str(IdNumber(q))
    except ValueError:
        return FuneralWaiver.deceased_name.contains(q.strip(), autoescape=True)


class FuneralRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: FuneralWaiver | PublicCemetery) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    # --- waivers -----------------------------------------------------------------

    async def waiver(self, waiver_id: uuid.UUID) -> FuneralWaiver | None:
        return await self.session.get(FuneralWaiver, waiver_id)

    async def waiver_of(self, id_number: str) -> FuneralWaiver | None:
        return await self.session.scalar(
            select(FuneralWaiver).where(FuneralWaiver.deceased_id_number == id_number)
        )

    async def waivers(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[FuneralWaiver], int]:
        query = (
            select(FuneralWaiver)
            .where(*conditions)
            .order_by(FuneralWaiver.approved_date.desc(), FuneralWaiver.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    # --- cemeteries --------------------------------------------------------------

    async def cemetery(self, cemetery_id: uuid.UUID) -> PublicCemetery | None:
        return await self.session.get(PublicCemetery, cemetery_id)

    async def cemetery_named(self, area_code: str, name: str) -> PublicCemetery | None:
        return await self.session.scalar(
            select(PublicCemetery).where(
                PublicCemetery.area_code == area_code, PublicCemetery.name == name
            )
        )

    async def cemeteries(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[PublicCemetery], int]:
        query = (
            select(PublicCemetery)
            .where(*conditions)
            .order_by(PublicCemetery.area_code, PublicCemetery.name, PublicCemetery.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)


# --- totals (also what the yearly statistics read) -----------------------------------


#: The summaries' statements for no ``visible`` (the statistics), built once per year
#: and area (see Statements); a caller's own condition is built per call.
_STATEMENTS = Statements()


async def waiver_totals(
    session: AsyncSession,
    first: Period,
    last: Period,
    visible: ColumnElement[bool] | None = None,
    area_code: str | None = None,
) -> WaiverTotals:
    """Cases and amounts of waivers approved from ``first`` to ``last`` (months included),
    in all, by township, by month and by family programme — one aggregate."""

    def build() -> Any:
        township = func.left(FuneralWaiver.area_code, 9)
        month = func.to_char(FuneralWaiver.approved_date, "YYYY-MM")
        programme = FuneralWaiver.family_programme
        zero = literal(Decimal("0.00"))
        query = (
            select(
                func.grouping(township, month, programme).label("grouping"),
                township.label("township"),
                month.label("month"),
                programme.label("programme"),
                func.count().label("cases"),
                func.coalesce(func.sum(FuneralWaiver.amount), zero).label("amount"),
            )
            .where(
                approved_between(first, last),
                visible if visible is not None else true(),
                FuneralWaiver.area_code.startswith(area_code, autoescape=True)
                if area_code
                else true(),
            )
            .group_by(
                func.grouping_sets(tuple_(), tuple_(township), tuple_(month), tuple_(programme))
            )
        )
        return query

    query = _STATEMENTS.get(("waivers", first, last, area_code), build, keep=visible is None)
    # grouping(township, month, programme) is a bit mask: 1 = programme rolled up, etc.
    all_rolled_up, by_township, by_month, by_programme = 0b111, 0b011, 0b101, 0b110
    cases, amount = 0, Decimal("0.00")
    townships: list[TownshipWaivers] = []
    months: list[MonthWaivers] = []
    programmes: list[ProgrammeWaivers] = []
    for row in (await session.execute(query)).all():
        if row.grouping == all_rolled_up:
            cases, amount = row.cases, row.amount
        elif row.grouping == by_township:
            townships.append(
                TownshipWaivers(
                    area_code=AreaCode(row.township), cases=row.cases, amount=row.amount
                )
            )
        elif row.grouping == by_month:
            months.append(
                MonthWaivers(period=Period(row.month), cases=row.cases, amount=row.amount)
            )
        elif row.grouping == by_programme:
            programmes.append(
                ProgrammeWaivers(
                    family_programme=FamilyProgramme(row.programme),
                    cases=row.cases,
                    amount=row.amount,
                )
            )
    return WaiverTotals(
        from_period=first,
        to_period=last,
        cases=cases,
        amount=amount,
        by_township=sorted(townships, key=lambda t: t.area_code),
        by_month=sorted(months, key=lambda m: m.period),
        by_programme=sorted(programmes, key=lambda p: p.family_programme.value),
    )


async def cemetery_stats(
    session: AsyncSession,
    year: int,
    visible: ColumnElement[bool] | None = None,
    area_code: str | None = None,
) -> CemeteryStats:
    """Cemeteries standing at the end of ``year`` and those built in it, by township."""

    def build() -> Any:
        township = func.left(PublicCemetery.area_code, 9)
        built_in_year = PublicCemetery.year_built == year
        zero = literal(0, Integer)
        query = (
            select(
                func.grouping(township).label("all_townships"),
                township.label("township"),
                func.count().label("built"),
                func.coalesce(func.count().filter(built_in_year), zero).label("built_in_year"),
                func.coalesce(func.count().filter(PublicCemetery.pilot), zero).label("pilots"),
            )
            .where(
                PublicCemetery.status.in_([s.value for s in BUILT_STATUSES]),
                PublicCemetery.year_built <= year,
                visible if visible is not None else true(),
                PublicCemetery.area_code.startswith(area_code, autoescape=True)
                if area_code
                else true(),
            )
            .group_by(func.grouping_sets(tuple_(), tuple_(township)))
        )
        return query

    query = _STATEMENTS.get(("cemeteries", year, area_code), build, keep=visible is None)
    built, in_year, pilots = 0, 0, 0
    townships: list[TownshipCemeteries] = []
    for row in (await session.execute(query)).all():
        if row.all_townships:
            built, in_year, pilots = row.built, row.built_in_year, row.pilots
        else:
            townships.append(
                TownshipCemeteries(
                    area_code=AreaCode(row.township),
                    built=row.built,
                    built_in_year=row.built_in_year,
                )
            )
    return CemeteryStats(
        year=year,
        built=built,
        built_in_year=in_year,
        pilots=pilots,
        by_township=sorted(townships, key=lambda t: t.area_code),
    )
