"""The year's figures, city-wide and by township, from one aggregate per source."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.helper_ledger.repository import helper_ledger_stats
from civil_assistance.rescue.repository import rescue_stats
from civil_assistance.standards.service import StandardService
from civil_assistance.stats.repository import StatsRepository
from civil_assistance.temporary.repository import temporary_stats
from civil_shared.contracts.assistance import (
    AssistanceStats,
    PaidFigure,
    ProgrammeFigures,
    StandardFigure,
    TemporaryFigures,
    TownshipFigures,
)
from civil_shared.pagination import PageParams
from civil_shared.types import TIANMEN, AreaCode

ZERO = Decimal("0.00")


def _programmes(rows: list[Any]) -> list[ProgrammeFigures]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row in rows:
        figures = totals[row.programme]
        for i, value in enumerate((row.households, row.persons, row.pa_households, row.pa_persons)):
            figures[i] += int(value)
    return [
        ProgrammeFigures(
            programme=programme,
            households=h,
            persons=p,
            poverty_alleviation_households=pah,
            poverty_alleviation_persons=pap,
        )
        for programme, (h, p, pah, pap) in sorted(totals.items())
    ]


def _paid(rows: list[Any]) -> list[PaidFigure]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row.programme] += row.amount
    return [PaidFigure(programme=p, amount=a) for p, a in sorted(totals.items())]


async def assistance_stats(
    session: AsyncSession, year: int, area_code: AreaCode | None
) -> AssistanceStats:
    area = str(area_code) if area_code else None
    repository = StatsRepository(session)
    enrolled = await repository.enrolment_by_township(year, area)
    paid = await repository.paid_by_township(year, area)
    temporary = await temporary_stats(session, year, area)
    helpers = await helper_ledger_stats(session, year, area)
    rescues = await rescue_stats(session, year, area)
    standards = await StandardService(session).list_standards(
        PageParams(limit=100, offset=0), year=year, area_code=TIANMEN
    )

    townships = sorted(
        {r.township for r in enrolled}
        | {r.township for r in paid}
        | {t.area_code for t in temporary.by_township}
        | {t.area_code for t in helpers.by_township}
        | {t.area_code for t in rescues.by_township}
    )
    temporary_by = {t.area_code: t for t in temporary.by_township}
    helpers_by = {t.area_code: t.count for t in helpers.by_township}
    rescues_by = {t.area_code: t.person_times for t in rescues.by_township}
    paid_figures = _paid(paid)
    return AssistanceStats(
        year=year,
        area_code=area_code,
        programmes=_programmes(enrolled),
        standards=[
            StandardFigure(
                programme=s.programme.value,
                amount=s.amount,
                unit=s.unit.value,
                previous_amount=s.previous_amount,
                growth_pct=s.growth_pct,
            )
            for s in standards.items
            if s.area_code == TIANMEN
        ],
        temporary=TemporaryFigures(
            cases=temporary.cases,
            total_amount=temporary.total_amount,
            average_amount=temporary.average_amount,
            previous_average_amount=temporary.previous_average_amount,
            average_growth_pct=temporary.average_growth_pct,
        ),
        paid=paid_figures,
        paid_total=sum((p.amount for p in paid_figures), ZERO),
        helper_ledger=helpers.active,
        rescues=rescues.person_times,
        by_township=[
            TownshipFigures(
                area_code=AreaCode(township),
                programmes=_programmes([r for r in enrolled if r.township == township]),
                paid=_paid([r for r in paid if r.township == township]),
                temporary_cases=temporary_by[township].cases if township in temporary_by else 0,
                temporary_amount=(
                    temporary_by[township].total_amount if township in temporary_by else ZERO
                ),
                helper_ledger=helpers_by.get(township, 0),
                rescues=rescues_by.get(township, 0),
            )
            for township in townships
        ],
    )
