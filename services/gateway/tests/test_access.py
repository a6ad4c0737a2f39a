"""Access to every operation of the service, enumerated from the app (see civil_cli.access)."""

import json
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from civil_cli import access
from civil_cli.access import Side, Write
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens, unique
from civil_gateway.config import GatewaySettings
from civil_gateway.peers import Peers
from civil_shared.runtime.settings import ServiceSettings
from civil_shared.testing.factories import make_id_number

# Operations anyone may call, with why.
PUBLIC = {
    **access.PROBES,
    "GET /.well-known/jwks.json": "the public keys every service verifies tokens with",
    "POST /api/v1/auth/token": "signing in: the caller has no token yet",
}
# Writes an auditor may make, with why (none: auditors read).
AUDITOR_WRITES: dict[str, str] = {}
# Reads an auditor is refused, with why.
ADMIN_ONLY = "accounts and API clients are the administrator's"
AUDITOR_REFUSED_READS = {
    "GET /api/v1/clients": ADMIN_ONLY,
    "GET /api/v1/clients/{client_pk}": ADMIN_ONLY,
    "GET /api/v1/users": ADMIN_ONLY,
    "GET /api/v1/users/{user_id}": ADMIN_ONLY,
}


async def test_every_operation_refuses_anonymous_and_forged_tokens(
    client: httpx.AsyncClient, app: FastAPI, test_keys: DevKeys
) -> None:
    failures = await access.refused_without_a_valid_token(client, app, test_keys, PUBLIC)
    assert not failures, "\n".join(failures)


async def test_an_auditor_reads_everything_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    auditor = tokens.headers("auditor")
    failures = await access.auditor_reads_but_never_writes(
        client, app, auditor, AUDITOR_WRITES, AUDITOR_REFUSED_READS, PUBLIC
    )
    assert not failures, "\n".join(failures)


# --- real records ---------------------------------------------------------------------

PASSWORD = "Tianmen-2020-pw"
# What the administrator gets on each route of an account or API client, with a valid body.
ADMIN_ROWS = {
    "GET /api/v1/users/{user_id}": Write(),
    "PATCH /api/v1/users/{user_id}": Write({"display_name": "王科长"}),
    "POST /api/v1/users/{user_id}/deactivate": Write(),
    "POST /api/v1/users/{user_id}/password": Write({"password": "Tianmen-2021-pw"}),
    "GET /api/v1/clients/{client_pk}": Write(),
    "PATCH /api/v1/clients/{client_pk}": Write({"name": "省低保核对系统（新）"}),
    "POST /api/v1/clients/{client_pk}/deactivate": Write(),
    "POST /api/v1/clients/{client_pk}/secret": Write(),
}
# Record routes checked by a test of their own below, with which.
ELSEWHERE = {
    "GET /api/v1/persons/{id_number}/profile": "test_the_profile_by_every_role_inside_and_outside",
}


async def test_accounts_and_clients_are_the_administrators_on_real_records(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens, db_connection: AsyncConnection
) -> None:
    admin = tokens.headers("admin")
    user = await client.post(
        "/api/v1/users",
        json={
            "username": unique("user-"),
            "display_name": "王五",
            "role": "township_officer",
            "area_codes": [access.DUOBAO],
            "password": PASSWORD,
        },
        headers=admin,
    )
    assert user.status_code == 201, user.text
    api_client = await client.post(
        "/api/v1/clients",
        json={
            "client_id": unique("system-"),
            "name": "省低保核对系统",
            "scopes": ["assistance:read"],
        },
        headers=admin,
    )
    assert api_client.status_code == 201, api_client.text
    records = Side(
        params={
            "/api/v1/users": {"user_id": user.json()["id"]},
            "/api/v1/clients": {"client_pk": api_client.json()["id"]},
        },
        id_numbers={},
    )
    failures = await access.admin_only_table(
        client,
        app,
        access.roles(tokens, "gateway"),
        admin,
        records,
        ADMIN_ROWS,
        rolled_back=access.savepoints(db_connection),
        elsewhere=ELSEWHERE,
    )
    assert not failures, "\n".join(failures)


PERSON = str(make_id_number(birth_date=date(1950, 4, 4)))


def _profile_sections(request: httpx.Request) -> httpx.Response:
    """The services' internal profile of PERSON: an enrolment in a village of 多宝镇."""
    service = request.url.host.split(".")[0]
    body: dict[str, Any] = {"id_number": PERSON, "name": "张大", "records": []}
    if service == "assistance":
        body["household"] = None
        body["records"] = [
            {
                "service": "assistance",
                "resource": "enrolment",
                "record_id": "e-1",
                "label": "农村低保",
                "area_code": "429006100201",
                "status": "active",
                "start": "2020-01",
                "end": None,
                "facts": {},
            }
        ]
    if service == "governance":
        body.update(name=None, volunteer_hours=[], total_hours="0.00")
    return httpx.Response(200, content=json.dumps(body, ensure_ascii=False).encode())


async def test_the_profile_by_every_role_inside_and_outside(
    client: httpx.AsyncClient, app: FastAPI, settings: ServiceSettings, tokens: Tokens
) -> None:
    assert isinstance(settings, GatewaySettings)
    configured = settings.model_copy(
        update={
            "assistance_url": "http://assistance.internal:8001",
            "welfare_url": "http://welfare.internal:8002",
            "governance_url": "http://governance.internal:8003",
        }
    )
    app.state.settings = configured
    peers = Peers.from_settings(
        configured, app.state.gateway_keys, transport=httpx.MockTransport(_profile_sections)
    )
    app.state.peers = peers
    url = f"/api/v1/persons/{PERSON}/profile"
    who = access.roles(tokens, "gateway")
    try:
        expected = {
            "anonymous": ({}, 401),
            "an integrator without scopes": (who.no_scope, 403),
            "an integrator with pii:read": (who.pii_reader, 403),
            "the auditor": (who.auditor, 200),
            "a city officer": (who.city, 200),
            "the officer inside": (who.inside, 200),
            "the officer of another township": (who.outside, 404),
        }
        for caller, (headers, wanted) in expected.items():
            response = await client.get(url, headers=headers)
            assert response.status_code == wanted, f"{caller}: {response.status_code}"
            # Only answers with data: a problem's ``instance`` repeats the path asked for,
            # the ID number the caller sent.
            if wanted == 200:
                assert PERSON not in response.text, caller
                assert not access.unmasked_id_numbers(response.text), caller
        full = await client.get(url, headers=tokens.headers("admin", scopes=["pii:read"]))
        assert full.status_code == 200
        assert PERSON in full.text
    finally:
        await peers.aclose()
