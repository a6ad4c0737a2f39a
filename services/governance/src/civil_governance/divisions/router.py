from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status

from civil_governance.divisions.schemas import DivisionCreate, DivisionOut
from civil_governance.divisions.service import DivisionService
from civil_shared.auth import Role
from civil_shared.contracts.divisions import DivisionInfo
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller, Reader, Writer, require_roles
from civil_shared.types import AreaCode, AreaLevel

router = APIRouter(prefix="/api/v1/divisions", tags=["行政区划"])
internal_router = APIRouter(prefix="/internal/v1/divisions", tags=["内部接口"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "区划代码不存在"}
}


def get_service(session: SessionDep) -> DivisionService:
    return DivisionService(session)


Service = Annotated[DivisionService, Depends(get_service)]
Code = Annotated[AreaCode, Path(description="区划代码")]


@router.get("", response_model=Page[DivisionOut], summary="查询行政区划")
async def list_divisions(
    _: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    parent_code: Annotated[AreaCode | None, Query(description="上级区划代码")] = None,
    level: Annotated[AreaLevel | None, Query(description="层级")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区划代码前缀")] = None,
    name: Annotated[str | None, Query(max_length=50, description="名称包含")] = None,
) -> Page[DivisionOut]:
    return await service.list(
        page, parent_code=parent_code, level=level, area_code=area_code, name=name
    )


@router.get("/{code}", response_model=DivisionOut, summary="查看区划", responses=NOT_FOUND)
async def get_division(_: Reader, service: Service, code: Code) -> DivisionOut:
    return await service.get(code)


@router.post(
    "",
    response_model=DivisionOut,
    status_code=status.HTTP_201_CREATED,
    summary="新增乡级或村级区划",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={409: {"model": Problem, "description": "区划代码已存在"}},
)
async def create_division(_: Writer, service: Service, body: DivisionCreate) -> DivisionOut:
    return await service.create(body)


@internal_router.get(
    "/{code}",
    response_model=DivisionInfo,
    summary="校验区划代码（供其他服务调用）",
    responses=NOT_FOUND,
)
async def internal_division(_: InternalCaller, service: Service, code: Code) -> DivisionInfo:
    return DivisionInfo.model_validate((await service.get(code)).model_dump())
