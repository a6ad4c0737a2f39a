"""Issuing access tokens: the password grant for staff, client credentials for other systems.

Every attempt is recorded (:class:`SignInAttempt`) and the failed ones count
towards the per-name and per-address limits, checked before the password is:
past a limit the answer is 429 with ``Retry-After``, whatever was sent. A wrong
password, an unknown name and (with a wrong password) a deactivated account all
get the same answer; only the right password of a deactivated account is told so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import Any, NoReturn

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.config import GatewaySettings
from civil_gateway.identity.clients.repository import ClientRepository
from civil_gateway.identity.keys import GatewayKeys
from civil_gateway.identity.passwords import verify_secret
from civil_gateway.identity.tokens.errors import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    SlowDown,
    UnsupportedGrantType,
)
from civil_gateway.identity.tokens.repository import AttemptRepository
from civil_gateway.identity.tokens.schemas import GrantType, SignInOutcome, TokenResponse
from civil_gateway.identity.users.repository import UserRepository
from civil_gateway.identity.users.schemas import normalise_username
from civil_shared.auth import Role, Scope
from civil_shared.signing import SigningKey

log = structlog.get_logger("civil.gateway.sign_in")

#: RFC 9068: the media type of an access token in JWT form.
ACCESS_TOKEN_TYP = "at+jwt"  # noqa: S105
#: Longest password or secret read from a request, and longest name recorded.
MAX_SECRET = 256
MAX_NAME = 200


@dataclass(frozen=True)
class TokenRequest:
    """The form of ``POST /api/v1/auth/token`` and the client's HTTP Basic credentials."""

    grant_type: str | None = None
    username: str | None = None
    password: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    basic: tuple[str, str] | None = None
    client_address: str | None = None


@dataclass(frozen=True)
class Grantee:
    """Who a token is for, once the credentials are checked."""

    sub: str
    name: str
    role: Role
    area_codes: tuple[str, ...]
    scopes: frozenset[str]
    client_id: str | None = None


def chosen_scopes(requested: str | None, granted: Iterable[str]) -> list[str]:
    """The scopes of the token: all granted, or those asked for if all of them are granted."""
    allowed = set(granted)
    if requested is None or not requested.strip():
        return sorted(allowed)
    wanted = set(requested.split())
    if not wanted <= allowed:
        raise InvalidScope(
            f"申请的授权范围未被授予：{' '.join(sorted(wanted - allowed))}",
        )
    return sorted(wanted)


def token_claims(
    grantee: Grantee,
    scopes: list[str],
    *,
    now: datetime,
    ttl: timedelta,
    audience: str,
    issuer: str,
) -> dict[str, Any]:
    """The claims :class:`civil_shared.auth.TokenClaims` reads, and the registered ones."""
    issued = now.replace(microsecond=0)
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": grantee.sub,
        "aud": audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl,
        "jti": uuid.uuid4().hex,
        "name": grantee.name,
        "roles": [grantee.role.value],
        "area_codes": list(grantee.area_codes),
        "scopes": scopes,
    }
    if grantee.client_id is not None:
        claims["client_id"] = grantee.client_id
    return claims


