"""The year's figures, city-wide and by township, and the year before's, from one
aggregate per source covering both years where the source is this package's (enrolments,
payments); the temporary-assistance, helper-ledger and rescue summaries are asked for
each year, as are the standards."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.helper_ledger.repository import helper_ledger_stats
from civil_assistance.rescue.repository import rescue_stats
from civil_assistance.standards.service import to_out
from civil_assistance.stats.repository import StatsRepository
from civil_assistance.temporary.repository import temporary_stats
from civil_assistance.temporary.schemas import TemporaryStats
from civil_shared.contracts.assistance import (
    AssistanceStats,
    AssistanceYear,
    PaidFigure,
    ProgrammeFigures,
    StandardFigure,
    TemporaryFigures,
    TownshipFigures,
)
from civil_shared.types import AreaCode

ZERO = Decimal("0.00")


def _programmes(rows: list[Any], *, previous: bool = False) -> list[ProgrammeFigures]:
    """The programmes enrolled at the end of the year (``previous``: of the year before)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    prefix = "prev_" if previous else ""
    for row in rows:
        values = [
            int(getattr(row, f"{prefix}{name}"))
            for name in ("households", "persons", "pa_households", "pa_persons")
        ]
        if values[0] == 0:  # enrolled only in the other year
            continue
        figures = totals[row.programme]
        for i, value in enumerate(values):
            figures[i] += value
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


def _paid(rows: list[Any], year: int) -> list[PaidFigure]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if int(row.year) == year:
            totals[row.programme] += row.amount
    return [PaidFigure(programme=p, amount=a) for p, a in sorted(totals.items())]


def _temporary(stats: TemporaryStats) -> TemporaryFigures:
    return TemporaryFigures(
        cases=stats.cases,
        total_amount=stats.total_amount,
        average_amount=stats.average_amount,
        previous_average_amount=stats.previous_average_amount,
        average_growth_pct=stats.average_growth_pct,
    )


def _standards(rows: list[Any], year: int) -> list[StandardFigure]:
    """The city's standards of ``year`` (of :meth:`StatsRepository.city_standards`'s rows),
    each with its growth on the year before."""
    return [
        StandardFigure(
            programme=s.programme.value,
            amount=s.amount,
            unit=s.unit.value,
            previous_amount=s.previous_amount,
            growth_pct=s.growth_pct,
        )
        for s in map(to_out, rows)
        if s.year == year
    ]


async def assistance_stats(
    session: AsyncSession, year: int, area_code: AreaCode | None
) -> AssistanceStats:
    area = str(area_code) if area_code else None
    repository = StatsRepository(session)
    enrolled = await repository.enrolment_by_township(year, area)
    paid = await repository.paid_by_township(year, area)
    temporary = await temporary_stats(session, year, area)
    temporary_before = await temporary_stats(session, year - 1, area)
    helpers = await helper_ledger_stats(session, year, area)
    helpers_before = await helper_ledger_stats(session, year - 1, area)
    rescues = await rescue_stats(session, year, area)
    rescues_before = await rescue_stats(session, year - 1, area)
    city_standards = await repository.city_standards((year, year - 1))
    standards = _standards(city_standards, year)
    standards_before = _standards(city_standards, year - 1)

    townships = sorted(
        {r.township for r in enrolled if r.households}
        | {r.township for r in paid if int(r.year) == year}
        | {t.area_code for t in temporary.by_township}
        | {t.area_code for t in helpers.by_township}
        | {t.area_code for t in rescues.by_township}
    )
    temporary_by = {t.area_code: t for t in temporary.by_township}
    helpers_by = {t.area_code: t.count for t in helpers.by_township}
    rescues_by = {t.area_code: t.person_times for t in rescues.by_township}
    paid_figures = _paid(paid, year)
    paid_before = _paid(paid, year - 1)
    return AssistanceStats(
        year=year,
        area_code=area_code,
        programmes=_programmes(enrolled),
        standards=standards,
        temporary=_temporary(temporary),
        paid=paid_figures,
        paid_total=sum((p.amount for p in paid_figures), ZERO),
        helper_ledger=helpers.active,
        rescues=rescues.person_times,
        by_township=[
            TownshipFigures(
                area_code=AreaCode(township),
                programmes=_programmes([r for r in enrolled if r.township == township]),
                paid=_paid([r for r in paid if r.township == township], year),
                temporary_cases=temporary_by[township].cases if township in temporary_by else 0,
                temporary_amount=(
                    temporary_by[township].total_amount if township in temporary_by else ZERO
                ),
                helper_ledger=helpers_by.get(township, 0),
                rescues=rescues_by.get(township, 0),
            )
            for township in townships
        ],
        previous=AssistanceYear(
            year=year - 1,
            programmes=_programmes(enrolled, previous=True),
            standards=standards_before,
            temporary=_temporary(temporary_before),
            paid=paid_before,
            paid_total=sum((p.amount for p in paid_before), ZERO),
            helper_ledger=helpers_before.active,
            rescues=rescues_before.person_times,
        ),
    )
