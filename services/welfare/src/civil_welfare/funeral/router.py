import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, Period
from civil_welfare.funeral.schemas import (
    CemeteryCreate,
    CemeteryOut,
    CemeteryPatch,
    CemeteryStats,
    CemeteryStatus,
    FamilyProgramme,
    WaiverCreate,
    WaiverOut,
    WaiverPatch,
    WaiverTotals,
)
from civil_welfare.funeral.service import FuneralService

waivers = APIRouter(prefix="/api/v1/funeral-waivers", tags=["殡葬救助"])
cemeteries = APIRouter(prefix="/api/v1/public-cemeteries", tags=["公益性公墓"])


def get_service(session: SessionDep) -> FuneralService:
    return FuneralService(session)


Service = Annotated[FuneralService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

AREA: Responses = {403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
AreaQuery = Annotated[
    AreaCode | None, Query(description="区域代码（前缀匹配：乡镇代码包含其所有村）")
]

Out = TypeVar("Out", WaiverOut, CemeteryOut)


def _with_etag(out: Out, response: Response) -> Out:
    response.headers["ETag"] = etag(out.version)
    return out


# --- funeral fee waivers -----------------------------------------------------------

WAIVER_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "殡葬救助记录不存在（或不在管辖区域内）"}
}


@waivers.post(
    "",
    response_model=WaiverOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记殡葬费用减免（低保、特困家庭）",
    description=(
        "每名逝者只减免一次（按身份证号）：重复提交返回 409 "
        "（code=WELFARE_FUNERAL_WAIVER_EXISTS）。家庭救助类别暂由工作人员填写。"
    ),
    responses={**AREA, 409: {"model": Problem, "description": "该逝者已享受减免"}},
)
async def record_waiver(
    principal: Writer, service: Service, body: WaiverCreate, response: Response
) -> WaiverOut:
    out = await service.record_waiver(body, principal)
    response.headers["Location"] = f"{waivers.prefix}/{out.id}"
    return _with_etag(out, response)


@waivers.get("", response_model=Page[WaiverOut], summary="查询殡葬费用减免")
async def list_waivers(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    family_programme: Annotated[FamilyProgramme | None, Query(description="家庭救助类别")] = None,
    from_period: Annotated[
        Period | None, Query(alias="from", description="审批月份起（含），如 2020-01")
    ] = None,
    to_period: Annotated[
        Period | None, Query(alias="to", description="审批月份止（含），如 2020-12")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="逝者姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[WaiverOut]:
    return await service.waivers(
        page,
        principal,
        area_code=area_code,
        family_programme=family_programme,
        from_period=from_period,
        to_period=to_period,
        q=q,
    )


@waivers.get(
    "/totals",
    response_model=WaiverTotals,
    summary="殡葬费用减免合计：件数与金额（按乡镇、月份、救助类别）",
    description="按审批日期统计，起止月份均包含在内。乡镇工作人员只统计其管辖区域。",
    responses={422: {"model": Problem, "description": "截止月份早于起始月份"}},
)
async def waiver_totals(
    principal: Reader,
    service: Service,
    from_period: Annotated[Period, Query(alias="from", description="起始月份（含）")],
    to_period: Annotated[Period, Query(alias="to", description="截止月份（含）")],
    area_code: AreaQuery = None,
) -> WaiverTotals:
    return await service.totals(from_period, to_period, principal, area_code)


@waivers.get(
    "/{waiver_id:uuid}",
    response_model=WaiverOut,
    summary="查看殡葬费用减免",
    responses=WAIVER_NOT_FOUND,
)
async def get_waiver(
    principal: Reader, service: Service, waiver_id: uuid.UUID, response: Response
) -> WaiverOut:
    return _with_etag(await service.waiver(waiver_id, principal), response)


@waivers.patch(
    "/{waiver_id:uuid}",
    response_model=WaiverOut,
    summary="更正殡葬费用减免（逝者身份证号不可更改）",
    responses={
        **WAIVER_NOT_FOUND,
        **VERSIONED,
        **AREA,
        422: {"model": Problem, "description": "日期或金额不符合规则"},
    },
)
async def correct_waiver(
    principal: Writer,
    service: Service,
    waiver_id: uuid.UUID,
    body: WaiverPatch,
    response: Response,
    if_match: IfMatch = None,
) -> WaiverOut:
    version = expected_version(if_match)
    return _with_etag(await service.correct_waiver(waiver_id, body, version, principal), response)


# --- public cemeteries ---------------------------------------------------------------

CEMETERY_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "公墓不存在（或不在管辖区域内）"}
}


@cemeteries.post(
    "",
    response_model=CemeteryOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记公益性公墓",
    responses={**AREA, 409: {"model": Problem, "description": "该村已有同名公墓"}},
)
async def register_cemetery(
    principal: Writer, service: Service, body: CemeteryCreate, response: Response
) -> CemeteryOut:
    out = await service.register_cemetery(body, principal)
    response.headers["Location"] = f"{cemeteries.prefix}/{out.id}"
    return _with_etag(out, response)


@cemeteries.get("", response_model=Page[CemeteryOut], summary="查询公益性公墓（按乡镇、状态）")
async def list_cemeteries(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    status_: Annotated[CemeteryStatus | None, Query(alias="status", description="建设状态")] = None,
    pilot: Annotated[bool | None, Query(description="是否为试点")] = None,
    year_built: Annotated[int | None, Query(ge=1949, le=2100, description="建成年份")] = None,
    q: Annotated[str | None, Query(max_length=100, description="公墓名称（部分匹配）")] = None,
) -> Page[CemeteryOut]:
    return await service.cemeteries(
        page,
        principal,
        area_code=area_code,
        status=status_,
        pilot=pilot,
        year_built=year_built,
        q=q,
    )


@cemeteries.get(
    "/stats",
    response_model=CemeteryStats,
    summary="公墓建成情况：累计建成、当年建成、试点数（按乡镇）",
)
async def cemetery_stats(
    principal: Reader,
    service: Service,
    year: Annotated[int, Query(ge=1949, le=2100, description="年度（统计至年末）")],
    area_code: AreaQuery = None,
) -> CemeteryStats:
    return await service.cemetery_stats(year, principal, area_code)


@cemeteries.get(
    "/{cemetery_id:uuid}",
    response_model=CemeteryOut,
    summary="查看公墓",
    responses=CEMETERY_NOT_FOUND,
)
async def get_cemetery(
    principal: Reader, service: Service, cemetery_id: uuid.UUID, response: Response
) -> CemeteryOut:
    return _with_etag(await service.cemetery(cemetery_id, principal), response)


@cemeteries.patch(
    "/{cemetery_id:uuid}",
    response_model=CemeteryOut,
    summary="修改公墓（建设状态只能向前推进）",
    description="状态：规划中 → 在建 → 已建成 → 已投入使用；建成时须填写建成年份。",
    responses={
        **CEMETERY_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态不能回退（allowed 列出可变更的状态）"},
        422: {"model": Problem, "description": "建成年份与状态不符"},
    },
)
async def update_cemetery(
    principal: Writer,
    service: Service,
    cemetery_id: uuid.UUID,
    body: CemeteryPatch,
    response: Response,
    if_match: IfMatch = None,
) -> CemeteryOut:
    version = expected_version(if_match)
    return _with_etag(
        await service.update_cemetery(cemetery_id, body, version, principal), response
    )


routers = [waivers, cemeteries]
