import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_governance.boundaries.schemas import (
    BoundaryCreate,
    BoundaryDetail,
    BoundaryOut,
    BoundaryPatch,
    DisputeIn,
    DisputeOut,
    DisputeStatus,
    DisputeStatusChange,
    SurveyIn,
    SurveyStatus,
    TownshipCode,
    VerificationIn,
    VerificationOut,
)
from civil_governance.boundaries.service import BoundaryService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version

router = APIRouter(prefix="/api/v1/boundaries", tags=["乡镇界线"])
disputes_router = APIRouter(prefix="/api/v1/boundary-disputes", tags=["乡镇界线"])

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {
    404: {"model": Problem, "description": "界线不存在（或不涉及本人管辖的乡镇）"}
}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
STALE: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（仅在提供 If-Match 时检查）"}
}
TRANSITION: Responses = {
    409: {"model": Problem, "description": "界线当前状态不允许此事项（allowed 列出可办事项）"}
}
CITY_ONLY = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]

Township = Annotated[TownshipCode | None, Query(description="乡镇（街道）代码：界线任一侧为该乡镇")]


def get_service(session: SessionDep) -> BoundaryService:
    return BoundaryService(session)


Service = Annotated[BoundaryService, Depends(get_service)]


def _with_etag(response: Response, out: BoundaryDetail) -> BoundaryDetail:
    response.headers["ETag"] = etag(out.version)
    return out


def _optional_version(if_match: str | None) -> int | None:
    # Honoured when sent, not required: the line is locked while its status changes.
    return expected_version(if_match) if if_match else None


@router.post(
    "",
    response_model=BoundaryDetail,
    status_code=status.HTTP_201_CREATED,
    summary="登记乡镇界线",
    description="两个乡镇（街道）之间只有一条界线（与填写顺序无关）。",
    dependencies=CITY_ONLY,
    responses={409: {"model": Problem, "description": "这两个乡镇之间的界线已登记"}},
)
async def create_boundary(
    principal: Writer, service: Service, body: BoundaryCreate, response: Response
) -> BoundaryDetail:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[BoundaryOut], summary="查询乡镇界线（按乡镇、勘测状态、批次）")
async def list_boundaries(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    township: Township = None,
    status_: Annotated[SurveyStatus | None, Query(alias="status", description="勘测状态")] = None,
    survey_batch: Annotated[
        str | None, Query(max_length=50, description="勘测批次（完全一致）")
    ] = None,
) -> Page[BoundaryOut]:
    return await service.list(
        page,
        principal,
        township=str(township) if township else None,
        status=status_,
        survey_batch=survey_batch,
    )


@router.get(
    "/{line_id}",
    response_model=BoundaryDetail,
    summary="查看界线及核查记录、争议",
    responses=NOT_FOUND,
)
async def get_boundary(
    principal: Reader, service: Service, line_id: uuid.UUID, response: Response
) -> BoundaryDetail:
    return _with_etag(response, await service.get(line_id, principal))


@router.patch(
    "/{line_id}",
    response_model=BoundaryDetail,
    summary="修改界线长度或备注",
    dependencies=CITY_ONLY,
    responses={**NOT_FOUND, **VERSIONED},
)
async def update_boundary(
    principal: Writer,
    service: Service,
    line_id: uuid.UUID,
    body: BoundaryPatch,
    response: Response,
    if_match: IfMatch = None,
) -> BoundaryDetail:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(line_id, body, version, principal))


@router.post(
    "/{line_id}/survey",
    response_model=BoundaryDetail,
    summary="登记勘测（含新一批次的复测）",
    responses={**NOT_FOUND, **TRANSITION, **STALE},
)
async def survey_boundary(
    principal: Writer,
    service: Service,
    line_id: uuid.UUID,
    body: SurveyIn,
    response: Response,
    if_match: IfMatch = None,
) -> BoundaryDetail:
    out = await service.survey(line_id, body, principal, _optional_version(if_match))
    return _with_etag(response, out)


@router.post(
    "/{line_id}/verifications",
    response_model=VerificationOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记核查记录（通过则界线确认）",
    responses={**NOT_FOUND, **TRANSITION},
)
async def verify_boundary(
    principal: Writer, service: Service, line_id: uuid.UUID, body: VerificationIn
) -> VerificationOut:
    return await service.verify(line_id, body, principal)


@router.post(
    "/{line_id}/disputes",
    response_model=DisputeOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记界线争议",
    responses=NOT_FOUND,
)
async def open_dispute(
    principal: Writer, service: Service, line_id: uuid.UUID, body: DisputeIn, response: Response
) -> DisputeOut:
    out = await service.open_dispute(line_id, body, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/{line_id}/disputes/{dispute_id}/status",
    response_model=DisputeOut,
    summary="变更争议状态（调处中、已解决）",
    description="最后一起争议解决后，界线回到“已勘测”（须重新核查），从未勘测的回到“未勘测”。",
    responses={
        **NOT_FOUND,
        **STALE,
        409: {"model": Problem, "description": "争议状态不允许此变更（allowed 列出可选状态）"},
    },
)
async def change_dispute(
    principal: Writer,
    service: Service,
    line_id: uuid.UUID,
    dispute_id: uuid.UUID,
    body: DisputeStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> DisputeOut:
    out = await service.change_dispute(
        line_id, dispute_id, body, principal, _optional_version(if_match)
    )
    response.headers["ETag"] = etag(out.version)
    return out


@disputes_router.get("", response_model=Page[DisputeOut], summary="查询界线争议（按乡镇、状态）")
async def list_disputes(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    township: Township = None,
    status_: Annotated[DisputeStatus | None, Query(alias="status", description="争议状态")] = None,
) -> Page[DisputeOut]:
    return await service.list_disputes(
        page, principal, township=str(township) if township else None, status=status_
    )
