"""The year's figures as SQL aggregates, grouped by township (the first 9 digits).

Two statements, each a UNION ALL of small aggregates whose rows are
``(figure, township, n, previous)``: ``n`` the year's figure, ``previous`` the year
before's, from the same pass (an aggregate ``FILTER`` per year's condition):

* :meth:`StatsRepository.record_counts`: figures where each record lies in one
  township, so the city's figure is the sum of the rows. A NULL township is a
  city-level record (an illegal-organisation case with no township): the city's only.
* :meth:`StatsRepository.area_counts`: figures counted once for the city (or the
  township asked for), rows with a NULL township, since one record serves several
  townships (a boundary line lies between two, a training batch gathers many);
  beside them, the ``TOWNSHIP_*`` figures: each township's lines and batches.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.boundaries.models import BoundaryLine
from civil_governance.boundaries.schemas import SurveyStatus
from civil_governance.boundary_training.models import BoundaryTraining, BoundaryTrainingTownship
from civil_governance.communities.models import (
    Community,
    Council,
    CouncilMeeting,
    CovenantVersion,
)
from civil_governance.communities.schemas import CouncilKind
from civil_governance.divisions.models import Division
from civil_governance.organisations.models import IllegalOrganisationCase
from civil_governance.organisations.schemas import CaseOutcome
from civil_shared.contracts.divisions import DivisionKind
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaLevel

#: The report's 乡、镇、街道 (25 in Tianmen); farms and the management committee besides.
REPORTED_TOWNSHIP_KINDS: tuple[DivisionKind, ...] = (
    DivisionKind.STREET,
    DivisionKind.TOWN,
    DivisionKind.TOWNSHIP,
)
#: A line counts as surveyed (勘定) in these states; a disputed one is not settled.
SURVEYED_STATES: tuple[SurveyStatus, ...] = (SurveyStatus.SURVEYED, SurveyStatus.VERIFIED)

#: Per-township figures of :meth:`StatsRepository.area_counts` (never summed to the city).
TOWNSHIP_BOUNDARY_LINES = "township_boundary_lines"
TOWNSHIP_BOUNDARY_LINES_SURVEYED = "township_boundary_lines_surveyed"
TOWNSHIP_TRAINING_BATCHES = "township_boundary_training_batches"


def township(column: Any) -> ColumnElement[str]:
    return func.left(column, 9)


def within(column: Any, area_code: str | None) -> ColumnElement[bool]:
    """Rows in ``area_code`` (a prefix; a NULL code, a city-level record, never matches)."""
    return column.startswith(area_code, autoescape=True) if area_code else true()


def in_year(column: Any, year: int) -> ColumnElement[bool]:
    # A range, not EXTRACT(YEAR ...), so an index on the date serves it.
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


@dataclass(frozen=True, slots=True)
class Years:
    """A record's condition of counting in the year (``now``) and in the year before."""

    now: ColumnElement[bool]
    before: ColumnElement[bool]


#: A register counted as it stands now: the same in both years.
ALWAYS = Years(true(), true())


def _counts(years: Years, counted: Any) -> tuple[Any, Any]:
    count = func.count(func.distinct(counted)) if counted is not None else func.count()
    return count.filter(years.now).label("n"), count.filter(years.before).label("previous")


def _by_township(
    name: str, where: Any, years: Years, *conditions: Any, counted: Any = None
) -> Select[str, str, int, int]:
    """``(name, township, n, previous)`` grouped by the township ``where`` (a 9-digit
    expression)."""
    return (
        select(
            literal(name, String).label("figure"), where.label("township"), *_counts(years, counted)
        )
        .where(*conditions, or_(years.now, years.before))
        .group_by(where)
    )


def _once(
    name: str, years: Years, *conditions: Any, counted: Any = None
) -> Select[str, str, int, int]:
    """``(name, NULL, n, previous)``: a figure counted once for the whole scope."""
    return select(
        literal(name, String).label("figure"),
        cast(null(), String).label("township"),
        *_counts(years, counted),
    ).where(*conditions)


