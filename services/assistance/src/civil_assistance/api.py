"""All routers of the assistance service."""

from fastapi import APIRouter

from civil_assistance.standards.router import router as standards_router

routers: list[APIRouter] = [standards_router]
