"""The governance service's ASGI app: ``uvicorn civil_governance.main:app``."""

from fastapi import FastAPI

from civil_governance import models
from civil_governance.api import routers
from civil_governance.config import GovernanceSettings
from civil_shared.runtime.app import create_service_app


def create_app(settings: GovernanceSettings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or GovernanceSettings(),
        title="天门市民政局 · 基层治理服务",
        description="行政区划与地名、社区与“三会一约”、社会组织、慈善捐赠、志愿服务。",
        routers=routers,
        audit_model=models.AuditEvent,
    )


app = create_app()
