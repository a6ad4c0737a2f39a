"""The gateway's clients of the services' ``/internal/v1/stats``.

The gateway is the platform's token issuer, so it needs no token handed to it:
it signs a short-lived service token of its own with its current signing key
(role ``service``, scope ``internal`` only: the statistics carry no ID numbers)
and signs a new one when half of the old one's life is gone. The services verify
it against the gateway's JWKS like any other token.

One :class:`~civil_shared.runtime.internal.InternalClient` per service, on the
gateway's aiohttp pool (:class:`~civil_gateway.routing.transport.AiohttpTransport`),
made with the app and closed with it (:func:`stats_sources`); tests give their
own (``app.state.stats_sources``) on a stub transport.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import httpx
from fastapi import FastAPI, Request
from pydantic import BaseModel

from civil_gateway.config import GatewaySettings
from civil_gateway.dashboard.catalogue import CONTRACTS
from civil_gateway.identity.keys import GatewayKeys
from civil_gateway.routing.transport import AiohttpTransport
from civil_gateway.routing.upstreams import SERVICES
from civil_shared.auth import Role, Scope
from civil_shared.runtime.internal import InternalClient, RetryPolicy
from civil_shared.types import AreaCode

#: The gateway's own service token: long enough to be reused for many calls, short
#: enough that a leaked one is soon worthless.
SERVICE_TOKEN_TTL: Final = timedelta(minutes=10)
_TYP: Final = "at+jwt"


class SelfIssuedToken:
    """The gateway's service token, signed by itself, renewed at half its life."""

    def __init__(self, keys: GatewayKeys, settings: GatewaySettings) -> None:
        self._keys = keys
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def current(self) -> str:
        if self._token is None or time.monotonic() >= self._renew_at:
            async with self._lock:
                if self._token is None or time.monotonic() >= self._renew_at:
                    await self._sign()
        assert self._token is not None
        return self._token

    async def _sign(self) -> None:
        key = await self._keys.signing_key()
        issued = datetime.now(UTC).replace(microsecond=0)
        claims: dict[str, Any] = {
            "iss": self._issuer,
            "sub": "civil-gateway",
            "aud": self._audience,
            "iat": issued,
            "nbf": issued,
            "exp": issued + SERVICE_TOKEN_TTL,
            "jti": uuid.uuid4().hex,
            "name": "gateway service",
            "roles": [Role.SERVICE.value],
            "area_codes": [],
            "scopes": [Scope.INTERNAL.value],
        }
        self._token = key.sign(claims, typ=_TYP)
        self._renew_at = time.monotonic() + SERVICE_TOKEN_TTL.total_seconds() / 2


class _SelfIssuedAuth(httpx.Auth):
    def __init__(self, token: SelfIssuedToken) -> None:
        self._token = token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self._token.current()}"
        yield request


class StatsClient(InternalClient):
    """``GET /internal/v1/stats?year=[&area_code=]`` of one service, read into its contract."""

    async def stats(self, year: int, area_code: AreaCode | None) -> BaseModel:
        params = {"year": str(year)}
        if area_code is not None:
            params["area_code"] = str(area_code)
        return await self.get("/internal/v1/stats", CONTRACTS[self.service], params=params)


class StatsSources:
    """A :class:`StatsClient` per service whose URL is set, by service name."""

    def __init__(self, clients: Mapping[str, StatsClient]) -> None:
        self._clients = dict(clients)

    @classmethod
    def from_settings(
        cls,
        settings: GatewaySettings,
        keys: GatewayKeys,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> StatsSources:
        """Clients of the configured services; ``transport`` replaces the network (tests)."""
        auth = _SelfIssuedAuth(SelfIssuedToken(keys, settings))
        urls = {
            "assistance": settings.assistance_url,
            "welfare": settings.welfare_url,
            "governance": settings.governance_url,
        }
        # Retries only within the dashboard's deadline: an answer after it is not waited for.
        retry = RetryPolicy(
            attempts=settings.internal_attempts,
            budget_s=min(settings.internal_retry_budget_s, settings.dashboard_deadline_s),
        )
        clients: dict[str, StatsClient] = {}
        for service in SERVICES:
            url = urls[service.name]
            if url is None:
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
            clients[service.name] = StatsClient(service.name, http, retry)
        return cls(clients)

    def get(self, service: str) -> StatsClient | None:
        return self._clients.get(service)

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()


@asynccontextmanager
async def stats_sources(app: FastAPI) -> AsyncIterator[None]:
    """Open the statistics clients with the app, close them with it (part of its lifespan).

    Tests that bring their own (``app.state.stats_sources``) keep them.
    """
    if getattr(app.state, "stats_sources", None) is not None:
        yield
        return
    sources = StatsSources.from_settings(app.state.settings, app.state.gateway_keys)
    app.state.stats_sources = sources
    try:
        yield
    finally:
        app.state.stats_sources = None
        await sources.aclose()


def sources_of(request: Request) -> StatsSources | None:
    sources = getattr(request.app.state, "stats_sources", None)
    return sources if isinstance(sources, StatsSources) else None
