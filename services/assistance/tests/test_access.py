"""Access to every operation of the service, enumerated from the app (see civil_cli.access)."""

import httpx
from fastapi import FastAPI

from civil_cli import access
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

# Operations anyone may call, with why.
PUBLIC = {
    "GET /healthz": "liveness probe",
    "GET /readyz": "readiness probe",
}
# Writes an auditor may make, with why (none: auditors read).
AUDITOR_WRITES: dict[str, str] = {}
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"


async def test_every_operation_refuses_anonymous_and_forged_tokens(
    client: httpx.AsyncClient, app: FastAPI, test_keys: DevKeys
) -> None:
    failures = await access.refused_without_a_valid_token(client, app, test_keys, PUBLIC)
    assert not failures, "\n".join(failures)


async def test_an_auditor_reads_everything_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    auditor = tokens.headers("auditor")
    failures = await access.auditor_reads_but_never_writes(client, app, auditor, AUDITOR_WRITES)
    assert not failures, "\n".join(failures)


async def test_an_integrator_reads_only_what_its_scopes_grant(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    no_scope = tokens.headers("integrator")
    reader = tokens.headers("integrator", scopes=["assistance:read", "pii:read"])
    for op in access.operations(app):
        if op.key in PUBLIC:
            continue
        got = (await client.request(op.method, op.url(), headers=no_scope)).status_code
        assert got == 403, f"{op.key}: an integrator without scopes got {got}"
    failures = await access.auditor_reads_but_never_writes(client, app, reader, AUDITOR_WRITES)
    assert not failures, "\n".join(failures)


async def test_lists_show_id_numbers_masked_without_pii_read(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    person = {"id_number": str(make_id_number()), "name": "受助人"}
    enrolled = await client.post(
        "/api/v1/enrolments",
        json={
            "programme": "rural_dibao",
            "area_code": DUOBAO_VILLAGE,
            "payee": person,
            "people": [person],
            "monthly_amount": "520.00",
            "start_period": "2020-01",
        },
        headers=tokens.headers("city_officer"),
    )
    assert enrolled.status_code == 201, enrolled.text
    full = await client.get(
        "/api/v1/enrolments", headers=tokens.headers("admin", scopes=["pii:read"])
    )
    assert person["id_number"] in full.text  # the scan below would see it unmasked

    for who in (
        tokens.headers("integrator", scopes=["assistance:read"]),
        tokens.headers("auditor"),
        tokens.headers("city_officer"),
        tokens.headers("township_officer", area_codes=[DUOBAO]),
    ):
        failures = await access.no_unmasked_id_numbers(client, app, who)
        assert not failures, "\n".join(failures)


async def test_a_township_officer_sees_nothing_of_another_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = {"id_number": str(make_id_number()), "name": "受助人"}
    enrolled = await client.post(
        "/api/v1/enrolments",
        json={
            "programme": "rural_dibao",
            "area_code": DUOBAO_VILLAGE,
            "payee": person,
            "people": [person],
            "monthly_amount": "520.00",
            "start_period": "2020-01",
        },
        headers=tokens.headers("city_officer"),
    )
    url = f"/api/v1/enrolments/{enrolled.json()['id']}"
    inside = tokens.headers("township_officer", area_codes=[DUOBAO])
    outside = tokens.headers("township_officer", area_codes=["429006101"])

    assert (await client.get(url, headers=inside)).status_code == 200
    assert (await client.get(url, headers=outside)).status_code == 404
    listed = await client.get("/api/v1/enrolments", headers=outside)
    assert enrolled.json()["id"] not in listed.text
