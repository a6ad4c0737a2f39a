import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, status

from civil_governance.organisations.schemas import (
    ORG_TYPE_DESCRIPTION,
    CaseClose,
    CaseCreate,
    CaseOut,
    CaseOutcome,
    CaseSource,
    CaseUpdate,
    InspectionCreate,
    InspectionFields,
    InspectionOut,
    InspectionResult,
    OrganisationCreate,
    OrganisationOut,
    OrganisationUpdate,
    OrgStatus,
    RegisteredOrgType,
    StatusChange,
)
from civil_governance.organisations.service import CaseService, OrganisationService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/social-organisations", tags=["社会组织"])
cases_router = APIRouter(prefix="/api/v1/illegal-organisation-cases", tags=["非法社会组织"])

#: Registration, status and inspections are acts of the registering authority (the city bureau).
CITY_ONLY = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]

Responses = dict[int | str, dict[str, Any]]
ORG_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "社会组织不存在或不在管辖区域内"}
}
CASE_NOT_FOUND: Responses = {404: {"model": Problem, "description": "案件不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
REGISTRATION_RULES: Responses = {
    409: {"model": Problem, "description": "名称已被在册组织使用，或信用代码已登记"},
    422: {
        "model": Problem,
        "description": "统一社会信用代码校验失败，或第1、2位与民政登记、组织类型不一致",
    },
}


def get_service(session: SessionDep) -> OrganisationService:
    return OrganisationService(session)


def get_case_service(session: SessionDep) -> CaseService:
    return CaseService(session)


Service = Annotated[OrganisationService, Depends(get_service)]
Cases = Annotated[CaseService, Depends(get_case_service)]
Year = Annotated[int, Path(ge=2000, le=2100, description="年检年度")]


Out = TypeVar("Out", OrganisationOut, InspectionOut, CaseOut)


def _tagged(response: Response, out: Out) -> Out:
    response.headers["ETag"] = etag(out.version)
    return out


# --- the register ----------------------------------------------------------------


@router.post(
    "",
    response_model=OrganisationOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记社会组织",
    dependencies=CITY_ONLY,
    responses=REGISTRATION_RULES,
)
async def register(
    principal: Writer, service: Service, body: OrganisationCreate, response: Response
) -> OrganisationOut:
    out = await service.register(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _tagged(response, out)


@router.get("", response_model=Page[OrganisationOut], summary="查询社会组织")
async def list_organisations(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    org_type: Annotated[RegisteredOrgType | None, Query(description=ORG_TYPE_DESCRIPTION)] = None,
    status_: Annotated[OrgStatus | None, Query(alias="status", description="状态")] = None,
    area_code: Annotated[
        AreaCode | None, Query(description="所在乡镇（街道）代码（前缀匹配）")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="名称（部分匹配）或统一社会信用代码")
    ] = None,
    inspection_year: Annotated[
        int | None, Query(ge=2000, le=2100, description="有该年度年检记录")
    ] = None,
    inspection_result: Annotated[
        InspectionResult | None, Query(description="该年度年检结论（须同时给出年度）")
    ] = None,
) -> Page[OrganisationOut]:
    return await service.find(
        page,
        principal,
        org_type=org_type,
        status=status_,
        area_code=area_code,
        q=q,
        inspection_year=inspection_year,
        inspection_result=inspection_result,
    )


@router.get(
    "/{organisation_id}",
    response_model=OrganisationOut,
    summary="查看社会组织",
    responses=ORG_NOT_FOUND,
)
async def get_organisation(
    principal: Reader, service: Service, organisation_id: uuid.UUID, response: Response
) -> OrganisationOut:
    return _tagged(response, await service.get(organisation_id, principal))


@router.put(
    "/{organisation_id}",
    response_model=OrganisationOut,
    summary="更正登记信息（整体替换；状态另行变更）",
    dependencies=CITY_ONLY,
    responses={
        **ORG_NOT_FOUND,
        **VERSIONED,
        **REGISTRATION_RULES,
        409: {"model": Problem, "description": "名称或代码冲突，或登记已终止"},
    },
)
async def update_organisation(
    principal: Writer,
    service: Service,
    organisation_id: uuid.UUID,
    body: OrganisationUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(organisation_id, body, version, principal))


@router.post(
    "/{organisation_id}/status",
    response_model=OrganisationOut,
    summary="变更状态（停止活动、恢复、注销登记、撤销登记）",
    dependencies=CITY_ONLY,
    responses={
        **ORG_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "当前状态不允许此变更（allowed 列出可变更的状态）"},
    },
)
async def change_status(
    principal: Writer,
    service: Service,
    organisation_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationOut:
    version = expected_version(if_match)
    return _tagged(response, await service.change_status(organisation_id, body, version, principal))


# --- yearly inspections ------------------------------------------------------------


@router.post(
    "/{organisation_id}/inspections",
    response_model=InspectionOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记年检结论",
    dependencies=CITY_ONLY,
    responses={
        **ORG_NOT_FOUND,
        409: {"model": Problem, "description": "该年度年检已登记"},
        422: {"model": Problem, "description": "年检年度不在可年检的范围内"},
    },
)
async def add_inspection(
    principal: Writer,
    service: Service,
    organisation_id: uuid.UUID,
    body: InspectionCreate,
    response: Response,
) -> InspectionOut:
    out = await service.add_inspection(organisation_id, body, principal)
    response.headers["Location"] = f"{router.prefix}/{organisation_id}/inspections/{out.year}"
    return _tagged(response, out)


@router.get(
    "/{organisation_id}/inspections",
    response_model=list[InspectionOut],
    summary="年检记录（最近的年度在前）",
    responses=ORG_NOT_FOUND,
)
async def list_inspections(
    principal: Reader, service: Service, organisation_id: uuid.UUID
) -> list[InspectionOut]:
    return await service.inspections(organisation_id, principal)


@router.get(
    "/{organisation_id}/inspections/{year}",
    response_model=InspectionOut,
    summary="查看某年度年检",
    responses=ORG_NOT_FOUND,
)
async def get_inspection(
    principal: Reader, service: Service, organisation_id: uuid.UUID, year: Year, response: Response
) -> InspectionOut:
    return _tagged(response, await service.inspection(organisation_id, year, principal))


@router.put(
    "/{organisation_id}/inspections/{year}",
    response_model=InspectionOut,
    summary="更正年检结论",
    dependencies=CITY_ONLY,
    responses={**ORG_NOT_FOUND, **VERSIONED},
)
async def update_inspection(
    principal: Writer,
    service: Service,
    organisation_id: uuid.UUID,
    year: Year,
    body: InspectionFields,
    response: Response,
    if_match: IfMatch = None,
) -> InspectionOut:
    version = expected_version(if_match)
    out = await service.update_inspection(organisation_id, year, body, version, principal)
    return _tagged(response, out)


# --- cases against illegal organisations ------------------------------------------


@cases_router.post(
    "",
    response_model=CaseOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记非法社会组织线索（立案）",
    responses={403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}},
)
async def open_case(
    principal: Writer, service: Cases, body: CaseCreate, response: Response
) -> CaseOut:
    out = await service.open(body, principal)
    response.headers["Location"] = f"{cases_router.prefix}/{out.id}"
    return _tagged(response, out)


@cases_router.get("", response_model=Page[CaseOut], summary="查询非法社会组织案件")
async def list_cases(
    principal: Reader,
    service: Cases,
    page: Annotated[PageParams, Depends()],
    source: Annotated[CaseSource | None, Query(description="线索来源")] = None,
    outcome: Annotated[CaseOutcome | None, Query(description="处理结果")] = None,
    closed: Annotated[bool | None, Query(description="是否已结案")] = None,
    closed_year: Annotated[int | None, Query(ge=2000, le=2100, description="结案年度")] = None,
    area_code: Annotated[
        AreaCode | None, Query(description="活动地乡镇（街道）代码（前缀匹配）")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="组织名称（部分匹配）")] = None,
) -> Page[CaseOut]:
    return await service.find(
        page,
        principal,
        source=source,
        outcome=outcome,
        closed=closed,
        closed_year=closed_year,
        area_code=area_code,
        q=q,
    )


@cases_router.get(
    "/{case_id}", response_model=CaseOut, summary="查看案件", responses=CASE_NOT_FOUND
)
async def get_case(
    principal: Reader, service: Cases, case_id: uuid.UUID, response: Response
) -> CaseOut:
    return _tagged(response, await service.get(case_id, principal))


@cases_router.put(
    "/{case_id}",
    response_model=CaseOut,
    summary="修改案件调查情况（整体替换；未结案时）",
    responses={
        **CASE_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "案件已结案"},
    },
)
async def update_case(
    principal: Writer,
    service: Cases,
    case_id: uuid.UUID,
    body: CaseUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(case_id, body, version, principal))


@cases_router.post(
    "/{case_id}/outcome",
    response_model=CaseOut,
    summary="登记处理结果并结案（劝散、取缔、移送、查无实据）",
    responses={
        **CASE_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "案件已结案"},
    },
)
async def close_case(
    principal: Writer,
    service: Cases,
    case_id: uuid.UUID,
    body: CaseClose,
    response: Response,
    if_match: IfMatch = None,
) -> CaseOut:
    version = expected_version(if_match)
    return _tagged(response, await service.close(case_id, body, version, principal))
