import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode
from civil_welfare.high_age.importer import high_age_import
from civil_welfare.high_age.schemas import (
    AGE_RULE,
    AllowanceCreate,
    AllowanceOut,
    AllowancePatch,
    AllowanceStatus,
    PreviewIn,
    PreviewOut,
    StatusChange,
)
from civil_welfare.high_age.service import AllowanceService

router = APIRouter(prefix="/api/v1/high-age-allowances", tags=["高龄津贴"])


def get_service(session: SessionDep) -> AllowanceService:
    return AllowanceService(session)


Service = Annotated[AllowanceService, Depends(get_service)]

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
NOT_ELIGIBLE: Responses = {
    422: {
        "model": Problem,
        "description": (
            "未达到高龄津贴起始年龄（WELFARE_HIGH_AGE_NOT_ELIGIBLE），并给出首个符合条件的月份"
        ),
    }
}
TIERS = "档次按政策参数（默认80–89岁、90–99岁、100岁及以上），金额按年度设定。" + AGE_RULE


def _with_etag(response: Response, out: AllowanceOut) -> AllowanceOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/preview",
    response_model=PreviewOut,
    summary="试算某人某月的高龄津贴档次和金额",
    description=TIERS + "未达到起始年龄的返回 eligible=false 及说明；该年度金额未设定时返回 409"
    "（WELFARE_PARAMETER_MISSING）。不保存任何数据。",
    responses={409: {"model": Problem, "description": "该年度政策参数未设定或有误"}},
)
async def preview(principal: Reader, service: Service, body: PreviewIn) -> PreviewOut:
    return await service.preview(body)


@router.post(
    "",
    response_model=AllowanceOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记高龄津贴对象",
    description=TIERS + "起始月份月末未满第一档起始年龄的，不予登记（422）。",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "已在名册中，或该年度档次参数未设定"},
        **NOT_ELIGIBLE,
    },
)
async def register(
    principal: Writer, service: Service, body: AllowanceCreate, response: Response
) -> AllowanceOut:
    out = await service.register(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[AllowanceOut], summary="查询高龄津贴名册")
async def list_allowances(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    status_: Annotated[AllowanceStatus | None, Query(alias="status", description="状态")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[AllowanceOut]:
    return await service.list(page, principal, area_code=area_code, status=status_, q=q)


@router.get(
    "/{allowance_id:uuid}",
    response_model=AllowanceOut,
    summary="查看高龄津贴对象",
    responses=NOT_FOUND,
)
async def get_allowance(
    principal: Reader, service: Service, allowance_id: uuid.UUID, response: Response
) -> AllowanceOut:
    return _with_etag(response, await service.get(allowance_id, principal))


@router.patch(
    "/{allowance_id:uuid}",
    response_model=AllowanceOut,
    summary="更正高龄津贴对象信息（姓名、区域、起始月份）",
    responses={**NOT_FOUND, **VERSIONED, **NOT_ELIGIBLE},
)
async def update_allowance(
    principal: Writer,
    service: Service,
    allowance_id: uuid.UUID,
    body: AllowancePatch,
    response: Response,
    if_match: IfMatch = None,
) -> AllowanceOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(allowance_id, body, version, principal))


@router.post(
    "/{allowance_id:uuid}/status",
    response_model=AllowanceOut,
    summary="暂停、恢复或终止发放",
    description="正常发放与暂停之间可互转；终止（如死亡）须写明原因和日期，"
    "默认发放至事由发生当月，终止后不能恢复。",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态变更不允许（返回 allowed）"},
    },
)
async def change_status(
    principal: Writer,
    service: Service,
    allowance_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> AllowanceOut:
    version = expected_version(if_match)
    out = await service.change_status(allowance_id, body, version, principal)
    return _with_etag(response, out)


add_import_routes(
    router,
    high_age_import,
    what="高龄津贴对象",
    template_name="high-age-allowances",
    notes=(
        "每行一名老人，逐行按登记接口的规则校验：身份证号、村（社区）在天门市内、起始发放月份"
        "月末已满第一档起始年龄（政策参数，按起始年度和所在区域）；已在名册中（含已终止）的"
        "老人不能重复导入。乡镇账号只能导入本辖区的老人。"
    ),
)
