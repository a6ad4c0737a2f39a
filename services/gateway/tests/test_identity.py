import httpx

from civil_cli.pytest_plugin import Tokens


async def test_me_describes_the_verified_caller(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get(
        "/api/v1/me",
        headers=tokens.headers(
            "township_officer", sub="duobao", area_codes=["429006100"], scopes=["pii:read"]
        ),
    )
    assert response.status_code == 200
    assert response.json() == {
        "sub": "duobao",
        "name": None,
        "roles": ["township_officer"],
        "area_codes": ["429006100"],
        "scopes": ["pii:read"],
        "city_wide": False,
    }


async def test_me_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_REQUIRED"


async def test_gateway_serves_health_and_docs(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).status_code == 200
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    assert "/api/v1/me" in (await client.get("/openapi.json")).json()["paths"]