#: Each statement below, built once per year, dates and area (see Statements).
_STATEMENTS = Statements()


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def townships(self, area_code: str | None) -> list[Any]:
        """``(code, name, kind)`` of the township-level units in scope, in code order."""
        query = _STATEMENTS.get(
            ("townships", area_code),
            lambda: (
                select(Division.code, Division.name, Division.kind)
                .where(Division.level == AreaLevel.TOWNSHIP.value, within(Division.code, area_code))
                .order_by(Division.code)
            ),
        )
        return list((await self.session.execute(query)).all())

    async def record_counts(
        self, year: int, on: date, before: date, area_code: str | None
    ) -> list[Any]:
        """``(figure, township, n, previous)``, ``figure`` named as the contract's field
        (``n`` for ``year`` on ``on``, ``previous`` for the year before on ``before``): the
        communities by the kind of their division, pilots designated by ``year``,
        councils established by ``on`` and communities whose three are complete by then,
        the year's meetings and covenant versions adopted, illegal organisations
        dispersed and banned in the year (by the case's outcome date)."""
        key = ("record_counts", year, on, before, area_code)
        query = _STATEMENTS.get(key, lambda: self._record_counts(year, on, before, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _record_counts(year: int, on: date, before: date, area_code: str | None) -> Any:
        community_township = township(Community.area_code)
        in_area = within(Community.area_code, area_code)
        # The type is the division's (社区 or 村), as the communities' own list reads it.
        communities = [
            _by_township(
                name, community_township, ALWAYS, Division.kind == kind.value, in_area
            ).join_from(Community, Division, Division.code == Community.area_code)
            for name, kind in (
                ("communities_urban", DivisionKind.COMMUNITY),
                ("communities_rural", DivisionKind.VILLAGE),
            )
        ]
        pilots = _by_township(
            "pilots",
            community_township,
            Years(Community.pilot_year <= year, Community.pilot_year <= year - 1),
            in_area,
        )
        established = Years(Council.established_date <= on, Council.established_date <= before)
        in_council_area = within(Council.area_code, area_code)
        councils = _by_township(
            "councils", township(Council.area_code), established, in_council_area
        )
        complete = (
            select(
                Council.area_code,
                func.count().filter(established.now).label("now"),
                func.count().filter(established.before).label("before"),
            )
            .where(in_council_area, or_(established.now, established.before))
            .group_by(Council.area_code)
            .subquery("complete")
        )
        # (area_code, kind) is unique: as many councils as kinds means all three.
        three_councils = _by_township(
            "communities_with_three_councils",
            township(complete.c.area_code),
            Years(complete.c.now == len(CouncilKind), complete.c.before == len(CouncilKind)),
        ).select_from(complete)
        meetings = _by_township(
            "council_meetings",
            township(Council.area_code),
            Years(
                in_year(CouncilMeeting.meeting_date, year),
                in_year(CouncilMeeting.meeting_date, year - 1),
            ),
            in_council_area,
        ).join_from(CouncilMeeting, Council, CouncilMeeting.council_id == Council.id)
        covenants = _by_township(
            "covenants_adopted",
            township(CovenantVersion.area_code),
            Years(
                in_year(CovenantVersion.adopted_date, year),
                in_year(CovenantVersion.adopted_date, year - 1),
            ),
            within(CovenantVersion.area_code, area_code),
        )
        case = IllegalOrganisationCase
        cases = [
            _by_township(
                name,
                case.township_code,
                Years(in_year(case.outcome_date, year), in_year(case.outcome_date, year - 1)),
                case.outcome == outcome.value,
                within(case.township_code, area_code),
            )
            for name, outcome in (
                ("illegal_dispersed", CaseOutcome.DISPERSED),
                ("illegal_banned", CaseOutcome.BANNED),
            )
        ]
        return union_all(
            *communities, pilots, councils, three_councils, meetings, covenants, *cases
        )

    async def area_counts(
        self, year: int, on: date, before: date, area_code: str | None
    ) -> list[Any]:
        """``(figure, township, n, previous)`` (as :meth:`record_counts`): with a NULL
        township, the figures counted once for
        the scope (township-level units, 25 and all; boundary lines and those surveyed;
        the year's training batches and the townships they trained); with a township,
        that township's lines, surveyed lines and batches (``TOWNSHIP_*``)."""
        key = ("area_counts", year, on, before, area_code)
        query = _STATEMENTS.get(key, lambda: self._area_counts(year, on, before, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _area_counts(year: int, on: date, before: date, area_code: str | None) -> Any:
        unit = Division
        units = [
            _once(
                "township_units",
                ALWAYS,
                unit.level == AreaLevel.TOWNSHIP.value,
                unit.kind.in_([k.value for k in REPORTED_TOWNSHIP_KINDS]),
                within(unit.code, area_code),
            ),
            _once(
                "township_units_all",
                ALWAYS,
                unit.level == AreaLevel.TOWNSHIP.value,
                within(unit.code, area_code),
            ),
        ]

        line = BoundaryLine
        settled = line.survey_status.in_([s.value for s in SURVEYED_STATES])
        surveyed = Years(
            and_(settled, line.surveyed_date <= on), and_(settled, line.surveyed_date <= before)
        )
        touching = or_(
            within(line.township_a_code, area_code), within(line.township_b_code, area_code)
        )
        lines = [
            # FROM named: without a scope, no condition names the table.
            _once("boundary_lines", ALWAYS, touching).select_from(line),
            _once("boundary_lines_surveyed", surveyed, touching).select_from(line),
        ]
        # Each line under both of its townships: one part a side.
        for side in (line.township_a_code, line.township_b_code):
            lines.append(
                _by_township(TOWNSHIP_BOUNDARY_LINES, side, ALWAYS, within(side, area_code))
            )
            lines.append(
                _by_township(
                    TOWNSHIP_BOUNDARY_LINES_SURVEYED, side, surveyed, within(side, area_code)
                )
            )

        batch, attended = BoundaryTraining, BoundaryTrainingTownship
        held = Years(in_year(batch.held_date, year), in_year(batch.held_date, year - 1))
        attending = within(attended.township_code, area_code)
        joined = (batch, attended, attended.training_id == batch.id)
        training = [
            # A batch counts once however many of the scope's townships it trained.
            _once("boundary_training_batches", held, attending, counted=batch.id).join_from(
                *joined
            ),
            _once(
                "boundary_training_townships", held, attending, counted=attended.township_code
            ).join_from(*joined),
            _by_township(
                TOWNSHIP_TRAINING_BATCHES, attended.township_code, held, attending
            ).join_from(*joined),
        ]
        return union_all(*units, *lines, *training)
