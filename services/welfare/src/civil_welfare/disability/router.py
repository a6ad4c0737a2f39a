import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.idempotency import Idempotency, IdempotencyKeyHeader
from civil_shared.runtime.imports import (
    MAX_UPLOAD_BYTES,
    UPLOAD_PROBLEMS,
    ImportReport,
    add_import_routes,
    add_template_route,
    receive_upload,
    upload_body,
)
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, DisabilityCategory, Period
from civil_welfare.db import IdempotencyRecord
from civil_welfare.disability.decision_import import (
    COLUMNS as DECISION_COLUMNS,
)
from civil_welfare.disability.decision_import import (
    PREFIX as DECISION_PREFIX,
)
from civil_welfare.disability.decision_import import (
    DecisionImport,
    DecisionImportResult,
)
from civil_welfare.disability.importer import disabled_person_import
from civil_welfare.disability.schemas import (
    ApplicationOut,
    DisabilitySubsidy,
    DisabledPersonCreate,
    DisabledPersonOut,
    DisabledPersonUpdate,
    GrantOut,
    GrantStatus,
    GrantStop,
    RegisterStatus,
    StatusChange,
    SubsidyApplicationCreate,
)
from civil_welfare.disability.service import DisabledPersonService
from civil_welfare.disability.subsidies import SubsidyService
from civil_welfare.peers import Assistance

router = APIRouter(prefix="/api/v1/disabled-persons", tags=["残疾人及两项补贴"])
grants_router = APIRouter(prefix="/api/v1/disability-subsidy-grants", tags=["残疾人及两项补贴"])
applications_router = APIRouter(
    prefix="/api/v1/disability-subsidy-applications", tags=["残疾人及两项补贴"]
)

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
OUTSIDE: Responses = {403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}}


def get_persons(session: SessionDep) -> DisabledPersonService:
    return DisabledPersonService(session)


def get_subsidies(session: SessionDep, assistance: Assistance) -> SubsidyService:
    return SubsidyService(session, assistance)


Persons = Annotated[DisabledPersonService, Depends(get_persons)]
Subsidies = Annotated[SubsidyService, Depends(get_subsidies)]


def _with_etag(response: Response, out: DisabledPersonOut) -> DisabledPersonOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=DisabledPersonOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记残疾人",
    responses={**OUTSIDE, 409: {"model": Problem, "description": "该人员或残疾人证号已登记"}},
)
async def register_person(
    principal: Writer, service: Persons, body: DisabledPersonCreate, response: Response
) -> DisabledPersonOut:
    out = await service.register(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[DisabledPersonOut], summary="查询残疾人")
async def list_persons(
    principal: Reader,
    service: Persons,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    category: Annotated[DisabilityCategory | None, Query(description="残疾类别")] = None,
    grade: Annotated[int | None, Query(ge=1, le=4, description="残疾等级")] = None,
    status_: Annotated[RegisterStatus | None, Query(alias="status", description="状态")] = None,
    care_need: Annotated[bool | None, Query(description="是否有长期护理需要")] = None,
    subsidy: Annotated[
        DisabilitySubsidy | None, Query(description="正在享受该项补贴的人员")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="姓名（部分匹配）、完整身份证号或残疾人证号"),
    ] = None,
) -> Page[DisabledPersonOut]:
    return await service.list(
        page,
        principal,
        area_code=area_code,
        category=category,
        grade=grade,
        status=status_,
        care_need=care_need,
        subsidy=subsidy,
        q=q,
    )


@router.get(
    "/{person_id:uuid}", response_model=DisabledPersonOut, summary="查看残疾人", responses=NOT_FOUND
)
async def get_person(
    principal: Reader, service: Persons, person_id: uuid.UUID, response: Response
) -> DisabledPersonOut:
    return _with_etag(response, await service.get(person_id, principal))


@router.put(
    "/{person_id:uuid}",
    response_model=DisabledPersonOut,
    summary="修改残疾人信息（整体替换；身份证号不可改）",
    responses={**NOT_FOUND, **VERSIONED, **OUTSIDE},
)
async def update_person(
    principal: Writer,
    service: Persons,
    person_id: uuid.UUID,
    body: DisabledPersonUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> DisabledPersonOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(person_id, body, version, principal))


@router.post(
    "/{person_id:uuid}/status",
    response_model=DisabledPersonOut,
    summary="变更残疾人状态（迁出、死亡、证件注销、恢复在册；离册时停发补贴）",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态不允许此变更"},
    },
)
async def change_status(
    principal: Writer,
    service: Persons,
    person_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> DisabledPersonOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(person_id, body, version, principal))


