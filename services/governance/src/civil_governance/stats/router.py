from typing import Annotated

from fastapi import APIRouter, Query

from civil_governance.stats.service import governance_stats
from civil_shared.contracts.governance import GovernanceStats
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import TianmenAreaCode

internal_router = APIRouter(prefix="/internal/v1/stats", tags=["内部接口"])


@internal_router.get(
    "",
    response_model=GovernanceStats,
    summary="年度统计（供看板和年报）",
    description=(
        "乡级单位、城乡社区、试点、三会及会议、村规民约、社会组织、非法社会组织、慈善捐赠、"
        "志愿者和服务时长、乡级界线及勘界培训，全市及按乡级单位分列。"
        "登记类数字取统计时点（该年12月31日；当年为今日），事件类取年内；"
        "社区和界线按当前登记。市级社会组织、案件和捐赠只计入全市。"
        "一次应答同时给出上年（统计时点为上年12月31日）同口径数字（previous）。"
    ),
)
async def stats(
    _: InternalCaller,
    session: SessionDep,
    year: Annotated[int, Query(ge=2001, le=2100, description="年度（2001起：应答含上年）")],
    area_code: Annotated[
        TianmenAreaCode | None,
        Query(description="统计范围：乡镇（街道）的9位代码；不填或429006为全市"),
    ] = None,
) -> GovernanceStats:
    return await governance_stats(session, year, area_code)
