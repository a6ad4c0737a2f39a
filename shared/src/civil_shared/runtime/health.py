"""Liveness, readiness and metrics endpoints every service serves."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from sqlalchemy import text

from civil_shared.errors import ServiceUnavailable

READINESS_TIMEOUT_S = 2.0

router = APIRouter(tags=["运维"])


class Health(BaseModel):
    status: str
    service: str


@router.get("/healthz", summary="存活检查", response_model=Health)
async def healthz(request: Request) -> Health:
    """The process answers; says nothing about the database."""
    return Health(status="ok", service=request.app.state.settings.service_name)


@router.get(
    "/readyz",
    summary="就绪检查（数据库可达）",
    response_model=Health,
    responses={503: {"description": "数据库不可达"}},
)
async def readyz(request: Request) -> Health:
    maker = getattr(request.app.state, "sessionmaker", None)
    if maker is None:
        raise ServiceUnavailable("服务尚未完成启动", code="NOT_READY")
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_S), maker() as session:
            await session.execute(text("SELECT 1"))
    except (TimeoutError, OSError, Exception) as exc:
        raise ServiceUnavailable("数据库不可达", code="DATABASE_UNAVAILABLE") from exc
    return Health(status="ready", service=request.app.state.settings.service_name)


@router.get("/metrics", summary="Prometheus 指标", include_in_schema=False)
async def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
