"""Every error leaves a service as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import Any, Final

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from civil_shared.errors import (
    PROBLEM_CONTENT_TYPE,
    AppError,
    Conflict,
    FieldProblem,
    PreconditionFailed,
    RequestValidationFailed,
    ServiceUnavailable,
)
from civil_shared.runtime.database import FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, sqlstate
from civil_shared.types import mask_ids_in

log = structlog.get_logger("civil.errors")

#: SQLSTATEs of a database that is gone, going or full: connection exceptions (class
#: 08), administrator, crash and "starting up / shutting down" (57P01-57P03), too
#: many connections (53300).
_UNREACHABLE_STATES: Final = ("08", "57P01", "57P02", "57P03", "53300")
#: A foreign key or a unique key that a concurrent writer changed after the request
#: checked it (a record referenced was deleted, the same record registered meanwhile).
_RACE_STATES: Final = (FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION)
#: How long a client is told to wait: a restart or failover takes seconds.
DATABASE_RETRY_AFTER_S: Final = 2

#: Chinese messages for pydantic's own error types; our types raise Chinese ones.
_MESSAGES_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为字符串",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_places": "小数位数过多",
    "decimal_max_digits": "数值位数过多",
    "greater_than": "数值过小",
    "greater_than_equal": "数值过小",
    "less_than": "数值过大",
    "less_than_equal": "数值过大",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_type": "日期格式不正确（应为 YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确",
    "datetime_type": "时间格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON 格式错误",
    "json_type": "JSON 格式错误",
    "too_short": "条目过少",
    "too_long": "条目过多",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "url_parsing": "网址格式不正确",
    "value_error": "取值无效",
}


def _field_problems(errors: Sequence[Any]) -> list[FieldProblem]:
    problems = []
    for error in errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        field_parts = loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc
        kind = str(error.get("type", "value_error"))
        message = str(error.get("msg", ""))
        if kind in _MESSAGES_ZH and not _is_chinese(message):
            message = _MESSAGES_ZH[kind]
        message = message.removeprefix("Value error, ")
        problems.append(
            FieldProblem(
                loc=loc,
                field=".".join(str(part) for part in field_parts) or "body",
                message=message,
                type=kind,
            )
        )
    return problems


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def problem_response(request: Request, error: AppError) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    # The path may carry an ID number (a person's profile): masked like the request log's.
    problem = error.to_problem(instance=mask_ids_in(request.url.path), request_id=request_id)
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=error.status,
        media_type=PROBLEM_CONTENT_TYPE,
        headers=error.headers,
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(request, exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = _field_problems(exc.errors())
    summary = "；".join(f"{p.field}：{p.message}" for p in problems[:5])
    return problem_response(
        request, RequestValidationFailed(problems, f"请求参数校验失败：{summary}")
    )


_HTTP_CODES = {
    404: ("ROUTE_NOT_FOUND", "接口不存在"),
    405: ("METHOD_NOT_ALLOWED", "接口不支持该请求方法"),
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, detail = _HTTP_CODES.get(exc.status_code, (f"HTTP_{exc.status_code}", "请求无法处理"))
    error = AppError(detail, code=code, headers=dict(exc.headers or {}))
    error.status = exc.status_code
    error.title = str(exc.detail)
    return problem_response(request, error)


async def _stale_write(request: Request, exc: Exception) -> JSONResponse:
    # A versioned UPDATE matched no row: another writer with the same ETag won the race.
    return problem_response(request, PreconditionFailed())


def _database_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached now, not that the request is wrong.

    The pool's connect lets the driver's own errors through unwrapped: an
    ``OSError`` (refused, no socket file) raised inside asyncpg or SQLAlchemy
    counts; one raised anywhere else (a file of the service's own) does not.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state.startswith(_UNREACHABLE_STATES):
            return True
        if isinstance(current, OSError) and _raised_by_database_code(current):
            return True
        if isinstance(current, DBAPIError) and current.orig is not None:
            current = current.orig
        else:
            current = current.__cause__ or current.__context__
    return False


def _raised_by_database_code(exc: BaseException) -> bool:
    modules = (
        frame.f_globals.get("__name__", "") for frame, _ in traceback.walk_tb(exc.__traceback__)
    )
    return any(module.startswith(("asyncpg", "sqlalchemy")) for module in modules)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    # A database restarting or failing over is a 503 the client may retry, not a 500;
    # the pool's pre-ping replaces the dead connections once it is back.
    state = sqlstate(exc)
    if state in _RACE_STATES:
        # The routes check what they can first and name their own conflicts; one that
        # still reaches here lost a race, and the transaction wrote nothing.
        log.warning("database_conflict", path=request.url.path, sqlstate=state)
        return problem_response(
            request,
            Conflict(
                "数据已被他人同时修改（所引用的记录已删除或同一记录已登记），"
                "本次未保存任何内容，请刷新后重试",
                code="DATABASE_CONFLICT",
            ),
        )
    if not _database_unreachable(exc):
        raise exc
    log.warning("database_unreachable", path=request.url.path, error=type(exc).__name__)
    return problem_response(
        request,
        ServiceUnavailable(
            "数据库暂时无法访问，请稍后重试",
            code="DATABASE_UNAVAILABLE",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        ),
    )


async def _pool_exhausted(request: Request, exc: Exception) -> JSONResponse:
    # Every connection of the pool stayed busy for the pool's whole timeout: the
    # service is overloaded, which a client should meet as "try again", not as a fault.
    log.warning("database_pool_exhausted", path=request.url.path)
    return problem_response(
        request,
        ServiceUnavailable(
            "服务繁忙，数据库连接已用尽，请稍后重试",
            code="DATABASE_BUSY",
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_S)},
        ),
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", path=request.url.path, exc_info=exc)
    return problem_response(request, AppError())


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_write)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(OSError, _database_error)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected_error)
