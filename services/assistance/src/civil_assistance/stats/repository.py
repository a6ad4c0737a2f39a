"""The year's figures as SQL aggregates, grouped by township (the first 9 digits).

Each statement covers the year and the year before at once: enrolments at the end
of each (one pass, an aggregate ``FILTER`` per year), the paid runs grouped by year.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.disbursements.models import DisbursementLine, DisbursementRun
from civil_assistance.enrolments.models import Enrolment


def _township(column: Any) -> Any:
    return func.left(column, 9).label("township")


def _within(column: Any, area_code: str | None) -> ColumnElement[bool]:
    return column.startswith(area_code, autoescape=True) if area_code else true()


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enrolment_by_township(self, year: int, area_code: str | None) -> list[Any]:
        """Who was enrolled at the end of ``year`` (columns ``households``, ``persons``,
        ``pa_households``, ``pa_persons``) and at the end of the year before (the same
        prefixed ``prev_``), by programme and township."""
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
        query = (
            select(Enrolment.programme, township, *columns)
            .where(
                or_(enrolled_in(f"{year}-12"), enrolled_in(f"{year - 1}-12")),
                _within(Enrolment.area_code, area_code),
            )
            .group_by(Enrolment.programme, township)
        )
        return list((await self.session.execute(query)).all())

    async def paid_by_township(self, year: int, area_code: str | None) -> list[Any]:
        """Money of the paid runs of ``year`` and the year before, by year (``year``, as
        text), programme and township."""
        township = _township(DisbursementLine.area_code)
        run_year = func.left(DisbursementRun.period, 4).label("year")
        query = (
            select(
                run_year,
                DisbursementRun.programme,
                township,
                func.sum(DisbursementLine.amount).label("amount"),
            )
            .join(DisbursementLine, DisbursementLine.run_id == DisbursementRun.id)
            .where(
                and_(
                    DisbursementRun.status == "paid",
                    or_(
                        DisbursementRun.period.startswith(f"{year}-"),
                        DisbursementRun.period.startswith(f"{year - 1}-"),
                    ),
                    _within(DisbursementLine.area_code, area_code),
                )
            )
            .group_by(run_year, DisbursementRun.programme, township)
        )
        return list((await self.session.execute(query)).all())
