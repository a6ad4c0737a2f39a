"""Settings of the gateway service (environment prefix ``GATEWAY_``)."""

from typing import ClassVar

import httpx
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from civil_shared.runtime.internal import CallingServiceSettings


class GatewaySettings(CallingServiceSettings):
    """The gateway's database and keys, and where the three services are.

    ``GATEWAY_ASSISTANCE_URL``, ``GATEWAY_WELFARE_URL`` and ``GATEWAY_GOVERNANCE_URL``
    (``civil run`` sets them) are where the gateway forwards ``/api/v1/<service>/...``
    and asks for internal answers; without one, that service's calls answer 503.
    """

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")
    service_name: ClassVar[str] = "gateway"

    assistance_url: str | None = Field(
        default=None, description="Base URL of the assistance service (http://host:8001)"
    )
    welfare_url: str | None = Field(
        default=None, description="Base URL of the welfare service (http://host:8002)"
    )
    governance_url: str | None = Field(
        default=None, description="Base URL of the governance service (http://host:8003)"
    )

    # --- Forwarding /api/v1/<service>/... (the proxy) ---------------------------------
    proxy_connect_timeout_s: float = Field(
        default=2.0, gt=0, le=30, description="Time to open a connection to a service"
    )
    proxy_read_timeout_s: float = Field(
        default=300.0,
        gt=0,
        le=3600,
        description="Longest wait for a service's next bytes (exports and imports take long)",
    )
    proxy_write_timeout_s: float = Field(
        default=60.0, gt=0, le=3600, description="Longest wait to send the next bytes of a body"
    )
    proxy_pool_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="Longest wait for a free connection of the pool"
    )
    proxy_max_connections: int = Field(
        default=200, ge=1, le=10_000, description="Connections to one service, at most"
    )
    proxy_max_keepalive: int = Field(
        default=100, ge=0, le=10_000, description="Idle connections kept open to one service"
    )
    openapi_cache_s: float = Field(
        default=30.0, ge=0, le=3600, description="How long a service's OpenAPI document is kept"
    )
    openapi_timeout_s: float = Field(
        default=2.0, gt=0, le=30, description="Longest wait for a service's OpenAPI document"
    )

    def proxy_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(
            connect=self.proxy_connect_timeout_s,
            read=self.proxy_read_timeout_s,
            write=self.proxy_write_timeout_s,
            pool=self.proxy_pool_timeout_s,
        )

    def proxy_limits(self) -> httpx.Limits:
        return httpx.Limits(
            max_connections=self.proxy_max_connections,
            max_keepalive_connections=self.proxy_max_keepalive,
        )
