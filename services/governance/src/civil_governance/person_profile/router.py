"""``GET /internal/v1/persons/{id_number}/profile``: the person's records in governance."""

from typing import Annotated

from fastapi import APIRouter, Path

from civil_governance.person_profile.service import person_profile
from civil_shared.contracts.persons import GovernancePersonProfile
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import IdNumber

internal_router = APIRouter(prefix="/internal/v1/persons", tags=["内部接口"])


@internal_router.get(
    "/{id_number}/profile",
    response_model=GovernancePersonProfile,
    summary="个人在基层治理中的记录：志愿者与服务时长、社区工作者（供网关一人一档）",
)
async def profile(
    _: InternalCaller,
    session: SessionDep,
    id_number: Annotated[IdNumber, Path(description="身份证号")],
) -> GovernancePersonProfile:
    return await person_profile(session, id_number)
