"""The routes of disbursement runs every paying service mounts."""

import uuid
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel

from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.disbursements import export
from civil_shared.runtime.disbursements.runs import DisbursementRuns
from civil_shared.runtime.disbursements.schemas import P, RunCreate, RunOut, RunStatus
from civil_shared.runtime.idempotency import Idempotency, IdempotencyKeyHeader
from civil_shared.runtime.scoping import area_condition
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.types import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def disbursement_router(runs: DisbursementRuns[P], *, programme_label: str) -> APIRouter:
    """``/api/v1/disbursement-runs``: create (city staff, exactly once), list, read,
    approve (not by its creator), pay, lines and the bank's export (area-scoped,
    ID numbers masked without ``pii:read``)."""
    router = APIRouter(prefix="/api/v1/disbursement-runs", tags=["资金发放"])
    city_staff = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]
    # FastAPI reads the concrete programme enum from these annotations; mypy sees the generic.
    if TYPE_CHECKING:
        Create = RunCreate[Any]
        Out = RunOut[Any]
        LinePage = Page[Any]
        ProgrammeQuery = Annotated[Any, Query()]
    else:
        Create = RunCreate[runs.programmes]
        Out = RunOut[runs.programmes]
        LinePage = Page[runs.line_out]
        ProgrammeQuery = Annotated[runs.programmes | None, Query(description=programme_label)]

    @router.post(
        "",
        response_model=Out,
        status_code=status.HTTP_201_CREATED,
        summary="生成月度发放批次（同一项目同一月份只生成一次）",
        dependencies=city_staff,
        responses={
            200: {"model": Out, "description": "该项目该月份的批次已存在，返回已有批次"},
            422: {"model": Problem, "description": "幂等键已用于不同的请求"},
        },
    )
    async def create_run(
        principal: Writer,
        session: SessionDep,
        body: Create,
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> JSONResponse:
        idempotency = Idempotency(
            session,
            runs.idempotency_model,
            actor=principal.sub,
            key=idempotency_key,
            payload={"route": "disbursement-runs", **body.model_dump(mode="json")},
        )
        code, out = await runs.create(session, body.programme, body.period, principal, idempotency)
        return JSONResponse(out, status_code=code)

    @router.get("", response_model=Page[Out], summary="查询发放批次")
    async def list_runs(
        _: Reader,
        session: SessionDep,
        page: Annotated[PageParams, Depends()],
        programme: ProgrammeQuery = None,
        period: Annotated[Period | None, Query(description="发放月份")] = None,
        status_: Annotated[RunStatus | None, Query(alias="status", description="状态")] = None,
    ) -> Page[RunOut[P]]:
        return await runs.page(session, page, programme=programme, period=period, status=status_)

    @router.get(
        "/{run_id}",
        response_model=Out,
        summary="查看发放批次",
        responses={404: {"model": Problem, "description": "批次不存在"}},
    )
    async def get_run(_: Reader, session: SessionDep, run_id: uuid.UUID) -> RunOut[P]:
        return await runs.get(session, run_id)

    @router.post(
        "/{run_id}/approve",
        response_model=Out,
        summary="审核发放批次",
        dependencies=city_staff,
        responses={409: {"model": Problem, "description": "状态不允许，或审核人即生成人"}},
    )
    async def approve_run(principal: Writer, session: SessionDep, run_id: uuid.UUID) -> RunOut[P]:
        return await runs.advance(session, run_id, RunStatus.APPROVED, principal)

    @router.post(
        "/{run_id}/pay",
        response_model=Out,
        summary="确认发放（发放后不可更改）",
        dependencies=city_staff,
        responses={409: {"model": Problem, "description": "状态不允许"}},
    )
    async def pay_run(principal: Writer, session: SessionDep, run_id: uuid.UUID) -> RunOut[P]:
        return await runs.advance(session, run_id, RunStatus.PAID, principal)

    @router.get("/{run_id}/lines", response_model=LinePage, summary="发放明细")
    async def run_lines(
        principal: Reader,
        session: SessionDep,
        run_id: uuid.UUID,
        page: Annotated[PageParams, Depends()],
    ) -> Page[BaseModel]:
        area = area_condition(runs.line_model.area_code, principal)
        items, total = await runs.lines(session, run_id, area, page)
        return Page[BaseModel].of([runs.line_out.model_validate(i) for i in items], total, page)

    @router.get(
        "/{run_id}/export",
        summary="导出发放明细（CSV 或 XLSX，供银行代发）",
        response_class=StreamingResponse,
        responses={
            200: {
                "content": {"text/csv": {}, XLSX: {}},
                "description": "发放明细；无 pii:read 权限时身份证号脱敏",
            }
        },
    )
    async def export_run(
        principal: Reader,
        session: SessionDep,
        run_id: uuid.UUID,
        format: Annotated[Literal["csv", "xlsx"], Query(description="文件格式")] = "csv",
    ) -> StreamingResponse:
        run = await runs.get(session, run_id)
        if principal.reads_pii:
            await record_event(
                session,
                runs.audit_model,
                action=AuditAction.READ_PII,
                entity=runs.line_model.__tablename__,
                entity_id=str(run_id),
                new_values={"export": True},
            )
            await session.commit()
        lines = runs.stream_lines(
            session, run_id, area_condition(runs.line_model.area_code, principal)
        )
        name = f"disbursement-{run.programme.value}-{run.period}"
        if format == "xlsx":
            return StreamingResponse(
                await export.xlsx_file(lines, principal.reads_pii),
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        return StreamingResponse(
            export.csv_chunks(lines, principal.reads_pii),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    return router
