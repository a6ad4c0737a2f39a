import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response, status

from civil_governance.charity.schemas import (
    DonationCreate,
    DonationForm,
    DonationOut,
    DonationPurpose,
    DonationTotals,
    DonationUpdate,
    DonorKind,
    ProjectCreate,
    ProjectOut,
    ProjectStatus,
    ProjectStatusChange,
    ProjectUpdate,
)
from civil_governance.charity.service import DonationService, ProjectService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IsoDate

donations_router = APIRouter(prefix="/api/v1/donations", tags=["慈善捐赠"])
projects_router = APIRouter(prefix="/api/v1/charity-projects", tags=["慈善项目"])

Responses = dict[int | str, dict[str, Any]]
DONATION_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "捐赠记录不存在或不在管辖区域内"}
}
PROJECT_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "慈善项目不存在或不在管辖区域内"}
}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
DONATION_RULES: Responses = {
    403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
    409: {"model": Problem, "description": "该受赠单位的票据号已登记"},
    422: {"model": Problem, "description": "定向项目不存在、未启动、期间或用途不符"},
}


def get_donations(session: SessionDep) -> DonationService:
    return DonationService(session)


def get_projects(session: SessionDep) -> ProjectService:
    return ProjectService(session)


Donations = Annotated[DonationService, Depends(get_donations)]
Projects = Annotated[ProjectService, Depends(get_projects)]
DateFrom = Annotated[IsoDate | None, Query(alias="from", description="起始日期（含），YYYY-MM-DD")]
DateTo = Annotated[IsoDate | None, Query(alias="to", description="截止日期（含），YYYY-MM-DD")]
Area = Annotated[AreaCode | None, Query(description="乡镇（街道）代码（前缀匹配）")]

Out = TypeVar("Out", DonationOut, ProjectOut)


def _tagged(response: Response, out: Out) -> Out:
    response.headers["ETag"] = etag(out.version)
    return out


# --- donations ----------------------------------------------------------------------


@donations_router.post(
    "",
    response_model=DonationOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记捐赠（捐款或物资）",
    responses=DONATION_RULES,
)
async def record_donation(
    principal: Writer, service: Donations, body: DonationCreate, response: Response
) -> DonationOut:
    out = await service.record(body, principal)
    response.headers["Location"] = f"{donations_router.prefix}/{out.id}"
    return _tagged(response, out)


@donations_router.get("", response_model=Page[DonationOut], summary="查询捐赠")
async def list_donations(
    principal: Reader,
    service: Donations,
    page: Annotated[PageParams, Depends()],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    purpose: Annotated[DonationPurpose | None, Query(description="用途")] = None,
    form: Annotated[DonationForm | None, Query(description="捐赠形式")] = None,
    donor_kind: Annotated[DonorKind | None, Query(description="捐赠人类别")] = None,
    receiving_body: Annotated[
        str | None, Query(max_length=200, description="受赠单位（全称）")
    ] = None,
    project_id: Annotated[uuid.UUID | None, Query(description="定向的慈善项目")] = None,
    area_code: Area = None,
    q: Annotated[
        str | None, Query(max_length=200, description="捐赠人（部分匹配）或完整票据号")
    ] = None,
) -> Page[DonationOut]:
    return await service.find(
        page,
        principal,
        purpose=purpose,
        form=form,
        donor_kind=donor_kind,
        date_from=date_from,
        date_to=date_to,
        receiving_body=receiving_body,
        project_id=project_id,
        area_code=area_code,
        q=q,
    )


@donations_router.get(
    "/totals",
    response_model=DonationTotals,
    summary="按用途汇总捐赠（期间内）",
    description="金额为元（两位小数），在数据库中汇总；捐款与物资评估价值分列，合计为两者之和。",
    responses={422: {"model": Problem, "description": "起始日期晚于截止日期"}},
)
async def donation_totals(
    principal: Reader,
    service: Donations,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    area_code: Area = None,
) -> DonationTotals:
    return await service.totals(
        principal, date_from=date_from, date_to=date_to, area_code=area_code
    )


@donations_router.get(
    "/{donation_id:uuid}",
    response_model=DonationOut,
    summary="查看捐赠",
    responses=DONATION_NOT_FOUND,
)
async def get_donation(
    principal: Reader, service: Donations, donation_id: uuid.UUID, response: Response
) -> DonationOut:
    return _tagged(response, await service.get(donation_id, principal))


@donations_router.put(
    "/{donation_id:uuid}",
    response_model=DonationOut,
    summary="更正捐赠记录（整体替换）",
    responses={**DONATION_NOT_FOUND, **VERSIONED, **DONATION_RULES},
)
async def update_donation(
    principal: Writer,
    service: Donations,
    donation_id: uuid.UUID,
    body: DonationUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> DonationOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(donation_id, body, version, principal))


# --- charity projects ---------------------------------------------------------------


@projects_router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记慈善项目",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "发起单位已有同名项目"},
    },
)
async def create_project(
    principal: Writer, service: Projects, body: ProjectCreate, response: Response
) -> ProjectOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{projects_router.prefix}/{out.id}"
    return _tagged(response, out)


@projects_router.get("", response_model=Page[ProjectOut], summary="查询慈善项目")
async def list_projects(
    principal: Reader,
    service: Projects,
    page: Annotated[PageParams, Depends()],
    status_: Annotated[ProjectStatus | None, Query(alias="status", description="状态")] = None,
    purpose: Annotated[DonationPurpose | None, Query(description="用途")] = None,
    area_code: Area = None,
    q: Annotated[
        str | None, Query(max_length=200, description="项目名称或发起单位（部分匹配）")
    ] = None,
) -> Page[ProjectOut]:
    return await service.find(
        page, principal, status=status_, purpose=purpose, area_code=area_code, q=q
    )


@projects_router.get(
    "/{project_id}",
    response_model=ProjectOut,
    summary="查看慈善项目（含已募集金额）",
    responses=PROJECT_NOT_FOUND,
)
async def get_project(
    principal: Reader, service: Projects, project_id: uuid.UUID, response: Response
) -> ProjectOut:
    return _tagged(response, await service.get(project_id, principal))


@projects_router.put(
    "/{project_id}",
    response_model=ProjectOut,
    summary="修改慈善项目（整体替换；状态另行变更）",
    responses={
        **PROJECT_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "项目已结束，或发起单位已有同名项目"},
    },
)
async def update_project(
    principal: Writer,
    service: Projects,
    project_id: uuid.UUID,
    body: ProjectUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(project_id, body, version, principal))


@projects_router.post(
    "/{project_id}/status",
    response_model=ProjectOut,
    summary="变更项目状态（启动、完成、终止）",
    responses={
        **PROJECT_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "当前状态不允许此变更（allowed 列出可变更的状态）"},
    },
)
async def change_project_status(
    principal: Writer,
    service: Projects,
    project_id: uuid.UUID,
    body: ProjectStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectOut:
    version = expected_version(if_match)
    return _tagged(response, await service.change_status(project_id, body, version, principal))
