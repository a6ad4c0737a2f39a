"""Access to every operation of the service, enumerated from the app (see civil_cli.access)."""

import httpx
from fastapi import FastAPI

from civil_cli import access
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens

# Operations anyone may call, with why.
PUBLIC = {
    "GET /healthz": "liveness probe",
    "GET /readyz": "readiness probe",
}
# POSTs an auditor may make, with why.
AUDITOR_WRITES = {
    "POST /api/v1/high-age-allowances/preview": "a computation that stores nothing",
    "POST /api/v1/unsupported-children/qualification": "a computation that stores nothing",
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
    failures = await access.auditor_reads_but_never_writes(client, app, auditor, AUDITOR_WRITES)
    assert not failures, "\n".join(failures)


async def test_an_integrator_reads_only_what_its_scopes_grant(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    no_scope = tokens.headers("integrator")
    reader = tokens.headers("integrator", scopes=["welfare:read", "pii:read"])
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
    for who in (tokens.headers("integrator", scopes=["welfare:read"]), tokens.headers("auditor")):
        failures = await access.no_unmasked_id_numbers(client, app, who)
        assert not failures, "\n".join(failures)
