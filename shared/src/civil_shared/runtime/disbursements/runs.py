"""Creating a run exactly once, approving and paying it, and reading its lines."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Generic

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Insert, Select, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, AuditEventMixin, record_event
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.disbursements.models import (
    DisbursementAreaTotalMixin,
    DisbursementLineMixin,
    DisbursementRunMixin,
)
from civil_shared.runtime.disbursements.schemas import NEXT_STATUS, P, RunOut, RunStatus
from civil_shared.runtime.idempotency import Idempotency, IdempotencyRecordMixin
from civil_shared.types import Period

#: The lines of (programme, period) as a SELECT whose labels name line columns
#: (all of them but ``run_id``): set-based, nothing passes through Python.
AnySelect = Select[*tuple[Any, ...]]
Payable = Callable[[AsyncSession, P, Period], Awaitable[AnySelect]]


def sum_by_area(
    line: type[DisbursementLineMixin],
    by_area: type[DisbursementAreaTotalMixin],
    run_id: uuid.UUID,
) -> Insert:
    """The INSERT ... SELECT of the run's lines summed by area (after its lines)."""
    sums = (
        select(
            line.run_id, line.area_code, func.count(), func.sum(line.persons), func.sum(line.amount)
        )
        .where(line.run_id == run_id)
        .group_by(line.run_id, line.area_code)
    )
    columns = ["run_id", "area_code", "line_count", "persons", "amount"]
    return insert(by_area).from_select(columns, sums)


