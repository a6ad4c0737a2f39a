"""Tokens the gateway issues, used on a service that knows only the gateway's JWKS.

The gateway and the assistance service run in one process, each on a database
of its own migrated by its real migrations. The service fetches the gateway's
``/.well-known/jwks.json`` (through httpx's ASGI transport instead of the
network) exactly as ``civil run`` points it there with ``ASSISTANCE_JWKS_URL``;
its refresh period is set short, standing in for the time a rotation takes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from civil_assistance.config import AssistanceSettings
from civil_assistance.main import create_app as create_assistance_app
from civil_cli.pytest_plugin import unique
from civil_gateway.config import GatewaySettings
from civil_gateway.identity.passwords import hash_secret
from civil_gateway.identity.users.models import StaffUser
from civil_gateway.main import create_app as create_gateway_app
from civil_shared.auth import load_jwks
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.security import KeySource
from civil_shared.runtime.settings import ServiceSettings, asyncpg_url
from civil_shared.signing import SigningKey, create_key

PASSWORD = "Tianmen-2020-pw"
JWKS_URL = "http://gateway.internal/.well-known/jwks.json"
DUOBAO_VILLAGE = "429006100201"
ZHANGGANG_VILLAGE = "429006102201"


class _JwksOverAsgi(KeySource):
    """The service's own key source; only the HTTP call goes to the in-process gateway."""

    def __init__(self, settings: ServiceSettings, gateway: httpx.AsyncClient) -> None:
        super().__init__(settings)
        self._gateway = gateway

    async def _fetch(self) -> dict[str, object]:
        assert self._settings.jwks_url == JWKS_URL
        response = await self._gateway.get(JWKS_URL)
        response.raise_for_status()
        return load_jwks(response.text)


@dataclass
class Platform:
    gateway_sessions: async_sessionmaker[AsyncSession]
    gateway: httpx.AsyncClient
    assistance: httpx.AsyncClient
    keys: Path
    first_key: SigningKey

    async def sign_in(self, username: str) -> str:
        response = await self.gateway.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


@pytest.fixture(scope="module")
def databases(create_database: Callable[[str], str]) -> dict[str, str]:
    urls = {}
    for package in ("civil_gateway", "civil_assistance"):
        url = create_database(f"sign_in_{package}")
        upgrade(package, url)
        urls[package] = asyncpg_url(url)
    return urls


@pytest_asyncio.fixture(loop_scope="session")
async def platform(databases: dict[str, str], tmp_path: Path) -> AsyncIterator[Platform]:
    keys = tmp_path / "gateway-keys"
    first_key = create_key(keys)
    engines: list[AsyncEngine] = []

    def bound(app: Any, url: str) -> Any:
        engine = create_async_engine(url, poolclass=NullPool)
        engines.append(engine)
        bind_database(app, engine, create_sessionmaker(engine))
        return app

    gateway_app = bound(
        create_gateway_app(
            GatewaySettings(
                signing_keys_dir=keys,
                signing_keys_refresh_s=0.001,
                signing_key_activation_s=0,
                log_format="console",
            )
        ),
        databases["civil_gateway"],
    )
    gateway = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=gateway_app), base_url="http://gateway.internal"
    )
    settings = AssistanceSettings(jwks_url=JWKS_URL, jwks_refresh_s=0.001, log_format="console")
    assistance_app = bound(create_assistance_app(settings), databases["civil_assistance"])
    assistance_app.state.key_source = _JwksOverAsgi(settings, gateway)
    assistance = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=assistance_app), base_url="http://assistance.internal"
    )
    try:
        yield Platform(gateway_app.state.sessionmaker, gateway, assistance, keys, first_key)
    finally:
        await gateway.aclose()
        await assistance.aclose()
        for engine in engines:
            await engine.dispose()


async def _user(platform: Platform, role: str, area_codes: list[str] | None = None) -> str:
    """A staff user straight in the gateway's database (the admin API is tested elsewhere)."""
    name = unique(f"{role[:4]}-")
    async with platform.gateway_sessions() as session:
        session.add(
            StaffUser(
                username=name,
                display_name="测试",
                role=role,
                area_codes=area_codes or [],
                pii_read=False,
                active=True,
                password_hash=await hash_secret(PASSWORD),
            )
        )
        await session.commit()
    return name


def _rescue(area_code: str) -> dict[str, Any]:
    return {
        "person_name": "无名氏",
        "sex": "male",
        "found_date": str(date(2020, 7, 1)),
        "place": "天门火车站广场",
        "area_code": area_code,
        "help_given": ["food", "shelter"],
        "outcome": "returned_home",
    }


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_service_acts_on_the_roles_and_areas_of_a_gateway_token(
    platform: Platform,
) -> None:
    officer = await platform.sign_in(await _user(platform, "city_officer"))
    duobao = await platform.sign_in(await _user(platform, "township_officer", ["429006100"]))
    auditor = await platform.sign_in(await _user(platform, "auditor"))
    records = "/api/v1/rescue-records"

    here = await platform.assistance.post(
        records, json=_rescue(DUOBAO_VILLAGE), headers=_bearer(officer)
    )
    there = await platform.assistance.post(
        records, json=_rescue(ZHANGGANG_VILLAGE), headers=_bearer(officer)
    )
    listed = await platform.assistance.get(records, headers=_bearer(duobao))
    across = await platform.assistance.get(
        f"{records}/{there.json()['id']}", headers=_bearer(duobao)
    )
    audit_write = await platform.assistance.post(
        records, json=_rescue(DUOBAO_VILLAGE), headers=_bearer(auditor)
    )

    assert here.status_code == 201, here.text
    assert here.json()["recorded_by"].startswith("city-")  # the user the gateway signed in
    assert there.status_code == 201
    assert {r["id"] for r in listed.json()["items"]} == {here.json()["id"]}
    assert across.status_code == 404
    assert audit_write.status_code == 403


async def test_after_rotation_a_token_of_the_previous_key_still_verifies_on_the_service(
    platform: Platform,
) -> None:
    username = await _user(platform, "city_officer")
    old_token = await platform.sign_in(username)
    assert (
        await platform.assistance.get("/api/v1/rescue-records", headers=_bearer(old_token))
    ).status_code == 200

    new_key = create_key(platform.keys)  # civil keys rotate
    new_token = await platform.sign_in(username)

    assert jwt.get_unverified_header(old_token)["kid"] == platform.first_key.kid
    assert jwt.get_unverified_header(new_token)["kid"] == new_key.kid
    for token in (old_token, new_token):
        response = await platform.assistance.get("/api/v1/rescue-records", headers=_bearer(token))
        assert response.status_code == 200, response.text

    platform.first_key.path.unlink()  # retired once its tokens have expired

    refused = await platform.assistance.get("/api/v1/rescue-records", headers=_bearer(old_token))
    assert refused.status_code == 401
    assert refused.json()["code"] == "AUTH_TOKEN_UNKNOWN_KEY"
    assert (
        await platform.assistance.get("/api/v1/rescue-records", headers=_bearer(new_token))
    ).status_code == 200
