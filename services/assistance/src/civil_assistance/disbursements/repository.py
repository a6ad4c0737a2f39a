import uuid
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import ColumnElement, func, insert, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.disbursements.models import DisbursementLine, DisbursementRun
from civil_assistance.enrolments.models import PAID_STATUSES, Enrolment
from civil_shared.runtime.database import count_rows


class RunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, programme: str, period: str) -> None:
        """Serialise runs of one (programme, period) until this transaction ends.

        The unique constraint alone would let a second run compute all its lines
        before failing; the lock makes it wait and then find the first run.
        """
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"disbursement:{programme}:{period}")))
        )

    async def find(self, programme: str, period: str) -> DisbursementRun | None:
        return await self.session.scalar(
            select(DisbursementRun).where(
                DisbursementRun.programme == programme, DisbursementRun.period == period
            )
        )

    async def get(self, run_id: uuid.UUID, *, for_update: bool = False) -> DisbursementRun | None:
        query = select(DisbursementRun).where(DisbursementRun.id == run_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def add(self, run: DisbursementRun) -> DisbursementRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def fill(self, run: DisbursementRun) -> None:
        """One payment line per payable enrolment in one INSERT ... SELECT, then the totals."""
        period = run.period
        payable = select(
            literal(run.id),
            Enrolment.id,
            Enrolment.household_id,
            Enrolment.payee_id_number,
            Enrolment.payee_name,
            Enrolment.area_code,
            Enrolment.persons,
            Enrolment.monthly_amount,
        ).where(
            Enrolment.programme == run.programme,
            Enrolment.status.in_(PAID_STATUSES),
            Enrolment.start_period <= period,
            or_(Enrolment.end_period.is_(None), Enrolment.end_period >= period),
            or_(Enrolment.status != "gradual_exit", Enrolment.gradual_exit_until >= period),
        )
        await self.session.execute(
            insert(DisbursementLine).from_select(
                [
                    "run_id",
                    "enrolment_id",
                    "household_id",
                    "payee_id_number",
                    "payee_name",
                    "area_code",
                    "persons",
                    "amount",
                ],
                payable,
            )
        )
        totals = (
            await self.session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(DisbursementLine.persons), 0),
                    func.coalesce(func.sum(DisbursementLine.amount), 0),
                ).where(DisbursementLine.run_id == run.id)
            )
        ).one()
        run.line_count, run.persons, run.total_amount = totals
        await self.session.flush()

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[DisbursementRun], int]:
        query = (
            select(DisbursementRun)
            .where(*conditions)
            .order_by(DisbursementRun.period.desc(), DisbursementRun.programme)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    def _lines(self, run_id: uuid.UUID, area: ColumnElement[bool]) -> Any:
        return (
            select(DisbursementLine)
            .where(DisbursementLine.run_id == run_id, area)
            .order_by(DisbursementLine.area_code, DisbursementLine.payee_id_number)
        )

    async def lines(
        self, run_id: uuid.UUID, area: ColumnElement[bool], *, limit: int, offset: int
    ) -> tuple[list[DisbursementLine], int]:
        query = self._lines(run_id, area)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def stream_lines(
        self, run_id: uuid.UUID, area: ColumnElement[bool]
    ) -> AsyncIterator[DisbursementLine]:
        result = await self.session.stream_scalars(
            self._lines(run_id, area).execution_options(yield_per=2000)
        )
        async for line in result:
            yield line
