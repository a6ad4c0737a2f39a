import uuid
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, status

from civil_governance.volunteers.certificate import XLSX_MEDIA_TYPE, certificate_xlsx
from civil_governance.volunteers.importer import MAX_IMPORT_BYTES, service_record_import
from civil_governance.volunteers.register_import import (
    MAX_REGISTER_IMPORT_BYTES,
    volunteer_register_import,
)
from civil_governance.volunteers.rules import OrganisationKind, VolunteerStatus
from civil_governance.volunteers.schemas import (
    ActivityCreate,
    ActivityOut,
    ActivityPatch,
    CalendarDayOut,
    CalendarDaySet,
    CertificateFormat,
    OrganisationCreate,
    OrganisationOut,
    OrganisationPatch,
    ServiceImportResult,
    ServiceRecordCreate,
    ServiceRecordOut,
    ServiceRecordPatch,
    VolunteerCertificate,
    VolunteerCreate,
    VolunteerOut,
    VolunteerPatch,
    VolunteerStats,
    VolunteerStatusChange,
)
from civil_governance.volunteers.service import (
    ActivityService,
    CalendarService,
    OrganisationService,
    ServiceRecordService,
    StatsService,
    VolunteerService,
)
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IdNumber, IsoDate

Responses = dict[int | str, dict[str, Any]]
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
AreaQuery = Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100, description="年度")]

volunteers_router = APIRouter(prefix="/api/v1/volunteers", tags=["志愿者"])
organisations_router = APIRouter(prefix="/api/v1/volunteer-organisations", tags=["志愿服务组织"])
activities_router = APIRouter(prefix="/api/v1/volunteer-activities", tags=["志愿服务活动"])
records_router = APIRouter(prefix="/api/v1/volunteer-services", tags=["志愿服务记录"])
stats_router = APIRouter(prefix="/api/v1/volunteer-stats", tags=["志愿服务记录"])
calendar_router = APIRouter(prefix="/api/v1/working-calendar", tags=["工作日历"])


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def _tagged(response: Response, out: V) -> V:
    response.headers["ETag"] = etag(out.version)
    return out


# --- volunteers ------------------------------------------------------------------------

VolunteerNotFound: Responses = {
    404: {"model": Problem, "description": "志愿者不存在（或不在管辖区域内）"}
}


def volunteer_service(session: SessionDep) -> VolunteerService:
    return VolunteerService(session)


add_import_routes(
    volunteers_router,
    volunteer_register_import,
    what="志愿者注册",
    template_name="volunteers",
    max_bytes=MAX_REGISTER_IMPORT_BYTES,
    notes=(
        "每行一名志愿者：身份证号、姓名、联系电话、注册所在村（社区）代码、注册日期（专长选填）。"
        "已注册的身份证号不能重复导入；村（社区）代码须在行政区划中。"
    ),
)


Volunteers = Annotated[VolunteerService, Depends(volunteer_service)]


@volunteers_router.post(
    "",
    response_model=VolunteerOut,
    status_code=status.HTTP_201_CREATED,
    summary="注册志愿者",
    description="以身份证号注册，每人只能注册一次（重复注册返回 409）。",
    responses={
        403: {"model": Problem, "description": "只读账号，或村（社区）不在管辖范围内"},
        409: {"model": Problem, "description": "该身份证号已注册"},
        422: {"model": Problem, "description": "村（社区）不在行政区划中，或注册日期早于出生"},
    },
)
async def register_volunteer(
    principal: Writer, service: Volunteers, body: VolunteerCreate, response: Response
) -> VolunteerOut:
    out = await service.register(body, principal)
    response.headers["Location"] = f"{volunteers_router.prefix}/{out.id}"
    return _tagged(response, out)


