"""The year's figures, city-wide and by township, from one aggregate per source.

The statistics date (``as_of``) is 31 December of the year, or today (in Beijing)
while the year is the current one; a future year is refused. Every source is
grouped by township in SQL. Each township-level unit of the scope has its row, with
zeros where it has no records. A city-level record (an organisation, a case or a
donation without a township) counts in the city's figures only, so the city's are the
sum of its townships' plus those; boundary lines and training batches, which serve
several townships each, are counted once for the city and again under each township.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.charity.repository import donation_stats
from civil_governance.charity.schemas import DonationStats
from civil_governance.organisations.areas import unknown_township
from civil_governance.organisations.repository import organisation_stats
from civil_governance.organisations.schemas import (
    REGISTERED_ORG_TYPES,
    OrganisationStats,
    OrgStatus,
)
from civil_governance.stats.repository import (
    REPORTED_TOWNSHIP_KINDS,
    TOWNSHIP_BOUNDARY_LINES,
    TOWNSHIP_BOUNDARY_LINES_SURVEYED,
    TOWNSHIP_TRAINING_BATCHES,
    StatsRepository,
)
from civil_governance.volunteers.repository import volunteer_stats
from civil_governance.volunteers.schemas import VolunteerStats
from civil_governance.volunteers.workdays import today as beijing_today
from civil_shared.contracts.divisions import DivisionKind
from civil_shared.contracts.governance import (
    DonationFigure,
    GovernanceStats,
    GovernanceYear,
    OrganisationFigure,
    TownshipGovernance,
)
from civil_shared.errors import Unprocessable
from civil_shared.types import TIANMEN, AreaCode, AreaLevel

ZERO = Decimal("0.00")

#: The counts of ``record_counts``, under their contract names.
RECORD_COUNTS: tuple[str, ...] = (
    "communities_urban",
    "communities_rural",
    "pilots",
    "councils",
    "communities_with_three_councils",
    "council_meetings",
    "covenants_adopted",
    "illegal_dispersed",
    "illegal_banned",
)


def statistics_date(year: int, today: date) -> date:
    """31 December of a past year, today for the current year; 422 for a future one."""
    if year > today.year:
        raise Unprocessable(
            f"{year} 年尚未开始，不能统计", code="GOVERNANCE_STATS_YEAR_IN_FUTURE", year=year
        )
    return date(year, 12, 31) if year < today.year else today


def scope(area_code: AreaCode | None) -> str | None:
    """The township to narrow to, or None for the whole city (天门市 itself included).

    Organisations, cases and donations lie at township level, so a village is no
    scope these figures can be narrowed to: 422.
    """
    if area_code is None or area_code == TIANMEN:
        return None
    if area_code.level is not AreaLevel.TOWNSHIP:
        raise Unprocessable(
            "统计范围应为天门市或一个乡镇（街道）的9位代码",
            code="GOVERNANCE_STATS_AREA_LEVEL",
            area_code=str(area_code),
        )
    return str(area_code)


@dataclass
class Figures:
    """One township's figures while they are gathered (or those of the whole scope)."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    organisations: int = 0
    donation_amount: Decimal = ZERO
    volunteers_registered: int = 0
    volunteers_with_hours: int = 0
    volunteer_hours: Decimal = ZERO

    def add(self, other: "Figures") -> None:
        for key, n in other.counts.items():
            self.counts[key] += n
        self.organisations += other.organisations
        self.donation_amount += other.donation_amount
        self.volunteers_registered += other.volunteers_registered
        self.volunteers_with_hours += other.volunteers_with_hours
        self.volunteer_hours += other.volunteer_hours

    def fields(self) -> dict[str, object]:
        """The contract's ``GovernanceCounts`` fields."""
        return {
            **{name: self.counts[name] for name in RECORD_COUNTS},
            "organisations": self.organisations,
            "donation_amount": self.donation_amount,
            "volunteers_registered": self.volunteers_registered,
            "volunteers_with_hours": self.volunteers_with_hours,
            "volunteer_hours": self.volunteer_hours,
        }


