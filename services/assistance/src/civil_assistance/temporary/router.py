import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from fastapi.responses import JSONResponse

from civil_assistance.db import IdempotencyRecord
from civil_assistance.temporary.importer import temporary_case_import
from civil_assistance.temporary.schemas import (
    Rejection,
    TemporaryCaseCreate,
    TemporaryCaseOut,
    TemporaryCause,
    TemporaryKind,
    TemporaryStatus,
)
from civil_assistance.temporary.service import TemporaryCaseService
from civil_shared.auth import Principal, Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.idempotency import Idempotency, IdempotencyKeyHeader
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/temporary-cases", tags=["临时救助"])

#: Decisions and payments are the bureau staff's, not an integrating system's.
Staff = Annotated[
    Principal,
    Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER, Role.TOWNSHIP_OFFICER)),
]

ACTION_PROBLEMS: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "记录不存在（或不在管辖区域内）"},
    409: {"model": Problem, "description": "当前状态不允许此操作（allowed 列出可进行的操作）"},
    412: {"model": Problem, "description": "记录已被他人修改（仅在提供 If-Match 时检查）"},
}


def get_service(session: SessionDep) -> TemporaryCaseService:
    return TemporaryCaseService(session)


Service = Annotated[TemporaryCaseService, Depends(get_service)]

add_import_routes(
    router,
    temporary_case_import,
    what="临时救助案件",
    template_name="temporary-cases",
    notes=(
        "用于导入乡镇临时救助台账，含原系统中已审批、已发放或不予救助的案件（须填写审批日期，"
        "已发放的另填发放日期）。金额上限、乡镇审批权限与逐案受理相同：超过乡镇权限的案件"
        "不能为“乡镇已审批”，其审批、发放结果须由市级民政部门导入；同一人同一事由每年限一次，"
        "已有的案件不能重复导入（不予救助的不计）。"
    ),
)


def _optional_version(if_match: str | None) -> int | None:
    # Transitions are serialised by a row lock and the state machine; If-Match is
    # honoured when sent (a stale one is 412), not required.
    return expected_version(if_match) if if_match else None


def _with_etag(out: TemporaryCaseOut, response: Response) -> TemporaryCaseOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=TemporaryCaseOut,
    status_code=status.HTTP_201_CREATED,
    summary="受理临时救助申请",
    description=(
        "金额可按元或按城市低保月标准的倍数申请。超过每次上限倍数的须标明重大困难个案；"
        "支出型须家庭人均收入低于当地上年人均可支配收入。同一人同一事由每年限一次"
        "（不予救助的不计）。带 Idempotency-Key 重复提交只受理一次。"
    ),
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "本年度已因同一事由申请过，或未设定标准"},
        422: {"model": Problem, "description": "超过上限、收入不符合条件，或幂等键已用于不同请求"},
    },
)
async def apply(
    principal: Writer,
    service: Service,
    session: SessionDep,
    body: TemporaryCaseCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    idempotency = Idempotency(
        session,
        IdempotencyRecord,
        actor=principal.sub,
        key=idempotency_key,
        payload={"route": "temporary-cases", **body.model_dump(mode="json")},
    )
    status_code, out = await service.apply(body, principal, idempotency)
    return JSONResponse(out, status_code=status_code, headers={"ETag": etag(out["version"])})


@router.get("", response_model=Page[TemporaryCaseOut], summary="查询临时救助")
async def list_cases(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="救助年度")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    status_: Annotated[TemporaryStatus | None, Query(alias="status", description="状态")] = None,
    kind: Annotated[TemporaryKind | None, Query(description="救助类型")] = None,
    cause: Annotated[TemporaryCause | None, Query(description="救助事由")] = None,
) -> Page[TemporaryCaseOut]:
    return await service.list(
        page, principal, year=year, area_code=area_code, status=status_, kind=kind, cause=cause
    )


@router.get(
    "/{case_id:uuid}",
    response_model=TemporaryCaseOut,
    summary="查看临时救助",
    responses={404: {"model": Problem, "description": "记录不存在"}},
)
async def get_case(
    principal: Reader, service: Service, case_id: uuid.UUID, response: Response
) -> TemporaryCaseOut:
    return _with_etag(await service.get(case_id, principal), response)


@router.post(
    "/{case_id:uuid}/approve",
    response_model=TemporaryCaseOut,
    summary="审批同意",
    description=(
        "乡镇（街道）审批权限以内的由乡镇经办人员审批；超过权限的须由市级民政部门"
        "（city_officer、admin）审批。"
    ),
    responses={
        **ACTION_PROBLEMS,
        403: {"model": Problem, "description": "超过乡镇审批权限，须由市级审批"},
    },
)
async def approve(
    principal: Writer,
    _: Staff,
    service: Service,
    case_id: uuid.UUID,
    response: Response,
    if_match: IfMatch = None,
) -> TemporaryCaseOut:
    out = await service.approve(case_id, principal, _optional_version(if_match))
    return _with_etag(out, response)


@router.post(
    "/{case_id:uuid}/reject",
    response_model=TemporaryCaseOut,
    summary="不予救助",
    responses=ACTION_PROBLEMS,
)
async def reject(
    principal: Writer,
    _: Staff,
    service: Service,
    case_id: uuid.UUID,
    body: Rejection,
    response: Response,
    if_match: IfMatch = None,
) -> TemporaryCaseOut:
    out = await service.reject(case_id, body, principal, _optional_version(if_match))
    return _with_etag(out, response)


@router.post(
    "/{case_id:uuid}/pay",
    response_model=TemporaryCaseOut,
    summary="确认发放（每案只发放一次）",
    responses=ACTION_PROBLEMS,
)
async def pay(
    principal: Writer,
    _: Staff,
    service: Service,
    case_id: uuid.UUID,
    response: Response,
    if_match: IfMatch = None,
) -> TemporaryCaseOut:
    out = await service.pay(case_id, principal, _optional_version(if_match))
    return _with_etag(out, response)
