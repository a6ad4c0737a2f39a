import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.reviews.schemas import (
    DueReview,
    ReviewCreate,
    ReviewOut,
    ReviewResult,
    TownshipDue,
)
from civil_assistance.reviews.service import ReviewService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import IsoDate

router = APIRouter(tags=["复核"])


def get_service(session: SessionDep) -> ReviewService:
    return ReviewService(session)


Service = Annotated[ReviewService, Depends(get_service)]
AsOf = Annotated[IsoDate | None, Query(description="查询日期（默认今天）")]
Within = Annotated[int, Query(ge=0, le=366, description="包含今后多少天内到期的复核")]


@router.post(
    "/api/v1/enrolments/{enrolment_id}/reviews",
    response_model=ReviewResult,
    status_code=status.HTTP_201_CREATED,
    summary="登记复核结果",
    responses={409: {"model": Problem, "description": "该保障状态无需复核"}},
)
async def review(
    principal: Writer,
    service: Service,
    enrolment_id: uuid.UUID,
    body: ReviewCreate,
    response: Response,
    if_match: IfMatch = None,
) -> ReviewResult:
    result = await service.review(enrolment_id, body, expected_version(if_match), principal)
    response.headers["ETag"] = etag(result.enrolment.version)
    return result


@router.get(
    "/api/v1/enrolments/{enrolment_id}/reviews",
    response_model=list[ReviewOut],
    summary="复核记录",
)
async def review_history(
    principal: Reader, service: Service, enrolment_id: uuid.UUID
) -> list[ReviewOut]:
    return await service.history(enrolment_id, principal)


@router.get("/api/v1/reviews/due", response_model=Page[DueReview], summary="到期与逾期的复核")
async def due_reviews(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    as_of: AsOf = None,
    within_days: Within = 30,
) -> Page[DueReview]:
    return await service.due(page, principal, as_of or date.today(), within_days)


@router.get(
    "/api/v1/reviews/due/by-township",
    response_model=list[TownshipDue],
    summary="各乡镇到期与逾期的复核数",
)
async def due_by_township(
    principal: Reader, service: Service, as_of: AsOf = None, within_days: Within = 30
) -> list[TownshipDue]:
    return await service.due_by_township(principal, as_of or date.today(), within_days)
