"""Key rotation: the newest key signs once published long enough, every key present is
published, and a token of the previous key verifies until its key is retired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civil_cli.pytest_plugin import unique
from civil_gateway.config import GatewaySettings
from civil_gateway.identity.passwords import hash_secret
from civil_gateway.identity.users.models import StaffUser
from civil_gateway.main import create_app
from civil_shared.runtime.app import bind_database
from civil_shared.signing import create_key

PASSWORD = "Tianmen-2020-pw"


class Gateway:
    def __init__(self, http: httpx.AsyncClient, folder: Path) -> None:
        self.http = http
        self.folder = folder

    async def token(self, username: str) -> str:
        response = await self.http.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    async def kids(self) -> list[str]:
        jwks: dict[str, Any] = (await self.http.get("/.well-known/jwks.json")).json()
        return [key["kid"] for key in jwks["keys"]]

    async def me(self, token: str) -> httpx.Response:
        return await self.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


async def _gateway(
    tmp_path: Path,
    service_database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    **settings: Any,
) -> AsyncIterator[Gateway]:
    # No JWKS file or URL: the gateway verifies its own tokens with its own folder.
    folder = tmp_path / "keys"
    app = create_app(
        GatewaySettings(
            database_url=service_database_url,
            signing_keys_dir=folder,
            signing_keys_refresh_s=0.001,  # every request reads the folder again
            log_format="console",
            **settings,
        )
    )
    bind_database(app, None, sessionmaker)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        yield Gateway(http, folder)


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(
    tmp_path: Path,
    service_database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Gateway]:
    async for gateway in _gateway(
        tmp_path, service_database_url, sessionmaker, signing_key_activation_s=0
    ):
        yield gateway


@pytest_asyncio.fixture(loop_scope="session")
async def username(session: AsyncSession) -> str:
    name = unique("rot-")
    session.add(
        StaffUser(
            username=name,
            display_name="轮换",
            role="city_officer",
            area_codes=[],
            pii_read=False,
            active=True,
            password_hash=await hash_secret(PASSWORD),
        )
    )
    await session.commit()
    return name


async def test_a_token_of_the_previous_key_verifies_until_the_key_is_retired(
    gateway: Gateway, username: str
) -> None:
    # Two keys made in one second would be stamped a second apart, the second one
    # in the future and so not yet signing: give each its own past moment.
    now = datetime.now(UTC)
    first = create_key(gateway.folder, now=now - timedelta(minutes=10))
    old_token = await gateway.token(username)

    second = create_key(gateway.folder, now=now - timedelta(minutes=5))  # civil keys rotate
    new_token = await gateway.token(username)

    assert jwt.get_unverified_header(old_token)["kid"] == first.kid
    assert jwt.get_unverified_header(new_token)["kid"] == second.kid
    assert await gateway.kids() == [first.kid, second.kid]
    assert (await gateway.me(old_token)).status_code == 200
    assert (await gateway.me(new_token)).status_code == 200

    first.path.unlink()  # retired, once every token it signed has expired

    assert await gateway.kids() == [second.kid]
    refused = await gateway.me(old_token)
    assert refused.status_code == 401
    assert refused.json()["code"] == "AUTH_TOKEN_UNKNOWN_KEY"
    assert (await gateway.me(new_token)).status_code == 200


async def test_a_new_key_is_published_before_it_signs(
    tmp_path: Path,
    service_database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    username: str,
) -> None:
    async for gateway in _gateway(tmp_path, service_database_url, sessionmaker):
        first = create_key(gateway.folder, now=datetime.now(UTC) - timedelta(days=30))
        second = create_key(gateway.folder)  # made just now: activation is 60 s

        token = await gateway.token(username)

        assert await gateway.kids() == [first.kid, second.kid]
        assert jwt.get_unverified_header(token)["kid"] == first.kid


async def test_without_a_key_no_token_is_issued(gateway: Gateway, username: str) -> None:
    response = await gateway.http.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
    )
    assert response.status_code == 503
    assert response.json()["code"] == "GATEWAY_SIGNING_KEY_MISSING"
    assert (await gateway.http.get("/.well-known/jwks.json")).json() == {"keys": []}


async def test_an_eddsa_key_signs_too(gateway: Gateway, username: str) -> None:
    key = create_key(gateway.folder, algorithm="EdDSA")
    token = await gateway.token(username)
    assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "kid": key.kid, "typ": "at+jwt"}
    assert (await gateway.me(token)).status_code == 200
