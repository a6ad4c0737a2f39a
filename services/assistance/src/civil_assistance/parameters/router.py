import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.parameters.schemas import (
    ParameterCreate,
    ParameterKey,
    ParameterOut,
    ParameterUpdate,
)
from civil_assistance.parameters.service import ParameterService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

# Parameters are published policy: every reader sees all of them, city and townships.
router = APIRouter(prefix="/api/v1/parameters", tags=["政策参数"])

CityStaff = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]


def get_service(session: SessionDep) -> ParameterService:
    return ParameterService(session)


Service = Annotated[ParameterService, Depends(get_service)]


@router.get("", response_model=Page[ParameterOut], summary="查询政策参数")
async def list_parameters(
    _: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    key: Annotated[ParameterKey | None, Query(description="参数")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年度")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[ParameterOut]:
    return await service.list(page, key=key, year=year, area_code=area_code)


@router.get(
    "/{parameter_id}",
    response_model=ParameterOut,
    summary="查看政策参数",
    responses={404: {"model": Problem, "description": "参数不存在"}},
)
async def get_parameter(
    _: Reader, service: Service, parameter_id: uuid.UUID, response: Response
) -> ParameterOut:
    out = await service.get(parameter_id)
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=ParameterOut,
    status_code=status.HTTP_201_CREATED,
    summary="设定年度政策参数",
    dependencies=CityStaff,
    responses={409: {"model": Problem, "description": "该年度该区域的参数已设定"}},
)
async def create_parameter(
    _: Writer, service: Service, body: ParameterCreate, response: Response
) -> ParameterOut:
    out = await service.create(body)
    response.headers["ETag"] = etag(out.version)
    return out


@router.patch(
    "/{parameter_id}",
    response_model=ParameterOut,
    summary="修改政策参数（取值、执行日期、依据）",
    dependencies=CityStaff,
    responses={
        404: {"model": Problem, "description": "参数不存在"},
        412: {"model": Problem, "description": "参数已被他人修改"},
        428: {"model": Problem, "description": "缺少 If-Match 请求头"},
    },
)
async def update_parameter(
    _: Writer,
    service: Service,
    parameter_id: uuid.UUID,
    body: ParameterUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ParameterOut:
    out = await service.update(parameter_id, body, expected_version(if_match))
    response.headers["ETag"] = etag(out.version)
    return out