@router.delete(
    "/{person_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误登记的残疾人",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "已有补贴申请，不能删除"},
    },
)
async def delete_person(
    principal: Writer, service: Persons, person_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    await service.delete(person_id, expected_version(if_match), principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{person_id:uuid}/subsidy-applications",
    response_model=ApplicationOut,
    status_code=status.HTTP_201_CREATED,
    summary="申请并审核两项补贴（向救助服务核实低保、特困状态后决定）",
    description=(
        "按当天的残疾人信息、救助服务答复的低保与特困状态、孤儿保障情况和当年政策参数，"
        "逐项决定同意或不予发放并记录原因；同意的生成发放记录。救助服务无法答复时返回 503"
        "（WELFARE_ASSISTANCE_UNAVAILABLE），不作任何决定。带 Idempotency-Key 重复提交只审核一次。"
    ),
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "已在享受该补贴、人员不在册或政策参数未设定"},
        503: {"model": Problem, "description": "救助服务无法答复，本次不作决定"},
    },
)
async def apply_for_subsidies(
    principal: Writer,
    service: Subsidies,
    session: SessionDep,
    person_id: uuid.UUID,
    body: SubsidyApplicationCreate,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    idempotency = Idempotency(
        session,
        IdempotencyRecord,
        actor=principal.sub,
        key=idempotency_key,
        payload={
            "route": "disability-subsidy-applications",
            "person_id": str(person_id),
            **body.model_dump(mode="json"),
        },
    )
    status_code, out = await service.decide(person_id, body, principal, idempotency)
    location = f"{router.prefix}/{person_id}/subsidy-applications"
    return JSONResponse(out, status_code=status_code, headers={"Location": location})


@router.get(
    "/{person_id:uuid}/subsidy-applications",
    response_model=Page[ApplicationOut],
    summary="补贴申请与审核记录",
    responses=NOT_FOUND,
)
async def list_applications(
    principal: Reader,
    service: Subsidies,
    person_id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[ApplicationOut]:
    return await service.applications(person_id, page, principal)


@grants_router.get("", response_model=Page[GrantOut], summary="查询补贴发放记录")
async def list_grants(
    principal: Reader,
    service: Subsidies,
    page: Annotated[PageParams, Depends()],
    subsidy: Annotated[DisabilitySubsidy | None, Query(description="补贴项目")] = None,
    status_: Annotated[GrantStatus | None, Query(alias="status", description="状态")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    person_id: Annotated[uuid.UUID | None, Query(description="残疾人记录")] = None,
    paid_in: Annotated[Period | None, Query(description="该月应发放的记录（YYYY-MM）")] = None,
) -> Page[GrantOut]:
    return await service.grants(
        page,
        principal,
        subsidy=subsidy,
        status=status_,
        area_code=area_code,
        person_id=person_id,
        paid_in=paid_in,
    )


@grants_router.get(
    "/{grant_id:uuid}", response_model=GrantOut, summary="查看补贴发放记录", responses=NOT_FOUND
)
async def get_grant(
    principal: Reader, service: Subsidies, grant_id: uuid.UUID, response: Response
) -> GrantOut:
    out = await service.grant(grant_id, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@grants_router.post(
    "/{grant_id:uuid}/stop",
    response_model=GrantOut,
    summary="停发补贴（记录原因和最后发放月份）",
    responses={**NOT_FOUND, **VERSIONED, 409: {"model": Problem, "description": "已停发"}},
)
async def stop_grant(
    principal: Writer,
    service: Subsidies,
    grant_id: uuid.UUID,
    body: GrantStop,
    response: Response,
    if_match: IfMatch = None,
) -> GrantOut:
    out = await service.stop(grant_id, body, expected_version(if_match), principal)
    response.headers["ETag"] = etag(out.version)
    return out


add_import_routes(
    router,
    disabled_person_import,
    what="残疾人",
    template_name="disabled-persons",
    notes=(
        "每行一名残疾人，逐行按登记接口的规则校验：户籍村（社区）在天门市内、残疾类别和等级、"
        "残疾人证号与身份证号及类别、等级相符等；已在名册中的身份证号不能重复导入。"
        "只导入名册，两项补贴须逐人申请审批。乡镇账号只能导入本辖区的人员。"
    ),
)


@applications_router.post(
    "/import",
    response_model=DecisionImportResult,
    status_code=status.HTTP_201_CREATED,
    summary="批量申请并审核两项补贴（CSV 或 XLSX，每行一人）",
    description=(
        "每行一人：身份证号（须已在残疾人名册中）、申请补贴、起始发放月份，规则与逐人申请接口相同："
        "按名册信息、孤儿保障情况、当年政策参数和救助服务答复的低保、特困状态逐项审核"
        "（整个文件只向救助服务查询一次）。任何一行有误、不在管辖区域内或不符合条件"
        f"（列出全部原因），则不作任何决定，返回 422（code={DECISION_PREFIX}_IMPORT_INVALID），"
        "report 列出行号和说明；全部符合则一次性写入申请、审核决定和发放记录，"
        "与逐人申请的结果相同。"
        "救助服务无法答复时返回 503（WELFARE_ASSISTANCE_UNAVAILABLE），不作任何决定。"
        f"CSV 可为 UTF-8 或 GBK 编码。文件不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。"
    ),
    openapi_extra=upload_body("CSV（UTF-8 或 GBK）或 XLSX，每行一人"),
    responses={
        **OUTSIDE,
        **UPLOAD_PROBLEMS,
        422: {"model": ImportReport, "description": "文件有错误或有人不符合条件，未作任何决定"},
        409: {"model": Problem, "description": "政策参数未设定，或导入期间有人被他人审核同意"},
        503: {"model": Problem, "description": "救助服务无法答复，未作任何决定"},
    },
)
async def import_applications(
    request: Request, principal: Writer, session: SessionDep, assistance: Assistance
) -> DecisionImportResult:
    upload = await receive_upload(request, prefix=DECISION_PREFIX, max_bytes=MAX_UPLOAD_BYTES)
    return await DecisionImport(session, assistance).run(upload, principal)


add_template_route(
    applications_router,
    DECISION_COLUMNS,
    what="两项补贴申请",
    template_name="disability-subsidy-applications",
    summary="下载两项补贴批量申请模板",
    name="applications_template",
)
