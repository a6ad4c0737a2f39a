import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse, StreamingResponse

from civil_assistance.db import AuditEvent, IdempotencyRecord
from civil_assistance.disbursements import export
from civil_assistance.disbursements.models import DisbursementLine
from civil_assistance.disbursements.schemas import LineOut, RunCreate, RunOut, RunStatus
from civil_assistance.disbursements.service import RunService
from civil_assistance.enrolments.schemas import Programme
from civil_shared.auth import Principal, Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.idempotency import Idempotency, IdempotencyKeyHeader
from civil_shared.runtime.scoping import area_condition
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.types import Period

router = APIRouter(prefix="/api/v1/disbursement-runs", tags=["资金发放"])

CITY_STAFF = Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))


def get_service(session: SessionDep) -> RunService:
    return RunService(session)


Service = Annotated[RunService, Depends(get_service)]


@router.post(
    "",
    response_model=RunOut,
    status_code=status.HTTP_201_CREATED,
    summary="生成月度发放批次（同一项目同一月份只生成一次）",
    dependencies=[CITY_STAFF],
    responses={
        200: {"model": RunOut, "description": "该项目该月份的批次已存在，返回已有批次"},
        422: {"model": Problem, "description": "幂等键已用于不同的请求"},
    },
)
async def create_run(
    principal: Writer,
    service: Service,
    session: SessionDep,
    body: RunCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    idempotency = Idempotency(
        session,
        IdempotencyRecord,
        actor=principal.sub,
        key=idempotency_key,
        payload={"route": "disbursement-runs", **body.model_dump(mode="json")},
    )
    status_code, out = await service.create(body, principal, idempotency)
    return JSONResponse(out, status_code=status_code)


@router.get("", response_model=Page[RunOut], summary="查询发放批次")
async def list_runs(
    _: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    programme: Annotated[Programme | None, Query(description="救助项目")] = None,
    period: Annotated[Period | None, Query(description="发放月份")] = None,
    status_: Annotated[RunStatus | None, Query(alias="status", description="状态")] = None,
) -> Page[RunOut]:
    return await service.list(page, programme=programme, period=period, status=status_)


@router.get("/{run_id}", response_model=RunOut, summary="查看发放批次")
async def get_run(_: Reader, service: Service, run_id: uuid.UUID) -> RunOut:
    return await service.get(run_id)


@router.post(
    "/{run_id}/approve",
    response_model=RunOut,
    summary="审核发放批次",
    dependencies=[CITY_STAFF],
    responses={409: {"model": Problem, "description": "状态不允许，或审核人即生成人"}},
)
async def approve_run(principal: Writer, service: Service, run_id: uuid.UUID) -> RunOut:
    return await service.advance(run_id, RunStatus.APPROVED, principal)


@router.post(
    "/{run_id}/pay",
    response_model=RunOut,
    summary="确认发放（发放后不可更改）",
    dependencies=[CITY_STAFF],
    responses={409: {"model": Problem, "description": "状态不允许"}},
)
async def pay_run(principal: Writer, service: Service, run_id: uuid.UUID) -> RunOut:
    return await service.advance(run_id, RunStatus.PAID, principal)


@router.get("/{run_id}/lines", response_model=Page[LineOut], summary="发放明细")
async def run_lines(
    principal: Reader,
    service: Service,
    run_id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[LineOut]:
    return await service.lines(run_id, principal, page)


async def _audit_reveal(session: SessionDep, principal: Principal, run_id: uuid.UUID) -> None:
    if principal.reads_pii:
        await record_event(
            session,
            AuditEvent,
            action=AuditAction.READ_PII,
            entity="disbursement_line",
            entity_id=str(run_id),
            new_values={"export": True},
        )
        await session.commit()


@router.get(
    "/{run_id}/export",
    summary="导出发放明细（CSV 或 XLSX，供银行代发）",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            },
            "description": "发放明细；无 pii:read 权限时身份证号脱敏",
        }
    },
)
async def export_run(
    request: Request,
    principal: Reader,
    service: Service,
    session: SessionDep,
    run_id: uuid.UUID,
    format: Annotated[Literal["csv", "xlsx"], Query(description="文件格式")] = "csv",
) -> StreamingResponse:
    run = await service.get(run_id)
    await _audit_reveal(session, principal, run_id)
    area = area_condition(DisbursementLine.area_code, principal)
    lines = service.repository.stream_lines(run_id, area)
    name = f"disbursement-{run.programme.value}-{run.period}"
    if format == "xlsx":
        workbook = await export.xlsx_file(lines, principal.reads_pii)
        return StreamingResponse(
            workbook,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return StreamingResponse(
        export.csv_chunks(lines, principal.reads_pii),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
