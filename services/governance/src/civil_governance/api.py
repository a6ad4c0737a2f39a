"""All routers of the governance service."""

from fastapi import APIRouter

from civil_governance.divisions.router import internal_router as divisions_internal
from civil_governance.divisions.router import router as divisions_router

routers: list[APIRouter] = [divisions_router, divisions_internal]
