"""``GET /api/v1/checks/conflicts?year=``: cross-programme checks (数据比对)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from civil_gateway.checks.schemas import ConflictReport, Rule
from civil_gateway.checks.service import conflicts
from civil_gateway.config import GatewaySettings
from civil_gateway.peers import peers_of
from civil_shared.auth import Principal, Role
from civil_shared.pagination import MAX_OFFSET
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import require_roles

router = APIRouter(prefix="/api/v1/checks", tags=["数据比对"])

CheckReader = Annotated[
    Principal,
    Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER, Role.AUDITOR, Role.TOWNSHIP_OFFICER)),
]


@router.get(
    "/conflicts",
    response_model=ConflictReport,
    summary="跨业务数据比对：低保与特困重复、特困享受残疾人补贴、孤儿与事实无人抚养重复、"
    "生活补贴对象不在低保、未达龄享受高龄津贴、死亡或终止后仍发放",
    responses={503: {"description": "社会救助和福利服务均未应答"}},
)
async def conflict_checks(
    request: Request,
    principal: CheckReader,
    session: SessionDep,
    year: Annotated[int, Query(ge=2000, le=2100, description="年度")],
    rule: Annotated[Rule | None, Query(description="只看某一规则")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数")] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="跳过条数")] = 0,
) -> ConflictReport:
    settings: GatewaySettings = request.app.state.settings
    return await conflicts(
        session,
        peers_of(request),
        principal,
        year=year,
        rule=rule,
        limit=limit,
        offset=offset,
        deadline=settings.checks_deadline_s,
    )
