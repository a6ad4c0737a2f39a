"""Administrators manage staff users and API clients; clients get tokens with their scopes."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import httpx
import jwt
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_gateway.db import AuditEvent

PASSWORD = "Tianmen-2020-pw"
NewUser = Callable[..., Awaitable[dict[str, Any]]]
SignIn = Callable[..., Awaitable[httpx.Response]]
TOKEN = "/api/v1/auth/token"


# --- users ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["city_officer", "township_officer", "auditor", "integrator"])
async def test_only_an_admin_manages_accounts(
    client: httpx.AsyncClient, tokens: Tokens, role: str
) -> None:
    headers = tokens.headers(role, area_codes=["429006100"] if role == "township_officer" else [])
    for method, path in [
        ("GET", "/api/v1/users"),
        ("POST", "/api/v1/users"),
        ("GET", "/api/v1/clients"),
        ("POST", "/api/v1/clients"),
    ]:
        response = await client.request(method, path, headers=headers, json={})
        assert response.status_code == 403, (method, path)
    assert (await client.get("/api/v1/users")).status_code == 401


async def test_a_created_user_is_read_back_without_any_password(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    name = unique("li.")
    created = await client.post(
        "/api/v1/users",
        json={
            "username": name.upper(),
            "display_name": "李四",
            "role": "township_officer",
            "area_codes": ["429006100", "429006100203", "429006101001"],
            "password": PASSWORD,
        },
        headers=tokens.headers("admin"),
    )

    assert created.status_code == 201, created.text
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert created.headers["location"] == f"/api/v1/users/{body['id']}"
    assert body["username"] == name  # lower case
    # A village inside a listed township is covered already.
    assert body["area_codes"] == ["429006100", "429006101001"]
    assert body["active"] is True
    assert body["last_signed_in_at"] is None
    read = await client.get(created.headers["location"], headers=tokens.headers("admin"))
    assert read.json() == body
    assert PASSWORD not in read.text
    assert "password" not in read.json()
    assert "password_hash" not in read.json()
    assert "argon2" not in read.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "township_officer", "area_codes": []}, "body"),
        ({"role": "city_officer", "area_codes": ["429006100"]}, "body"),
        ({"role": "township_officer", "area_codes": ["429006"]}, "area_codes.0"),
        ({"role": "township_officer", "area_codes": ["420100100"]}, "area_codes.0"),
        ({"role": "integrator"}, "role"),
        ({"password": "short-pw"}, None),
        ({"username": "a"}, "username"),
        ({"username": "张三"}, "username"),
    ],
)
async def test_a_user_breaking_the_rules_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str | None
) -> None:
    body = {
        "username": unique("u-"),
        "display_name": "某人",
        "role": "city_officer",
        "password": PASSWORD,
        **change,
    }
    response = await client.post("/api/v1/users", json=body, headers=tokens.headers("admin"))
    assert response.status_code == 422
    if field is None:
        assert response.json()["code"] == "GATEWAY_PASSWORD_WEAK"
    else:
        assert field in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize(
    "password", ["123456789", "aaaaaaaaaaaaaa", "  padded-password  ", "my-{name}-is-long"]
)
async def test_weak_passwords_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, password: str
) -> None:
    name = unique("w")
    body = {
        "username": name,
        "display_name": "某人",
        "role": "auditor",
        "password": password.replace("{name}", name),
    }
    response = await client.post("/api/v1/users", json=body, headers=tokens.headers("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "GATEWAY_PASSWORD_WEAK"


async def test_a_user_name_is_taken_once_in_any_case(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser
) -> None:
    user = await new_user("auditor")
    again = {
        "username": user["username"].upper(),
        "display_name": "重名",
        "role": "auditor",
        "password": PASSWORD,
    }
    response = await client.post("/api/v1/users", json=again, headers=tokens.headers("admin"))
    assert response.status_code == 409
    assert response.json()["code"] == "GATEWAY_USERNAME_TAKEN"


async def test_users_are_listed_by_role_area_state_and_name(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser
) -> None:
    tag = unique("list")
    duobao = await new_user("township_officer", username=f"{tag}-a", area_codes=["429006100"])
    village = await new_user("township_officer", username=f"{tag}-b", area_codes=["429006101001"])
    city = await new_user("city_officer", username=f"{tag}-c")
    admin = tokens.headers("admin")

    async def names(**params: Any) -> list[str]:
        response = await client.get("/api/v1/users", params={"q": tag, **params}, headers=admin)
        assert response.status_code == 200
        return [u["username"] for u in response.json()["items"]]

    assert await names() == [duobao["username"], village["username"], city["username"]]
    assert await names(role="township_officer") == [duobao["username"], village["username"]]
    assert await names(area_code="429006101") == [village["username"]]
    # An officer of the whole township works in each of its villages.
    assert await names(area_code="429006100203") == [duobao["username"]]
    await client.post(f"/api/v1/users/{city['id']}/deactivate", headers=admin)
    assert await names(active=False) == [city["username"]]


async def test_an_update_needs_the_current_etag_and_checks_role_with_areas(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser, sign_in: SignIn
) -> None:
    user = await new_user("city_officer")
    path = f"/api/v1/users/{user['id']}"
    admin = tokens.headers("admin")

    missing = await client.patch(path, json={"display_name": "新名"}, headers=admin)
    to_township = await client.patch(
        path, json={"role": "township_officer"}, headers={**admin, "If-Match": '"1"'}
    )
    moved = await client.patch(
        path,
        json={"role": "township_officer", "area_codes": ["429006102"], "display_name": "新名"},
        headers={**admin, "If-Match": '"1"'},
    )
    stale = await client.patch(
        path, json={"display_name": "又改"}, headers={**admin, "If-Match": '"1"'}
    )
    back = await client.patch(
        path, json={"role": "city_officer"}, headers={**admin, "If-Match": moved.headers["etag"]}
    )

    assert missing.status_code == 428
    assert to_township.status_code == 422
    assert to_township.json()["code"] == "GATEWAY_USER_AREAS_INVALID"
    assert moved.status_code == 200
    assert moved.headers["etag"] == '"2"'
    assert moved.json()["area_codes"] == ["429006102"]
    assert stale.status_code == 412
    assert back.json()["area_codes"] == []  # leaving the township role drops the areas
    token = (await sign_in(user["username"])).json()["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["roles"] == ["city_officer"]
    assert claims["name"] == "新名"


async def test_a_password_reset_replaces_the_old_password(
    client: httpx.AsyncClient,
    tokens: Tokens,
    new_user: NewUser,
    sign_in: SignIn,
    session: AsyncSession,
) -> None:
    user = await new_user("city_officer")
    reset = await client.post(
        f"/api/v1/users/{user['id']}/password",
        json={"password": "Another-password-2021"},
        headers=tokens.headers("admin"),
    )
    weak = await client.post(
        f"/api/v1/users/{user['id']}/password",
        json={"password": "short"},
        headers=tokens.headers("admin"),
    )

    assert reset.status_code == 200
    assert reset.json()["password_changed_at"] > user["password_changed_at"]
    assert weak.status_code == 422
    assert (await sign_in(user["username"])).status_code == 400
    assert (await sign_in(user["username"], "Another-password-2021")).status_code == 200
    (event,) = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "staff_user",
                AuditEvent.entity_id == user["id"],
                AuditEvent.action == "update",
            )
        )
    ).all()
    assert event.actor == "test-admin"
    assert event.new_values is not None
    assert event.new_values["password_hash"] == "[redacted]"
    assert event.old_values is not None
    assert event.old_values["password_hash"] in ("[redacted]", None)


async def test_the_last_active_admin_stays(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    from sqlalchemy import update

    from civil_gateway.identity.users.models import StaffUser

    await session.execute(update(StaffUser).values(active=False))  # no other admin here
    admin = await client.post(
        "/api/v1/users",
        json={
            "username": unique("root-"),
            "display_name": "管理员",
            "role": "admin",
            "password": PASSWORD,
        },
        headers=tokens.headers("admin"),
    )
    path = f"/api/v1/users/{admin.json()['id']}"
    headers = tokens.headers("admin")

    deactivated = await client.post(f"{path}/deactivate", headers=headers)
    demoted = await client.patch(
        path, json={"role": "auditor"}, headers={**headers, "If-Match": '"1"'}
    )

    assert deactivated.status_code == 409
    assert deactivated.json()["code"] == "GATEWAY_USER_LAST_ADMIN"
    assert demoted.status_code == 409
    second = await client.post(
        "/api/v1/users",
        json={
            "username": unique("root-"),
            "display_name": "管理员二",
            "role": "admin",
            "password": PASSWORD,
        },
        headers=headers,
    )
    assert second.status_code == 201
    assert (await client.post(f"{path}/deactivate", headers=headers)).status_code == 200


async def test_an_unknown_user_is_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get(
        "/api/v1/users/00000000-0000-0000-0000-000000000000", headers=tokens.headers("admin")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "GATEWAY_USER_NOT_FOUND"


# --- clients ----------------------------------------------------------------------------


async def new_client(client: httpx.AsyncClient, tokens: Tokens, **fields: Any) -> dict[str, Any]:
    body = {
        "client_id": unique("sys-"),
        "name": "省低保核对系统",
        "scopes": ["assistance:read", "pii:read"],
        **fields,
    }
    response = await client.post("/api/v1/clients", json=body, headers=tokens.headers("admin"))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_client_secret_is_shown_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(
        "/api/v1/clients",
        json={"client_id": unique("sys-"), "name": "省系统", "scopes": ["welfare:read"]},
        headers=tokens.headers("admin"),
    )
    created = response.json()

    assert response.headers["cache-control"] == "no-store"
    assert len(created["client_secret"]) >= 40
    assert created["role"] == "integrator"
    read = await client.get(f"/api/v1/clients/{created['id']}", headers=tokens.headers("admin"))
    listed = await client.get(
        "/api/v1/clients", params={"q": created["client_id"]}, headers=tokens.headers("admin")
    )
    assert "client_secret" not in read.json()
    assert created["client_secret"] not in read.text + listed.text
    assert [c["client_id"] for c in listed.json()["items"]] == [created["client_id"]]


async def test_the_internal_scope_is_never_granted_to_a_client(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.post(
        "/api/v1/clients",
        json={"client_id": unique("sys-"), "name": "x", "scopes": ["internal"]},
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 422


async def test_a_client_gets_a_token_with_its_scopes_by_form_or_basic(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await new_client(client, tokens, area_codes=["429006100"])
    client_id, secret = created["client_id"], created["client_secret"]

    by_form = await client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    basic = base64.b64encode(f"{quote(client_id)}:{quote(secret)}".encode()).decode()
    by_basic = await client.post(
        TOKEN,
        data={"grant_type": "client_credentials", "scope": "assistance:read"},
        headers={"Authorization": f"Basic {basic}"},
    )

    assert by_form.status_code == 200, by_form.text
    assert by_form.json()["scope"] == "assistance:read pii:read"
    claims = jwt.decode(by_form.json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == client_id
    assert claims["client_id"] == client_id
    assert claims["roles"] == ["integrator"]
    assert claims["scopes"] == ["assistance:read", "pii:read"]
    assert claims["area_codes"] == ["429006100"]
    assert by_basic.status_code == 200, by_basic.text
    narrowed = jwt.decode(by_basic.json()["access_token"], options={"verify_signature": False})
    assert narrowed["scopes"] == ["assistance:read"]
    # The token lets the client read assistance, not write it, and not read welfare.
    from civil_shared.auth import Action, Principal, TokenClaims

    principal = Principal.from_claims(TokenClaims.model_validate(narrowed))
    assert principal.may("assistance", Action.READ)
    assert not principal.may("assistance", Action.WRITE)
    assert not principal.may("welfare", Action.READ)
    assert not principal.reads_pii


async def test_a_client_asking_beyond_its_scopes_or_with_a_wrong_secret_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await new_client(client, tokens)
    form = {"grant_type": "client_credentials", "client_id": created["client_id"]}

    beyond = await client.post(
        TOKEN, data={**form, "client_secret": created["client_secret"], "scope": "welfare:write"}
    )
    wrong = await client.post(TOKEN, data={**form, "client_secret": "x" * 43})
    both = await client.post(
        TOKEN,
        data={**form, "client_secret": created["client_secret"]},
        headers={"Authorization": "Basic " + base64.b64encode(b"a:b").decode()},
    )

    assert beyond.status_code == 400
    assert beyond.json()["error"] == "invalid_scope"
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert wrong.headers["www-authenticate"].startswith("Basic")
    assert both.status_code == 400
    assert both.json()["error"] == "invalid_request"


async def test_a_deactivated_client_or_an_old_secret_gets_no_token(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await new_client(client, tokens)
    path = f"/api/v1/clients/{created['id']}"
    admin = tokens.headers("admin")

    def form(secret: str) -> dict[str, str]:
        return {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": secret,
        }

    rotated = await client.post(f"{path}/secret", headers=admin)
    new_secret = rotated.json()["client_secret"]
    old = await client.post(TOKEN, data=form(created["client_secret"]))
    new = await client.post(TOKEN, data=form(new_secret))
    await client.post(f"{path}/deactivate", headers=admin)
    disabled = await client.post(TOKEN, data=form(new_secret))

    assert rotated.status_code == 200
    assert new_secret != created["client_secret"]
    assert old.status_code == 401
    assert new.status_code == 200
    assert disabled.status_code == 401
    assert disabled.json()["code"] == "GATEWAY_CLIENT_DISABLED"
    read = await client.get(path, headers=admin)
    assert read.json()["active"] is False
    assert read.json()["last_token_at"] is not None


async def test_a_clients_grants_are_changed_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await new_client(client, tokens)
    path = f"/api/v1/clients/{created['id']}"
    admin = tokens.headers("admin")

    changed = await client.patch(
        path,
        json={"scopes": ["welfare:read", "welfare:read"], "area_codes": ["429006103"]},
        headers={**admin, "If-Match": '"1"'},
    )
    stale = await client.patch(path, json={"name": "x"}, headers={**admin, "If-Match": '"1"'})

    assert changed.status_code == 200
    assert changed.json()["scopes"] == ["welfare:read"]
    assert changed.json()["area_codes"] == ["429006103"]
    assert stale.status_code == 412
    token = await client.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    assert jwt.decode(token.json()["access_token"], options={"verify_signature": False})[
        "scopes"
    ] == ["welfare:read"]


async def test_a_client_id_may_not_be_a_user_name(
    client: httpx.AsyncClient, tokens: Tokens, new_user: NewUser
) -> None:
    user = await new_user("auditor")
    response = await client.post(
        "/api/v1/clients",
        json={"client_id": user["username"], "name": "x", "scopes": ["welfare:read"]},
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "GATEWAY_CLIENT_ID_TAKEN"
