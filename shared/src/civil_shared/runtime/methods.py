"""A 405 names every method the path has, not only those of the first route matched.

FastAPI makes one route per operation, so ``GET /x`` and ``POST /x`` are two
routes; Starlette's 405 comes from the first that matches the path and lists
only its own methods in ``Allow``. RFC 9110 wants all of them.
"""

from __future__ import annotations

import re
from typing import Final

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from civil_shared.errors import AppError
from civil_shared.runtime.problems import problem_response

_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class MethodNotAllowed(AppError):
    status = 405
    title = "Method Not Allowed"
    default_code = "METHOD_NOT_ALLOWED"
    default_detail = "接口不支持该请求方法"


_TEMPLATE_PARAMETER: Final = re.compile(r"\\{[^}]+\\}")


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """The documented methods of every path template ``path`` fits.

    Read from the OpenAPI document: FastAPI keeps included routers as lazy
    branches of its own, and the document is the one flat list of them.
    """
    methods: set[str] = set()
    for template, item in app.openapi()["paths"].items():
        pattern = _TEMPLATE_PARAMETER.sub("[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {method.upper() for method in item if method in _METHODS}
    return sorted(methods)


def install_allow_header(app: FastAPI) -> None:
    async def method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        allow = ", ".join(allowed_methods(app, request.url.path))
        return problem_response(request, MethodNotAllowed(headers={"Allow": allow}))

    # Keyed by status: Starlette looks it up before the HTTPException class handler.
    app.add_exception_handler(405, method_not_allowed)