class DisbursementRuns(Generic[P]):
    """The runs of one service: its tables, programmes and what each programme pays.

    ``line_out`` is the service's schema of a line (``from_attributes``), whose
    ``payee_id_number`` should be an ``IdNumber`` so that it is masked.
    """

    def __init__(
        self,
        *,
        run_model: type[DisbursementRunMixin],
        line_model: type[DisbursementLineMixin],
        area_total_model: type[DisbursementAreaTotalMixin],
        programmes: type[P],
        payable: Payable[P],
        line_out: type[BaseModel],
        audit_model: type[AuditEventMixin],
        idempotency_model: type[IdempotencyRecordMixin],
        code_prefix: str,
    ) -> None:
        self.run_model = run_model
        self.line_model = line_model
        self.area_total_model = area_total_model
        self.programmes = programmes
        self.payable = payable
        self.line_out = line_out
        self.audit_model = audit_model
        self.idempotency_model = idempotency_model
        self.code_prefix = code_prefix

    def to_out(self, run: DisbursementRunMixin) -> RunOut[P]:
        return RunOut[P](
            id=run.id,
            programme=self.programmes(run.programme),
            period=Period(run.period),
            status=RunStatus(run.status),
            line_count=run.line_count,
            persons=run.persons,
            total_amount=run.total_amount,
            created_by=run.created_by,
            created_at=run.created_at,
            approved_by=run.approved_by,
            approved_at=run.approved_at,
            paid_by=run.paid_by,
            paid_at=run.paid_at,
        )

    # --- use cases ----------------------------------------------------------------

    async def create(
        self,
        session: AsyncSession,
        programme: P,
        period: Period,
        principal: Principal,
        idempotency: Idempotency,
    ) -> tuple[int, Any]:
        """The run of (programme, period): created now (201) or the existing one (200)."""
        replay = await idempotency.claim()
        if replay is not None:
            return replay.status_code, replay.body
        await self._lock(session, programme.value, str(period))
        run = await self._find(session, programme.value, str(period))
        status = 200
        if run is None:
            status = 201
            run = self.run_model()
            run.programme, run.period, run.created_by = programme.value, str(period), principal.sub
            session.add(run)
            await session.flush()
            await self._fill(session, run, await self.payable(session, programme, period))
            await record_event(
                session,
                self.audit_model,
                action=AuditAction.BULK,
                entity=self.line_model.__tablename__,
                entity_id=str(run.id),
                new_values={
                    "programme": programme.value,
                    "period": str(period),
                    "line_count": run.line_count,
                    "total_amount": run.total_amount,
                },
            )
        body = self.to_out(run).model_dump(mode="json")
        await idempotency.remember(status, body)
        await session.commit()
        return status, body

    async def advance(
        self, session: AsyncSession, run_id: uuid.UUID, wanted: RunStatus, principal: Principal
    ) -> RunOut[P]:
        run = await self._get(session, run_id, for_update=True)
        current = RunStatus(run.status)
        allowed = NEXT_STATUS[current]
        if allowed is not wanted:
            raise Conflict(
                f"发放批次当前为“{current.value}”，不能变为“{wanted.value}”",
                code=f"{self.code_prefix}_INVALID_TRANSITION",
                current=current.value,
                allowed=[allowed.value] if allowed else [],
            )
        now = datetime.now(UTC)
        if wanted is RunStatus.APPROVED:
            if principal.sub == run.created_by:
                # Four eyes on money: whoever computed a run does not approve it.
                raise Conflict(
                    "发放批次须由生成人以外的人员审核", code=f"{self.code_prefix}_RUN_SAME_APPROVER"
                )
            run.approved_by, run.approved_at = principal.sub, now
        else:
            run.paid_by, run.paid_at = principal.sub, now
        run.status = wanted.value
        await session.commit()
        return self.to_out(run)

    async def get(self, session: AsyncSession, run_id: uuid.UUID) -> RunOut[P]:
        return self.to_out(await self._get(session, run_id))

    async def page(
        self,
        session: AsyncSession,
        page: PageParams,
        *,
        programme: P | None = None,
        period: Period | None = None,
        status: RunStatus | None = None,
    ) -> Page[RunOut[P]]:
        model = self.run_model
        conditions = []
        if programme is not None:
            conditions.append(model.programme == programme.value)
        if period is not None:
            conditions.append(model.period == str(period))
        if status is not None:
            conditions.append(model.status == status.value)
        query = select(model).where(*conditions).order_by(model.period.desc(), model.programme)
        items = (await session.scalars(query.limit(page.limit).offset(page.offset))).all()
        total = await count_rows(session, query)
        return Page[RunOut[P]].of([self.to_out(r) for r in items], total, page)

    async def lines(
        self,
        session: AsyncSession,
        run_id: uuid.UUID,
        area: ColumnElement[bool],
        page: PageParams,
    ) -> tuple[list[DisbursementLineMixin], int]:
        await self._get(session, run_id)
        query = self._lines(run_id, area)
        items = list((await session.scalars(query.limit(page.limit).offset(page.offset))).all())
        return items, await count_rows(session, query)

    async def stream_lines(
        self, session: AsyncSession, run_id: uuid.UUID, area: ColumnElement[bool]
    ) -> AsyncIterator[DisbursementLineMixin]:
        result = await session.stream_scalars(
            self._lines(run_id, area).execution_options(yield_per=2000)
        )
        async for line in result:
            yield line

    # --- queries --------------------------------------------------------------------

    async def _lock(self, session: AsyncSession, programme: str, period: str) -> None:
        """Serialise runs of one (programme, period) until this transaction ends.

        The unique constraint alone would let a second run compute all its lines
        before failing; the lock makes it wait and then find the first run.
        """
        await session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"disbursement:{programme}:{period}")))
        )

    async def _find(
        self, session: AsyncSession, programme: str, period: str
    ) -> DisbursementRunMixin | None:
        model = self.run_model
        return await session.scalar(
            select(model).where(model.programme == programme, model.period == period)
        )

    async def _get(
        self, session: AsyncSession, run_id: uuid.UUID, *, for_update: bool = False
    ) -> DisbursementRunMixin:
        query = select(self.run_model).where(self.run_model.id == run_id)
        if for_update:
            query = query.with_for_update()
        run = await session.scalar(query)
        if run is None:
            raise NotFound(f"发放批次 {run_id} 不存在", code=f"{self.code_prefix}_RUN_NOT_FOUND")
        return run

    async def _fill(
        self, session: AsyncSession, run: DisbursementRunMixin, payable: AnySelect
    ) -> None:
        """One line per payable record in one INSERT ... SELECT, their sums by area in a
        second, then the run's totals from those."""
        line, by_area = self.line_model, self.area_total_model
        columns = ["run_id", *payable.selected_columns.keys()]
        rows = select(literal(run.id), *payable.subquery().c)
        await session.execute(insert(line).from_select(columns, rows))
        await session.execute(sum_by_area(line, by_area, run.id))
        totals = (
            await session.execute(
                select(
                    func.coalesce(func.sum(by_area.line_count), 0),
                    func.coalesce(func.sum(by_area.persons), 0),
                    func.coalesce(func.sum(by_area.amount), 0),
                ).where(by_area.run_id == run.id)
            )
        ).one()
        run.line_count, run.persons, run.total_amount = totals
        await session.flush()

    def _lines(self, run_id: uuid.UUID, area: ColumnElement[bool]) -> AnySelect:
        line = self.line_model
        return (
            select(line)
            .where(line.run_id == run_id, area)
            .order_by(line.area_code, line.payee_id_number)
        )
