import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IsoDate
from civil_welfare.visits.importer import visit_import
from civil_welfare.visits.schedule import DEFAULT_WITHIN_DAYS
from civil_welfare.visits.schemas import (
    FollowUpDone,
    FollowUpState,
    ScheduleOut,
    ScheduleState,
    SubjectKind,
    VisitCreate,
    VisitKind,
    VisitOut,
    VisitPatch,
    VisitSummary,
    WorkerLoad,
)
from civil_welfare.visits.service import NEEDS_ATTENTION, VisitService

router = APIRouter(prefix="/api/v1/visits", tags=["探访"])
schedule_router = APIRouter(prefix="/api/v1/visit-schedule", tags=["探访"])


def get_service(session: SessionDep) -> VisitService:
    return VisitService(session)


Service = Annotated[VisitService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
PARAMETER: Responses = {
    409: {"model": Problem, "description": "该年度探访周期参数未设定（WELFARE_PARAMETER_MISSING）"}
}
ROUND = (
    "定期探访：下次探访截止日为最近一次探访日期（从未探访的为纳入名册或建档日期）加探访周期"
    "（政策参数：留守老人 elderly_visit_interval_months 默认1个月，儿童 child_visit_interval_months"
    " 默认3个月，按统计日所在年度和对象所在区域取值）；月末无对应日的取该月最后一天"
    "（1月31日加1个月为2月28日或29日）。截止日当天仍按期，次日起逾期。"
    "留守老人的入户、电话、视频探访计入定期探访，儿童只计入户走访；其他方式只记录不计入。"
    "只含在探访范围内的对象：在册（未退出、未销档），儿童未满18周岁。"
)

On = Annotated[IsoDate | None, Query(description="按哪一天计算（默认今天）")]
WithinDays = Annotated[
    int, Query(ge=0, le=92, description="“即将到期”的天数范围（默认7天，含今天）")
]
Area = Annotated[AreaCode | None, Query(description="对象所在区域代码（前缀匹配）")]
Kind = Annotated[SubjectKind | None, Query(description="对象类别")]


def _with_etag(response: Response, out: VisitOut) -> VisitOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=VisitOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记探访",
    description="探访日期不晚于今天、不早于对象纳入名册（建档）日期（422）；"
    "对象在该日已退出名册、已销档或年满18周岁的不能登记（409）；到校了解只适用于儿童（422）；"
    "同一对象同一天同一方式的探访只登记一次（409 WELFARE_VISIT_DUPLICATE，visit_id 为已有记录）。"
    "未填探访人时为当前登录用户。",
    responses={
        **NOT_FOUND,
        403: {"model": Problem, "description": "只读账号"},
        409: {"model": Problem, "description": "对象不在探访范围内，或该次探访已登记"},
    },
)
async def create_visit(
    principal: Writer, service: Service, body: VisitCreate, response: Response
) -> VisitOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get(
    "",
    response_model=Page[VisitOut],
    summary="查询探访记录",
    description="最近的在前。区域按对象现在所在的村（社区）。",
)
async def list_visits(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    subject_kind: Kind = None,
    subject_id: Annotated[uuid.UUID | None, Query(description="探访对象记录的 id")] = None,
    area_code: Area = None,
    kind: Annotated[VisitKind | None, Query(description="探访方式")] = None,
    visitor: Annotated[str | None, Query(max_length=200, description="探访人的平台账号")] = None,
    date_from: Annotated[IsoDate | None, Query(alias="from", description="探访日期起")] = None,
    date_to: Annotated[IsoDate | None, Query(alias="to", description="探访日期止")] = None,
    follow_up: Annotated[
        FollowUpState | None, Query(description="跟进状态：待跟进、跟进逾期、已跟进")
    ] = None,
) -> Page[VisitOut]:
    return await service.list(
        page,
        principal,
        subject_kind=subject_kind,
        subject_id=subject_id,
        area_code=area_code,
        kind=kind,
        visitor=visitor,
        date_from=date_from,
        date_to=date_to,
        follow_up=follow_up,
    )


@router.get(
    "/summary",
    response_model=VisitSummary,
    summary="探访统计（按乡镇）",
    description="年内探访次数（按探访时对象所在乡镇）、统计时点在探访范围内的对象数和"
    "逾期未探访对象数（按对象现在所在乡镇）。统计时点为该年12月31日，当年为今日。"
    "该年度探访周期未设定时逾期数为空。",
    responses={422: {"model": Problem, "description": "年度尚未开始"}},
)
async def visit_summary(
    principal: Reader,
    service: Service,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度（默认今年）")] = None,
    area_code: Area = None,
) -> VisitSummary:
    return await service.summary(principal, year, area_code)


@router.get(
    "/{visit_id:uuid}", response_model=VisitOut, summary="查看探访记录", responses=NOT_FOUND
)
async def get_visit(
    principal: Reader, service: Service, visit_id: uuid.UUID, response: Response
) -> VisitOut:
    return _with_etag(response, await service.get(visit_id, principal))


