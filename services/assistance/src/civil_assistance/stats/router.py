from typing import Annotated

from fastapi import APIRouter, Query

from civil_assistance.stats.service import assistance_stats
from civil_shared.contracts.assistance import AssistanceStats
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import AreaCode

internal_router = APIRouter(prefix="/internal/v1/stats", tags=["内部接口"])


@internal_router.get(
    "",
    response_model=AssistanceStats,
    summary="年度统计（供看板和年报）",
    description="全市及按乡镇分列；一次应答同时给出上年同口径数字（previous）。",
)
async def stats(
    _: InternalCaller,
    session: SessionDep,
    year: Annotated[int, Query(ge=2001, le=2100, description="年度（2001起：应答含上年）")],
    area_code: Annotated[AreaCode | None, Query(description="统计范围（区划代码前缀）")] = None,
) -> AssistanceStats:
    return await assistance_stats(session, year, area_code)
