"""The welfare service's ASGI app: ``uvicorn civil_welfare.main:app``."""

from fastapi import FastAPI

from civil_shared.runtime.app import create_service_app
from civil_welfare import models
from civil_welfare.api import routers
from civil_welfare.config import WelfareSettings
from civil_welfare.peers import peer_clients


def create_app(settings: WelfareSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or WelfareSettings(),
        title="天门市民政局 · 特殊群体福利服务",
        description="留守老人与儿童、孤儿与事实无人抚养儿童、残疾人两项补贴、探访、养老机构、殡葬。",
        routers=routers,
        audit_model=models.AuditEvent,
        lifespan=peer_clients,
    )


app = create_app()
