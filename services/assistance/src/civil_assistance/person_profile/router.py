"""``GET /internal/v1/persons/{id_number}/profile``: the person's records in assistance."""

from typing import Annotated

from fastapi import APIRouter, Path

from civil_assistance.person_profile.service import person_profile
from civil_shared.contracts.persons import AssistancePersonProfile
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import IdNumber

internal_router = APIRouter(prefix="/internal/v1/persons", tags=["内部接口"])


@internal_router.get(
    "/{id_number}/profile",
    response_model=AssistancePersonProfile,
    summary="个人在社会救助中的记录（供网关一人一档）",
)
async def profile(
    _: InternalCaller,
    session: SessionDep,
    id_number: Annotated[IdNumber, Path(description="身份证号")],
) -> AssistancePersonProfile:
    return await person_profile(session, id_number)