@volunteers_router.get("", response_model=Page[VolunteerOut], summary="查询志愿者")
async def list_volunteers(
    principal: Reader,
    service: Volunteers,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    status_: Annotated[VolunteerStatus | None, Query(alias="status", description="状态")] = None,
    skill: Annotated[str | None, Query(max_length=50, description="专长（完全匹配）")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[VolunteerOut]:
    return await service.listing(
        page, principal, area_code=area_code, status=status_, skill=skill, q=q
    )


@volunteers_router.get(
    "/{volunteer_id:uuid}",
    response_model=VolunteerOut,
    summary="查看志愿者",
    responses=VolunteerNotFound,
)
async def get_volunteer(
    principal: Reader, service: Volunteers, volunteer_id: uuid.UUID, response: Response
) -> VolunteerOut:
    return _tagged(response, await service.get(volunteer_id, principal))


@volunteers_router.patch(
    "/{volunteer_id:uuid}",
    response_model=VolunteerOut,
    summary="修改志愿者信息（姓名、电话、注册地、专长）",
    responses={**VolunteerNotFound, **VERSIONED},
)
async def update_volunteer(
    principal: Writer,
    service: Volunteers,
    volunteer_id: uuid.UUID,
    body: VolunteerPatch,
    response: Response,
    if_match: IfMatch = None,
) -> VolunteerOut:
    version = expected_version(if_match)
    out = await service.update(volunteer_id, body, version, principal)
    return _tagged(response, out)


@volunteers_router.post(
    "/{volunteer_id:uuid}/status",
    response_model=VolunteerOut,
    summary="注销志愿者或恢复在册",
    responses={
        **VolunteerNotFound,
        **VERSIONED,
        409: {"model": Problem, "description": "不允许的状态变更（allowed 列出可变更的状态）"},
        422: {"model": Problem, "description": "生效日期早于注册或之后仍有服务记录"},
    },
)
async def change_volunteer_status(
    principal: Writer,
    service: Volunteers,
    volunteer_id: uuid.UUID,
    body: VolunteerStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> VolunteerOut:
    version = expected_version(if_match)
    out = await service.change_status(volunteer_id, body, version, principal)
    return _tagged(response, out)


@volunteers_router.get(
    "/{volunteer_id:uuid}/certificate",
    response_model=VolunteerCertificate,
    summary="志愿服务证明（累计服务时长）",
    description=(
        "format=json（默认）返回 JSON；format=xlsx 返回 Excel 证明（含服务记录明细）。"
        "身份证号无 pii:read 权限时脱敏。可用 date_from、date_to 限定证明期间。"
    ),
    responses={
        **VolunteerNotFound,
        200: {
            "content": {"application/json": {}, XLSX_MEDIA_TYPE: {}},
            "description": "志愿服务证明",
        },
    },
)
async def volunteer_certificate(
    principal: Reader,
    service: Volunteers,
    volunteer_id: uuid.UUID,
    format: Annotated[CertificateFormat, Query(description="json 或 xlsx")] = "json",
    date_from: Annotated[IsoDate | None, Query(description="证明期间起（含）")] = None,
    date_to: Annotated[IsoDate | None, Query(description="证明期间止（含）")] = None,
) -> Any:
    certificate, records = await service.certificate(
        volunteer_id, principal, date_from=date_from, date_to=date_to
    )
    if format == "json":
        return certificate
    content = certificate_xlsx(certificate, records, reveal_id=principal.reads_pii)
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={
            "Content-Disposition": (
                f'attachment; filename="volunteer-certificate-{volunteer_id}.xlsx"'
            )
        },
    )


# --- organisations ---------------------------------------------------------------------

OrganisationNotFound: Responses = {
    404: {"model": Problem, "description": "组织不存在（或不在管辖区域内）"}
}


def organisation_service(session: SessionDep) -> OrganisationService:
    return OrganisationService(session)


Organisations = Annotated[OrganisationService, Depends(organisation_service)]


@organisations_router.post(
    "",
    response_model=OrganisationOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记志愿服务组织",
    responses={
        403: {
            "model": Problem,
            "description": "只读账号，或乡镇不在管辖范围内（市级组织由市局登记）",
        },
        409: {"model": Problem, "description": "组织名称已登记"},
        422: {"model": Problem, "description": "乡镇代码不在行政区划中"},
    },
)
async def create_organisation(
    principal: Writer, service: Organisations, body: OrganisationCreate, response: Response
) -> OrganisationOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{organisations_router.prefix}/{out.id}"
    return _tagged(response, out)


@organisations_router.get(
    "",
    response_model=Page[OrganisationOut],
    summary="查询志愿服务组织",
    description="乡镇工作人员看到本乡镇的组织和市级组织。",
)
async def list_organisations(
    principal: Reader,
    service: Organisations,
    page: Annotated[PageParams, Depends()],
    township_code: AreaQuery = None,
    kind: Annotated[OrganisationKind | None, Query(description="组织类别")] = None,
    q: Annotated[str | None, Query(max_length=100, description="名称（部分匹配）")] = None,
) -> Page[OrganisationOut]:
    return await service.listing(page, principal, township_code=township_code, kind=kind, q=q)


@organisations_router.get(
    "/{organisation_id}",
    response_model=OrganisationOut,
    summary="查看志愿服务组织",
    responses=OrganisationNotFound,
)
async def get_organisation(
    principal: Reader, service: Organisations, organisation_id: uuid.UUID, response: Response
) -> OrganisationOut:
    return _tagged(response, await service.get(organisation_id, principal))


@organisations_router.patch(
    "/{organisation_id}",
    response_model=OrganisationOut,
    summary="修改志愿服务组织",
    responses={
        **OrganisationNotFound,
        **VERSIONED,
        403: {"model": Problem, "description": "市级组织只能由市局修改"},
        409: {"model": Problem, "description": "组织名称已登记"},
    },
)
async def update_organisation(
    principal: Writer,
    service: Organisations,
    organisation_id: uuid.UUID,
    body: OrganisationPatch,
    response: Response,
    if_match: IfMatch = None,
) -> OrganisationOut:
    version = expected_version(if_match)
    out = await service.update(organisation_id, body, version, principal)
    return _tagged(response, out)


# --- activities ----------------------------------------------------------------------------

ActivityNotFound: Responses = {
    404: {"model": Problem, "description": "活动不存在（或不在管辖区域内）"}
}


def activity_service(session: SessionDep) -> ActivityService:
    return ActivityService(session)


Activities = Annotated[ActivityService, Depends(activity_service)]


@activities_router.post(
    "",
    response_model=ActivityOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记志愿服务活动",
    responses={
        403: {"model": Problem, "description": "只读账号，或乡镇不在管辖范围内"},
        409: {"model": Problem, "description": "活动编号已被使用"},
        422: {"model": Problem, "description": "组织不存在，或乡镇代码不在行政区划中"},
    },
)
async def create_activity(
    principal: Writer, service: Activities, body: ActivityCreate, response: Response
) -> ActivityOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{activities_router.prefix}/{out.id}"
    return _tagged(response, out)


@activities_router.get("", response_model=Page[ActivityOut], summary="查询志愿服务活动")
async def list_activities(
    principal: Reader,
    service: Activities,
    page: Annotated[PageParams, Depends()],
    area_code: AreaQuery = None,
    organisation_id: Annotated[uuid.UUID | None, Query(description="组织")] = None,
    year: YearQuery = None,
    date_from: Annotated[IsoDate | None, Query(description="活动日期起（含）")] = None,
    date_to: Annotated[IsoDate | None, Query(description="活动日期止（含）")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="活动编号或名称（部分匹配）")
    ] = None,
) -> Page[ActivityOut]:
    return await service.listing(
        page,
        principal,
        area_code=area_code,
        organisation_id=organisation_id,
        year=year,
        date_from=date_from,
        date_to=date_to,
        q=q,
    )


@activities_router.get(
    "/{activity_id}",
    response_model=ActivityOut,
    summary="查看志愿服务活动",
    responses=ActivityNotFound,
)
async def get_activity(
    principal: Reader, service: Activities, activity_id: uuid.UUID, response: Response
) -> ActivityOut:
    return _tagged(response, await service.get(activity_id, principal))


@activities_router.patch(
    "/{activity_id}",
    response_model=ActivityOut,
    summary="修改志愿服务活动",
    responses={
        **ActivityNotFound,
        **VERSIONED,
        409: {"model": Problem, "description": "已有服务记录的活动不能改日期"},
    },
)
async def update_activity(
    principal: Writer,
    service: Activities,
    activity_id: uuid.UUID,
    body: ActivityPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ActivityOut:
    version = expected_version(if_match)
    out = await service.update(activity_id, body, version, principal)
    return _tagged(response, out)


# --- service records -----------------------------------------------------------------------

RecordNotFound: Responses = {
    404: {"model": Problem, "description": "服务记录不存在（或活动不在管辖区域内）"}
}


def record_service(session: SessionDep) -> ServiceRecordService:
    return ServiceRecordService(session)


Records = Annotated[ServiceRecordService, Depends(record_service)]

add_import_routes(
    records_router,
    service_record_import,
    what="志愿服务记录",
    template_name="volunteer-services",
    max_bytes=MAX_IMPORT_BYTES,
    response_model=ServiceImportResult,
    notes=(
        "每行：志愿者身份证号、活动编号、服务时长（姓名选填，用于核对）。志愿者须已注册、活动须已登记"
        "且在您的管辖区域内；同一志愿者同一活动只能有一条记录。活动后超过10个工作日登记的记录"
        "照常导入并标记为逾期（late）。本接口文件上限大于其他导入（约500万行）。"
    ),
)


@records_router.post(
    "",
    response_model=ServiceRecordOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记志愿服务时长",
    description=(
        "服务日期即活动日期。活动后10个工作日内（周末和法定节假日不计，调休上班日计入）登记为按时；"
        "之后登记的照常接受，并标记 late=true。"
    ),
    responses={
        404: {"model": Problem, "description": "活动不存在（或不在管辖区域内）"},
        409: {"model": Problem, "description": "该志愿者在该活动已有服务记录"},
        422: {"model": Problem, "description": "志愿者未注册、已注销，或活动尚未开展"},
    },
)
async def create_record(
    principal: Writer, service: Records, body: ServiceRecordCreate, response: Response
) -> ServiceRecordOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{records_router.prefix}/{out.id}"
    return _tagged(response, out)


@records_router.get("", response_model=Page[ServiceRecordOut], summary="查询志愿服务记录")
async def list_records(
    principal: Reader,
    service: Records,
    page: Annotated[PageParams, Depends()],
    volunteer_id: Annotated[uuid.UUID | None, Query(description="志愿者")] = None,
    id_number: Annotated[IdNumber | None, Query(description="志愿者身份证号")] = None,
    activity_id: Annotated[uuid.UUID | None, Query(description="活动")] = None,
    organisation_id: Annotated[uuid.UUID | None, Query(description="组织")] = None,
    area_code: Annotated[AreaCode | None, Query(description="活动所在区域代码（前缀匹配）")] = None,
    year: YearQuery = None,
    late: Annotated[bool | None, Query(description="是否逾期登记")] = None,
) -> Page[ServiceRecordOut]:
    return await service.listing(
        page,
        principal,
        volunteer_id=volunteer_id,
        id_number=str(id_number) if id_number else None,
        activity_id=activity_id,
        organisation_id=organisation_id,
        area_code=area_code,
        year=year,
        late=late,
    )


@records_router.get(
    "/{record_id:uuid}",
    response_model=ServiceRecordOut,
    summary="查看志愿服务记录",
    responses=RecordNotFound,
)
async def get_record(
    principal: Reader, service: Records, record_id: uuid.UUID, response: Response
) -> ServiceRecordOut:
    return _tagged(response, await service.get(record_id, principal))


@records_router.patch(
    "/{record_id:uuid}",
    response_model=ServiceRecordOut,
    summary="更正服务时长",
    description="登记时间与逾期标记不变。",
    responses={**RecordNotFound, **VERSIONED},
)
async def correct_record(
    principal: Writer,
    service: Records,
    record_id: uuid.UUID,
    body: ServiceRecordPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ServiceRecordOut:
    version = expected_version(if_match)
    out = await service.correct(record_id, body, version, principal)
    return _tagged(response, out)


@records_router.delete(
    "/{record_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误登记的服务记录",
    responses={**RecordNotFound, **VERSIONED},
)
async def delete_record(
    principal: Writer, service: Records, record_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    version = expected_version(if_match)
    await service.delete(record_id, version, principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- statistics ------------------------------------------------------------------------------


def stats_service(session: SessionDep) -> StatsService:
    return StatsService(session)


@stats_router.get(
    "",
    response_model=VolunteerStats,
    summary="志愿服务统计（注册志愿者、服务时长，按乡镇）",
    description=(
        "注册志愿者为年末（本年为今天）在册人数；服务时长、有服务记录的志愿者为该年度的。"
        "按志愿者注册地所在乡镇（街道）分列。乡镇工作人员只统计本辖区。"
    ),
)
async def volunteer_statistics(
    principal: Reader,
    service: Annotated[StatsService, Depends(stats_service)],
    year: Annotated[int, Query(ge=2000, le=2100, description="统计年度")],
    area_code: AreaQuery = None,
) -> VolunteerStats:
    return await service.stats(year, area_code, principal)


# --- working calendar --------------------------------------------------------------------------


def calendar_service(session: SessionDep) -> CalendarService:
    return CalendarService(session)


Calendar = Annotated[CalendarService, Depends(calendar_service)]
Day = Annotated[IsoDate, Path(description="日期（YYYY-MM-DD）")]


@calendar_router.get(
    "",
    response_model=list[CalendarDayOut],
    summary="工作日历（法定节假日与调休上班日）",
    description="周一至周五为工作日、周六周日休息，以下所列日期除外。计算服务记录登记期限时使用。",
)
async def list_calendar(
    _: Reader, service: Calendar, year: YearQuery = None
) -> list[CalendarDayOut]:
    return await service.days(year)


@calendar_router.put(
    "/{day}",
    response_model=CalendarDayOut,
    summary="设置节假日或调休上班日（市局）",
    description="国务院办公厅公布次年放假安排后录入；已有的日期被替换。只影响此后登记的记录。",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={
        201: {"model": CalendarDayOut, "description": "新增"},
        422: {"model": Problem, "description": "调休上班日不是周末"},
    },
)
async def set_calendar_day(
    _: Writer, service: Calendar, day: Day, body: CalendarDaySet, response: Response
) -> CalendarDayOut:
    out, created = await service.set(day, body)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return out


@calendar_router.delete(
    "/{day}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除节假日或调休上班日（市局）",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={404: {"model": Problem, "description": "该日期不在工作日历中"}},
)
async def delete_calendar_day(_: Writer, service: Calendar, day: Day) -> Response:
    await service.delete(day)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = [
    volunteers_router,
    organisations_router,
    activities_router,
    records_router,
    stats_router,
    calendar_router,
]
