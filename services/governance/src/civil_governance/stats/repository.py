"""The year's figures as SQL aggregates, grouped by township (the first 9 digits).

Two statements, each a UNION ALL of small aggregates whose rows are
``(figure, township, n)``:

* :meth:`StatsRepository.record_counts`: figures where each record lies in one
  township, so the city's figure is the sum of the rows. A NULL township is a
  city-level record (an illegal-organisation case with no township): the city's only.
* :meth:`StatsRepository.area_counts`: figures counted once for the city (or the
  township asked for), rows with a NULL township, since one record serves several
  townships (a boundary line lies between two, a training batch gathers many);
  beside them, the ``TOWNSHIP_*`` figures: each township's lines and batches.
"""

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


def _by_township(
    name: str, where: Any, *conditions: Any, counted: Any = None
) -> Select[str, str, int]:
    """``(name, township, n)`` grouped by the township ``where`` (a 9-digit expression)."""
    return (
        select(
            literal(name, String).label("figure"),
            where.label("township"),
            (func.count(func.distinct(counted)) if counted is not None else func.count()).label(
                "n"
            ),
        )
        .where(*conditions)
        .group_by(where)
    )


def _once(name: str, *conditions: Any, counted: Any = None) -> Select[str, str, int]:
    """``(name, NULL, n)``: a figure counted once for the whole scope."""
    return select(
        literal(name, String).label("figure"),
        cast(null(), String).label("township"),
        (func.count(func.distinct(counted)) if counted is not None else func.count()).label("n"),
    ).where(*conditions)


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def townships(self, area_code: str | None) -> list[Any]:
        """``(code, name, kind)`` of the township-level units in scope, in code order."""
        query = (
            select(Division.code, Division.name, Division.kind)
            .where(Division.level == AreaLevel.TOWNSHIP.value, within(Division.code, area_code))
            .order_by(Division.code)
        )
        return list((await self.session.execute(query)).all())

    async def record_counts(self, year: int, on: date, area_code: str | None) -> list[Any]:
        """``(figure, township, n)``, ``figure`` named as the contract's field: the
        communities by the kind of their division, pilots designated by ``year``,
        councils established by ``on`` and communities whose three are complete by then,
        the year's meetings and covenant versions adopted, illegal organisations
        dispersed and banned in the year (by the case's outcome date)."""
        community_township = township(Community.area_code)
        in_area = within(Community.area_code, area_code)
        # The type is the division's (社区 or 村), as the communities' own list reads it.
        communities = [
            _by_township(name, community_township, Division.kind == kind.value, in_area).join_from(
                Community, Division, Division.code == Community.area_code
            )
            for name, kind in (
                ("communities_urban", DivisionKind.COMMUNITY),
                ("communities_rural", DivisionKind.VILLAGE),
            )
        ]
        pilots = _by_township("pilots", community_township, Community.pilot_year <= year, in_area)
        established = and_(Council.established_date <= on, within(Council.area_code, area_code))
        councils = _by_township("councils", township(Council.area_code), established)
        complete = (
            select(Council.area_code)
            .where(established)
            .group_by(Council.area_code)
            # (area_code, kind) is unique: as many rows as kinds means all three.
            .having(func.count() == len(CouncilKind))
            .subquery("complete")
        )
        three_councils = _by_township(
            "communities_with_three_councils", township(complete.c.area_code)
        ).select_from(complete)
        meetings = _by_township(
            "council_meetings",
            township(Council.area_code),
            in_year(CouncilMeeting.meeting_date, year),
            within(Council.area_code, area_code),
        ).join_from(CouncilMeeting, Council, CouncilMeeting.council_id == Council.id)
        covenants = _by_township(
            "covenants_adopted",
            township(CovenantVersion.area_code),
            in_year(CovenantVersion.adopted_date, year),
            within(CovenantVersion.area_code, area_code),
        )
        case = IllegalOrganisationCase
        cases = [
            _by_township(
                name,
                case.township_code,
                case.outcome == outcome.value,
                in_year(case.outcome_date, year),
                within(case.township_code, area_code),
            )
            for name, outcome in (
                ("illegal_dispersed", CaseOutcome.DISPERSED),
                ("illegal_banned", CaseOutcome.BANNED),
            )
        ]
        query = union_all(
            *communities, pilots, councils, three_councils, meetings, covenants, *cases
        )
        return list((await self.session.execute(query)).all())

    async def area_counts(self, year: int, on: date, area_code: str | None) -> list[Any]:
        """``(figure, township, n)``: with a NULL township, the figures counted once for
        the scope (township-level units, 25 and all; boundary lines and those surveyed;
        the year's training batches and the townships they trained); with a township,
        that township's lines, surveyed lines and batches (``TOWNSHIP_*``)."""
        unit = Division
        units = [
            _once(
                "township_units",
                unit.level == AreaLevel.TOWNSHIP.value,
                unit.kind.in_([k.value for k in REPORTED_TOWNSHIP_KINDS]),
                within(unit.code, area_code),
            ),
            _once(
                "township_units_all",
                unit.level == AreaLevel.TOWNSHIP.value,
                within(unit.code, area_code),
            ),
        ]

        line = BoundaryLine
        surveyed = and_(
            line.survey_status.in_([s.value for s in SURVEYED_STATES]), line.surveyed_date <= on
        )
        touching = or_(
            within(line.township_a_code, area_code), within(line.township_b_code, area_code)
        )
        lines = [
            # FROM named: without a scope, no condition names the table.
            _once("boundary_lines", touching).select_from(line),
            _once("boundary_lines_surveyed", touching, surveyed).select_from(line),
        ]
        # Each line under both of its townships: one part a side.
        for side in (line.township_a_code, line.township_b_code):
            lines.append(_by_township(TOWNSHIP_BOUNDARY_LINES, side, within(side, area_code)))
            lines.append(
                _by_township(
                    TOWNSHIP_BOUNDARY_LINES_SURVEYED, side, surveyed, within(side, area_code)
                )
            )

        batch, attended = BoundaryTraining, BoundaryTrainingTownship
        held = and_(in_year(batch.held_date, year), within(attended.township_code, area_code))
        joined = (batch, attended, attended.training_id == batch.id)
        training = [
            # A batch counts once however many of the scope's townships it trained.
            _once("boundary_training_batches", held, counted=batch.id).join_from(*joined),
            _once("boundary_training_townships", held, counted=attended.township_code).join_from(
                *joined
            ),
            _by_township(TOWNSHIP_TRAINING_BATCHES, attended.township_code, held).join_from(
                *joined
            ),
        ]
        query = union_all(*units, *lines, *training)
        return list((await self.session.execute(query)).all())
