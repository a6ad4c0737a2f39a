"""Signing in: POST /api/v1/auth/token with the password grant, the tokens it issues,
the failures it answers (RFC 6749) and the limits on failed attempts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from civil_cli.pytest_plugin import Tokens, unique
from civil_gateway.config import GatewaySettings
from civil_gateway.db import AuditEvent
from civil_gateway.identity.tokens import service as token_service
from civil_gateway.identity.tokens.models import SignInAttempt
from civil_gateway.main import create_app
from civil_shared.auth import Principal, TokenVerifier
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.settings import ServiceSettings

PASSWORD = "Tianmen-2020-pw"
NewUser = Callable[..., Awaitable[dict[str, Any]]]
SignIn = Callable[..., Awaitable[httpx.Response]]


async def verify(client: httpx.AsyncClient, token: str) -> Principal:
    """Verify a token as a service does: against the gateway's published JWKS."""
    jwks = (await client.get("/.well-known/jwks.json")).json()
    return Principal.from_claims(TokenVerifier(jwks).verify(token))


async def test_a_user_signs_in_and_gets_a_short_lived_signed_token(
    client: httpx.AsyncClient, new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("city_officer", display_name="王科长", pii_read=True)

    response = await sign_in(user["username"].upper(), PASSWORD)  # names ignore case

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["scope"] == "pii:read"
    token = body["access_token"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["typ"] == "at+jwt"
    jwks = (await client.get("/.well-known/jwks.json")).json()
    assert header["kid"] in {key["kid"] for key in jwks["keys"]}
    assert all("d" not in key and "p" not in key for key in jwks["keys"])  # public halves only
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["sub"] == user["username"]
    assert claims["name"] == "王科长"
    assert claims["roles"] == ["city_officer"]
    assert claims["area_codes"] == []
    assert claims["scopes"] == ["pii:read"]
    assert claims["aud"] == "civil-platform"
    assert claims["iss"] == "civil-gateway"
    assert claims["exp"] - claims["iat"] == 900
    assert len(claims["jti"]) == 32
    principal = await verify(client, token)
    assert principal.city_wide
    assert principal.reads_pii
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["sub"] == user["username"]


async def test_a_sign_in_is_recorded_on_the_user_without_a_new_version(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("auditor")
    assert (await sign_in(user["username"])).status_code == 200

    again = await client.get(f"/api/v1/users/{user['id']}", headers=tokens.headers("admin"))
    assert again.json()["last_signed_in_at"] is not None
    assert again.headers["etag"] == f'"{user["version"]}"'  # an admin's If-Match stays good


async def test_a_township_officers_token_carries_only_their_areas(
    client: httpx.AsyncClient, new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("township_officer", area_codes=["429006101001", "429006100"])

    token = (await sign_in(user["username"])).json()["access_token"]

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["roles"] == ["township_officer"]
    assert claims["area_codes"] == ["429006100", "429006101001"]
    assert claims["scopes"] == []
    principal = await verify(client, token)
    assert not principal.city_wide
    assert principal.sees_area("429006100203")  # a village of 多宝
    assert principal.sees_area("429006101001")
    assert not principal.sees_area("429006101002")  # another village of 拖市
    assert not principal.sees_area("429006102001")  # 张港
    assert not principal.reads_pii


async def test_a_token_expires(
    client: httpx.AsyncClient,
    new_user: NewUser,
    sign_in: SignIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = await new_user("city_officer")

    class _SixteenMinutesAgo(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) - timedelta(minutes=16)

    monkeypatch.setattr(token_service, "datetime", _SixteenMinutesAgo)
    stale = (await sign_in(user["username"])).json()["access_token"]
    monkeypatch.undo()
    fresh = (await sign_in(user["username"])).json()["access_token"]

    expired = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {stale}"})
    assert expired.status_code == 401
    assert expired.json()["code"] == "AUTH_TOKEN_EXPIRED"
    ok = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"})
    assert ok.status_code == 200


async def test_a_wrong_password_and_an_unknown_name_get_the_same_oauth_error(
    new_user: NewUser, sign_in: SignIn, session: AsyncSession
) -> None:
    user = await new_user("city_officer")

    wrong = await sign_in(user["username"], "Not-the-password-1")
    unknown = await sign_in(unique("nobody-"), "Not-the-password-1")

    for response in (wrong, unknown):
        assert response.status_code == 400
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert body["error"] == "invalid_grant"
        assert body["code"] == "GATEWAY_SIGN_IN_FAILED"
        assert body["detail"] == "用户名或密码错误"
        assert body["error_description"].isascii()
    outcomes = (
        await session.scalars(
            select(SignInAttempt.outcome).where(SignInAttempt.subject == user["username"])
        )
    ).all()
    assert outcomes == ["invalid_credentials"]


async def test_sign_ins_are_audited_and_no_password_or_hash_is_stored_in_the_trail(
    new_user: NewUser, sign_in: SignIn, session: AsyncSession
) -> None:
    user = await new_user("city_officer")
    await sign_in(user["username"], "Wrong-password-42")
    await sign_in(user["username"])

    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity.in_(["sign_in_attempt", "staff_user"]))
            .order_by(AuditEvent.id)
        )
    ).all()
    mine = [
        e
        for e in events
        if e.entity_id == str(user["id"]) or (e.new_values or {}).get("subject") == user["username"]
    ]
    tried = {e.entity_id for e in mine if e.entity == "sign_in_attempt"}
    attempts = [e for e in events if e.entity == "sign_in_attempt" and e.entity_id in tried]
    # Each attempt is recorded before its password is checked, then given its outcome.
    assert [
        (e.action, (e.old_values or {}).get("outcome"), (e.new_values or {}).get("outcome"))
        for e in attempts
    ] == [
        ("insert", None, "pending"),
        ("update", "pending", "invalid_credentials"),
        ("insert", None, "pending"),
        ("update", "pending", "succeeded"),
    ]
    assert {e.actor for e in attempts} == {user["username"]}
    (created,) = [e for e in mine if e.entity == "staff_user"]
    assert created.new_values is not None
    assert created.new_values["password_hash"] == "[redacted]"
    trail = " ".join(str((e.old_values, e.new_values)) for e in events)
    assert "Wrong-password-42" not in trail
    assert PASSWORD not in trail
    assert "$argon2" not in trail


async def test_a_disabled_user_cannot_get_a_token(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("city_officer")
    deactivated = await client.post(
        f"/api/v1/users/{user['id']}/deactivate", headers=tokens.headers("admin")
    )
    assert deactivated.json()["active"] is False

    right = await sign_in(user["username"])
    wrong = await sign_in(user["username"], "Not-the-password-1")

    assert right.status_code == 400
    assert right.json()["error"] == "invalid_grant"
    assert right.json()["code"] == "GATEWAY_ACCOUNT_DISABLED"
    # Without the right password nobody learns that the account exists and is disabled.
    assert wrong.json()["code"] == "GATEWAY_SIGN_IN_FAILED"


async def test_five_failures_lock_the_name_for_the_window_whatever_is_sent(
    new_user: NewUser, sign_in: SignIn, session: AsyncSession
) -> None:
    user = await new_user("city_officer")
    other = await new_user("city_officer")
    for _ in range(5):
        assert (await sign_in(user["username"], "Not-the-password-1")).status_code == 400

    locked = await sign_in(user["username"])  # the right password, too late

    assert locked.status_code == 429
    assert locked.json()["error"] == "slow_down"
    assert locked.json()["code"] == "GATEWAY_SIGN_IN_RATE_LIMITED"
    retry_after = int(locked.headers["retry-after"])
    assert 890 <= retry_after <= 900
    # Another name from the same address is not locked by this name's failures.
    assert (await sign_in(other["username"])).status_code == 200

    # Once the failures are older than the window, the right password works again.
    await session.execute(
        text(
            "UPDATE sign_in_attempt SET attempted_at = attempted_at - interval '15 minutes'"
            " WHERE subject = :subject"
        ),
        {"subject": user["username"]},
    )
    assert (await sign_in(user["username"])).status_code == 200


async def test_a_successful_sign_in_starts_the_count_again(
    new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("city_officer")
    for _ in range(4):
        await sign_in(user["username"], "Not-the-password-1")
    assert (await sign_in(user["username"])).status_code == 200
    for _ in range(4):
        assert (await sign_in(user["username"], "Not-the-password-1")).status_code == 400
    assert (await sign_in(user["username"])).status_code == 200


@pytest.fixture
def strict_client(
    settings: ServiceSettings, sessionmaker: async_sessionmaker[AsyncSession]
) -> httpx.AsyncClient:
    """The gateway with an address limit of 3 failures."""
    assert isinstance(settings, GatewaySettings)
    app: FastAPI = create_app(settings.model_copy(update={"sign_in_max_failures_per_address": 3}))
    bind_database(app, None, sessionmaker)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_failures_from_one_address_lock_that_address(
    strict_client: httpx.AsyncClient, new_user: NewUser
) -> None:
    user = await new_user("city_officer")
    async with strict_client as client:
        for _ in range(3):
            wrong = {"grant_type": "password", "username": unique("x-"), "password": "guess-1234"}
            assert (await client.post("/api/v1/auth/token", data=wrong)).status_code == 400
        right = {"grant_type": "password", "username": user["username"], "password": PASSWORD}
        locked = await client.post("/api/v1/auth/token", data=right)

    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0


@pytest.mark.parametrize(
    ("form", "error", "code"),
    [
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type", 400),
        ({"username": "a", "password": "b"}, "invalid_request", 400),
        ({"grant_type": "password", "username": "abc"}, "invalid_request", 400),
        ({"grant_type": "client_credentials"}, "invalid_client", 401),
    ],
)
async def test_malformed_token_requests_get_oauth_errors(
    client: httpx.AsyncClient, form: dict[str, str], error: str, code: int
) -> None:
    response = await client.post("/api/v1/auth/token", data=form)
    assert response.status_code == code
    assert response.json()["error"] == error


async def test_a_json_body_is_not_a_token_request(
    client: httpx.AsyncClient, new_user: NewUser
) -> None:
    user = await new_user("city_officer")
    body = {"grant_type": "password", "username": user["username"], "password": PASSWORD}
    response = await client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_a_user_may_ask_for_less_than_granted_but_not_more(
    new_user: NewUser, sign_in: SignIn
) -> None:
    plain = await new_user("city_officer")
    reader = await new_user("city_officer", pii_read=True)

    narrowed = await sign_in(reader["username"], scope="")
    refused = await sign_in(plain["username"], scope="pii:read")

    assert narrowed.json()["scope"] == "pii:read"  # an empty scope asks for what is granted
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"
