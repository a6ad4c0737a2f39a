import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.temporary.models import TemporaryCase
from civil_assistance.temporary.schemas import (
    TemporaryStats,
    TemporaryStatus,
    TownshipTemporaryStats,
)
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode, to_fen


class TemporaryCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: uuid.UUID, *, for_update: bool = False) -> TemporaryCase | None:
        # FOR UPDATE: two concurrent approvals or payments of one case queue up, and
        # the second sees the first's status.
        return await self.session.get(TemporaryCase, case_id, with_for_update=for_update)

    async def same_cause_in_year(
        self, *, id_number: str, cause: str, year: int
    ) -> TemporaryCase | None:
        return await self.session.scalar(
            select(TemporaryCase).where(
                TemporaryCase.id_number == id_number,
                TemporaryCase.cause == cause,
                TemporaryCase.year == year,
                TemporaryCase.status != TemporaryStatus.REJECTED.value,
            )
        )

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[TemporaryCase], int]:
        query = (
            select(TemporaryCase)
            .where(*conditions)
            .order_by(TemporaryCase.application_date.desc(), TemporaryCase.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, case: TemporaryCase) -> TemporaryCase:
        self.session.add(case)
        await self.session.flush()
        return case


Figures = tuple[int, Decimal]  # (person-times, total amount)


def _average(figures: Figures | None) -> Decimal | None:
    return None if figures is None or figures[0] == 0 else figures[1] / figures[0]


def _measures(now: Figures | None, before: Figures | None) -> dict[str, Any]:
    """The figures of one scope; the growth is computed from the exact averages."""
    cases, total = now or (0, Decimal(0))
    average, previous = _average(now), _average(before)
    growth = None
    if average is not None and previous:
        growth = to_fen((average - previous) / previous * 100)
    return {
        "cases": cases,
        "total_amount": to_fen(total),
        "average_amount": None if average is None else to_fen(average),
        "previous_average_amount": None if previous is None else to_fen(previous),
        "average_growth_pct": growth,
    }


#: The statistics' statement, built once per year and area (see Statements).
_STATEMENTS = Statements()


async def temporary_stats(
    session: AsyncSession, year: int, area_code: str | None = None
) -> TemporaryStats:
    """Person-times, amounts and the average per person-time of the paid cases of
    ``year`` (the year of application), its growth on the year before, city-wide
    (or within ``area_code``) and by township — one aggregate over both years."""

    def build() -> Any:
        township = func.left(TemporaryCase.area_code, 9)
        within: ColumnElement[bool] = (
            TemporaryCase.area_code.startswith(area_code, autoescape=True) if area_code else true()
        )
        query = (
            select(
                TemporaryCase.year,
                func.grouping(township).label("all_townships"),
                township.label("township"),
                func.count().label("cases"),
                func.sum(TemporaryCase.amount).label("total"),
            )
            .where(
                TemporaryCase.status == TemporaryStatus.PAID.value,
                TemporaryCase.year.in_([year - 1, year]),
                within,
            )
            .group_by(
                func.grouping_sets(tuple_(TemporaryCase.year), tuple_(TemporaryCase.year, township))
            )
        )
        return query

    query = _STATEMENTS.get(("temporary", year, area_code), build)
    # (township, or None for the whole scope; year) -> figures
    figures: dict[tuple[str | None, int], Figures] = {}
    for row in (await session.execute(query)).all():
        scope = None if row.all_townships else row.township
        figures[(scope, row.year)] = (row.cases, row.total)
    townships = sorted({code for code, _ in figures if code is not None})
    return TemporaryStats(
        year=year,
        **_measures(figures.get((None, year)), figures.get((None, year - 1))),
        by_township=[
            TownshipTemporaryStats(
                area_code=AreaCode(code),
                **_measures(figures.get((code, year)), figures.get((code, year - 1))),
            )
            for code in townships
        ],
    )
