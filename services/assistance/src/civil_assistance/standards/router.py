import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.standards.schemas import (
    StandardCreate,
    StandardOut,
    StandardProgramme,
    StandardUpdate,
)
from civil_assistance.standards.service import StandardService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, Period

# Standards are published policy for the whole city: every reader sees all of
# them (a township officer needs the city's standard), so no area scoping here.
router = APIRouter(prefix="/api/v1/standards", tags=["救助标准"])

CityStaff = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]


def get_service(session: SessionDep) -> StandardService:
    return StandardService(session)


Service = Annotated[StandardService, Depends(get_service)]


@router.get("", response_model=Page[StandardOut], summary="查询救助标准")
async def list_standards(
    _: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度")] = None,
    programme: Annotated[StandardProgramme | None, Query(description="标准类别")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[StandardOut]:
    return await service.list_standards(page, year=year, programme=programme, area_code=area_code)


@router.get(
    "/in-force",
    response_model=StandardOut,
    summary="查询某区域某月执行的救助标准",
    description="取该月所在年度的标准，区域由细到粗（村、乡镇、全市）取最具体的一条。",
    responses={409: {"model": Problem, "description": "该年度尚未设定适用的标准"}},
)
async def standard_in_force(
    _: Reader,
    service: Service,
    response: Response,
    programme: Annotated[StandardProgramme, Query(description="标准类别")],
    area_code: Annotated[AreaCode, Query(description="区域代码（村、乡镇或全市）")],
    period: Annotated[Period, Query(description="月份（YYYY-MM）")],
) -> StandardOut:
    out = await service.in_force(programme, area_code, period)
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    "/{standard_id:uuid}",
    response_model=StandardOut,
    summary="查看救助标准",
    responses={404: {"model": Problem, "description": "标准不存在"}},
)
async def get_standard(
    _: Reader, service: Service, standard_id: uuid.UUID, response: Response
) -> StandardOut:
    out = await service.get(standard_id)
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=StandardOut,
    status_code=status.HTTP_201_CREATED,
    summary="设定年度救助标准",
    dependencies=CityStaff,
    responses={409: {"model": Problem, "description": "该年度该区域的此类标准已存在"}},
)
async def create_standard(
    _: Writer, body: StandardCreate, service: Service, response: Response
) -> StandardOut:
    out = await service.create_standard(body)
    response.headers["ETag"] = etag(out.version)
    return out


@router.patch(
    "/{standard_id:uuid}",
    response_model=StandardOut,
    summary="修改救助标准（金额、单位、执行日期）",
    dependencies=CityStaff,
    responses={
        404: {"model": Problem, "description": "标准不存在"},
        412: {"model": Problem, "description": "标准已被他人修改"},
        428: {"model": Problem, "description": "缺少 If-Match 请求头"},
    },
)
async def update_standard(
    _: Writer,
    service: Service,
    standard_id: uuid.UUID,
    body: StandardUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> StandardOut:
    out = await service.update_standard(standard_id, body, expected_version(if_match))
    response.headers["ETag"] = etag(out.version)
    return out
