"""``GET /internal/v1/checks/sets?year=``: assistance's sets for the cross-programme checks."""

from typing import Annotated

from fastapi import APIRouter, Query

from civil_assistance.check_sets.service import check_sets
from civil_shared.contracts.checks import AssistanceCheckSets
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller

internal_router = APIRouter(prefix="/internal/v1/checks", tags=["内部接口"])


@internal_router.get(
    "/sets",
    response_model=AssistanceCheckSets,
    summary="数据比对用集合：当年低保、特困在保期间，末次发放，死亡登记，终止后发放",
)
async def sets(
    _: InternalCaller,
    session: SessionDep,
    year: Annotated[int, Query(ge=2000, le=2100, description="年度")],
) -> AssistanceCheckSets:
    return await check_sets(session, year)
