import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IsoDate
from civil_welfare.institutions.schemas import (
    ClosureCreate,
    ClosureOut,
    ClosurePatch,
    ClosureSummary,
    InstitutionCreate,
    InstitutionKind,
    InstitutionOut,
    InstitutionPatch,
    InstitutionStatus,
    InstitutionSummary,
    Operator,
    ResidentAdmit,
    ResidentLeave,
    ResidentOut,
    ResidentPatch,
    SelfCareLevel,
)
from civil_welfare.institutions.service import InstitutionService

institutions = APIRouter(prefix="/api/v1/care-institutions", tags=["养老机构"])
ledger = APIRouter(prefix="/api/v1/disabled-tekun-residents", tags=["失能特困人员台账"])
closures = APIRouter(prefix="/api/v1/closed-management-periods", tags=["养老机构封闭管理"])


def get_service(session: SessionDep) -> InstitutionService:
    return InstitutionService(session)


Service = Annotated[InstitutionService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

AREA: Responses = {403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}}
INSTITUTION_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "机构不存在（或不在管辖区域内）"}
}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
AreaQuery = Annotated[
    AreaCode | None, Query(description="区域代码（前缀匹配：乡镇代码列出其所有机构）")
]


Out = TypeVar("Out", InstitutionOut, ResidentOut, ClosureOut)


def _with_etag(out: Out, response: Response) -> Out:
    response.headers["ETag"] = etag(out.version)
    return out


# --- institutions ---------------------------------------------------------------------


@institutions.post(
    "",
    response_model=InstitutionOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记养老机构或福利院",
    responses={**AREA, 409: {"model": Problem, "description": "已有同名机构"}},
)
async def create_institution(
    principal: Writer, service: Service, body: InstitutionCreate, response: Response
) -> InstitutionOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{institutions.prefix}/{out.id}"
    return _with_etag(out, response)


@institutions.get("", response_model=Page[InstitutionOut], summary="查询养老机构（按乡镇）")
async def list_institutions(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    kind: Annotated[InstitutionKind | None, Query(description="机构类别")] = None,
    operator: Annotated[Operator | None, Query(description="举办性质")] = None,
    status_: Annotated[
        InstitutionStatus | None, Query(alias="status", description="运营状态")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="机构名称（部分匹配）")] = None,
) -> Page[InstitutionOut]:
    return await service.list(
        page, principal, area_code=area_code, kind=kind, operator=operator, status=status_, q=q
    )


@institutions.get(
    "/summary",
    response_model=InstitutionSummary,
    summary="机构、床位、入住人数、工作人员及台账人数汇总（按乡镇）",
    description="不含已停办的机构。乡镇工作人员只汇总其管辖区域。",
)
async def summarise_institutions(
    principal: Reader, service: Service, area_code: AreaQuery = None
) -> InstitutionSummary:
    return await service.summary(principal, area_code)


@institutions.get(
    "/{institution_id:uuid}",
    response_model=InstitutionOut,
    summary="查看机构",
    responses=INSTITUTION_NOT_FOUND,
)
async def get_institution(
    principal: Reader, service: Service, institution_id: uuid.UUID, response: Response
) -> InstitutionOut:
    return _with_etag(await service.get(institution_id, principal), response)


@institutions.patch(
    "/{institution_id:uuid}",
    response_model=InstitutionOut,
    summary="修改机构（含入住人数、工作人员数、运营状态）",
    description=(
        "只修改提交的字段。入住人数不能超过床位数，也不能少于台账上在院的失能特困人员数；"
        "停办前入住人数须为0，停办后状态不能再变更。每次修改留痕（审计）。"
    ),
    responses={
        **INSTITUTION_NOT_FOUND,
        **VERSIONED,
        **AREA,
        409: {"model": Problem, "description": "状态变更不允许（allowed 列出可变更的状态）"},
        422: {"model": Problem, "description": "入住人数超过床位数或少于台账人数"},
    },
)
async def update_institution(
    principal: Writer,
    service: Service,
    institution_id: uuid.UUID,
    body: InstitutionPatch,
    response: Response,
    if_match: IfMatch = None,
) -> InstitutionOut:
    version = expected_version(if_match)
    return _with_etag(await service.update(institution_id, body, version, principal), response)


@institutions.post(
    "/{institution_id:uuid}/disabled-tekun-residents",
    response_model=ResidentOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记失能特困人员入住（台账）",
    description="一人同一时间只在一个机构的台账上；台账在院人数不超过机构入住人数。",
    responses={
        **INSTITUTION_NOT_FOUND,
        409: {"model": Problem, "description": "已在台账上、与以往入住期间重叠、机构未运营"},
    },
)
async def admit_resident(
    principal: Writer,
    service: Service,
    institution_id: uuid.UUID,
    body: ResidentAdmit,
    response: Response,
) -> ResidentOut:
    out = await service.admit(institution_id, body, principal)
    response.headers["Location"] = f"{ledger.prefix}/{out.id}"
    return _with_etag(out, response)


@institutions.get(
    "/{institution_id:uuid}/disabled-tekun-residents",
    response_model=Page[ResidentOut],
    summary="机构的失能特困人员台账",
    responses=INSTITUTION_NOT_FOUND,
)
async def list_institution_residents(
    principal: Reader,
    service: Service,
    institution_id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
    active: Annotated[bool | None, Query(description="是否在院")] = None,
) -> Page[ResidentOut]:
    return await service.residents(page, principal, institution_id=institution_id, active=active)


