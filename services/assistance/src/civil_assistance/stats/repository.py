"""The year's figures as SQL aggregates, grouped by township (the first 9 digits)."""

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
        """Who was enrolled at the end of the year, by programme and township."""
        december = f"{year}-12"
        township = _township(Enrolment.area_code)
        alleviated = Enrolment.in_poverty_alleviation
        query = (
            select(
                Enrolment.programme,
                township,
                func.count().label("households"),
                func.sum(Enrolment.persons).label("persons"),
                func.count().filter(alleviated).label("pa_households"),
                func.coalesce(func.sum(Enrolment.persons).filter(alleviated), 0).label(
                    "pa_persons"
                ),
            )
            .where(
                Enrolment.start_period <= december,
                or_(Enrolment.end_period.is_(None), Enrolment.end_period >= december),
                or_(Enrolment.status != "ended", Enrolment.end_period >= december),
                _within(Enrolment.area_code, area_code),
            )
            .group_by(Enrolment.programme, township)
        )
        return list((await self.session.execute(query)).all())

    async def paid_by_township(self, year: int, area_code: str | None) -> list[Any]:
        """Money of the year's paid runs, by programme and township."""
        township = _township(DisbursementLine.area_code)
        query = (
            select(
                DisbursementRun.programme,
                township,
                func.sum(DisbursementLine.amount).label("amount"),
            )
            .join(DisbursementLine, DisbursementLine.run_id == DisbursementRun.id)
            .where(
                and_(
                    DisbursementRun.status == "paid",
                    DisbursementRun.period.startswith(f"{year}-"),
                    _within(DisbursementLine.area_code, area_code),
                )
            )
            .group_by(DisbursementRun.programme, township)
        )
        return list((await self.session.execute(query)).all())
