"""``POST /api/v1/auth/token`` (OAuth 2.0) and ``GET /.well-known/jwks.json``."""

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Depends, Form, Header, Request, Response
from fastapi.responses import JSONResponse

from civil_gateway.config import GatewaySettings
from civil_gateway.identity.keys import GatewayKeys, gateway_keys
from civil_gateway.identity.tokens.errors import InvalidClient, InvalidRequest
from civil_gateway.identity.tokens.schemas import TokenResponse
from civil_gateway.identity.tokens.service import TokenRequest, TokenService
from civil_shared.errors import Problem
from civil_shared.runtime.database import SessionDep

router = APIRouter(tags=["身份"])

FORM = "application/x-www-form-urlencoded"
#: Shorter than the key activation period: a cached copy always holds the signing key.
JWKS_MAX_AGE_S = 30


def get_service(request: Request, session: SessionDep) -> TokenService:
    settings: GatewaySettings = request.app.state.settings
    return TokenService(session, settings, gateway_keys(request))


Service = Annotated[TokenService, Depends(get_service)]


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """HTTP Basic client credentials, form-decoded as RFC 6749 section 2.3.1 asks."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidClient(
            "HTTP Basic 凭据格式不正确", description="Malformed Basic credentials."
        ) from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise InvalidClient("HTTP Basic 凭据格式不正确", description="Malformed Basic credentials.")
    return unquote_plus(client_id), unquote_plus(secret)


OAUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": Problem,
        "description": "invalid_request / invalid_grant（用户名或密码错误、账号停用）/ "
        "unsupported_grant_type / invalid_scope；问题详情带 OAuth2 的 error 字段",
    },
    401: {"model": Problem, "description": "invalid_client：接入系统标识或密钥错误、已停用"},
    429: {"model": Problem, "description": "登录失败次数过多（Retry-After 秒后再试）"},
    503: {
        "model": Problem,
        "description": "网关没有可用的签名密钥；或同时登录的人过多，"
        "等待核对密码会超过时限（temporarily_unavailable，Retry-After 秒后再试）",
    },
}


@router.post(
    "/api/v1/auth/token",
    response_model=TokenResponse,
    summary="获取访问令牌（OAuth2：工作人员用 password，外部系统用 client_credentials）",
    description=(
        "以 `application/x-www-form-urlencoded` 提交（RFC 6749）。\n\n"
        "- 工作人员：`grant_type=password&username=...&password=...`\n"
        "- 外部系统：`grant_type=client_credentials`，`client_id`/`client_secret` 放在表单中"
        "或 HTTP Basic 认证头中\n"
        "- 可选 `scope`（空格分隔）：只申请已授予范围的一部分\n\n"
        "返回的 `access_token` 是有效期较短的 JWT，放在各服务请求的 "
        "`Authorization: Bearer` 头中。失败次数过多时返回 429。"
    ),
    responses=OAUTH_ERRORS,
)
async def issue_token(
    request: Request,
    response: Response,
    service: Service,
    grant_type: Annotated[str | None, Form(description="password 或 client_credentials")] = None,
    username: Annotated[str | None, Form(description="用户名（password）")] = None,
    password: Annotated[str | None, Form(description="密码（password）")] = None,
    client_id: Annotated[str | None, Form(description="接入系统标识")] = None,
    client_secret: Annotated[str | None, Form(description="接入密钥")] = None,
    scope: Annotated[str | None, Form(description="申请的范围（空格分隔，可选）")] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenResponse:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise InvalidRequest(
            f"请以 {FORM} 格式提交令牌请求", description=f"The request body must be {FORM}."
        )
    token = await service.issue(
        TokenRequest(
            grant_type=grant_type,
            username=username,
            password=password,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            basic=_basic_credentials(authorization),
            client_address=request.client.host if request.client else None,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return token


@router.get(
    "/.well-known/jwks.json",
    summary="令牌验证公钥（JWKS）",
    description="网关签发令牌所用密钥的公钥（含轮换前的旧密钥），各服务据此验证访问令牌。",
    response_description="JWK Set（RFC 7517）",
)
async def jwks(keys: Annotated[GatewayKeys, Depends(gateway_keys)]) -> JSONResponse:
    return JSONResponse(
        await keys.jwks(), headers={"Cache-Control": f"public, max-age={JWKS_MAX_AGE_S}"}
    )