def _figures(
    records: list[Any],
    organisations: OrganisationStats,
    donations: DonationStats,
    volunteers: VolunteerStats,
    *,
    previous: bool,
) -> dict[str | None, Figures]:
    """One year's figures by township (None: the city-level records); ``previous`` reads
    the year before's column of the two-year aggregates."""
    by: dict[str | None, Figures] = defaultdict(Figures)
    for row in records:
        by[row.township].counts[row.figure] += row.previous if previous else row.n
    for o in organisations.registered_by_township:
        by[str(o.township_code) if o.township_code else None].organisations += o.count
    for d in donations.by_township:
        by[str(d.township_code) if d.township_code else None].donation_amount += d.total
    for v in volunteers.by_township:
        figures = by[str(v.area_code)]
        figures.volunteers_registered += v.volunteers_registered
        figures.volunteers_with_hours += v.volunteers_with_hours
        figures.volunteer_hours += v.service_hours
    return by


def _city(by: dict[str | None, Figures]) -> Figures:
    city = Figures()
    for figures in by.values():
        city.add(figures)
    return city


def _year(
    year: int,
    as_of: date,
    city: Figures,
    scope_counts: dict[str, int],
    organisations: OrganisationStats,
    donations: DonationStats,
) -> dict[str, Any]:
    """The fields of the contract's ``GovernanceYear`` for the scope."""
    by_type_status = {(o.org_type, o.status): o.count for o in organisations.by_type_and_status}
    return {
        "year": year,
        "as_of": as_of,
        "township_units": scope_counts["township_units"],
        "township_units_all": scope_counts["township_units_all"],
        "organisations_by_type": [
            OrganisationFigure(
                org_type=org_type.value,
                status=status.value,
                count=by_type_status.get((org_type, status), 0),
            )
            for org_type in REGISTERED_ORG_TYPES
            for status in OrgStatus
        ],
        "donations": [
            DonationFigure(purpose=p.purpose.value, count=p.donations, amount=p.total)
            for p in donations.by_purpose
        ],
        "boundary_lines": scope_counts["boundary_lines"],
        "boundary_lines_surveyed": scope_counts["boundary_lines_surveyed"],
        "boundary_training_batches": scope_counts["boundary_training_batches"],
        "boundary_training_townships": scope_counts["boundary_training_townships"],
        **city.fields(),
    }


async def governance_stats(
    session: AsyncSession, year: int, area_code: AreaCode | None, today: date | None = None
) -> GovernanceStats:
    """The figures of ``year`` for the scope and by township, and the year before's
    (``previous``, on 31 December of that year): the registers' counts of both years from
    the same two statements, the organisations', donations' and volunteers' summaries
    asked for each year."""
    as_of = statistics_date(year, today or beijing_today())
    before = date(year - 1, 12, 31)
    area = scope(area_code)
    repository = StatsRepository(session)
    townships = await repository.townships(area)
    if area is not None and not townships:
        raise unknown_township(area)
    records = await repository.record_counts(year, as_of, before, area)
    once = await repository.area_counts(year, as_of, before, area)
    organisations = await organisation_stats(session, year, area)
    organisations_before = await organisation_stats(session, year - 1, area)
    donations = await donation_stats(session, year, area)
    donations_before = await donation_stats(session, year - 1, area)
    volunteers = await volunteer_stats(session, year, area)
    volunteers_before = await volunteer_stats(session, year - 1, area)

    by = _figures(records, organisations, donations, volunteers, previous=False)
    by_before = _figures(
        records, organisations_before, donations_before, volunteers_before, previous=True
    )
    scope_counts: dict[str, int] = defaultdict(int)
    scope_before: dict[str, int] = defaultdict(int)
    township_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in once:
        if row.township is None:
            scope_counts[row.figure] += row.n
            scope_before[row.figure] += row.previous
        else:
            township_counts[row.township][row.figure] += row.n

    return GovernanceStats(
        area_code=AreaCode(area) if area else None,
        by_township=[
            TownshipGovernance(
                area_code=AreaCode(code),
                name=name,
                kind=DivisionKind(kind),
                in_report_count=kind in REPORTED_TOWNSHIP_KINDS,
                boundary_lines=township_counts[code][TOWNSHIP_BOUNDARY_LINES],
                boundary_lines_surveyed=township_counts[code][TOWNSHIP_BOUNDARY_LINES_SURVEYED],
                boundary_training_batches=township_counts[code][TOWNSHIP_TRAINING_BATCHES],
                **by[code].fields(),
            )
            for code, name, kind in townships
        ],
        previous=GovernanceYear(
            **_year(
                year - 1,
                before,
                _city(by_before),
                scope_before,
                organisations_before,
                donations_before,
            )
        ),
        **_year(year, as_of, _city(by), scope_counts, organisations, donations),
    )
