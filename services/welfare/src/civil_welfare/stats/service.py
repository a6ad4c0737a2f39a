"""The year's figures, city-wide and by township, from one aggregate per source.

The statistics date (``as_of``) is 31 December of the year, or today while the year
is the current one; a future year is refused. Register figures are taken on that date
(a monthly subsidy: the persons whose entitlement covers its month), events over the
year, money from the year's paid runs; visits overdue on the statistics date are the
visits package's summary. Institutions hold their counts as they are now (the register
keeps no history of them). A count whose rule is not set for the year (the left-behind
rule, the visit intervals) is None, never guessed.
Every source is grouped by township in SQL; the city's figures are the sum of its
townships', so the two always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.contracts.welfare import (
    SubsidyFigures,
    TownshipWelfare,
    WelfareStats,
    WelfareYear,
)
from civil_shared.errors import Unprocessable
from civil_shared.types import TIANMEN, AreaCode, Period
from civil_welfare.children.support.service import values_in_force
from civil_welfare.elderly.repository import MIN_MONTHS
from civil_welfare.funeral.repository import cemetery_stats, waiver_totals
from civil_welfare.funeral.schemas import CemeteryStats, WaiverTotals
from civil_welfare.institutions.repository import closure_summary, institution_summary
from civil_welfare.institutions.schemas import ClosureSummary, InstitutionSummary
from civil_welfare.parameters.by_area import AreaValues
from civil_welfare.stats.repository import LEFT_BEHIND_ELDERLY, Dated, StatsRepository
from civil_welfare.stats.standards import standard_figures
from civil_welfare.subsidy_runs.schemas import Subsidy
from civil_welfare.visits.schemas import VisitSummary
from civil_welfare.visits.service import visit_summary
from civil_welfare.workforce.repository import workforce_counts
from civil_welfare.workforce.schemas import WorkerRole

ZERO = Decimal("0.00")

#: The register counts that are a subsidy's persons.
PERSONS_OF: dict[str, Subsidy] = {
    "orphans_scattered": Subsidy.ORPHAN_SCATTERED,
    "orphans_institution": Subsidy.ORPHAN_INSTITUTION,
    "de_facto_unsupported_children": Subsidy.DE_FACTO_UNSUPPORTED,
    "disability_living_subsidy_persons": Subsidy.DISABILITY_LIVING,
    "disability_care_subsidy_persons": Subsidy.DISABILITY_CARE,
    "high_age_allowance_persons": Subsidy.HIGH_AGE,
}


#: The counts gathered under their contract names (a field the contract gains and nothing
#: fills is a validation error, never a silent zero).
COUNTED: tuple[str, ...] = (
    "left_behind_children",
    "hardship_children",
    "child_directors",
    "child_directors_trained",
    "child_supervisors",
    "child_supervisors_trained",
    "visits_made",
    "institutions",
    "institution_residents",
    "institution_staff",
    "disabled_tekun_residents",
    "closed_management_institutions",
    "closed_management_residents",
    "closed_management_staff",
    "closed_management_infections",
    "funeral_waivers",
    "cemeteries",
    "cemeteries_built_in_year",
)


VISITS_OVERDUE = "visits_overdue"
#: Counts that need a rule of the year (a parameter): unknown (None) while it is unset.
UNKNOWABLE = (LEFT_BEHIND_ELDERLY, VISITS_OVERDUE)


def statistics_date(year: int, today: date) -> date:
    """31 December of a past year, today for the current year; 422 for a future one."""
    if year > today.year:
        raise Unprocessable(
            f"{year} 年尚未开始，不能统计", code="WELFARE_STATS_YEAR_IN_FUTURE", year=year
        )
    return date(year, 12, 31) if year < today.year else today


@dataclass
class Figures:
    """One township's figures while they are gathered (the city: their sum)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    waiver_amount: Decimal = ZERO
    persons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    paid: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    person_months: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: "Figures") -> None:
        for key, value in other.counts.items():
            self.counts[key] += value
        self.waiver_amount += other.waiver_amount
        for key, n in other.persons.items():
            self.persons[key] += n
        for key, amount in other.paid.items():
            self.paid[key] += amount
        for key, n in other.person_months.items():
            self.person_months[key] += n

    def subsidies(self) -> list[SubsidyFigures]:
        return [
            SubsidyFigures(
                subsidy=s.value,
                persons=self.persons[s.value],
                paid_amount=self.paid[s.value],
                paid_person_months=self.person_months[s.value],
            )
            for s in Subsidy
        ]

    def fields(self, unknown: frozenset[str]) -> dict[str, object]:
        """The contract's ``WelfareCounts`` fields; those in ``unknown`` (a count whose rule
        is not set for the year) are None."""
        subsidies = self.subsidies()
        return {
            **{name: self.counts[name] for name in COUNTED},
            **{name: self.persons[s.value] for name, s in PERSONS_OF.items()},
            "funeral_waiver_amount": self.waiver_amount,
            "subsidies": subsidies,
            "paid_total": sum((s.paid_amount for s in subsidies), ZERO),
            **{name: None if name in unknown else self.counts[name] for name in UNKNOWABLE},
        }


