import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode
from civil_welfare.hard_up_elderly.schemas import (
    GrantCreate,
    GrantOut,
    GrantPatch,
    GrantStatus,
    GrantStatusChange,
    SubsidyKind,
)
from civil_welfare.hard_up_elderly.service import GrantService

router = APIRouter(prefix="/api/v1/hard-up-elderly-subsidies", tags=["经济困难高龄、失能老人补贴"])


def get_service(session: SessionDep) -> GrantService:
    return GrantService(session)


Service = Annotated[GrantService, Depends(get_service)]

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}


def _with_etag(response: Response, out: GrantOut) -> GrantOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=GrantOut,
    status_code=status.HTTP_201_CREATED,
    summary="发放经济困难高龄或失能老人补贴",
    description="高龄老人补贴：起始月份月末须已满高龄津贴第一档起始年龄（政策参数，默认80岁）；"
    "失能老人补贴：须年满60周岁并填写失能评估结论。每人每类补贴同时只有一条未终止的记录。"
    "金额为该年度的政策参数（hard_up_high_age_subsidy、hard_up_disabled_elderly_subsidy）。",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "已有同类未终止的补贴"},
    },
)
async def grant_subsidy(
    principal: Writer, service: Service, body: GrantCreate, response: Response
) -> GrantOut:
    out = await service.grant(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[GrantOut], summary="查询补贴对象")
async def list_grants(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    kind: Annotated[SubsidyKind | None, Query(description="补贴类别")] = None,
    status_: Annotated[GrantStatus | None, Query(alias="status", description="状态")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[GrantOut]:
    return await service.list(page, principal, area_code=area_code, kind=kind, status=status_, q=q)


@router.get("/{grant_id}", response_model=GrantOut, summary="查看补贴记录", responses=NOT_FOUND)
async def get_grant(
    principal: Reader, service: Service, grant_id: uuid.UUID, response: Response
) -> GrantOut:
    return _with_etag(response, await service.get(grant_id, principal))


@router.patch(
    "/{grant_id}",
    response_model=GrantOut,
    summary="更正补贴记录（姓名、区域、认定依据、评估结论）",
    responses={**NOT_FOUND, **VERSIONED},
)
async def update_grant(
    principal: Writer,
    service: Service,
    grant_id: uuid.UUID,
    body: GrantPatch,
    response: Response,
    if_match: IfMatch = None,
) -> GrantOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(grant_id, body, version, principal))


@router.post(
    "/{grant_id}/status",
    response_model=GrantOut,
    summary="暂停、恢复或终止补贴",
    description="终止须填写最后发放月份；终止后不能恢复，如需再次发放请重新登记。",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态变更不允许（返回 allowed）"},
    },
)
async def change_grant_status(
    principal: Writer,
    service: Service,
    grant_id: uuid.UUID,
    body: GrantStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> GrantOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(grant_id, body, version, principal))
