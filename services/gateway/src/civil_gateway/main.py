"""The gateway service's ASGI app: ``uvicorn civil_gateway.main:app``."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI

from civil_gateway import models
from civil_gateway.api import routers
from civil_gateway.config import GatewaySettings
from civil_gateway.dashboard.dependencies import install_dashboard
from civil_gateway.identity.keys import install_keys
from civil_gateway.peers import peer_clients
from civil_gateway.routing.openapi import install_merged_openapi
from civil_gateway.routing.upstreams import proxy_clients
from civil_shared.runtime.app import ServiceLifespan, create_service_app

#: What the gateway opens when it starts and closes when it stops, in this order.
LIFESPANS: list[ServiceLifespan] = [proxy_clients, peer_clients]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with AsyncExitStack() as stack:
        for part in LIFESPANS:
            await stack.enter_async_context(part(app))
        yield


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    app = create_service_app(
        settings=settings or GatewaySettings(),
        title="天门市民政局 · 网关",
        description="登录与授权、服务路由、全市民政数据看板、个人档案、跨业务核查与年度报告。",
        routers=routers,
        audit_model=models.AuditEvent,
        lifespan=lifespan,
    )
    install_keys(app)
    install_dashboard(app)
    install_merged_openapi(app)
    return app


app = create_app()
