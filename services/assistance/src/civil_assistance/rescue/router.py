import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.rescue.schemas import RescueCreate, RescueOut, RescueOutcome
from civil_assistance.rescue.service import RescueService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import etag
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/rescue-records", tags=["流浪乞讨救助"])


def get_service(session: SessionDep) -> RescueService:
    return RescueService(session)


Service = Annotated[RescueService, Depends(get_service)]


@router.post(
    "",
    response_model=RescueOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记流浪乞讨人员救助",
    responses={403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}},
)
async def record_rescue(
    principal: Writer, service: Service, body: RescueCreate, response: Response
) -> RescueOut:
    out = await service.record(body, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("", response_model=Page[RescueOut], summary="查询救助记录")
async def list_rescues(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="救助年度")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    outcome: Annotated[RescueOutcome | None, Query(description="救助结果")] = None,
) -> Page[RescueOut]:
    return await service.list(page, principal, year=year, area_code=area_code, outcome=outcome)


@router.get(
    "/{record_id}",
    response_model=RescueOut,
    summary="查看救助记录",
    responses={404: {"model": Problem, "description": "记录不存在（或不在管辖区域内）"}},
)
async def get_rescue(
    principal: Reader, service: Service, record_id: uuid.UUID, response: Response
) -> RescueOut:
    out = await service.get(record_id, principal)
    response.headers["ETag"] = etag(out.version)
    return out