@dataclass(frozen=True, slots=True)
class _YearEvents:
    """The parts asked of other packages for one year (their own aggregates)."""

    workforce: list[Any]
    closures: ClosureSummary
    waivers: WaiverTotals
    cemeteries: CemeteryStats
    visits: VisitSummary


async def _year_events(
    session: AsyncSession, year: int, as_of: date, area: str | None
) -> _YearEvents:
    return _YearEvents(
        workforce=list(await workforce_counts(session, year, area, on=as_of)),
        closures=await closure_summary(session, year, area_code=area),
        waivers=await waiver_totals(
            session, Period(f"{year}-01"), Period(f"{year}-12"), area_code=area
        ),
        cemeteries=await cemetery_stats(session, year, area_code=area),
        visits=await visit_summary(session, year, on=as_of, area_code=area),
    )


def _by_township(
    year: int,
    registers: list[Any],
    persons: list[Any],
    paid: list[Any],
    institutions: InstitutionSummary,
    events: _YearEvents,
    *,
    previous: bool,
) -> dict[str, Figures]:
    """One year's figures by township; ``previous`` reads the year before's columns of the
    two-year aggregates."""
    by: dict[str, Figures] = defaultdict(Figures)
    for row in registers:
        by[row.township].counts[row.figure] += row.previous if previous else row.n
    for row in persons:
        by[row.township].persons[row.figure] += row.previous if previous else row.n
    for row in paid:
        if int(row.year) == year:
            by[row.township].paid[row.subsidy] += row.amount
            by[row.township].person_months[row.subsidy] += int(row.person_months)
    for township, role, active, trained in events.workforce:
        name = "child_directors" if role == WorkerRole.DIRECTOR.value else "child_supervisors"
        by[township].counts[name] += active
        by[township].counts[f"{name}_trained"] += trained
    for t in institutions.by_township:
        counts = by[str(t.area_code)].counts
        counts["institutions"] += t.institutions
        counts["institution_residents"] += t.residents
        counts["institution_staff"] += t.staff
        counts["disabled_tekun_residents"] += t.disabled_tekun_residents
    for c in events.closures.by_township:
        counts = by[str(c.area_code)].counts
        counts["closed_management_institutions"] += c.institutions
        counts["closed_management_residents"] += c.residents_inside
        counts["closed_management_staff"] += c.staff_inside
        counts["closed_management_infections"] += c.infections
    for w in events.waivers.by_township:
        by[str(w.area_code)].counts["funeral_waivers"] += w.cases
        by[str(w.area_code)].waiver_amount += w.amount
    for m in events.cemeteries.by_township:
        by[str(m.area_code)].counts["cemeteries"] += m.built
        by[str(m.area_code)].counts["cemeteries_built_in_year"] += m.built_in_year
    for v in events.visits.by_township:
        by[str(v.area_code)].counts["visits_made"] += v.visits_made
        by[str(v.area_code)].counts[VISITS_OVERDUE] += v.overdue or 0
    return by


def _unknown(rule: AreaValues | None, events: _YearEvents) -> frozenset[str]:
    known = (
        (LEFT_BEHIND_ELDERLY, rule is not None),
        (VISITS_OVERDUE, events.visits.overdue is not None),
    )
    return frozenset(name for name, is_known in known if not is_known)


def _city(by: dict[str, Figures]) -> Figures:
    city = Figures()
    for figures in by.values():
        city.add(figures)
    return city


async def welfare_stats(
    session: AsyncSession, year: int, area_code: AreaCode | None, today: date | None = None
) -> WelfareStats:
    """The figures of ``year`` by township and for the scope, and the year before's
    (``previous``, on 31 December of that year) from the same aggregates."""
    as_of = statistics_date(year, today or date.today())
    before = date(year - 1, 12, 31)
    area = str(area_code) if area_code else None
    repository = StatsRepository(session)
    # The left-behind rule of each year; unset, the count is unknown (never guessed).
    rule = await values_in_force(session, [MIN_MONTHS], year)
    rule_before = await values_in_force(session, [MIN_MONTHS], year - 1)
    registers = await repository.register_counts(
        Dated(as_of, rule), Dated(before, rule_before), area
    )
    persons = await repository.subsidy_persons(Period.of(as_of), Period.of(before), area)
    paid = await repository.paid(year, area)
    # The register keeps no history of institutions: both years show them as they are now.
    institutions = await institution_summary(session, area_code=area)
    standards, standards_before = await standard_figures(session, year, area or str(TIANMEN))
    events = await _year_events(session, year, as_of, area)
    events_before = await _year_events(session, year - 1, before, area)

    by = _by_township(year, registers, persons, paid, institutions, events, previous=False)
    unknown = _unknown(rule, events)
    city_before = _city(
        _by_township(year - 1, registers, persons, paid, institutions, events_before, previous=True)
    )
    return WelfareStats(
        year=year,
        area_code=area_code,
        as_of=as_of,
        standards=standards,
        by_township=[
            TownshipWelfare(area_code=AreaCode(township), **by[township].fields(unknown))
            for township in sorted(by)
        ],
        previous=WelfareYear(
            year=year - 1,
            as_of=before,
            standards=standards_before,
            **city_before.fields(_unknown(rule_before, events_before)),
        ),
        **_city(by).fields(unknown),
    )
