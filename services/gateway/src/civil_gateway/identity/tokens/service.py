"""Issuing access tokens: the password grant for staff, client credentials for other systems.

Every attempt is recorded (:class:`SignInAttempt`) and the failed ones count
towards the per-name and per-address limits, checked before the password is:
past a limit the answer is 429 with ``Retry-After``, whatever was sent. A wrong
password, an unknown name and (with a wrong password) a deactivated account all
get the same answer; only the right password of a deactivated account is told so.

The check itself (argon2id, a fifth of a second of CPU) runs between two short
transactions and holds no database connection: a burst of sign-ins queues for
the CPUs, not for the pool every other request needs. An attempt is recorded as
``pending`` before its check and counts as a failure until its outcome is known.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from math import ceil
from typing import Any, NoReturn

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.config import GatewaySettings
from civil_gateway.identity.clients.repository import ClientRepository
from civil_gateway.identity.keys import GatewayKeys
from civil_gateway.identity.passwords import (
    HashingQueueFull,
    Rehash,
    hashing_gate,
    verify_secret,
)
from civil_gateway.identity.tokens.errors import (
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    InvalidScope,
    OAuthError,
    SignInBusy,
    SlowDown,
    UnsupportedGrantType,
)
from civil_gateway.identity.tokens.models import SignInAttempt
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
#: Waits for attempts in flight to end, when they leave no room under a limit: doubling.
ROOM_RETRY_FIRST_S = 0.05
ROOM_RETRY_LONGEST_S = 0.5


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
class Attempt:
    """One request for a token: its grant, the name tried, the request, the signing key."""

    grant: GrantType
    subject: str
    request: TokenRequest
    key: SigningKey


@dataclass(frozen=True)
class Grantee:
    """Who a token is for, once the credentials are checked."""

    sub: str
    name: str
    role: Role
    area_codes: tuple[str, ...]
    scopes: frozenset[str]
    client_id: str | None = None


@dataclass(frozen=True)
class Account:
    """What a sign-in reads of a user or client: before the check, and again after it."""

    pk: uuid.UUID
    secret_hash: str
    active: bool
    grantee: Grantee


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
        users = UserRepository(self.session)

        async def load() -> Account | None:
            user = await users.by_username(subject)
            if user is None:
                return None
            # A snapshot: the row read again after the check must be read anew.
            self.session.expunge(user)
            return Account(
                pk=user.id,
                secret_hash=user.password_hash,
                active=user.active,
                grantee=Grantee(
                    sub=user.username,
                    name=user.display_name,
                    role=Role(user.role),
                    area_codes=tuple(user.area_codes),
                    scopes=frozenset({Scope.PII_READ.value} if user.pii_read else ()),
                ),
            )

        return await self._sign_in(
            Attempt(GrantType.PASSWORD, subject, request, key),
            _bounded(request.password),
            load,
            users.record_sign_in,
            wrong=InvalidGrant,
            disabled=lambda: InvalidGrant(
                "账号已停用，请联系系统管理员",
                description="The account is disabled.",
                code="GATEWAY_ACCOUNT_DISABLED",
            ),
        )

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
        clients = ClientRepository(self.session)

        async def load() -> Account | None:
            client = await clients.by_client_id(subject)
            if client is None:
                return None
            self.session.expunge(client)
            return Account(
                pk=client.id,
                secret_hash=client.secret_hash,
                active=client.active,
                grantee=Grantee(
                    sub=client.client_id,
                    name=client.name,
                    role=Role.INTEGRATOR,
                    area_codes=tuple(client.area_codes),
                    scopes=frozenset(client.scopes),
                    client_id=client.client_id,
                ),
            )

        return await self._sign_in(
            Attempt(GrantType.CLIENT_CREDENTIALS, subject, request, key),
            _bounded(secret),
            load,
            clients.record_token,
            wrong=InvalidClient,
            disabled=lambda: InvalidClient(
                "该接入系统已停用",
                description="The client is disabled.",
                code="GATEWAY_CLIENT_DISABLED",
            ),
        )

    # --- steps ----------------------------------------------------------------------------

    async def _sign_in(
        self,
        attempt: Attempt,
        secret: str,
        load: Callable[[], Awaitable[Account | None]],
        record: Callable[[uuid.UUID, datetime, Rehash | None], Awaitable[None]],
        *,
        wrong: Callable[[], OAuthError],
        disabled: Callable[[], OAuthError],
    ) -> TokenResponse:
        """Reserve the attempt, check the secret with no connection held, record the outcome.

        The check waits for a turn at the hashing pool (503 at once when the wait
        would be hopeless); within its turn the sign-in checks the limits and, if
        there is room, records its attempt as pending, commits (the connection
        and the locks go back) and checks the secret. Pending attempts count as
        failures until they end, so concurrent guesses cannot pass a limit; when
        those in flight leave no room, the sign-in waits outside its turn.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.sign_in_max_wait_s
        gate = hashing_gate()
        delay = ROOM_RETRY_FIRST_S
        while True:
            try:
                async with gate.turn(deadline) as turn:
                    reserved = await self._reserve(attempt, load)
                    if reserved is not None:
                        turn.hashed = True
                        pending, before = reserved
                        matches, new_hash = await verify_secret(
                            secret, before.secret_hash if before is not None else None
                        )
                        break
            except HashingQueueFull as exc:
                self._busy(attempt, exc.retry_after_s)
            if loop.time() + delay > deadline:
                self._busy(attempt, ceil(delay))
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter
            delay = min(2 * delay, ROOM_RETRY_LONGEST_S)

        account = await load()
        checked = before.secret_hash if before is not None else None
        if matches and account is not None and account.secret_hash != checked:
            # The stored hash changed during the check: a new secret, or only a stronger
            # hash of the same one that a concurrent sign-in stored (after the hashing
            # parameters change, every sign-in at once rehashes). Only a check against
            # the new hash tells which; it too holds no connection. It is outside the
            # gate's turns, but only a right secret gets it, once.
            await self.session.commit()
            checked = account.secret_hash
            matches, new_hash = await verify_secret(secret, checked)
            account = await load()
        if account is None or account.secret_hash != checked:
            # The secret checked is no longer the account's (changed or removed meanwhile).
            matches = False
        if not matches:
            await self._fail(attempt, pending, wrong())
        assert account is not None
        if not account.active:
            await self._fail(attempt, pending, disabled(), SignInOutcome.DISABLED)
        try:
            scopes = chosen_scopes(attempt.request.scope, account.grantee.scopes)
        except InvalidScope as exc:
            await self._fail(attempt, pending, exc, SignInOutcome.INVALID_SCOPE)
        now = datetime.now(UTC)
        # The stronger hash replaces only the one checked (compare-and-set): the secret
        # may change between this read and the write.
        rehash = Rehash(checked, new_hash) if new_hash is not None and checked is not None else None
        await record(account.pk, now, rehash)
        return await self._succeed(attempt, pending, account.grantee, scopes, now)

    async def _reserve(
        self, attempt: Attempt, load: Callable[[], Awaitable[Account | None]]
    ) -> tuple[SignInAttempt, Account | None] | None:
        """The attempt recorded as pending and the account as it is (committed), 429
        past a limit, or None when the attempts in flight leave no room for one more."""
        # Attempts are audited under the name tried (there is no signed-in caller yet).
        self.session.info["actor"] = attempt.subject
        address = attempt.request.client_address
        await self.attempts.lock(attempt.subject, address)
        settings = self.settings
        headroom = await self.attempts.headroom(
            subject=attempt.subject,
            client_address=address,
            window=timedelta(seconds=settings.sign_in_window_s),
            max_per_subject=settings.sign_in_max_failures_per_user,
            max_per_address=settings.sign_in_max_failures_per_address,
        )
        if headroom.wait is not None:
            await self.attempts.add(
                attempt.grant, attempt.subject, address, SignInOutcome.RATE_LIMITED
            )
            await self.session.commit()
            retry_after = max(1, ceil(headroom.wait.total_seconds()))
            log.warning(
                "sign-in refused: too many failures",
                grant_type=attempt.grant.value,
                subject=attempt.subject,
                client_address=address,
                retry_after_s=retry_after,
            )
            raise SlowDown(retry_after)
        if not headroom.room:
            await self.session.rollback()
            return None
        account = await load()
        pending = await self.attempts.add(
            attempt.grant, attempt.subject, address, SignInOutcome.PENDING
        )
        await self.session.commit()  # the connection and the locks go back before the check
        return pending, account

    def _busy(self, attempt: Attempt, retry_after_s: int) -> NoReturn:
        log.warning(
            "sign-in refused: too many at once",
            grant_type=attempt.grant.value,
            subject=attempt.subject,
            client_address=attempt.request.client_address,
            retry_after_s=retry_after_s,
        )
        raise SignInBusy(retry_after_s)

    async def _fail(
        self,
        attempt: Attempt,
        pending: SignInAttempt,
        error: OAuthError,
        outcome: SignInOutcome = SignInOutcome.INVALID_CREDENTIALS,
    ) -> NoReturn:
        await self.attempts.resolve(pending, outcome)
        await self.session.commit()
        log.warning(
            "sign-in failed",
            grant_type=attempt.grant.value,
            subject=attempt.subject,
            client_address=attempt.request.client_address,
            outcome=outcome.value,
        )
        raise error

    async def _succeed(
        self,
        attempt: Attempt,
        pending: SignInAttempt,
        grantee: Grantee,
        scopes: list[str],
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
        token = attempt.key.sign(claims, typ=ACCESS_TOKEN_TYP)
        await self.attempts.resolve(pending, SignInOutcome.SUCCEEDED)
        await self.session.commit()
        log.info(
            "token issued",
            grant_type=attempt.grant.value,
            subject=attempt.subject,
            client_address=attempt.request.client_address,
            kid=attempt.key.kid,
            jti=claims["jti"],
        )
        return TokenResponse(
            access_token=token, expires_in=int(ttl.total_seconds()), scope=" ".join(scopes)
        )


def _bounded(secret: str) -> str:
    # A megabyte "password" must not cost a megabyte of argon2 input.
    return secret[:MAX_SECRET]
