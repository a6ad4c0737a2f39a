from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from civil_assistance.standards.schemas import StandardCreate, StandardOut, StandardProgramme
from civil_assistance.standards.service import StandardService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/standards", tags=["救助标准"])


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


@router.post(
    "",
    response_model=StandardOut,
    status_code=status.HTTP_201_CREATED,
    summary="设定年度救助标准",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={409: {"model": Problem, "description": "该年度该区域的此类标准已存在"}},
)
async def create_standard(_: Writer, body: StandardCreate, service: Service) -> StandardOut:
    return await service.create_standard(body)
