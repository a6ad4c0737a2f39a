"""``GET /internal/v1/checks/sets?year=``: welfare's sets for the cross-programme checks."""

from typing import Annotated

from fastapi import APIRouter, Query

from civil_shared.contracts.checks import WelfareCheckSets
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_welfare.check_sets.service import check_sets

internal_router = APIRouter(prefix="/internal/v1/checks", tags=["内部接口"])


@internal_router.get(
    "/sets",
    response_model=WelfareCheckSets,
    summary="数据比对用集合：两项补贴与儿童保障期间，末次发放，死亡登记，终止后发放，高龄未达龄",
)
async def sets(
    _: InternalCaller,
    session: SessionDep,
    year: Annotated[int, Query(ge=2000, le=2100, description="年度")],
) -> WelfareCheckSets:
    return await check_sets(session, year)
