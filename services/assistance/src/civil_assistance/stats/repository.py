"""The year's figures as SQL aggregates, grouped by township (the first 9 digits).

Each statement covers the year and the year before at once: enrolments at the end
of each (one pass, an aggregate ``FILTER`` per year), the paid runs grouped by year.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.disbursements.models import DisbursementAreaTotal, DisbursementRun
from civil_assistance.enrolments.models import Enrolment
from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.standards.repository import StandardRepository
from civil_shared.runtime.statements import Statements
from civil_shared.types import TIANMEN


def _township(column: Any) -> Any:
    return func.left(column, 9).label("township")


def _within(column: Any, area_code: str | None) -> ColumnElement[bool]:
    return column.startswith(area_code, autoescape=True) if area_code else true()


#: Each statement below, built once per year and area (see Statements).
_STATEMENTS = Statements()


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enrolment_by_township(self, year: int, area_code: str | None) -> list[Any]:
        """Who was enrolled at the end of ``year`` (columns ``households``, ``persons``,
        ``pa_households``, ``pa_persons``) and at the end of the year before (the same
        prefixed ``prev_``), by programme and township."""
        query = _STATEMENTS.get(
            ("enrolments", year, area_code), lambda: self._enrolments(year, area_code)
        )
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _enrolments(year: int, area_code: str | None) -> Any:
        township = _township(Enrolment.area_code)
        alleviated = Enrolment.in_poverty_alleviation

        def enrolled_in(december: str) -> ColumnElement[bool]:
            return and_(
                Enrolment.start_period <= december,
                or_(Enrolment.end_period.is_(None), Enrolment.end_period >= december),
                or_(Enrolment.status != "ended", Enrolment.end_period >= december),
            )

        columns = []
        for prefix, december in (("", f"{year}-12"), ("prev_", f"{year - 1}-12")):
            enrolled = enrolled_in(december)
            columns += [
                func.count().filter(enrolled).label(f"{prefix}households"),
                func.coalesce(func.sum(Enrolment.persons).filter(enrolled), 0).label(
                    f"{prefix}persons"
                ),
                func.count().filter(enrolled, alleviated).label(f"{prefix}pa_households"),
                func.coalesce(func.sum(Enrolment.persons).filter(enrolled, alleviated), 0).label(
                    f"{prefix}pa_persons"
                ),
            ]
        return (
            select(Enrolment.programme, township, *columns)
            .where(
                or_(enrolled_in(f"{year}-12"), enrolled_in(f"{year - 1}-12")),
                _within(Enrolment.area_code, area_code),
            )
            .group_by(Enrolment.programme, township)
        )

    async def paid_by_township(self, year: int, area_code: str | None) -> list[Any]:
        """Money of the paid runs of ``year`` and the year before, by year (``year``, as
        text), programme and township."""
        query = _STATEMENTS.get(("paid", year, area_code), lambda: self._paid(year, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _paid(year: int, area_code: str | None) -> Any:
        # The runs' sums by village, not their lines: a year's lines are 20 times as many.
        by_area, run = DisbursementAreaTotal, DisbursementRun
        township = _township(by_area.area_code)
        run_year = func.left(run.period, 4).label("year")
        return (
            select(run_year, run.programme, township, func.sum(by_area.amount).label("amount"))
            .join(by_area, by_area.run_id == run.id)
            .where(
                and_(
                    run.status == "paid",
                    or_(run.period.startswith(f"{year}-"), run.period.startswith(f"{year - 1}-")),
                    _within(by_area.area_code, area_code),
                )
            )
            .group_by(run_year, run.programme, township)
        )

    async def city_standards(self, years: tuple[int, ...]) -> list[Any]:
        """``(standard, previous amount)`` of the city's own standards of ``years``, in the
        standards list's order (the year, then the programme): one statement."""

        def build() -> Any:
            return (
                StandardRepository.with_previous()
                .where(
                    AssistanceStandard.year.in_(years),
                    AssistanceStandard.area_code == str(TIANMEN),
                )
                .order_by(AssistanceStandard.year.desc(), AssistanceStandard.programme)
            )

        query = _STATEMENTS.get(("standards", years), build)
        return [(row[0], row[1]) for row in (await self.session.execute(query)).all()]
