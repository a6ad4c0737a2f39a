import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_governance.boundaries.schemas import TownshipCode
from civil_governance.boundary_training.schemas import TrainingCreate, TrainingOut
from civil_governance.boundary_training.service import TrainingService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles

router = APIRouter(prefix="/api/v1/boundary-trainings", tags=["乡镇界线"])


def get_service(session: SessionDep) -> TrainingService:
    return TrainingService(session)


Service = Annotated[TrainingService, Depends(get_service)]


@router.post(
    "",
    response_model=TrainingOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记界线勘测人员培训批次",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={409: {"model": Problem, "description": "同一日期、地点、主题的培训已登记"}},
)
async def create_training(
    principal: Writer, service: Service, body: TrainingCreate, response: Response
) -> TrainingOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return out


@router.get("", response_model=Page[TrainingOut], summary="查询培训批次（按年度、参训乡镇）")
async def list_trainings(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="培训年度")] = None,
    township: Annotated[TownshipCode | None, Query(description="参训乡镇（街道）代码")] = None,
) -> Page[TrainingOut]:
    return await service.list(
        page, principal, year=year, township=str(township) if township else None
    )


@router.get(
    "/{training_id}",
    response_model=TrainingOut,
    summary="查看培训批次",
    responses={404: {"model": Problem, "description": "培训批次不存在（或本乡镇未参加）"}},
)
async def get_training(principal: Reader, service: Service, training_id: uuid.UUID) -> TrainingOut:
    return await service.get(training_id, principal)
