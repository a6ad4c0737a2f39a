"""Access to every operation of the service, enumerated from the app (see civil_cli.access)."""

import httpx
from fastapi import FastAPI

from civil_cli import access
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens

# Operations anyone may call, with why.
PUBLIC = {
    "GET /.well-known/jwks.json": "the public keys every service verifies tokens with",
    "POST /api/v1/auth/token": "signing in: the caller has no token yet",
    "GET /healthz": "liveness probe",
    "GET /readyz": "readiness probe",
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
