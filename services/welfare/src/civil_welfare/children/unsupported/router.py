import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, Period
from civil_welfare.children.support.schemas import CaseStatus, CaseStatusChange
from civil_welfare.children.unsupported.schemas import (
    QualificationCheck,
    QualificationOut,
    UnsupportedCreate,
    UnsupportedOut,
    UnsupportedUpdate,
)
from civil_welfare.children.unsupported.service import UnsupportedChildService

router = APIRouter(prefix="/api/v1/unsupported-children", tags=["事实无人抚养儿童"])


def get_service(session: SessionDep) -> UnsupportedChildService:
    return UnsupportedChildService(session)


Service = Annotated[UnsupportedChildService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
QUALIFIED: Responses = {
    422: {
        "model": Problem,
        "description": "不符合认定条件（WELFARE_UNSUPPORTED_CHILD_NOT_QUALIFIED）、"
        "属孤儿（WELFARE_UNSUPPORTED_CHILD_IS_ORPHAN）或已满18周岁",
    },
}
NO_NOTICE = "事实无人抚养儿童的认定不公示（保护儿童隐私）：认定即可登记，无公示环节。"


def _with_etag(response: Response, out: UnsupportedOut) -> UnsupportedOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/qualification",
    response_model=QualificationOut,
    summary="按认定规则判断是否符合事实无人抚养儿童条件（不登记）",
    description="父母双方均重残、重病、服刑在押、强制隔离戒毒、被执行其他限制人身自由的措施"
    "或失联满规定月数；或一方死亡、失踪，另一方符合上述情形之一。" + NO_NOTICE,
)
async def check_qualification(
    principal: Reader, service: Service, body: QualificationCheck
) -> QualificationOut:
    return await service.check(body)


@router.post(
    "",
    response_model=UnsupportedOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记事实无人抚养儿童（认定后直接纳入保障，不公示）",
    description=NO_NOTICE + "补贴为散居孤儿基本生活费标准减去儿童已享受的低保、特困供养或"
    "困难残疾人生活补贴（other_support_monthly），不低于零。",
    responses={
        403: {"model": Problem, "description": "管辖区域以外"},
        409: {
            "model": Problem,
            "description": "该儿童同期已有孤儿或事实无人抚养儿童保障"
            "（WELFARE_CHILD_ALREADY_SUPPORTED）",
        },
        **QUALIFIED,
    },
)
async def create_unsupported_child(
    principal: Writer, service: Service, body: UnsupportedCreate, response: Response
) -> UnsupportedOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[UnsupportedOut], summary="查询事实无人抚养儿童")
async def list_unsupported_children(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    status_: Annotated[CaseStatus | None, Query(alias="status", description="保障状态")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
    period: Annotated[Period | None, Query(description="在该月份处于发放期内")] = None,
) -> Page[UnsupportedOut]:
    return await service.list(
        page, principal, area_code=area_code, status=status_, q=q, period=period
    )


@router.get(
    "/{case_id:uuid}",
    response_model=UnsupportedOut,
    summary="查看事实无人抚养儿童",
    responses=NOT_FOUND,
)
async def get_unsupported_child(
    principal: Reader, service: Service, case_id: uuid.UUID, response: Response
) -> UnsupportedOut:
    return _with_etag(response, await service.get(case_id, principal))


@router.patch(
    "/{case_id:uuid}",
    response_model=UnsupportedOut,
    summary="修改事实无人抚养儿童信息（父母情况变化时重新判断）",
    responses={**NOT_FOUND, **VERSIONED, **QUALIFIED},
)
async def update_unsupported_child(
    principal: Writer,
    service: Service,
    case_id: uuid.UUID,
    body: UnsupportedUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> UnsupportedOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(case_id, body, version, principal))


@router.post(
    "/{case_id:uuid}/status",
    response_model=UnsupportedOut,
    summary="终止或撤销事实无人抚养儿童保障",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态不允许此变更（含 allowed）"},
    },
)
async def change_unsupported_child_status(
    principal: Writer,
    service: Service,
    case_id: uuid.UUID,
    body: CaseStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> UnsupportedOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(case_id, body, version, principal))
