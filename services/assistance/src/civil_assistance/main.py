"""The assistance service's ASGI app: ``uvicorn civil_assistance.main:app``."""

from fastapi import FastAPI

from civil_assistance import models
from civil_assistance.api import routers
from civil_assistance.config import AssistanceSettings
from civil_shared.runtime.app import create_service_app


def create_app(settings: AssistanceSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or AssistanceSettings(),
        title="天门市民政局 · 社会救助服务",
        description="低保、特困供养、临时救助：家庭与成员、救助标准、申请审批、复核与资金发放。",
        routers=routers,
        audit_model=models.AuditEvent,
    )


app = create_app()
