import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from civil_assistance.applications.schemas import (
    ApplicationCreate,
    ApplicationOut,
    ApplicationStatus,
    Decision,
    Investigation,
    NoticeStart,
)
from civil_assistance.applications.service import ApplicationService
from civil_assistance.db import IdempotencyRecord
from civil_assistance.enrolments.schemas import Programme
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.idempotency import Idempotency, IdempotencyKeyHeader
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/applications", tags=["申请审批"])

TRANSITION_PROBLEMS: dict[int | str, dict[str, object]] = {
    409: {"model": Problem, "description": "当前状态不允许此操作（allowed 列出可进行的操作）"},
    412: {"model": Problem, "description": "申请已被他人修改"},
    428: {"model": Problem, "description": "缺少 If-Match"},
}


def get_service(session: SessionDep) -> ApplicationService:
    return ApplicationService(session)


Service = Annotated[ApplicationService, Depends(get_service)]


def _with_etag(out: ApplicationOut, response: Response) -> ApplicationOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    summary="受理低保或特困供养申请",
    responses={409: {"model": Problem, "description": "已有办理中的申请，或已在保"}},
)
async def submit(
    principal: Writer,
    service: Service,
    session: SessionDep,
    body: ApplicationCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    idempotency = Idempotency(
        session,
        IdempotencyRecord,
        actor=principal.sub,
        key=idempotency_key,
        payload={"route": "applications", **body.model_dump(mode="json")},
    )
    status_code, out = await service.submit(body, principal, idempotency)
    headers = {"ETag": etag(out["version"])} if isinstance(out, dict) else {}
    return JSONResponse(out, status_code=status_code, headers=headers)


@router.get("", response_model=Page[ApplicationOut], summary="查询申请")
async def list_applications(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    status_: Annotated[ApplicationStatus | None, Query(alias="status", description="状态")] = None,
    programme: Annotated[Programme | None, Query(description="申请项目")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    staff_related: Annotated[bool | None, Query(description="经办人员近亲属申请")] = None,
) -> Page[ApplicationOut]:
    return await service.find(
        page,
        principal,
        status=status_,
        programme=programme,
        area_code=area_code,
        staff_related=staff_related,
    )


@router.get("/{application_id}", response_model=ApplicationOut, summary="查看申请")
async def get_application(
    principal: Reader, service: Service, application_id: uuid.UUID, response: Response
) -> ApplicationOut:
    return _with_etag(await service.get(application_id, principal), response)


@router.post(
    "/{application_id}/investigation",
    response_model=ApplicationOut,
    summary="登记入户调查并核算",
    responses=TRANSITION_PROBLEMS,
)
async def investigate(
    principal: Writer,
    service: Service,
    application_id: uuid.UUID,
    body: Investigation,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationOut:
    out = await service.investigate(application_id, body, expected_version(if_match), principal)
    return _with_etag(out, response)


@router.post(
    "/{application_id}/notice",
    response_model=ApplicationOut,
    summary="开始张榜公示",
    responses=TRANSITION_PROBLEMS,
)
async def start_notice(
    principal: Writer,
    service: Service,
    application_id: uuid.UUID,
    body: NoticeStart,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationOut:
    out = await service.start_notice(application_id, body, expected_version(if_match), principal)
    return _with_etag(out, response)


@router.post(
    "/{application_id}/approve",
    response_model=ApplicationOut,
    summary="审批同意（生成保障记录）",
    responses=TRANSITION_PROBLEMS,
)
async def approve(
    principal: Writer,
    service: Service,
    application_id: uuid.UUID,
    body: Decision,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationOut:
    out = await service.approve(application_id, body, expected_version(if_match), principal)
    return _with_etag(out, response)


@router.post(
    "/{application_id}/reject",
    response_model=ApplicationOut,
    summary="不予批准",
    responses=TRANSITION_PROBLEMS,
)
async def reject(
    principal: Writer,
    service: Service,
    application_id: uuid.UUID,
    body: Decision,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationOut:
    out = await service.reject(application_id, body, expected_version(if_match), principal)
    return _with_etag(out, response)


@router.post(
    "/{application_id}/withdraw",
    response_model=ApplicationOut,
    summary="申请人撤回",
    responses=TRANSITION_PROBLEMS,
)
async def withdraw(
    principal: Writer,
    service: Service,
    application_id: uuid.UUID,
    body: Decision,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationOut:
    out = await service.withdraw(application_id, body, expected_version(if_match), principal)
    return _with_etag(out, response)