@institutions.post(
    "/{institution_id:uuid}/closed-management-periods",
    response_model=ClosureOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记封闭管理期间",
    description="同一机构的封闭管理期间不能重叠（含首尾日期）；仍在封闭管理时结束日期为空。",
    responses={
        **INSTITUTION_NOT_FOUND,
        409: {"model": Problem, "description": "与已有期间重叠，或机构已停办"},
    },
)
async def open_closure(
    principal: Writer,
    service: Service,
    institution_id: uuid.UUID,
    body: ClosureCreate,
    response: Response,
) -> ClosureOut:
    out = await service.open_closure(institution_id, body, principal)
    response.headers["Location"] = f"{closures.prefix}/{out.id}"
    return _with_etag(out, response)


@institutions.get(
    "/{institution_id:uuid}/closed-management-periods",
    response_model=Page[ClosureOut],
    summary="机构的封闭管理期间",
    responses=INSTITUTION_NOT_FOUND,
)
async def list_institution_closures(
    principal: Reader,
    service: Service,
    institution_id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[ClosureOut]:
    return await service.closures(page, principal, institution_id=institution_id)


# --- the ledger -----------------------------------------------------------------------

RESIDENT_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "台账记录不存在（或不在管辖区域内）"}
}


@ledger.get("", response_model=Page[ResidentOut], summary="查询失能特困人员台账")
async def list_residents(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    institution_id: Annotated[uuid.UUID | None, Query(description="机构")] = None,
    active: Annotated[bool | None, Query(description="是否在院")] = None,
    self_care_level: Annotated[SelfCareLevel | None, Query(description="失能等级")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[ResidentOut]:
    return await service.residents(
        page,
        principal,
        institution_id=institution_id,
        area_code=area_code,
        active=active,
        self_care_level=self_care_level,
        q=q,
    )


@ledger.get(
    "/{entry_id}", response_model=ResidentOut, summary="查看台账记录", responses=RESIDENT_NOT_FOUND
)
async def get_resident(
    principal: Reader, service: Service, entry_id: uuid.UUID, response: Response
) -> ResidentOut:
    return _with_etag(await service.resident(entry_id, principal), response)


@ledger.patch(
    "/{entry_id}",
    response_model=ResidentOut,
    summary="修改台账记录（姓名、失能等级）",
    responses={**RESIDENT_NOT_FOUND, **VERSIONED},
)
async def update_resident(
    principal: Writer,
    service: Service,
    entry_id: uuid.UUID,
    body: ResidentPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ResidentOut:
    version = expected_version(if_match)
    return _with_etag(await service.update_resident(entry_id, body, version, principal), response)


@ledger.post(
    "/{entry_id}/leave",
    response_model=ResidentOut,
    summary="登记离院（死亡、转院、回归家庭等）",
    description="离院后可在其他机构重新登记入住（入住日期不早于离院日期）。",
    responses={
        **RESIDENT_NOT_FOUND,
        409: {"model": Problem, "description": "已离院"},
        412: {"model": Problem, "description": "记录已被他人修改（仅在提供 If-Match 时检查）"},
        422: {"model": Problem, "description": "离院日期早于入住日期"},
    },
)
async def leave(
    principal: Writer,
    service: Service,
    entry_id: uuid.UUID,
    body: ResidentLeave,
    response: Response,
    if_match: IfMatch = None,
) -> ResidentOut:
    # Honoured when sent, not required: leaving is one-way, a second leave is a 409 anyway.
    version = expected_version(if_match) if if_match else None
    return _with_etag(await service.leave(entry_id, body, principal, version), response)


# --- closed-management periods ---------------------------------------------------------

CLOSURE_NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "封闭管理记录不存在（或不在管辖区域内）"}
}


@closures.get("", response_model=Page[ClosureOut], summary="查询封闭管理期间")
async def list_closures(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    institution_id: Annotated[uuid.UUID | None, Query(description="机构")] = None,
    ongoing: Annotated[bool | None, Query(description="是否仍在封闭管理")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="与该年度有交集的期间")] = None,
    on: Annotated[IsoDate | None, Query(description="包含该日期的期间")] = None,
) -> Page[ClosureOut]:
    return await service.closures(
        page,
        principal,
        institution_id=institution_id,
        area_code=area_code,
        ongoing=ongoing,
        year=year,
        on=on,
    )


@closures.get(
    "/summary",
    response_model=ClosureSummary,
    summary="封闭管理汇总：机构数、在院老人、工作人员、感染人数（按乡镇）",
)
async def summarise_closures(
    principal: Reader,
    service: Service,
    year: Annotated[int, Query(ge=2000, le=2100, description="年度")],
    area_code: AreaQuery = None,
) -> ClosureSummary:
    return await service.closure_summary(year, principal, area_code)


@closures.get(
    "/{period_id:uuid}",
    response_model=ClosureOut,
    summary="查看封闭管理期间",
    responses=CLOSURE_NOT_FOUND,
)
async def get_closure(
    principal: Reader, service: Service, period_id: uuid.UUID, response: Response
) -> ClosureOut:
    return _with_etag(await service.closure(period_id, principal), response)


@closures.patch(
    "/{period_id:uuid}",
    response_model=ClosureOut,
    summary="修改封闭管理期间（结束时填写结束日期）",
    responses={
        **CLOSURE_NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "与已有期间重叠"},
        422: {"model": Problem, "description": "结束日期早于开始日期"},
    },
)
async def update_closure(
    principal: Writer,
    service: Service,
    period_id: uuid.UUID,
    body: ClosurePatch,
    response: Response,
    if_match: IfMatch = None,
) -> ClosureOut:
    version = expected_version(if_match)
    return _with_etag(await service.update_closure(period_id, body, version, principal), response)


routers = [institutions, ledger, closures]
