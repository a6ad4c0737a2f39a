import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, Period, TianmenAreaCode
from civil_welfare.children.orphans.schemas import (
    OrphanCreate,
    OrphanKind,
    OrphanOut,
    OrphanUpdate,
    Standards,
)
from civil_welfare.children.orphans.service import OrphanService
from civil_welfare.children.support.schemas import CaseStatus, CaseStatusChange

router = APIRouter(prefix="/api/v1/orphans", tags=["孤儿"])


def get_service(session: SessionDep) -> OrphanService:
    return OrphanService(session)


Service = Annotated[OrphanService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
RULES: Responses = {
    409: {
        "model": Problem,
        "description": "该儿童同期已有孤儿或事实无人抚养儿童保障"
        "（WELFARE_CHILD_ALREADY_SUPPORTED）",
    },
    422: {"model": Problem, "description": "已满18周岁、月份无效等"},
}


def _with_etag(response: Response, out: OrphanOut) -> OrphanOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    "/standards",
    response_model=Standards,
    summary="孤儿基本生活费标准（按年度，含较上年增长）",
    description="标准取自政策参数 orphan_scattered_allowance / orphan_institution_allowance，"
    "增长率按上年计算，不另存储；集中供养标准不高于散居标准时在 warnings 中列出。",
)
async def list_standards(
    principal: Reader,
    service: Service,
    area_code: Annotated[
        TianmenAreaCode | None, Query(description="区域（默认全市 429006）")
    ] = None,
    from_year: Annotated[int | None, Query(ge=2000, le=2100, description="起始年度")] = None,
    to_year: Annotated[
        int | None, Query(ge=2000, le=2100, description="截止年度（默认今年）")
    ] = None,
) -> Standards:
    return await service.standards(area_code, from_year, to_year)


@router.post(
    "",
    response_model=OrphanOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记孤儿（认定后纳入基本生活保障）",
    responses={403: {"model": Problem, "description": "管辖区域以外"}, **RULES},
)
async def create_orphan(
    principal: Writer, service: Service, body: OrphanCreate, response: Response
) -> OrphanOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[OrphanOut], summary="查询孤儿")
async def list_orphans(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    status_: Annotated[CaseStatus | None, Query(alias="status", description="保障状态")] = None,
    kind: Annotated[OrphanKind | None, Query(description="散居或集中供养")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
    period: Annotated[Period | None, Query(description="在该月份处于发放期内")] = None,
) -> Page[OrphanOut]:
    return await service.list(
        page, principal, area_code=area_code, status=status_, kind=kind, q=q, period=period
    )


@router.get("/{case_id:uuid}", response_model=OrphanOut, summary="查看孤儿", responses=NOT_FOUND)
async def get_orphan(
    principal: Reader, service: Service, case_id: uuid.UUID, response: Response
) -> OrphanOut:
    return _with_etag(response, await service.get(case_id, principal))


@router.patch(
    "/{case_id:uuid}",
    response_model=OrphanOut,
    summary="修改孤儿信息（供养方式、监护人、住址等）",
    responses={**NOT_FOUND, **VERSIONED, 422: {"model": Problem, "description": "字段不一致"}},
)
async def update_orphan(
    principal: Writer,
    service: Service,
    case_id: uuid.UUID,
    body: OrphanUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> OrphanOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(case_id, body, version, principal))


@router.post(
    "/{case_id:uuid}/status",
    response_model=OrphanOut,
    summary="终止或撤销孤儿保障",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态不允许此变更（含 allowed）"},
    },
)
async def change_orphan_status(
    principal: Writer,
    service: Service,
    case_id: uuid.UUID,
    body: CaseStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> OrphanOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(case_id, body, version, principal))
