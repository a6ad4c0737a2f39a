"""The plumbing every service shares, observed through the assistance service."""

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import create_async_engine

from civil_cli.pytest_plugin import Tokens
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.security import CurrentPrincipal
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber

PROTECTED = "/api/v1/standards"


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz")
    ready = await client.get("/readyz")
    assert (health.status_code, health.json()["status"]) == (200, "ok")
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")


async def test_readiness_fails_when_the_database_is_unreachable(app: FastAPI) -> None:
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    bind_database(app, engine, create_sessionmaker(engine))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        response = await c.get("/readyz")
    await engine.dispose()
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"


async def test_metrics_count_requests_by_route_template(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await client.get(PROTECTED, headers=tokens.headers("admin"))
    await client.get(PROTECTED)

    text = (await client.get("/metrics")).text

    labels = 'method="GET",route="/api/v1/standards",service="assistance"'
    assert f'http_requests_total{{{labels},status="200"}} 1.0' in text
    assert 'route="/api/v1/standards",service="assistance",status="401"} 1.0' in text
    assert "http_request_duration_seconds_bucket" in text


async def test_request_id_is_echoed_or_assigned(client: httpx.AsyncClient) -> None:
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assigned = await client.get("/healthz")
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "a b\tc"})
    assert echoed.headers["x-request-id"] == "abc-123"
    assert len(assigned.headers["x-request-id"]) == 32
    assert unsafe.headers["x-request-id"] != "a b\tc"


async def test_no_token_is_401_problem(client: httpx.AsyncClient) -> None:
    response = await client.get(PROTECTED, headers={"X-Request-ID": "r-1"})

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["code"] == "AUTH_REQUIRED"
    assert problem["status"] == 401
    assert problem["instance"] == PROTECTED
    assert problem["request_id"] == "r-1"
    assert problem["type"].endswith("/auth-required")
    assert "登录" in problem["detail"]


def _unsigned(claims: dict[str, object], header: dict[str, object]) -> str:
    def b64(data: dict[str, object]) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{b64(header)}.{b64(claims)}."


async def test_bad_tokens_are_refused(client: httpx.AsyncClient, tokens: Tokens) -> None:
    good = tokens.make("admin")
    header = jwt.get_unverified_header(good)
    claims = jwt.decode(good, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    cases = {
        "AUTH_TOKEN_EXPIRED": jwt.encode(
            {**claims, "exp": datetime.now(UTC) - timedelta(minutes=5)},
            tokens.keys.private_key,
            algorithm="RS256",
            headers=header,
        ),
        "AUTH_TOKEN_INVALID": jwt.encode(claims, other_key, algorithm="RS256", headers=header),
        "AUTH_TOKEN_ALGORITHM": _unsigned(claims, {"alg": "none", "kid": header["kid"]}),
        "AUTH_TOKEN_UNKNOWN_KEY": jwt.encode(
            claims, other_key, algorithm="RS256", headers={"kid": "not-a-key"}
        ),
        "AUTH_TOKEN_MALFORMED": "not.a.token",
    }
    for code, token in cases.items():
        response = await client.get(PROTECTED, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, code
        assert response.json()["code"] == code


async def test_wrong_audience_with_a_valid_signature_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = tokens.make("admin")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "aud": "another-platform"},
        tokens.keys.private_key,
        algorithm="RS256",
        headers=header,
    )
    response = await client.get(PROTECTED, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_TOKEN_AUDIENCE"


async def test_unknown_role_in_a_signed_token_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    token = tokens.make("admin")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(
        {**claims, "roles": ["emperor"]}, tokens.keys.private_key, algorithm="RS256", headers=header
    )
    response = await client.get(PROTECTED, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json()["code"] == "AUTH_TOKEN_CLAIMS"


async def test_unknown_route_and_method_are_problems(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    missing = await client.get("/api/v1/nothing-here")
    wrong_method = await client.delete(PROTECTED, headers=tokens.headers("admin"))
    assert (missing.status_code, missing.json()["code"]) == (404, "ROUTE_NOT_FOUND")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "METHOD_NOT_ALLOWED")
    assert missing.headers["content-type"] == "application/problem+json"


async def test_malformed_json_body_is_a_422_problem(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.post(
        PROTECTED,
        content=b"{not json",
        headers={**tokens.headers("admin"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_unexpected_error_is_a_500_problem_without_internals(app: FastAPI) -> None:
    async def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/boom")
    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "secret" not in response.text


class Person(BaseModel):
    id_number: IdNumber


async def test_id_numbers_are_masked_without_pii_read(
    app: FastAPI, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    id_number = make_id_number()

    async def person(_: CurrentPrincipal) -> Person:
        return Person(id_number=id_number)

    app.add_api_route("/person", person, response_model=Person)

    masked = await client.get("/person", headers=tokens.headers("city_officer"))
    revealed = await client.get(
        "/person", headers=tokens.headers("city_officer", scopes=["pii:read"])
    )
    masked_again = await client.get("/person", headers=tokens.headers("auditor"))

    assert masked.json()["id_number"] == id_number.masked
    assert revealed.json()["id_number"] == str(id_number)
    assert masked_again.json()["id_number"] == id_number.masked


async def test_invalid_id_number_in_a_body_names_the_field(
    app: FastAPI, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    async def register(_: CurrentPrincipal, body: Person) -> None:
        return None

    app.add_api_route("/register", register, methods=["POST"], status_code=204)
    good = make_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    response = await client.post(
        "/register", json={"id_number": bad}, headers=tokens.headers("admin")
    )
    accepted = await client.post(
        "/register", json={"id_number": str(good)}, headers=tokens.headers("admin")
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "id_number"
    assert "校验位" in problem["errors"][0]["message"]
    assert accepted.status_code == 204


async def test_docs_and_openapi_are_served_and_counted(client: httpx.AsyncClient) -> None:
    docs = await client.get("/docs")
    spec = await client.get("/openapi.json")
    metrics = (await client.get("/metrics")).text
    assert docs.status_code == 200
    assert "/api/v1/standards" in spec.json()["paths"]
    assert 'route="/docs"' in metrics
    assert 'route="/openapi.json"' in metrics


async def test_access_log_masks_id_numbers_in_paths(
    client: httpx.AsyncClient, tokens: Tokens, capsys: pytest.CaptureFixture[str]
) -> None:
    number = make_id_number()
    headers = tokens.headers("service", scopes=["internal", "pii:read"])
    response = await client.get(f"/internal/v1/persons/{number}/status", headers=headers)

    logged = capsys.readouterr().out
    assert response.status_code == 200
    assert number.masked in logged
    assert str(number) not in logged  # neither in our access line nor in httpx's
