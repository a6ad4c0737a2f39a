"""Who is calling: token verification against the gateway's keys, and the
dependencies that turn a token into an authorised :class:`Principal`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

import httpx
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from civil_shared.auth import Action, Principal, Role, Scope, TokenVerifier, load_jwks
from civil_shared.errors import Forbidden, ServiceUnavailable, Unauthorized
from civil_shared.runtime.settings import ServiceSettings
from civil_shared.types import set_pii_revealed

#: Refetch a remote JWKS for an unknown key id at most this often, so a flood of
#: forged key ids cannot turn every request into a call to the gateway.
UNKNOWN_KID_REFETCH_S = 30.0


class KeySource:
    """Keeps the verifier's keys fresh from a JWKS file or the gateway's URL."""

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self._verifier: TokenVerifier | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def _fetch(self) -> dict[str, object]:
        settings = self._settings
        if settings.jwks_file is not None:
            text = await asyncio.to_thread(settings.jwks_file.read_text, "utf-8")
            return load_jwks(text)
        if settings.jwks_url is not None:
            async with httpx.AsyncClient(timeout=httpx.Timeout(3.0)) as client:
                response = await client.get(settings.jwks_url)
                response.raise_for_status()
                return load_jwks(response.text)
        prefix = settings.model_config.get("env_prefix", "")
        raise RuntimeError(f"neither {prefix}JWKS_FILE nor {prefix}JWKS_URL is set")

    async def verifier_for(self, token: str) -> TokenVerifier:
        now = time.monotonic()
        verifier = self._verifier
        stale = now - self._loaded_at > self._settings.jwks_refresh_s
        unknown = verifier is not None and not verifier.knows(token)
        if verifier is None or stale or (unknown and now - self._loaded_at > UNKNOWN_KID_REFETCH_S):
            async with self._lock:
                if self._verifier is verifier:  # nobody refreshed while we waited
                    await self._reload()
        assert self._verifier is not None
        return self._verifier

    async def _reload(self) -> None:
        try:
            jwks = await self._fetch()
        except (OSError, ValueError, httpx.HTTPError) as exc:
            if self._verifier is not None:
                return  # keep the keys we have; the gateway may be restarting
            raise ServiceUnavailable(
                "无法获取令牌验证公钥，请稍后重试", code="AUTH_KEYS_UNAVAILABLE"
            ) from exc
        if self._verifier is None:
            self._verifier = TokenVerifier(
                jwks, audience=self._settings.jwt_audience, issuer=self._settings.jwt_issuer
            )
        else:
            self._verifier.replace_keys(jwks)
        self._loaded_at = time.monotonic()


bearer_scheme = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="网关签发的访问令牌（POST /api/v1/auth/token）",
)


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
) -> Principal:
    """The verified caller; 401 problem without a valid bearer token."""
    if credentials is None or not credentials.credentials:
        raise Unauthorized()
    token = credentials.credentials
    keys: KeySource = request.app.state.key_source
    verifier = await keys.verifier_for(token)
    principal = Principal.from_claims(verifier.verify(token))
    request.state.principal = principal
    # ID numbers in this request's responses are shown in full only to pii:read holders.
    set_pii_revealed(principal.reads_pii)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(action: Action) -> Callable[..., Awaitable[Principal]]:
    """A dependency allowing callers that may ``action`` this service's public API."""

    async def dependency(request: Request, principal: CurrentPrincipal) -> Principal:
        service = request.app.state.settings.service_name
        if not principal.may(service, action):
            detail = "只读账号不能修改数据" if action is Action.WRITE else "没有访问此数据的权限"
            raise Forbidden(detail)
        return principal

    return dependency


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency allowing only the given roles (for example admin endpoints)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles):
            raise Forbidden("当前角色不能执行此操作")
        return principal

    return dependency


async def _require_internal(principal: CurrentPrincipal) -> Principal:
    if not (principal.has_role(Role.SERVICE, Role.ADMIN) or principal.has_scope(Scope.INTERNAL)):
        raise Forbidden("内部接口仅供平台服务调用", code="AUTH_INTERNAL_ONLY")
    return principal


Reader = Annotated[Principal, Depends(require(Action.READ))]
Writer = Annotated[Principal, Depends(require(Action.WRITE))]
InternalCaller = Annotated[Principal, Depends(_require_internal)]
