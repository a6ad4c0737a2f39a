import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.helper_ledger.importer import helper_ledger_import
from civil_assistance.helper_ledger.schemas import (
    AssignmentCreate,
    AssignmentDetail,
    AssignmentEnd,
    AssignmentOut,
    BeneficiaryReason,
    VisitCreate,
    VisitOut,
)
from civil_assistance.helper_ledger.service import HelperLedgerService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IdNumber

router = APIRouter(prefix="/api/v1/helper-ledger", tags=["帮扶人台账"])

NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": Problem, "description": "帮扶记录不存在（或不在管辖区域内）"}
}


def get_service(session: SessionDep) -> HelperLedgerService:
    return HelperLedgerService(session)


Service = Annotated[HelperLedgerService, Depends(get_service)]

# Under /assignments, beside the single POST it does in bulk.
imports = APIRouter(prefix="/assignments")
add_import_routes(
    imports,
    helper_ledger_import,
    what="帮扶人台账",
    template_name="helper-ledger",
    notes=(
        "每行一名帮扶对象及其帮扶人。每名帮扶对象同时只有一名在帮扶中的帮扶人："
        "已有在帮扶中帮扶人的对象、文件中重复的对象均不能导入。"
    ),
)
router.include_router(imports)


def _with_etag(out: AssignmentDetail, response: Response) -> AssignmentDetail:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/assignments",
    response_model=AssignmentDetail,
    status_code=status.HTTP_201_CREATED,
    summary="为帮扶对象指定帮扶人",
    description="每名帮扶对象同时只有一名在帮扶中的帮扶人；更换帮扶人须先结束原帮扶。",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "该对象已有在帮扶中的帮扶人"},
    },
)
async def assign(
    principal: Writer, service: Service, body: AssignmentCreate, response: Response
) -> AssignmentDetail:
    return _with_etag(await service.assign(body, principal), response)


@router.get("/assignments", response_model=Page[AssignmentOut], summary="查询帮扶人台账")
async def list_assignments(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    reason: Annotated[BeneficiaryReason | None, Query(description="纳入台账的原因")] = None,
    active: Annotated[bool | None, Query(description="是否在帮扶中")] = None,
    id_number: Annotated[IdNumber | None, Query(description="帮扶对象身份证号")] = None,
) -> Page[AssignmentOut]:
    return await service.list(
        page,
        principal,
        area_code=area_code,
        reason=reason,
        active=active,
        id_number=str(id_number) if id_number else None,
    )


@router.get(
    "/assignments/{assignment_id:uuid}",
    response_model=AssignmentDetail,
    summary="查看帮扶记录及走访记录",
    responses=NOT_FOUND,
)
async def get_assignment(
    principal: Reader, service: Service, assignment_id: uuid.UUID, response: Response
) -> AssignmentDetail:
    return _with_etag(await service.get(assignment_id, principal), response)


@router.post(
    "/assignments/{assignment_id:uuid}/end",
    response_model=AssignmentDetail,
    summary="结束帮扶",
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "该帮扶已结束"},
        412: {"model": Problem, "description": "记录已被他人修改（仅在提供 If-Match 时检查）"},
    },
)
async def end_assignment(
    principal: Writer,
    service: Service,
    assignment_id: uuid.UUID,
    body: AssignmentEnd,
    response: Response,
    if_match: IfMatch = None,
) -> AssignmentDetail:
    # Honoured when sent, not required: ending is one-way, a second end is a 409 anyway.
    expected = expected_version(if_match) if if_match else None
    return _with_etag(await service.end(assignment_id, body, principal, expected), response)


@router.post(
    "/assignments/{assignment_id:uuid}/visits",
    response_model=VisitOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记走访",
    responses={**NOT_FOUND, 422: {"model": Problem, "description": "走访日期不在帮扶期间内"}},
)
async def add_visit(
    principal: Writer, service: Service, assignment_id: uuid.UUID, body: VisitCreate
) -> VisitOut:
    return await service.add_visit(assignment_id, body, principal)


@router.get(
    "/assignments/{assignment_id:uuid}/visits",
    response_model=Page[VisitOut],
    summary="走访记录",
    responses=NOT_FOUND,
)
async def list_visits(
    principal: Reader,
    service: Service,
    assignment_id: uuid.UUID,
    page: Annotated[PageParams, Depends()],
) -> Page[VisitOut]:
    return await service.visits(assignment_id, principal, page)
