"""Use cases of disbursement runs: create exactly once, approve, pay, read."""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.disbursements.models import DisbursementLine, DisbursementRun
from civil_assistance.disbursements.repository import RunRepository
from civil_assistance.disbursements.schemas import (
    NEXT_STATUS,
    LineOut,
    RunCreate,
    RunOut,
    RunStatus,
)
from civil_assistance.enrolments.schemas import Programme
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.idempotency import Idempotency
from civil_shared.runtime.scoping import area_condition
from civil_shared.types import Period


def run_not_found(run_id: uuid.UUID) -> NotFound:
    return NotFound(f"发放批次 {run_id} 不存在", code="ASSISTANCE_RUN_NOT_FOUND")


def to_out(run: DisbursementRun) -> RunOut:
    return RunOut(
        id=run.id,
        programme=Programme(run.programme),
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


class RunService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RunRepository(session)

    async def create(
        self, data: RunCreate, principal: Principal, idempotency: Idempotency
    ) -> tuple[int, Any]:
        """The run of (programme, period): created now (201) or the existing one (200)."""
        replay = await idempotency.claim()
        if replay is not None:
            return replay.status_code, replay.body
        programme, period = data.programme.value, str(data.period)
        await self.repository.lock(programme, period)
        run = await self.repository.find(programme, period)
        status = 200
        if run is None:
            status = 201
            run = await self.repository.add(
                DisbursementRun(programme=programme, period=period, created_by=principal.sub)
            )
            await self.repository.fill(run)
            await record_event(
                self.session,
                AuditEvent,
                action=AuditAction.BULK,
                entity="disbursement_line",
                entity_id=str(run.id),
                new_values={
                    "programme": programme,
                    "period": period,
                    "line_count": run.line_count,
                    "total_amount": run.total_amount,
                },
            )
        body = to_out(run).model_dump(mode="json")
        await idempotency.remember(status, body)
        await self.session.commit()
        return status, body

    async def advance(self, run_id: uuid.UUID, wanted: RunStatus, principal: Principal) -> RunOut:
        run = await self.repository.get(run_id, for_update=True)
        if run is None:
            raise run_not_found(run_id)
        current = RunStatus(run.status)
        allowed = NEXT_STATUS[current]
        if allowed is not wanted:
            raise Conflict(
                f"发放批次当前为“{current.value}”，不能变为“{wanted.value}”",
                code="ASSISTANCE_INVALID_TRANSITION",
                current=current.value,
                allowed=[allowed.value] if allowed else [],
            )
        now = datetime.now(UTC)
        if wanted is RunStatus.APPROVED:
            if principal.sub == run.created_by:
                # Four eyes on money: whoever computed a run does not approve it.
                raise Conflict(
                    "发放批次须由生成人以外的人员审核", code="ASSISTANCE_RUN_SAME_APPROVER"
                )
            run.approved_by, run.approved_at = principal.sub, now
        else:
            run.paid_by, run.paid_at = principal.sub, now
        run.status = wanted.value
        await self.session.commit()
        return to_out(run)

    async def get(self, run_id: uuid.UUID) -> RunOut:
        run = await self.repository.get(run_id)
        if run is None:
            raise run_not_found(run_id)
        return to_out(run)

    async def list(
        self,
        page: PageParams,
        *,
        programme: Programme | None = None,
        period: Period | None = None,
        status: RunStatus | None = None,
    ) -> Page[RunOut]:
        conditions = []
        if programme is not None:
            conditions.append(DisbursementRun.programme == programme.value)
        if period is not None:
            conditions.append(DisbursementRun.period == str(period))
        if status is not None:
            conditions.append(DisbursementRun.status == status.value)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[RunOut].of([to_out(r) for r in items], total, page)

    async def lines(
        self, run_id: uuid.UUID, principal: Principal, page: PageParams
    ) -> Page[LineOut]:
        await self.get(run_id)
        items, total = await self.repository.lines(
            run_id,
            area_condition(DisbursementLine.area_code, principal),
            limit=page.limit,
            offset=page.offset,
        )
        return Page[LineOut].of([LineOut.model_validate(line) for line in items], total, page)
