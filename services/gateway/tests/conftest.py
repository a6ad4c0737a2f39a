from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import pytest

from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import ServiceUnderTest, Tokens, unique
from civil_gateway.config import GatewaySettings
from civil_gateway.main import create_app
from civil_shared.runtime.settings import ServiceSettings


@pytest.fixture(scope="session")
def service_under_test() -> ServiceUnderTest:
    return ServiceUnderTest(
        package="civil_gateway", settings_class=GatewaySettings, create_app=create_app
    )


@pytest.fixture
def settings(service_database_url: str, test_keys: DevKeys) -> ServiceSettings:
    """The plugin's settings, and the test keys' folder to sign with: the tokens the
    gateway issues and those of the ``tokens`` fixture verify alike."""
    return GatewaySettings(
        database_url=service_database_url,
        jwks_file=test_keys.jwks_path,
        signing_keys_dir=test_keys.keys_dir,
        log_format="console",
    )


PASSWORD = "Tianmen-2020-pw"

NewUser = Callable[..., Awaitable[dict[str, Any]]]
SignIn = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def new_user(client: httpx.AsyncClient, tokens: Tokens) -> NewUser:
    """Create a staff user through the admin API; returns the user as answered."""

    async def create(
        role: str = "city_officer",
        *,
        username: str | None = None,
        area_codes: Sequence[str] = (),
        password: str = PASSWORD,
        **fields: Any,
    ) -> dict[str, Any]:
        body = {
            "username": username or unique("user-"),
            "display_name": "测试用户",
            "role": role,
            "area_codes": list(area_codes),
            "password": password,
            **fields,
        }
        response = await client.post("/api/v1/users", json=body, headers=tokens.headers("admin"))
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()
        return user

    return create


@pytest.fixture
def sign_in(client: httpx.AsyncClient) -> SignIn:
    """``POST /api/v1/auth/token`` with the password grant (or any form given)."""

    async def post(
        username: str | None = None, password: str = PASSWORD, **form: str
    ) -> httpx.Response:
        data = {"grant_type": "password", "username": username, "password": password, **form}
        return await client.post(
            "/api/v1/auth/token", data={k: v for k, v in data.items() if v is not None}
        )

    return post
