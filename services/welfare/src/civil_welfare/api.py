"""All routers of the welfare service."""

from fastapi import APIRouter

from civil_welfare.parameters.router import router as parameters_router

routers: list[APIRouter] = [parameters_router]