class TokenService:
    def __init__(self, session: AsyncSession, settings: GatewaySettings, keys: GatewayKeys) -> None:
        self.session = session
        self.settings = settings
        self.keys = keys
        self.attempts = AttemptRepository(session)

    async def issue(self, request: TokenRequest) -> TokenResponse:
        grant = request.grant_type
        if not grant:
            raise InvalidRequest("缺少 grant_type 参数", description="grant_type is missing.")
        if grant == GrantType.PASSWORD:
            return await self._password(request)
        if grant == GrantType.CLIENT_CREDENTIALS:
            return await self._client_credentials(request)
        raise UnsupportedGrantType()

    # --- the two grants -----------------------------------------------------------------

    async def _password(self, request: TokenRequest) -> TokenResponse:
        if not request.username or request.password is None or request.password == "":
            raise InvalidRequest(
                "密码模式须提供 username 和 password",
                description="username and password are required.",
            )
        key = await self.keys.signing_key()  # 503 before anything is counted
        subject = normalise_username(request.username)[:MAX_NAME]
        await self._guard(GrantType.PASSWORD, subject, request.client_address)
        user = await UserRepository(self.session).by_username(subject)
        matches, new_hash = await verify_secret(
            _bounded(request.password), user.password_hash if user is not None else None
        )
        if user is None or not matches:
            await self._fail(GrantType.PASSWORD, subject, request, InvalidGrant())
        assert user is not None
        if not user.active:
            await self._fail(
                GrantType.PASSWORD,
                subject,
                request,
                InvalidGrant(
                    "账号已停用，请联系系统管理员",
                    description="The account is disabled.",
                    code="GATEWAY_ACCOUNT_DISABLED",
                ),
                SignInOutcome.DISABLED,
            )
        grantee = Grantee(
            sub=user.username,
            name=user.display_name,
            role=Role(user.role),
            area_codes=tuple(user.area_codes),
            scopes=frozenset({Scope.PII_READ.value} if user.pii_read else ()),
        )
        scopes = await self._scopes(GrantType.PASSWORD, subject, request, grantee)
        now = datetime.now(UTC)
        await UserRepository(self.session).record_sign_in(user.id, now, new_hash)
        return await self._succeed(GrantType.PASSWORD, subject, request, grantee, scopes, key, now)

    async def _client_credentials(self, request: TokenRequest) -> TokenResponse:
        if request.basic is not None and (request.client_id or request.client_secret):
            raise InvalidRequest(
                "接入系统凭据只能用一种方式提交（HTTP Basic 或表单）",
                description="Use one client authentication method only.",
            )
        client_id, secret = request.basic or (request.client_id, request.client_secret)
        if not client_id or not secret:
            raise InvalidClient(
                "客户端凭据模式须提供 client_id 和 client_secret（表单或 HTTP Basic）",
                description="client_id and client_secret are required.",
            )
        key = await self.keys.signing_key()
        subject = client_id.strip().lower()[:MAX_NAME]
        await self._guard(GrantType.CLIENT_CREDENTIALS, subject, request.client_address)
        clients = ClientRepository(self.session)
        client = await clients.by_client_id(subject)
        matches, new_hash = await verify_secret(
            _bounded(secret), client.secret_hash if client is not None else None
        )
        if client is None or not matches:
            await self._fail(GrantType.CLIENT_CREDENTIALS, subject, request, InvalidClient())
        assert client is not None
        if not client.active:
            await self._fail(
                GrantType.CLIENT_CREDENTIALS,
                subject,
                request,
                InvalidClient(
                    "该接入系统已停用",
                    description="The client is disabled.",
                    code="GATEWAY_CLIENT_DISABLED",
                ),
                SignInOutcome.DISABLED,
            )
        grantee = Grantee(
            sub=client.client_id,
            name=client.name,
            role=Role.INTEGRATOR,
            area_codes=tuple(client.area_codes),
            scopes=frozenset(client.scopes),
            client_id=client.client_id,
        )
        scopes = await self._scopes(GrantType.CLIENT_CREDENTIALS, subject, request, grantee)
        now = datetime.now(UTC)
        await clients.record_token(client.id, now, new_hash)
        return await self._succeed(
            GrantType.CLIENT_CREDENTIALS, subject, request, grantee, scopes, key, now
        )

    # --- steps ----------------------------------------------------------------------------

    async def _guard(self, grant: GrantType, subject: str, address: str | None) -> None:
        """Refuse (429) a name or address past its limit of failures, before any check."""
        # Attempts are audited under the name tried (there is no signed-in caller yet).
        self.session.info["actor"] = subject
        await self.attempts.lock(subject)
        settings = self.settings
        wait = await self.attempts.wait_before_next(
            subject=subject,
            client_address=address,
            window=timedelta(seconds=settings.sign_in_window_s),
            max_per_subject=settings.sign_in_max_failures_per_user,
            max_per_address=settings.sign_in_max_failures_per_address,
        )
        if wait is None:
            return
        await self.attempts.add(grant, subject, address, SignInOutcome.RATE_LIMITED)
        await self.session.commit()
        log.warning(
            "sign-in refused: too many failures",
            grant_type=grant.value,
            subject=subject,
            client_address=address,
            retry_after_s=ceil(wait.total_seconds()),
        )
        raise SlowDown(max(1, ceil(wait.total_seconds())))

    async def _fail(
        self,
        grant: GrantType,
        subject: str,
        request: TokenRequest,
        error: OAuthError,
        outcome: SignInOutcome = SignInOutcome.INVALID_CREDENTIALS,
    ) -> NoReturn:
        await self.attempts.add(grant, subject, request.client_address, outcome)
        await self.session.commit()
        log.warning(
            "sign-in failed",
            grant_type=grant.value,
            subject=subject,
            client_address=request.client_address,
            outcome=outcome.value,
        )
        raise error

    async def _scopes(
        self, grant: GrantType, subject: str, request: TokenRequest, grantee: Grantee
    ) -> list[str]:
        try:
            return chosen_scopes(request.scope, grantee.scopes)
        except InvalidScope as exc:
            await self._fail(grant, subject, request, exc, SignInOutcome.INVALID_SCOPE)

    async def _succeed(
        self,
        grant: GrantType,
        subject: str,
        request: TokenRequest,
        grantee: Grantee,
        scopes: list[str],
        key: SigningKey,
        now: datetime,
    ) -> TokenResponse:
        ttl = timedelta(seconds=self.settings.access_token_ttl_s)
        claims = token_claims(
            grantee,
            scopes,
            now=now,
            ttl=ttl,
            audience=self.settings.jwt_audience,
            issuer=self.settings.jwt_issuer,
        )
        token = key.sign(claims, typ=ACCESS_TOKEN_TYP)
        await self.attempts.add(grant, subject, request.client_address, SignInOutcome.SUCCEEDED)
        await self.session.commit()
        log.info(
            "token issued",
            grant_type=grant.value,
            subject=subject,
            client_address=request.client_address,
            kid=key.kid,
            jti=claims["jti"],
        )
        return TokenResponse(
            access_token=token, expires_in=int(ttl.total_seconds()), scope=" ".join(scopes)
        )


def _bounded(secret: str) -> str:
    # A megabyte "password" must not cost a megabyte of argon2 input.
    return secret[:MAX_SECRET]
