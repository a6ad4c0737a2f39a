"""All routers of the gateway."""

from fastapi import APIRouter

from civil_gateway.checks.router import router as checks_router
from civil_gateway.dashboard.router import router as dashboard_router
from civil_gateway.identity.clients.router import router as clients_router
from civil_gateway.identity.router import router as identity_router
from civil_gateway.identity.tokens.router import router as tokens_router
from civil_gateway.identity.users.router import router as users_router
from civil_gateway.profiles.router import router as profiles_router
from civil_gateway.reports.router import router as reports_router
from civil_gateway.routing.router import router as routing_router

# The proxy's routes last: /api/v1/<service>/... must not shadow the gateway's own.
routers: list[APIRouter] = [
    identity_router,
    tokens_router,
    users_router,
    clients_router,
    profiles_router,
    checks_router,
    dashboard_router,
    reports_router,
    routing_router,
]