@router.patch(
    "/{visit_id:uuid}",
    response_model=VisitOut,
    summary="更正探访记录（只改所传字段）",
    description="改探访日期时重新核对对象是否在探访范围内；已完成的跟进事项不能再修改（409）；"
    "改日期或方式后与该对象已登记的探访相同的不能更正（409 WELFARE_VISIT_DUPLICATE）。",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "跟进已完成，或与已登记的探访相同"},
    },
)
async def update_visit(
    principal: Writer,
    service: Service,
    visit_id: uuid.UUID,
    body: VisitPatch,
    response: Response,
    if_match: IfMatch = None,
) -> VisitOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(visit_id, body, version, principal))


@router.post(
    "/{visit_id:uuid}/follow-up-done",
    response_model=VisitOut,
    summary="登记跟进完成",
    description="完成日期不早于探访日期、不晚于今天；没有跟进事项或已完成的返回409。",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "没有跟进事项，或已完成"},
    },
)
async def complete_follow_up(
    principal: Writer,
    service: Service,
    visit_id: uuid.UUID,
    body: FollowUpDone,
    response: Response,
    if_match: IfMatch = None,
) -> VisitOut:
    version = expected_version(if_match)
    out = await service.complete_follow_up(visit_id, body, version, principal)
    return _with_etag(response, out)


@router.delete(
    "/{visit_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误登记的探访记录",
    responses={**NOT_FOUND, **VERSIONED},
)
async def delete_visit(
    principal: Writer, service: Service, visit_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    await service.delete(visit_id, expected_version(if_match), principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@schedule_router.get(
    "",
    response_model=Page[ScheduleOut],
    summary="到期和逾期探访清单",
    description=ROUND + "默认列出逾期和即将到期的对象，截止日最早的在前；"
    "可按乡镇（区域前缀）、留守老人的探访责任人账号、儿童的儿童主任筛选。",
    responses=PARAMETER,
)
async def list_schedule(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    on: On = None,
    within_days: WithinDays = DEFAULT_WITHIN_DAYS,
    state: Annotated[
        list[ScheduleState] | None,
        Query(description="探访状态，可多选（默认逾期和即将到期）"),
    ] = None,
    subject_kind: Kind = None,
    area_code: Area = None,
    worker: Annotated[
        str | None, Query(max_length=200, description="留守老人探访责任人的平台账号")
    ] = None,
    director_id: Annotated[uuid.UUID | None, Query(description="负责儿童的儿童主任 id")] = None,
) -> Page[ScheduleOut]:
    return await service.schedule(
        page,
        principal,
        on=on,
        within_days=within_days,
        states=state or NEEDS_ATTENTION,
        subject_kind=subject_kind,
        area_code=area_code,
        worker_username=worker,
        director_id=director_id,
    )


@schedule_router.get(
    "/by-worker",
    response_model=Page[WorkerLoad],
    summary="按责任人统计到期和逾期探访",
    description=ROUND + "按乡镇、对象类别和责任人（留守老人的探访责任人、儿童的儿童主任）"
    "分列在探访范围内的对象数、逾期数和即将到期数，逾期多的在前。",
    responses=PARAMETER,
)
async def worker_loads(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    on: On = None,
    within_days: WithinDays = DEFAULT_WITHIN_DAYS,
    subject_kind: Kind = None,
    area_code: Area = None,
) -> Page[WorkerLoad]:
    return await service.worker_loads(
        page,
        principal,
        on=on,
        within_days=within_days,
        subject_kind=subject_kind,
        area_code=area_code,
    )


@schedule_router.get(
    "/{subject_kind}/{subject_id}",
    response_model=ScheduleOut,
    summary="查看对象的下次探访",
    description=ROUND,
    responses={**NOT_FOUND, **PARAMETER},
)
async def subject_schedule(
    principal: Reader,
    service: Service,
    subject_kind: SubjectKind,
    subject_id: uuid.UUID,
    on: On = None,
    within_days: WithinDays = DEFAULT_WITHIN_DAYS,
) -> ScheduleOut:
    return await service.subject_schedule(
        subject_kind, subject_id, principal, on=on, within_days=within_days
    )


add_import_routes(
    router,
    visit_import,
    what="探访记录",
    template_name="visits",
    notes=(
        "每行一次探访，对象按身份证号在留守老人名册或儿童档案中查找，逐行按登记探访接口的规则"
        "校验：探访日期不晚于今天、不早于对象纳入名册（建档）日期，对象在该日未退出名册、"
        "未销档，儿童未满18周岁；到校了解只适用于儿童。乡镇账号只能导入本辖区对象的探访。"
        "同一对象同一天同一方式的探访只登记一次：已登记过的（如同一文件再次上传）或文件中"
        "重复的行，整个文件不导入，并逐行指出。"
    ),
)

routers = [router, schedule_router]
