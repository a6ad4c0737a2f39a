"""The four services of the platform, as the developer commands see them."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: Moves all four ports (8000–8003 by default), e.g. for a second copy in tests.
PORT_BASE_ENV = "CIVIL_PORT_BASE"


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """How to run one service locally: its package, port, settings prefix and database."""

    name: str
    package: str
    port: int
    env_prefix: str
    database: str

    @property
    def app(self) -> str:
        """The ASGI application, as uvicorn names it."""
        return f"{self.package}.main:app"

    def env(self, setting: str) -> str:
        """The environment variable of one of the service's settings (``DATABASE_URL``)."""
        return f"{self.env_prefix}{setting}"


def _service(name: str, port: int) -> ServiceSpec:
    return ServiceSpec(
        name=name,
        package=f"civil_{name}",
        port=port,
        env_prefix=f"{name.upper()}_",
        database=f"civil_{name}",
    )


_PORT_BASE = int(os.environ.get(PORT_BASE_ENV, "8000"))

#: In start order: the gateway first so its port is the first one a reader sees.
SERVICES: tuple[ServiceSpec, ...] = (
    _service("gateway", _PORT_BASE),
    _service("assistance", _PORT_BASE + 1),
    _service("welfare", _PORT_BASE + 2),
    _service("governance", _PORT_BASE + 3),
)


def spec(name: str) -> ServiceSpec:
    """The service called ``name`` (``assistance``; ``civil_assistance`` is accepted too)."""
    wanted = name.strip().lower().removeprefix("civil_")
    for service in SERVICES:
        if service.name == wanted:
            return service
    known = ", ".join(service.name for service in SERVICES)
    raise ValueError(f"unknown service {name!r}; the services are: {known}")
