"""A 405 names every method the path has, not only those of the first route matched.

FastAPI makes one route per operation, so ``GET /x`` and ``POST /x`` are two
routes; Starlette's 405 comes from the first that matches the path and lists
only its own methods in ``Allow``. RFC 9110 wants all of them.
"""

from __future__ import annotations

from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Match
from starlette.types import Scope

from civil_shared.errors import AppError
from civil_shared.runtime.problems import problem_response

_METHODS: Final = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")


class MethodNotAllowed(AppError):
    status = 405
    title = "Method Not Allowed"
    default_code = "METHOD_NOT_ALLOWED"
    default_detail = "接口不支持该请求方法"


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """The methods some route answers at the request's path.

    Asked of the routes themselves, each method in turn, so a path convertor
    counts: ``/community-workers/quotas`` is no ``/community-workers/{worker_id:uuid}``,
    and the id path's PATCH is not offered there (the OpenAPI templates, which
    drop convertors, would have matched it).
    """
    methods: list[str] = []
    for method in _METHODS:
        probe: Scope = {
            "type": "http",
            "method": method,
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
            "headers": [],
            "query_string": b"",
        }
        if any(route.matches(probe)[0] is Match.FULL for route in app.router.routes):
            methods.append(method)
    return sorted(methods)


def install_allow_header(app: FastAPI) -> None:
    async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request.scope))
        return problem_response(request, MethodNotAllowed(headers={"Allow": allow}))

    # Keyed by status: Starlette looks it up before the HTTPException class handler.
    app.add_exception_handler(405, method_not_allowed)
