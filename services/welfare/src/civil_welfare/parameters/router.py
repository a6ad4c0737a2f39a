from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.types import AreaCode
from civil_welfare.parameters.schemas import ParameterCreate, ParameterKey, ParameterOut
from civil_welfare.parameters.service import ParameterService

router = APIRouter(prefix="/api/v1/parameters", tags=["政策参数"])


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


@router.post(
    "",
    response_model=ParameterOut,
    status_code=status.HTTP_201_CREATED,
    summary="设定年度政策参数",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={409: {"model": Problem, "description": "该年度该区域的参数已设定"}},
)
async def create_parameter(_: Writer, service: Service, body: ParameterCreate) -> ParameterOut:
    return await service.create(body)
