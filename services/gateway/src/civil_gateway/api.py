"""All routers of the gateway."""

from fastapi import APIRouter

from civil_gateway.identity.router import router as identity_router

routers: list[APIRouter] = [identity_router]
