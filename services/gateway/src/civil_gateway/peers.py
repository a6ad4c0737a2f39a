"""The gateway's clients of the services' internal APIs (``/internal/v1/...``).

The dashboard, the person profile and the cross-programme checks (and anything else
that asks the services for internal answers) use one pooled connection per service
(an aiohttp pool, as the proxy's), made in the gateway's lifespan (:func:`peer_clients`),
behind a :class:`~civil_shared.clients.stats.StatsClient` (an
:class:`~civil_shared.runtime.internal.InternalClient` that also reads the statistics).
The gateway does not carry a token file of its own: it is the issuer, so it mints its
service tokens (role ``service``) with the same key that signs users' tokens, and mints
the next one a minute before the last expires: scopes ``internal`` and ``pii:read`` for
the profile and the checks, whose answers carry ID numbers; ``internal`` alone for the
statistics, which carry none. The services verify them against the gateway's JWKS like
any other token.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI, Request

from civil_gateway.config import GatewaySettings
from civil_gateway.identity.keys import GatewayKeys
from civil_gateway.identity.tokens.service import ACCESS_TOKEN_TYP, Grantee, token_claims
from civil_gateway.routing.transport import AiohttpTransport
from civil_gateway.routing.upstreams import SERVICES, Service
from civil_shared.auth import Role, Scope
from civil_shared.clients.stats import StatsClient
from civil_shared.errors import AppError
from civil_shared.runtime.internal import RetryPolicy, ServiceTokenMissing

#: Who the services see calling (``sub`` of the gateway's service token).
GATEWAY_SUBJECT = "civil-gateway"
SERVICE_TOKEN_TTL = timedelta(minutes=5)
_RENEW_BEFORE = timedelta(minutes=1)


#: The scopes of the token for the statistics, and of the one for answers about persons.
STATS_SCOPES = frozenset({Scope.INTERNAL.value})
PERSON_SCOPES = frozenset({Scope.INTERNAL.value, Scope.PII_READ.value})


class MintedServiceToken(httpx.Auth):
    """Bearer auth with a short-lived service token the gateway signs itself."""

    def __init__(
        self, keys: GatewayKeys, settings: GatewaySettings, scopes: frozenset[str]
    ) -> None:
        self._keys = keys
        self._settings = settings
        self._scopes = scopes
        self._token: str | None = None
        self._renew_at = datetime.min.replace(tzinfo=UTC)
        self._lock = asyncio.Lock()

    async def current(self) -> str:
        if self._token is not None and datetime.now(UTC) < self._renew_at:
            return self._token
        async with self._lock:
            now = datetime.now(UTC)
            if self._token is None or now >= self._renew_at:
                try:
                    key = await self._keys.signing_key()
                except AppError as exc:  # no key in the folder: no call can be made
                    raise ServiceTokenMissing("the gateway has no signing key") from exc
                grantee = Grantee(
                    sub=GATEWAY_SUBJECT,
                    name="网关",
                    role=Role.SERVICE,
                    area_codes=(),
                    scopes=self._scopes,
                )
                claims = token_claims(
                    grantee,
                    sorted(grantee.scopes),
                    now=now,
                    ttl=SERVICE_TOKEN_TTL,
                    audience=self._settings.jwt_audience,
                    issuer=self._settings.jwt_issuer,
                )
                self._token = key.sign(claims, typ=ACCESS_TOKEN_TYP)
                self._renew_at = now + SERVICE_TOKEN_TTL - _RENEW_BEFORE
            return self._token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self.current()}"
        yield request


@dataclass(frozen=True, slots=True)
class Peer:
    """A service as the gateway asks it; the clients are None when no URL is configured.

    ``client`` and ``dashboard`` share one connection pool; the dashboard's token does
    not read ID numbers, and its retries stop at its deadline, since an answer after it
    is not waited for.
    """

    service: Service
    client: StatsClient | None
    dashboard: StatsClient | None = None


class Peers:
    """The internal-API clients of the three services, by service name."""

    def __init__(self, peers: dict[str, Peer]) -> None:
        self._peers = peers

    @classmethod
    def from_settings(
        cls,
        settings: GatewaySettings,
        keys: GatewayKeys,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> Peers:
        """A client per service whose URL is set; ``transport`` replaces the network (tests)."""
        auth = MintedServiceToken(keys, settings, PERSON_SCOPES)
        stats_auth = MintedServiceToken(keys, settings, STATS_SCOPES)
        urls = {
            "assistance": settings.assistance_url,
            "welfare": settings.welfare_url,
            "governance": settings.governance_url,
        }
        dashboard_retry = RetryPolicy(
            attempts=settings.internal_attempts,
            budget_s=min(settings.internal_retry_budget_s, settings.dashboard_deadline_s),
        )
        peers: dict[str, Peer] = {}
        for service in SERVICES:
            url = urls[service.name]
            if not url:
                peers[service.name] = Peer(service, None)
                continue
            limits = settings.proxy_limits()
            http = httpx.AsyncClient(
                base_url=url,
                auth=auth,
                timeout=settings.internal_timeout(),
                limits=limits,
                transport=transport or AiohttpTransport(limits),
                headers={"User-Agent": "civil-gateway", "Accept": "application/json"},
                follow_redirects=False,
                trust_env=False,
            )
            peers[service.name] = Peer(
                service,
                StatsClient(service.name, http, settings.retry_policy()),
                StatsClient(service.name, http, dashboard_retry, auth=stats_auth),
            )
        return cls(peers)

    def __getitem__(self, name: str) -> Peer:
        return self._peers[name]

    def get(self, name: str) -> Peer | None:
        return self._peers.get(name)

    def __iter__(self) -> Iterator[Peer]:
        return iter(self._peers.values())

    async def aclose(self) -> None:
        for peer in self._peers.values():
            if peer.client is not None:
                await peer.client.aclose()


@asynccontextmanager
async def peer_clients(app: FastAPI) -> AsyncIterator[None]:
    """Open the services' internal clients with the app, close them with it.

    Tests that bring their own (``app.state.peers``, on a stub transport) keep them.
    """
    if getattr(app.state, "peers", None) is not None:
        yield
        return
    peers = Peers.from_settings(app.state.settings, app.state.gateway_keys)
    app.state.peers = peers
    try:
        yield
    finally:
        app.state.peers = None
        await peers.aclose()


def peers_of(request: Request) -> Peers | None:
    peers = getattr(request.app.state, "peers", None)
    return peers if isinstance(peers, Peers) else None
