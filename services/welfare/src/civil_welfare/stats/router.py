from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from civil_shared.contracts.welfare import WelfareStats
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import TianmenAreaCode
from civil_welfare.stats.service import welfare_stats

internal_router = APIRouter(prefix="/internal/v1/stats", tags=["内部接口"])


@internal_router.get(
    "",
    response_model=WelfareStats,
    summary="年度统计（供看板和年报）",
    description=(
        "在册人数取统计时点（该年12月31日；当年为今日），按月发放的补贴取该时点所在月份；"
        "发放金额为年内已确认发放批次的合计；机构人数为当前数；逾期探访取统计时点。"
        "一次应答同时给出上年（统计时点为上年12月31日）同口径数字（previous）。"
    ),
)
async def stats(
    _: InternalCaller,
    session: SessionDep,
    year: Annotated[int, Query(ge=2001, le=2100, description="年度（2001起：应答含上年）")],
    area_code: Annotated[
        TianmenAreaCode | None, Query(description="统计范围（天门市内区划代码，前缀匹配）")
    ] = None,
) -> WelfareStats:
    return await welfare_stats(session, year, area_code, date.today())
