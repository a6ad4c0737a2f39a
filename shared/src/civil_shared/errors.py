"""The error tree every service raises, rendered as RFC 9457 problem details.

A use case raises an :class:`AppError` subclass with a stable machine-readable
``code`` and a Chinese ``detail`` for the bureau's staff; the runtime turns it
into ``application/problem+json``. Nothing here knows about FastAPI, so the
same models describe problems read back by a service's HTTP clients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://civil.tianmen.gov.cn/problems/"


class FieldProblem(BaseModel):
    """One bad field of a request: where it is and what is wrong with it."""

    loc: list[str | int] = Field(description="Path of the field, e.g. ['body', 'id_number']")
    field: str = Field(description="The field's dotted name, without the request part")
    message: str = Field(description="What is wrong, in Chinese where we know it")
    type: str = Field(description="Machine-readable error type")


class Problem(BaseModel):
    """RFC 9457 problem details, extended with a stable ``code``."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI identifying the problem type")
    title: str = Field(description="Short English summary of the problem type")
    status: int = Field(description="HTTP status code")
    detail: str = Field(description="Explanation for this occurrence, in Chinese")
    code: str = Field(description="Stable upper-case code, e.g. ASSISTANCE_HOUSEHOLD_NOT_FOUND")
    instance: str | None = Field(default=None, description="The request path")
    request_id: str | None = Field(default=None, description="The X-Request-ID of the request")
    errors: list[FieldProblem] | None = Field(
        default=None, description="Each bad field, for validation problems"
    )


class AppError(Exception):
    """Base of every error a service raises on purpose.

    Subclasses fix ``status`` and ``title``; an instance carries the stable
    ``code`` and a Chinese ``detail``. ``extra`` adds members to the problem
    (for example the allowed next states of a 409).
    """

    status: int = 500
    title: str = "Internal error"
    default_code: str = "INTERNAL_ERROR"
    default_detail: str = "服务内部错误，请稍后重试"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.detail = detail or self.default_detail
        self.code = code or self.default_code
        self.headers = headers or {}
        self.extra = extra
        super().__init__(f"{self.code}: {self.detail}")

    def to_problem(self, instance: str | None = None, request_id: str | None = None) -> Problem:
        slug = self.code.lower().replace("_", "-")
        return Problem(
            type=PROBLEM_TYPE_BASE + slug,
            title=self.title,
            status=self.status,
            detail=self.detail,
            code=self.code,
            instance=instance,
            request_id=request_id,
            **self.extra,
        )


class BadRequest(AppError):
    status = 400
    title = "Bad request"
    default_code = "BAD_REQUEST"
    default_detail = "请求有误"


class Unauthorized(AppError):
    status = 401
    title = "Unauthorized"
    default_code = "AUTH_REQUIRED"
    default_detail = "需要登录：请提供有效的访问令牌"

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any):
        super().__init__(
            detail, code=code, headers={"WWW-Authenticate": 'Bearer realm="civil"'}, **extra
        )


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    default_code = "AUTH_FORBIDDEN"
    default_detail = "没有执行此操作的权限"


class NotFound(AppError):
    status = 404
    title = "Not found"
    default_code = "NOT_FOUND"
    default_detail = "记录不存在"


class Conflict(AppError):
    status = 409
    title = "Conflict"
    default_code = "CONFLICT"
    default_detail = "与现有数据冲突"


class PreconditionFailed(AppError):
    status = 412
    title = "Precondition failed"
    default_code = "PRECONDITION_FAILED"
    default_detail = "记录已被他人修改，请刷新后重试"


class PreconditionRequired(AppError):
    status = 428
    title = "Precondition required"
    default_code = "PRECONDITION_REQUIRED"
    default_detail = "修改记录时须提供 If-Match 请求头"


class PayloadTooLarge(AppError):
    status = 413
    title = "Payload too large"
    default_code = "PAYLOAD_TOO_LARGE"
    default_detail = "请求内容过大"


class UnsupportedMediaType(AppError):
    status = 415
    title = "Unsupported media type"
    default_code = "UNSUPPORTED_MEDIA_TYPE"
    default_detail = "不支持的内容类型"


class Unprocessable(AppError):
    """The request is well-formed but breaks a rule of the domain."""

    status = 422
    title = "Unprocessable content"
    default_code = "UNPROCESSABLE"
    default_detail = "请求内容不符合业务规则"


class RequestValidationFailed(Unprocessable):
    """Fields of the request failed validation; ``errors`` names each one."""

    default_code = "VALIDATION_FAILED"
    default_detail = "请求参数校验失败"

    def __init__(self, errors: Sequence[FieldProblem], detail: str | None = None) -> None:
        super().__init__(detail, errors=[e.model_dump() for e in errors])


class TooManyRequests(AppError):
    status = 429
    title = "Too many requests"
    default_code = "RATE_LIMITED"
    default_detail = "请求过于频繁，请稍后再试"


class ServiceUnavailable(AppError):
    status = 503
    title = "Service unavailable"
    default_code = "SERVICE_UNAVAILABLE"
    default_detail = "服务暂时不可用，请稍后重试"
