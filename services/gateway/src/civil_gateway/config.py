"""Settings of the gateway service (environment prefix ``GATEWAY_``)."""

from pathlib import Path
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
    proxy_keepalive_s: float = Field(
        default=4.0,
        gt=0,
        le=600,
        description="How long an idle connection is kept; below the services' own keep-alive "
        "(uvicorn: 5 s), so the gateway never reuses one the service is closing",
    )
    openapi_cache_s: float = Field(
        default=30.0, ge=0, le=3600, description="How long a service's OpenAPI document is kept"
    )
    openapi_timeout_s: float = Field(
        default=2.0, gt=0, le=30, description="Longest wait for a service's OpenAPI document"
    )

    # --- The dashboard and the annual report ----------------------------------------------
    dashboard_deadline_s: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="How long the dashboard waits for a service's statistics; a service "
        "later than that is listed as degraded and its indicators left out",
    )
    dashboard_cache_ttl_s: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="How long a service's statistics are kept (0: not kept); a write to "
        "the service through the gateway drops them at once",
    )

    # --- Sign-in: tokens, signing keys, failed attempts ----------------------------------
    signing_keys_dir: Path = Field(
        default=Path(".data/keys/gateway"),
        description="Folder of the PEM private keys tokens are signed with (one file per key, "
        "named <UTC time>.pem; `civil keys rotate` adds one). The newest signs, all are "
        "published at /.well-known/jwks.json",
    )
    signing_keys_refresh_s: float = Field(
        default=10.0, gt=0, le=3600, description="How often the key folder is read again"
    )
    signing_key_activation_s: float = Field(
        default=60.0,
        ge=0,
        le=86_400,
        description="How long a new key is published before it signs (longer than the "
        "services wait before refetching the JWKS for an unknown key: 30 s)",
    )
    access_token_ttl_s: int = Field(
        default=900, ge=60, le=86_400, description="Lifetime of an access token (15 minutes)"
    )
    sign_in_window_s: int = Field(
        default=900, ge=60, le=86_400, description="Window failed sign-ins are counted in"
    )
    sign_in_max_failures_per_user: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed sign-ins of one user name (or client id) in the window before "
        "further attempts get 429; a successful sign-in starts the count again",
    )
    sign_in_max_failures_per_address: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Failed sign-ins from one client address in the window before 429 "
        "(higher than per user: a township office signs in from one NAT address)",
    )

    sign_in_max_wait_s: float = Field(
        default=20.0,
        gt=0,
        le=300,
        description="Longest a sign-in waits for its turn to check a password (a CPU's "
        "fifth of a second each); one that would wait longer is answered 503 with "
        "Retry-After at once",
    )

    # --- The person profile and the cross-programme checks ---------------------------
    profile_deadline_s: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Longest wait for a service's part of a person profile; a service "
        "slower than that is listed in `degraded` and its section left out",
    )
    checks_deadline_s: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="Longest wait for a service's sets of the cross-programme checks",
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
            keepalive_expiry=self.proxy_keepalive_s,
        )
