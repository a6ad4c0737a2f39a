"""The dashboard: the three services' statistics of a year and the year before, at once.

Each service is asked once per area of the caller, all concurrently; its answer
carries the year's figures and the year before's (``previous``, for the
indicators' ``previous`` and ``growth_pct``). A service that has not answered
every one of its calls within the deadline
(``GATEWAY_DASHBOARD_DEADLINE_S``) is *degraded*: its indicators are left out,
the others' are served. The figures come through :class:`StatsCache`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

import structlog

from civil_gateway.dashboard.cache import StatsCache
from civil_gateway.dashboard.catalogue import CATALOGUE, Value, read
from civil_gateway.dashboard.schemas import Dashboard, Indicator, SourceStatus
from civil_gateway.peers import Peers
from civil_gateway.routing.upstreams import SERVICES, Service
from civil_shared.auth import Principal
from civil_shared.clients.stats import Stats
from civil_shared.errors import Forbidden, NotFound, Unprocessable
from civil_shared.runtime.internal import InternalServiceError
from civil_shared.types import TIANMEN, AreaCode, AreaLevel

log = structlog.get_logger("civil.gateway.dashboard")

#: The first year whose year before the services still answer for.
FIRST_YEAR: Final = 2001
_CENT = Decimal("0.01")


# --- Which areas -----------------------------------------------------------------------


def dashboard_areas(principal: Principal, area_code: AreaCode | None) -> list[AreaCode | None]:
    """The areas the caller's dashboard covers: None is the whole city.

    The figures are the city's or a township's (the services count by township).
    A caller sees an area only inside its own: a township officer asking for
    another township, or for the city, gets 404 as for any record outside its
    areas; without ``area_code`` it gets each of its townships.
    """
    if area_code is not None:
        if not TIANMEN.contains(area_code):
            raise Unprocessable(
                "统计范围应在天门市（429006）内", code="GATEWAY_DASHBOARD_AREA_INVALID"
            )
        if area_code.level is AreaLevel.VILLAGE:
            raise Unprocessable(
                "看板按全市或乡镇（街道）统计，请填写6位或9位区划代码",
                code="GATEWAY_DASHBOARD_AREA_LEVEL",
            )
        if not principal.sees_area(area_code):
            raise NotFound("没有该区域的统计数据", code="GATEWAY_DASHBOARD_AREA_NOT_FOUND")
        return [None if area_code == TIANMEN else area_code]
    if principal.area_prefixes is None:
        return [None]
    areas: list[AreaCode | None] = []
    for code in principal.area_codes:
        if code == TIANMEN:
            return [None]
        if code.level is AreaLevel.TOWNSHIP and code not in areas:
            areas.append(code)
    if not areas:
        raise Forbidden(
            "看板按乡镇（街道）统计，您的管辖区域仅为村（社区），无法查看",
            code="GATEWAY_DASHBOARD_AREA_FORBIDDEN",
        )
    return areas


def check_year(year: int, today: date) -> None:
    if year > today.year:
        raise Unprocessable("不能查看未来年度的统计", code="GATEWAY_DASHBOARD_YEAR_FUTURE")


# --- Asking the services ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Answer:
    """One service's statistics of each area (with the year before's), or why it gave none
    in time."""

    service: Service
    stats: dict[AreaCode | None, Stats]
    failure: str | None


async def _ask(
    service: Service,
    peers: Peers | None,
    cache: StatsCache,
    year: int,
    areas: Sequence[AreaCode | None],
    deadline_s: float,
) -> _Answer:
    peer = peers.get(service.name) if peers is not None else None
    client = peer.dashboard if peer is not None else None
    if client is None:
        return _Answer(service, {}, "not_configured")
    wanted = list(areas)
    try:
        async with asyncio.timeout(deadline_s):
            answers = await asyncio.gather(*(cache.stats(client, year, a) for a in wanted))
    except TimeoutError:
        log.warning("dashboard_service_late", service=service.name, deadline_s=deadline_s)
        return _Answer(service, {}, "timeout")
    except InternalServiceError as exc:
        return _Answer(service, {}, exc.failure.value)
    return _Answer(service, dict(zip(wanted, answers, strict=True)), None)


def growth_pct(value: Value | None, previous: Value | None) -> Decimal | None:
    """Percentage change on the year before, to 2 places; None without a base."""
    if value is None or previous is None or previous == 0:
        return None
    change = (Decimal(value) - Decimal(previous)) * 100 / Decimal(previous)
    return change.quantize(_CENT, rounding=ROUND_HALF_UP)


def indicators(source: str, stats: Stats, area_code: AreaCode) -> list[Indicator]:
    """Every catalogue figure of ``source``, this year's and (``stats.previous``) the year
    before's."""
    previous = stats.previous
    out = []
    for figure in CATALOGUE:
        if figure.source != source:
            continue
        value, unit = read(figure, stats)
        before, _ = read(figure, previous)
        out.append(
            Indicator(
                key=figure.key,
                label=figure.label,
                value=value,
                unit=unit,
                previous=before,
                growth_pct=growth_pct(value, before),
                area_code=area_code,
                source=source,
            )
        )
    return out


async def build_dashboard(
    *,
    year: int,
    areas: Sequence[AreaCode | None],
    peers: Peers | None,
    cache: StatsCache,
    deadline_s: float,
) -> Dashboard:
    """Ask the three services concurrently and turn their answers into indicators."""
    answers = await asyncio.gather(
        *(_ask(service, peers, cache, year, areas, deadline_s) for service in SERVICES)
    )
    out: list[Indicator] = []
    for area in areas:
        for answer in answers:
            if answer.failure is None:
                out.extend(indicators(answer.service.name, answer.stats[area], area or TIANMEN))
    return Dashboard(
        year=year,
        area_codes=[area or TIANMEN for area in areas],
        indicators=out,
        degraded=[a.service.name for a in answers if a.failure is not None],
        sources=[
            SourceStatus(
                service=a.service.name,
                label=a.service.label,
                ok=a.failure is None,
                failure=a.failure,
            )
            for a in answers
        ],
        generated_at=datetime.now(UTC),
    )
