"""The app factory: one FastAPI app per service, built the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from civil_shared.errors import Problem
from civil_shared.runtime import health
from civil_shared.runtime.audit import AuditEventMixin, install_audit_hook
from civil_shared.runtime.database import create_engine, create_sessionmaker
from civil_shared.runtime.limits import BodyLimitMiddleware
from civil_shared.runtime.methods import install_allow_header
from civil_shared.runtime.observability import (
    Metrics,
    RequestContextMiddleware,
    configure_logging,
)
from civil_shared.runtime.openapi import install_problem_documentation
from civil_shared.runtime.problems import install_problem_handlers
from civil_shared.runtime.security import KeySource
from civil_shared.runtime.settings import ServiceSettings

#: Documented on every route: what a client gets back when something is wrong.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {
        "model": Problem,
        "content": {"application/problem+json": {}},
        "description": description,
    }
    for status, description in {
        401: "未登录或令牌无效",
        403: "没有权限",
        422: "请求参数校验失败",
    }.items()
}


#: What a service starts with its app and stops with it (its clients of other services).
ServiceLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def bind_database(
    app: FastAPI, engine: AsyncEngine | None, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Give an app its database; tests bind one joined to a rolled-back transaction."""
    app.state.engine = engine
    app.state.sessionmaker = sessionmaker


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: ServiceSettings = app.state.settings
    owns_engine = getattr(app.state, "sessionmaker", None) is None
    if owns_engine:
        engine = create_engine(settings)
        bind_database(app, engine, create_sessionmaker(engine))
    service_lifespan: ServiceLifespan | None = app.state.service_lifespan
    try:
        if service_lifespan is None:
            yield
        else:
            async with service_lifespan(app):
                yield
    finally:
        if owns_engine and app.state.engine is not None:
            await app.state.engine.dispose()


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    audit_model: type[AuditEventMixin],
    version: str = "0.1.0",
    openapi_tags: list[dict[str, Any]] | None = None,
    lifespan: ServiceLifespan | None = None,
) -> FastAPI:
    """Build a service: routes, error handling, security, audit, health and metrics.

    ``lifespan`` runs inside the runtime's own (after the database is bound), for
    what the service opens at start and closes at stop, such as its
    :class:`~civil_shared.runtime.internal.InternalClient` of another service.
    """
    configure_logging(settings.log_level, settings.log_format)
    install_audit_hook(audit_model)
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=_lifespan,
        openapi_tags=openapi_tags,
        responses=PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.key_source = KeySource(settings)
    app.state.metrics = Metrics(settings.service_name)
    app.state.sessionmaker = None
    app.state.service_lifespan = lifespan
    install_problem_handlers(app)
    install_allow_header(app)
    install_problem_documentation(app)
    # Inside the request context: a refused body gets its request id and access line.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    app.include_router(health.router)
    for router in routers:
        app.include_router(router)
    return app
