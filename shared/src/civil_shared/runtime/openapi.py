"""Every operation's error answers, documented as what they are: problem+json.

FastAPI documents its own 422 as ``application/json`` with its own schema, and
knows nothing of the statuses the runtime answers with on every route (401/403
from the auth dependencies, 412/428 from If-Match, 413/415 from the body
limits, 503 when the database is gone). Clients and the fuzzer read the
document, so it lists them all, each with the :class:`Problem` schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from fastapi import FastAPI

from civil_shared.errors import PROBLEM_CONTENT_TYPE, Problem

_PROBLEM_REF: Final = "#/components/schemas/Problem"

_ALWAYS: Final = {
    "400": "请求有误",
    "401": "未登录或令牌无效",
    "403": "没有权限",
    "404": "记录或接口不存在",
    "422": "请求参数校验失败或不符合业务规则",
    "503": "服务暂不可用（数据库或下游服务），请稍后重试",
}
_WITH_BODY: Final = {
    "409": "与现有记录或当前状态冲突",
    "413": "请求内容过大",
    "415": "不支持的内容类型",
}
_VERSIONED: Final = {
    "412": "记录已被他人修改（If-Match 与当前 ETag 不符）",
    "428": "修改记录时须提供 If-Match 请求头",
}
_METHODS: Final = ("get", "post", "put", "patch", "delete")


def _statuses(method: str, operation: dict[str, Any]) -> dict[str, str]:
    statuses = dict(_ALWAYS)
    if method != "get":
        statuses |= _WITH_BODY
    # A state change by POST (approve, end, review) is versioned too when it reads If-Match.
    takes_if_match = any(
        parameter.get("in") == "header" and parameter.get("name", "").lower() == "if-match"
        for parameter in operation.get("parameters", [])
    )
    if method in ("put", "patch", "delete") or takes_if_match:
        statuses |= _VERSIONED
    return statuses


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": _PROBLEM_REF}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Give every operation its problem answers; errors documented otherwise are replaced."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definition = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, nested in definition.pop("$defs", {}).items():
        components.setdefault(name, nested)
    components.setdefault("Problem", definition)
    for item in schema.get("paths", {}).values():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            statuses = _statuses(method, operation)
            for status, description in statuses.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status[0] in "45":
                    description = response.get("description") or statuses.get(status, "")
                    responses[status] = _problem(description or "错误")
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install_problem_documentation(app: FastAPI) -> None:
    """Post-process the app's generated OpenAPI document once, when first asked."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
