"""The three services behind the gateway, and one pooled HTTP client for each.

The clients are made when the app starts (:func:`proxy_clients`, part of the
gateway's lifespan) and closed when it stops: a pool of keep-alive connections
per service, explicit connect/read/write/pool timeouts, no redirects followed
(a redirect goes back to the caller), no proxy from the environment, no
cookies kept. On the network the clients run on aiohttp's pool
(:mod:`civil_gateway.routing.transport`); tests give them a stub transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from fastapi import FastAPI, Request

from civil_gateway.config import GatewaySettings
from civil_gateway.routing.transport import AiohttpTransport


@dataclass(frozen=True, slots=True)
class Service:
    """A service behind the gateway: its name in paths and settings, its Chinese name."""

    name: str  # "assistance": /api/v1/assistance/..., GATEWAY_ASSISTANCE_URL
    label: str  # "社会救助服务"

    @property
    def url_setting(self) -> str:
        return f"GATEWAY_{self.name.upper()}_URL"


#: In the order the gateway's documentation lists them.
SERVICES: tuple[Service, ...] = (
    Service("assistance", "社会救助服务"),
    Service("welfare", "特殊群体福利服务"),
    Service("governance", "基层治理服务"),
)


@dataclass(frozen=True, slots=True)
class Upstream:
    """One service as the gateway reaches it; ``http`` is None when no URL is configured."""

    service: Service
    http: httpx.AsyncClient | None


def _client(
    base_url: str, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None
) -> httpx.AsyncClient:
    limits = settings.proxy_limits()
    client = httpx.AsyncClient(
        base_url=base_url,
        timeout=settings.proxy_timeout(),
        limits=limits,
        transport=transport or AiohttpTransport(limits),
        follow_redirects=False,
        trust_env=False,  # an HTTP(S)_PROXY of the environment is not for calls inside
        # A jar that keeps nothing: a cookie set in one caller's answer must not
        # be sent with the next caller's request (each caller's own Cookie header
        # still goes through, as any header).
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
    )
    # httpx adds Accept, Accept-Encoding, Connection and User-Agent of its own to
    # every request; a proxy sends only what the caller sent (an Accept-Encoding
    # the caller never asked for would bring back a body it cannot read).
    for name in list(client.headers.keys()):
        del client.headers[name]
    return client


class Upstreams:
    """The gateway's clients of the three services, by service name."""

    def __init__(self, upstreams: dict[str, Upstream]) -> None:
        self._upstreams = upstreams

    @classmethod
    def from_settings(
        cls, settings: GatewaySettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> Upstreams:
        """A client per service whose URL is set; ``transport`` replaces the network (tests)."""
        urls = {
            "assistance": settings.assistance_url,
            "welfare": settings.welfare_url,
            "governance": settings.governance_url,
        }
        return cls(
            {
                service.name: Upstream(
                    service,
                    _client(url, settings, transport) if (url := urls[service.name]) else None,
                )
                for service in SERVICES
            }
        )

    def __getitem__(self, name: str) -> Upstream:
        return self._upstreams[name]

    def __iter__(self) -> Iterator[Upstream]:
        return iter(self._upstreams.values())

    async def aclose(self) -> None:
        for upstream in self._upstreams.values():
            if upstream.http is not None:
                await upstream.http.aclose()


@asynccontextmanager
async def proxy_clients(app: FastAPI) -> AsyncIterator[None]:
    """Open the services' clients with the app, close them with it.

    Tests that bring their own (``app.state.upstreams``, on a mock transport) keep them.
    """
    if getattr(app.state, "upstreams", None) is not None:
        yield
        return
    settings: GatewaySettings = app.state.settings
    upstreams = Upstreams.from_settings(settings)
    app.state.upstreams = upstreams
    try:
        yield
    finally:
        app.state.upstreams = None
        await upstreams.aclose()


def upstreams_of(request: Request) -> Upstreams | None:
    upstreams = getattr(request.app.state, "upstreams", None)
    return upstreams if isinstance(upstreams, Upstreams) else None
