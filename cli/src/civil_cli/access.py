"""Access checks over every operation of a service, enumerated from the app itself.

A service's ``test_access.py`` calls these with its app; a route added later is
checked without anyone listing it, and a route that must differ (public, or a
write an auditor may do) has to be named in the service's table, or the test
fails saying which line to add.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI

from civil_cli.keys import DevKeys, mint_token

WRITES = frozenset({"post", "put", "patch", "delete"})
# An 18-digit resident ID number shown in full (the masked form has asterisks).
ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9])"
)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def is_write(self) -> bool:
        return self.method in WRITES

    def url(self) -> str:
        """The path with a well-formed identifier in every parameter (a record nobody has)."""
        return re.sub(r"\{[^}]+\}", lambda _: str(uuid.UUID(int=1)), self.path)


def operations(app: FastAPI) -> list[Operation]:
    """Every documented operation of the app, in a stable order."""
    found = [
        Operation(method, path)
        for path, item in app.openapi()["paths"].items()
        for method in item
        if method in {"get", *WRITES}
    ]
    return sorted(found, key=lambda op: op.key)


def unlisted(keys: Iterable[str], table: Mapping[str, Any], table_name: str) -> list[str]:
    """Table entries naming no operation any more (a renamed or removed route)."""
    present = set(keys)
    return [f"{table_name} names {key!r}, which is no route" for key in table if key not in present]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def bad_tokens(keys: DevKeys) -> dict[str, str]:
    """Tokens every service must refuse with 401: one per way of forging or misusing one."""
    good = mint_token(keys, sub="forger", roles=["admin"], scopes=["pii:read"])
    header, payload, signature = good.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    now = datetime.now(UTC).replace(microsecond=0)
    expired = {**claims, "iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)}
    other_audience = {
        **claims,
        "aud": "another-platform",
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    unsigned_header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return {
        "bad signature": f"{header}.{payload}.{flipped}",
        "alg none": f"{unsigned_header}.{payload}.",
        "expired": keys.signing_key.sign(expired),
        "another audience": keys.signing_key.sign(other_audience),
    }


def unmasked_id_numbers(text: str) -> list[str]:
    return ID_NUMBER.findall(text)


async def refused_without_a_valid_token(
    client: Any, app: FastAPI, keys: DevKeys, public: Mapping[str, str]
) -> list[str]:
    """Every operation but the public ones answers 401 to no token and to each forged one."""
    ops = operations(app)
    failures = unlisted((op.key for op in ops), public, "PUBLIC")
    forged = bad_tokens(keys)
    for op in ops:
        if op.key in public:
            continue
        for name, token in {"no token": None, **forged}.items():
            headers = {} if token is None else {"Authorization": f"Bearer {token}"}
            response = await client.request(op.method, op.url(), headers=headers)
            if response.status_code != 401:
                failures.append(f"{op.key} with {name}: {response.status_code}, expected 401")
    return failures


async def auditor_reads_but_never_writes(
    client: Any,
    app: FastAPI,
    headers: Mapping[str, str],
    auditor_writes: Mapping[str, str],
    refused_reads: Mapping[str, str] | None = None,
    public: Mapping[str, str] | None = None,
) -> list[str]:
    """An auditor is refused (403) every write but those the table allows, and no read
    but those ``refused_reads`` names (and internal ones, which are for services)."""
    refused_reads = refused_reads or {}
    public = public or {}
    ops = operations(app)
    failures = unlisted((op.key for op in ops), auditor_writes, "AUDITOR_WRITES")
    failures += unlisted((op.key for op in ops), refused_reads, "AUDITOR_REFUSED_READS")
    for op in ops:
        if op.key in public:
            continue
        response = await client.request(op.method, op.url(), headers=dict(headers))
        got = response.status_code
        if op.is_write and op.key not in auditor_writes:
            if got != 403:
                failures.append(
                    f"{op.key}: an auditor got {got}, expected 403; if auditors may do it, "
                    f"add {op.key!r}: '<why>' to AUDITOR_WRITES"
                )
        elif op.path.startswith("/internal/") or op.key in refused_reads:
            # Internal calls are for other services' tokens, never a person's.
            if got != 403:
                failures.append(f"{op.key}: an auditor got {got}, expected 403")
        elif got in (401, 403):
            failures.append(
                f"{op.key}: an auditor may read, got {got}; if only some roles may, "
                f"add {op.key!r}: '<why>' to AUDITOR_REFUSED_READS"
            )
    return failures


async def no_unmasked_id_numbers(
    client: Any, app: FastAPI, headers: Mapping[str, str]
) -> list[str]:
    """Every list (a GET without path parameters) shows ID numbers masked to this caller."""
    failures = []
    for op in operations(app):
        if op.method != "get" or "{" in op.path:
            continue
        response = await client.get(op.path, headers=dict(headers))
        found = unmasked_id_numbers(response.text)
        if found:
            failures.append(f"{op.key}: {len(found)} ID numbers unmasked, e.g. {found[0][:6]}…")
    return failures
