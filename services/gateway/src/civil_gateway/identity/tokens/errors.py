"""OAuth 2.0 error answers of the token endpoint (RFC 6749 section 5.2).

They leave as the platform's problem documents (``application/problem+json``, a
JSON object) carrying the two members an OAuth client reads: ``error`` (the
RFC's code) and ``error_description`` (ASCII, as the RFC requires); ``detail``
says the same in Chinese for the bureau's staff.
"""

from typing import Any, ClassVar

from civil_shared.errors import AppError


class OAuthError(AppError):
    error: ClassVar[str] = "invalid_request"
    default_description: ClassVar[str] = "The request is invalid."

    def __init__(
        self,
        detail: str | None = None,
        *,
        description: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(
            detail,
            code=code,
            headers=headers,
            error=self.error,
            error_description=description or self.default_description,
            **extra,
        )


class InvalidRequest(OAuthError):
    status = 400
    title = "Bad request"
    error = "invalid_request"
    default_code = "GATEWAY_TOKEN_REQUEST_INVALID"
    default_detail = "令牌请求缺少必要参数或格式不正确"


class UnsupportedGrantType(OAuthError):
    status = 400
    title = "Bad request"
    error = "unsupported_grant_type"
    default_code = "GATEWAY_GRANT_TYPE_UNSUPPORTED"
    default_detail = "不支持的授权方式：请使用 password 或 client_credentials"
    default_description = "grant_type must be password or client_credentials."


class InvalidGrant(OAuthError):
    status = 400
    title = "Bad request"
    error = "invalid_grant"
    default_code = "GATEWAY_SIGN_IN_FAILED"
    default_detail = "用户名或密码错误"
    default_description = "The user name or password is wrong."


class InvalidClient(OAuthError):
    status = 401
    title = "Unauthorized"
    error = "invalid_client"
    default_code = "GATEWAY_CLIENT_AUTHENTICATION_FAILED"
    default_detail = "接入系统标识或密钥错误"
    default_description = "Client authentication failed."

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Basic realm="civil"'})
        super().__init__(detail, **kwargs)


class InvalidScope(OAuthError):
    status = 400
    title = "Bad request"
    error = "invalid_scope"
    default_code = "GATEWAY_SCOPE_NOT_GRANTED"
    default_detail = "申请的授权范围超出了该账号被授予的范围"
    default_description = "The requested scope exceeds the scope granted."


class SlowDown(OAuthError):
    """Too many failed sign-ins: 429 with Retry-After (``slow_down``, RFC 8628 3.5)."""

    status = 429
    title = "Too many requests"
    error = "slow_down"
    default_code = "GATEWAY_SIGN_IN_RATE_LIMITED"
    default_description = "Too many failed sign-in attempts; retry later."

    def __init__(self, retry_after_s: int) -> None:
        minutes = max(1, -(-retry_after_s // 60))
        super().__init__(
            f"登录失败次数过多，请约 {minutes} 分钟后再试",
            headers={"Retry-After": str(retry_after_s)},
            retry_after=retry_after_s,
        )


class SignInBusy(OAuthError):
    """More sign-ins at once than the CPUs can check in time: 503 with Retry-After."""

    status = 503
    title = "Service unavailable"
    error = "temporarily_unavailable"
    default_code = "GATEWAY_SIGN_IN_BUSY"
    default_description = "Too many sign-ins at once; retry later."

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"同时登录的人过多，请 {retry_after_s} 秒后重试",
            headers={"Retry-After": str(retry_after_s)},
            retry_after=retry_after_s,
        )
