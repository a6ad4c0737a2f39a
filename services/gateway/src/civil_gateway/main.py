"""The gateway service's ASGI app: ``uvicorn civil_gateway.main:app``."""

from fastapi import FastAPI

from civil_gateway import models
from civil_gateway.api import routers
from civil_gateway.config import GatewaySettings
from civil_shared.runtime.app import create_service_app


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or GatewaySettings(),
        title="天门市民政局 · 网关",
        description="登录与授权、服务路由、全市民政数据看板、个人档案、跨业务核查与年度报告。",
        routers=routers,
        audit_model=models.AuditEvent,
    )


app = create_app()
