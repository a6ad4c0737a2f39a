from typing import Annotated

from fastapi import APIRouter, Query, Request

from civil_gateway.dashboard.dependencies import DashboardReader, load_dashboard
from civil_gateway.dashboard.schemas import Dashboard
from civil_gateway.dashboard.service import FIRST_YEAR
from civil_shared.errors import Problem
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/dashboard", tags=["数据看板"])

Year = Annotated[int, Query(ge=FIRST_YEAR, le=2100, description="年度", examples=[2020])]
Area = Annotated[
    AreaCode | None,
    Query(
        description="统计范围：429006 全市，或乡镇（街道）的9位代码；"
        "不填时全市（乡镇工作人员为其管辖的各乡镇）"
    ),
]


@router.get(
    "",
    response_model=Dashboard,
    summary="民政数据看板",
    description=(
        "同时向社会救助、特殊群体福利、基层治理三个服务取该年度和上年度的统计，"
        "给出每项指标的本年数、上年数和增长率。某个服务未在时限内应答时，"
        "其指标缺失并列入 degraded，其余照常返回。结果短时缓存，经网关的写操作后即失效。"
    ),
    responses={
        404: {"model": Problem, "description": "统计范围不在本人管辖区域内"},
    },
)
async def dashboard(
    request: Request, principal: DashboardReader, year: Year, area_code: Area = None
) -> Dashboard:
    return await load_dashboard(request, principal, year, area_code)
