"""The settings every service reads, each under its own environment prefix."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from civil_shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER


class ServiceSettings(BaseSettings):
    """Base settings; a service subclasses it and sets ``env_prefix``.

    ``ASSISTANCE_DATABASE_URL`` feeds ``AssistanceSettings.database_url`` and so on:
    each service reads only its own variables, so one environment can hold all four.
    """

    model_config = SettingsConfigDict(env_prefix="CIVIL_", extra="ignore")

    #: The service's short name ("assistance"); used in logs, metrics and scopes.
    service_name: ClassVar[str] = "service"

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the service's own database (postgresql+asyncpg://...)",
    )
    database_pool_size: int = Field(default=10, ge=1, le=100)
    database_max_overflow: int = Field(default=10, ge=0, le=100)
    database_pool_timeout_s: float = Field(default=10.0, gt=0)
    database_statement_timeout_ms: int = Field(default=30_000, ge=0)

    jwks_file: Path | None = Field(
        default=None, description="Path of a JWKS file with the gateway's public keys"
    )
    jwks_url: str | None = Field(
        default=None, description="URL of the gateway's JWKS (/.well-known/jwks.json)"
    )
    jwks_refresh_s: float = Field(default=300.0, gt=0, description="How often to refetch JWKS")
    jwt_audience: str = DEFAULT_AUDIENCE
    jwt_issuer: str = DEFAULT_ISSUER

    max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        description="Largest JSON or form body accepted (413 above it); uploads have their own",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"

    @field_validator("database_url", mode="before")
    @classmethod
    def _use_asyncpg(cls, value: object) -> object:
        # Operators paste libpq URLs (postgres://, postgresql://); the services talk asyncpg.
        if isinstance(value, str) and value:
            return asyncpg_url(value)
        return value or None


def asyncpg_url(url: str) -> str:
    """The same PostgreSQL URL with the asyncpg driver, for SQLAlchemy."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {exc}") from exc
    if parsed.get_backend_name() != "postgresql":
        raise ValueError("the platform runs on PostgreSQL only")
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
