"""Who may see the dashboard, and the dashboard as a request gets it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from civil_gateway.config import GatewaySettings
from civil_gateway.dashboard.cache import StatsCache
from civil_gateway.dashboard.schemas import Dashboard
from civil_gateway.dashboard.service import build_dashboard, check_year, dashboard_areas
from civil_gateway.peers import peers_of
from civil_gateway.routing.writes import add_write_listener
from civil_shared.auth import Action, Principal
from civil_shared.errors import Forbidden
from civil_shared.runtime.security import CurrentPrincipal
from civil_shared.types import AreaCode


async def _reader(principal: CurrentPrincipal) -> Principal:
    # Staff and auditors read; an integrator needs the dashboard:read scope.
    if not principal.may("dashboard", Action.READ):
        raise Forbidden("没有查看数据看板的权限", code="GATEWAY_DASHBOARD_FORBIDDEN")
    return principal


DashboardReader = Annotated[Principal, Depends(_reader)]


def install_dashboard(app: FastAPI) -> None:
    """Give the app its statistics cache, emptied of a service's figures when it is written."""
    settings: GatewaySettings = app.state.settings
    cache = StatsCache(ttl_s=settings.dashboard_cache_ttl_s)
    app.state.dashboard_cache = cache
    add_write_listener(app, cache.invalidate)


async def load_dashboard(
    request: Request, principal: Principal, year: int, area_code: AreaCode | None
) -> Dashboard:
    """The dashboard of ``year`` for the caller's areas (or ``area_code``, if it sees it)."""
    check_year(year, date.today())
    areas = dashboard_areas(principal, area_code)
    settings: GatewaySettings = request.app.state.settings
    cache: StatsCache = request.app.state.dashboard_cache
    return await build_dashboard(
        year=year,
        areas=areas,
        peers=peers_of(request),
        cache=cache,
        deadline_s=settings.dashboard_deadline_s,
    )
