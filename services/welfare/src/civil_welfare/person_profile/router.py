"""``GET /internal/v1/persons/{id_number}/profile``: the person's records in welfare."""

from typing import Annotated

from fastapi import APIRouter, Path

from civil_shared.contracts.persons import WelfarePersonProfile
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import IdNumber
from civil_welfare.person_profile.service import person_profile

internal_router = APIRouter(prefix="/internal/v1/persons", tags=["内部接口"])


@internal_router.get(
    "/{id_number}/profile",
    response_model=WelfarePersonProfile,
    summary="个人在特殊群体福利中的档案与补贴（供网关一人一档）",
)
async def profile(
    _: InternalCaller,
    session: SessionDep,
    id_number: Annotated[IdNumber, Path(description="身份证号")],
) -> WelfarePersonProfile:
    return await person_profile(session, id_number)
