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
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from civil_cli.keys import DevKeys, mint_token
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

WRITES = frozenset({"post", "put", "patch", "delete"})
# Operations every service answers without a token: an orchestrator's probes carry none.
PROBES = {
    "GET /healthz": "liveness probe",
    "GET /readyz": "readiness probe",
}
# The two townships the record tables run on: the township officer's (多宝镇) and one
# beside it (拖市镇), whose records that officer must never see.
DUOBAO, TUOSHI = "429006100", "429006101"
#: Undoes what is done inside it (a savepoint): every row of a table starts from the
#: same records, and a write's 409 cannot come from the row before.
RolledBack = Callable[[], AbstractAsyncContextManager[None]]
# An 18-digit resident ID number shown in full (the masked form has asterisks).
ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9]{4}[0-9Xx](?![0-9])"
)


# Well-formed path values that name no record: a uuid, else the first a parameter's
# pattern takes (an area code: a path ``{code:area}`` matches no uuid, and would 404
# before the caller's token is looked at).
_NOBODYS = (str(uuid.UUID(int=1)), "429006999999")


def _nobodys(schema: Mapping[str, Any]) -> str:
    pattern = schema.get("pattern")
    if pattern is None:
        return _NOBODYS[0]
    return next((value for value in _NOBODYS if re.search(pattern, value)), _NOBODYS[0])


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    #: A value per path parameter its schema takes (``_nobodys``), by name.
    values: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def is_write(self) -> bool:
        return self.method in WRITES

    def url(self) -> str:
        """The path with a well-formed identifier in every parameter (a record nobody has)."""
        values = dict(self.values)
        return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), _NOBODYS[0]), self.path)


def operations(app: FastAPI) -> list[Operation]:
    """Every documented operation of the app, in a stable order."""
    found = [
        Operation(
            method,
            path,
            tuple(
                (parameter["name"], _nobodys(parameter.get("schema", {})))
                for parameter in item[method].get("parameters", [])
                if parameter["in"] == "path"
            ),
        )
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
    client: httpx.AsyncClient, app: FastAPI, keys: DevKeys, public: Mapping[str, str]
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
    client: httpx.AsyncClient,
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


async def refused_without_scopes(
    client: httpx.AsyncClient, app: FastAPI, headers: Mapping[str, str], public: Mapping[str, str]
) -> list[str]:
    """Every operation but the public ones answers 403 to a valid token with no scope: a
    system the bureau has registered reads nothing until it is granted something."""
    failures = []
    for op in operations(app):
        if op.key in public:
            continue
        got = (await client.request(op.method, op.url(), headers=dict(headers))).status_code
        if got != 403:
            failures.append(f"{op.key}: an integrator without scopes got {got}, expected 403")
    return failures


async def integrator_reads_by_its_scopes(
    client: httpx.AsyncClient,
    app: FastAPI,
    tokens: Tokens,
    service: str,
    auditor_writes: Mapping[str, str],
    public: Mapping[str, str],
) -> list[str]:
    """An integrator without scopes gets 403 everywhere; one granted ``<service>:read``
    (and pii:read) reads as an auditor does and writes nothing: reading never implies
    writing, whatever else it is granted."""
    failures = await refused_without_scopes(client, app, tokens.headers("integrator"), public)
    reader = tokens.headers("integrator", scopes=[f"{service}:read", "pii:read"])
    failures += await auditor_reads_but_never_writes(client, app, reader, auditor_writes)
    return failures


async def no_unmasked_id_numbers(
    client: httpx.AsyncClient, app: FastAPI, headers: Mapping[str, str]
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


# --- Table of every operation against real records --------------------------------------
#
# The checks above fill path parameters with an identifier nobody has, so a township
# officer's 404 there proves nothing about areas. ``record_table`` runs each operation
# against records the test made, one inside the officer's township and one outside it.


@dataclass
class Side:
    """Records of one township made by a test: path parameters per route prefix.

    A route's prefix is its path up to the first parameter
    (``/api/v1/orphans/{case_id}/status`` -> ``/api/v1/orphans``), so two resources
    that name their parameter alike (``worker_id``) never mix. ``id_numbers`` names,
    per prefix, the ID number the record's own GET shows (in full only with pii:read).
    """

    params: dict[str, dict[str, str]]
    id_numbers: dict[str, str]

    def url(self, path: str) -> str | None:
        """The path filled from this side's records, or None if it has none for it."""
        values = self.params.get(prefix(path))
        if values is None:
            return None
        try:
            return re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], path)
        except KeyError:
            return None


@dataclass(frozen=True)
class Write:
    """How a township officer's write of a record is sent, and what it answers inside.

    ``json`` must pass validation (else every caller gets 422 before the area check);
    ``status`` is what the officer of the record's township gets.
    """

    json: Any = None
    status: int = 200
    if_match: str | None = '"1"'
    #: Set for a write no township officer may make (city officers only): what both get.
    officers: int | None = None
    #: Set for a write kept to the bureau's staff (never an integrating system): what a
    #: ``<service>:write`` integrator gets instead of ``status``.
    integrator: int | None = None

    def body(self, inside: Side) -> Any:
        # A body naming the record itself (a PUT's certificate) is built from its side.
        return self.json(inside) if callable(self.json) else self.json


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def prefix(path: str) -> str:
    return path.split("/{", 1)[0]


async def _send(
    client: httpx.AsyncClient,
    op: Operation,
    write: Write | None,
    inside: Side,
    headers: Mapping[str, str],
    url: str,
) -> httpx.Response:
    extra = {} if write is None or write.if_match is None else {"If-Match": write.if_match}
    body = None if write is None else write.body(inside)
    return await client.request(op.method, url, headers={**headers, **extra}, json=body)


def _is_record_route(op: Operation) -> bool:
    return "{" in op.path and not op.path.startswith("/internal/")


@dataclass
class Roles:
    """The callers every row is tried with (headers), built once per table."""

    inside: dict[str, str]
    outside: dict[str, str]
    auditor: dict[str, str]
    city: dict[str, str]
    reader: dict[str, str]
    pii_reader: dict[str, str]
    no_scope: dict[str, str]
    writer: dict[str, str]


def roles(tokens: Tokens, service: str, area: str = DUOBAO, other_area: str = TUOSHI) -> Roles:
    return Roles(
        inside=tokens.headers("township_officer", area_codes=[area]),
        outside=tokens.headers("township_officer", area_codes=[other_area]),
        auditor=tokens.headers("auditor"),
        city=tokens.headers("city_officer"),
        reader=tokens.headers("integrator", scopes=[f"{service}:read"]),
        pii_reader=tokens.headers("integrator", scopes=[f"{service}:read", "pii:read"]),
        no_scope=tokens.headers("integrator"),
        writer=tokens.headers("integrator", scopes=[f"{service}:write"]),
    )


async def record_table(
    client: httpx.AsyncClient,
    app: FastAPI,
    who: Roles,
    inside: Side,
    outside: Side,
    writes: Mapping[str, Write],
    *,
    city_wide: Mapping[str, str],
    auditor_writes: Mapping[str, str],
    rolled_back: RolledBack,
) -> list[str]:
    """Every operation with a path parameter, tried by every role on real records.

    - anonymous 401; an integrator without scopes 403;
    - an auditor and a ``<service>:read`` integrator read (200) and never write (403);
      a ``<service>:write`` integrator writes as the officer inside (403 where
      ``Write.officers`` keeps the write to city officers, ``Write.integrator`` where
      the write is kept to the bureau's staff);
    - the officer of the record's township reads (200) and writes (``writes``' status);
      the officer of another township gets 404 for both, unless the prefix is in
      ``city_wide`` (records of the whole city, answered alike to both);
    - a record's own GET shows its ID number in full to pii:read only.

    ``rolled_back()`` is an async context manager undoing a write (a savepoint), so
    every row starts from the same records. A record route with no records in
    ``inside`` / ``outside``, or a write with no row in ``writes``, fails the check:
    a route added later cannot go unchecked.
    """
    ops = [op for op in operations(app) if _is_record_route(op)]
    failures = unlisted((op.key for op in ops if op.is_write), writes, "WRITES")
    failures += [
        f"city_wide names {p!r}, which is no route prefix"
        for p in city_wide
        if p not in {prefix(op.path) for op in ops}
    ]

    def expect(op: Operation, caller: str, got: int, wanted: int | tuple[int, ...]) -> None:
        allowed = wanted if isinstance(wanted, tuple) else (wanted,)
        if got not in allowed:
            failures.append(
                f"{op.key} as {caller}: {got}, expected {' or '.join(map(str, allowed))}"
            )

    for op in ops:
        url, other_url = inside.url(op.path), outside.url(op.path)
        if url is None or other_url is None:
            failures.append(
                f"{op.key}: no record for {prefix(op.path)!r} in the test's setup "
                "(make one inside the officer's township and one outside)"
            )
            continue
        write = writes.get(op.key, Write()) if op.is_write else None
        if op.is_write and op.key not in writes:
            failures.append(f"{op.key}: no row in WRITES (a valid body and the answer inside)")
            continue

        call = partial(_send, client, op, write, inside, url=url)

        expect(op, "anonymous", (await call({})).status_code, 401)
        expect(op, "an integrator without scopes", (await call(who.no_scope)).status_code, 403)
        city_wide_record = prefix(op.path) in city_wide
        if write is None:
            for caller, headers in (
                ("the auditor", who.auditor),
                ("a city officer", who.city),
                ("a reading integrator", who.reader),
                ("the officer inside", who.inside),
            ):
                response = await call(headers)
                expect(op, caller, response.status_code, 200)
                found = unmasked_id_numbers(response.text)
                if found:
                    failures.append(f"{op.key} as {caller}: ID number unmasked, {found[0][:6]}…")
            outside_got = (await call(who.outside)).status_code
            expect(
                op, "the officer of another township", outside_got, 200 if city_wide_record else 404
            )
            # And the other way: the other township's record to the officer inside.
            mirrored = (await call(who.inside, url=other_url)).status_code
            expect(
                op,
                "the officer inside, on the other record",
                mirrored,
                200 if city_wide_record else 404,
            )
            number = inside.id_numbers.get(prefix(op.path))
            if number and op.path.count("{") == 1 and op.path.endswith("}"):
                shown = (await call(who.pii_reader)).text
                if number not in shown:
                    failures.append(f"{op.key}: pii:read does not see the ID number in full")
            continue
        assert write is not None
        refused = 200 if op.key in auditor_writes else 403
        if op.key not in auditor_writes:
            expect(op, "the auditor", (await call(who.auditor)).status_code, refused)
            expect(op, "a reading integrator", (await call(who.reader)).status_code, 403)
        async with rolled_back():
            outside_got = (await call(who.outside)).status_code
        # An integrator granted <service>:write (the whole city) writes as the officer
        # inside does, but for writes kept to city officers.
        async with rolled_back():
            writer_got = (await call(who.writer)).status_code
        if write.officers is not None:
            expect(op, "the officer of another township", outside_got, write.officers)
            async with rolled_back():
                inside_got = (await call(who.inside)).status_code
            expect(op, "the officer inside", inside_got, write.officers)
            expect(op, "a writing integrator", writer_got, 403)
            continue
        if city_wide_record:
            async with rolled_back():
                inside_got = (await call(who.inside)).status_code
            expect(op, "the officer of another township", outside_got, inside_got)
            continue
        integrator = write.status if write.integrator is None else write.integrator
        expect(op, "a writing integrator", writer_got, integrator)
        expect(op, "the officer of another township", outside_got, 404)
        async with rolled_back():
            response = await call(who.inside)
        if response.status_code != write.status:
            failures.append(
                f"{op.key} as the officer inside: {response.status_code}, expected "
                f"{write.status}: {response.text[:300]}"
            )
        # A write answers the record as a read does: masked without pii:read.
        found = unmasked_id_numbers(response.text)
        if found:
            failures.append(f"{op.key} as the officer inside: ID number unmasked, {found[0][:6]}…")
    return failures


async def lists_keep_to_the_area(
    client: httpx.AsyncClient,
    app: FastAPI,
    who: Roles,
    inside: Side,
    outside: Side,
    city_wide: Iterable[str],
    queries: Mapping[str, Mapping[str, Any]] | None = None,
    area_code: str | None = None,
    not_listed: Mapping[str, str] | None = None,
) -> list[str]:
    """Every GET without a path parameter, for both officers: 200, and no record of the
    other township named in it (lists filtered in SQL, never leaked), even when asked for
    by ``area_code`` (the inside township's); a resource's own list shows the inside
    officer its record (but those ``not_listed`` names, with why); masked ID numbers.

    ``queries`` gives the query of a read that needs one (a year)."""
    queries = queries or {}
    shared = set(city_wide)

    def record_ids(side: Side) -> set[str]:
        # Only identifiers: an area code or a kind in a path says nothing when listed.
        return {
            value
            for p, values in side.params.items()
            if p not in shared
            for value in values.values()
            if _UUID.fullmatch(value)
        }

    mine, theirs = record_ids(inside), record_ids(outside)
    skip = not_listed or {}
    failures = []
    for op in operations(app):
        if op.method != "get" or "{" in op.path or not op.path.startswith("/api/"):
            continue
        for caller, headers, foreign in (
            ("the officer inside", who.inside, theirs),
            ("the officer of another township", who.outside, mine),
        ):
            response = await client.get(op.path, params=queries.get(op.key), headers=headers)
            if response.status_code != 200:
                failures.append(f"{op.key} as {caller}: {response.status_code}, expected 200")
                continue
            leaked = [value for value in foreign if value in response.text]
            if leaked:
                failures.append(f"{op.key} as {caller}: shows {leaked[0]} of another township")
            found = unmasked_id_numbers(response.text)
            if found:
                failures.append(f"{op.key} as {caller}: ID number unmasked, {found[0][:6]}…")
            own = {
                value for value in inside.params.get(op.path, {}).values() if _UUID.fullmatch(value)
            }
            listed = set(_UUID.findall(response.text))
            if caller == "the officer inside" and own and not own & listed and op.path not in skip:
                failures.append(f"{op.key} as {caller}: the township's own record is not listed")
        if area_code is not None:
            # Asking by the other township's code filters within the caller's areas.
            asked = {**queries.get(op.key, {}), "area_code": area_code}
            response = await client.get(op.path, params=asked, headers=who.outside)
            leaked = [value for value in mine if value in response.text]
            if response.status_code >= 500 or leaked:
                failures.append(
                    f"{op.key}?area_code={area_code} as the officer of another township: "
                    f"{response.status_code}{', shows ' + leaked[0] if leaked else ''}"
                )
    return failures


async def admin_only_table(
    client: httpx.AsyncClient,
    app: FastAPI,
    who: Roles,
    admin: Mapping[str, str],
    records: Side,
    rows: Mapping[str, Write],
    *,
    rolled_back: RolledBack,
    elsewhere: Mapping[str, str],
) -> list[str]:
    """Every operation with a path parameter of an administrator's resource (accounts,
    API clients), on real records: anonymous 401, every other role 403 (township officers
    of both areas, auditor, city officer, integrators with or without scopes), the
    administrator the row's status. ``rows`` names every GET and write (a GET's status is
    ``Write().status``, 200); ``elsewhere`` the record routes another test covers, with
    where, so that a route added later fails here until it has a row in either."""
    ops = [op for op in operations(app) if _is_record_route(op)]
    keys = {op.key for op in ops}
    failures = unlisted(keys, rows, "ADMIN_ROWS") + unlisted(keys, elsewhere, "ELSEWHERE")
    for op in ops:
        if op.key in elsewhere:
            continue
        row = rows.get(op.key)
        url = records.url(op.path)
        if row is None or url is None:
            failures.append(f"{op.key}: no row in ADMIN_ROWS or no record for it in the setup")
            continue
        write = row if op.is_write else None
        call = partial(_send, client, op, write, records, url=url)
        expect_status: dict[str, tuple[Mapping[str, str], int]] = {"anonymous": ({}, 401)}
        for caller, headers in (
            ("the auditor", who.auditor),
            ("a city officer", who.city),
            ("a township officer", who.inside),
            ("a township officer elsewhere", who.outside),
            ("an integrator without scopes", who.no_scope),
            ("an integrator with pii:read", who.pii_reader),
        ):
            expect_status[caller] = (headers, 403)
        for caller, (sent, wanted) in expect_status.items():
            async with rolled_back():
                got = (await call(sent)).status_code
            if got != wanted:
                failures.append(f"{op.key} as {caller}: {got}, expected {wanted}")
        async with rolled_back():
            response = await call(admin)
        if response.status_code != row.status:
            failures.append(
                f"{op.key} as the administrator: {response.status_code}, expected "
                f"{row.status}: {response.text[:300]}"
            )
    return failures


class Maker:
    """Makes a test's records as a city officer, keeping the first body sent to each
    collection (``POST /api/v1/orphans``) for ``creates_keep_to_the_area``."""

    def __init__(self, client: httpx.AsyncClient, headers: Mapping[str, str]) -> None:
        self.client = client
        self.headers = dict(headers)
        self.creates: dict[str, Any] = {}

    async def send(self, method: str, url: str, body: Any, status: int = 201) -> Any:
        response = await self.client.request(method, url, json=body, headers=self.headers)
        assert response.status_code == status, f"{url}: {response.status_code} {response.text}"
        if method == "POST" and "{" not in url:
            self.creates.setdefault(f"POST {url}", body)
        return response.json() if response.content else None

    async def post(self, url: str, body: Any) -> Any:
        return await self.send("POST", url, body)


class TownshipRecords:
    """Makes one township's records through ``maker``, noting each in the ``Side`` the
    tables run on: without the note a record route has no record and the table fails."""

    def __init__(self, maker: Maker) -> None:
        self.maker = maker
        self.params: dict[str, dict[str, str]] = {}
        self.id_numbers: dict[str, str] = {}

    async def record(
        self, collection: str, body: Any, *, param: str, shows: str | None = None
    ) -> Any:
        """POST ``body`` to ``collection``: the record's id fills ``{param}`` of the
        routes under it, and ``shows`` is the ID number its own GET shows."""
        made = await self.maker.post(collection, body)
        self.params[collection] = {param: made["id"]}
        if shows is not None:
            self.id_numbers[collection] = shows
        return made

    def side(self) -> Side:
        return Side(params=self.params, id_numbers=self.id_numbers)


def person(birth: date) -> str:
    """An ID number born on ``birth`` or up to 200 days before: one date gives only 500
    numbers, and a register refuses a person twice (a household, a case of one cause a
    year), so each record's person has a date of their own."""
    return str(make_id_number(birth_date=birth - timedelta(days=secrets.randbelow(200))))


async def creates_keep_to_the_area(
    client: httpx.AsyncClient,
    app: FastAPI,
    who: Roles,
    creates: Mapping[str, Any],
    *,
    rolled_back: RolledBack,
    elsewhere: Mapping[str, str],
    inside_answers: Mapping[str, tuple[int, ...]] | None = None,
    outside_answers: Mapping[str, int] | None = None,
) -> list[str]:
    """Every create (a POST to a collection), with the body that made the record inside
    the officer's township: the officer of another township gets 403 (the platform's
    ``*_AREA_FORBIDDEN``: nothing exists yet to hide; never a 409 that would confirm the
    record, nor a 201), the officer inside gets past the area check (201, or the record's
    own 409 as it exists already; ``inside_answers`` for creates only city officers make;
    ``outside_answers`` 404 for a create naming a record of the township, which is not
    found, as on a read).
    ``elsewhere`` names the creates not made so (imports, computations), with why; any
    other create without a body fails."""
    inside_answers = inside_answers or {}
    ops = [
        op
        for op in operations(app)
        if op.method == "post" and "{" not in op.path and op.path.startswith("/api/")
    ]
    keys = {op.key for op in ops}
    failures = unlisted(keys, elsewhere, "CREATES_ELSEWHERE")
    for op in ops:
        if op.key in elsewhere:
            continue
        if op.key not in creates:
            failures.append(
                f"{op.key}: no record made through it in the setup; if it is not a create "
                f"in an area, add {op.key!r}: '<why>' to CREATES_ELSEWHERE"
            )
            continue
        body = creates[op.key]
        async with rolled_back():
            got = (await client.post(op.path, json=body, headers=who.outside)).status_code
        wanted = (outside_answers or {}).get(op.key, 403)
        if got != wanted:
            failures.append(f"{op.key} by the officer of another township: {got}, not {wanted}")
        async with rolled_back():
            response = await client.post(op.path, json=body, headers=who.inside)
        if response.status_code not in inside_answers.get(op.key, (201, 409)):
            failures.append(
                f"{op.key} by the officer inside: {response.status_code}: {response.text[:300]}"
            )
        found = unmasked_id_numbers(response.text)
        if found:
            failures.append(f"{op.key} by the officer inside: ID number unmasked, {found[0][:6]}…")
    return failures


# --- One service's tables on records of both townships ----------------------------------
#
# What every service's ``test_access.py`` ran alike: records made in both townships by a
# city officer, then the record table, the lists, the creates and the masking scans. A
# service keeps only its records (``township`` / ``city``) and its answers (``Tables``).


def savepoints(connection: AsyncConnection) -> RolledBack:
    """``rolled_back`` for the tables, on the test's connection (whose transaction the
    plugin rolls back at the end): each use is a savepoint undone on leaving."""

    @asynccontextmanager
    async def rolled_back() -> AsyncIterator[None]:
        savepoint = await connection.begin_nested()
        try:
            yield
        finally:
            await savepoint.rollback()

    return rolled_back


@dataclass
class Townships:
    """The records a test made: ``inside`` 多宝镇, ``outside`` 拖市镇, each also naming
    the city's records, and the first body sent to each collection (``Maker.creates``)."""

    inside: Side
    outside: Side
    creates: dict[str, Any]


async def records_in_both_townships(
    client: httpx.AsyncClient,
    tokens: Tokens,
    township: Callable[[Maker, str], Awaitable[Side]],
    city: Callable[[Maker], Awaitable[dict[str, dict[str, str]]]],
) -> Townships:
    """``township`` run for 多宝镇 and then 拖市镇, and ``city`` once: both sides name the
    city's records, as every township officer reaches them alike (``Tables.city_wide``).

    Made by a city officer, who may make records in either township."""
    maker = Maker(client, tokens.headers("city_officer"))
    inside = await township(maker, DUOBAO)
    outside = await township(maker, TUOSHI)
    shared = await city(maker)
    inside.params.update(shared)
    outside.params.update(shared)
    return Townships(inside, outside, maker.creates)


@dataclass(frozen=True)
class Tables:
    """A service's own answers, each table naming, with why, where it differs from the rule.

    - ``writes``: how each write of a record is sent and what it answers inside (``Write``);
    - ``city_wide``: route prefixes of the city's records, alike to every township officer;
    - ``auditor_writes``: writes an auditor may make (computations that store nothing);
    - ``creates_elsewhere``: creates not made with a township's body (imports);
    - ``city_creates``: creates only city officers make, with what both officers get;
    - ``pii_list``: a list whose record's ID number pii:read sees in full (``Side.id_numbers``);
    - ``queries``: the query of a read that needs one;
    - ``not_listed``: lists that do not show the setup's identifiers;
    - ``creates_of_a_record``: creates naming a record of the township, with the outside answer.
    """

    writes: Mapping[str, Write]
    city_wide: Mapping[str, str]
    auditor_writes: Mapping[str, str]
    creates_elsewhere: Mapping[str, str]
    city_creates: Mapping[str, tuple[int, ...]]
    pii_list: str
    queries: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    not_listed: Mapping[str, str] = field(default_factory=dict)
    creates_of_a_record: Mapping[str, int] = field(default_factory=dict)


async def every_role_in_both_townships(
    client: httpx.AsyncClient,
    app: FastAPI,
    tokens: Tokens,
    service: str,
    records: Townships,
    tables: Tables,
    rolled_back: RolledBack,
) -> list[str]:
    """``record_table``, ``lists_keep_to_the_area`` (asked also by 多宝镇's code) and
    ``creates_keep_to_the_area`` on the records, then every list scanned for unmasked ID
    numbers as each caller without pii:read that sees the whole city.

    The scans pass on a list that never shows an ID number at all, so first ``pii_list``
    is read with pii:read: the record's number is there in full, and masked to the rest."""
    who = roles(tokens, service)
    inside, outside = records.inside, records.outside
    failures = await record_table(
        client,
        app,
        who,
        inside,
        outside,
        tables.writes,
        city_wide=tables.city_wide,
        auditor_writes=tables.auditor_writes,
        rolled_back=rolled_back,
    )
    failures += await lists_keep_to_the_area(
        client,
        app,
        who,
        inside,
        outside,
        tables.city_wide,
        tables.queries,
        area_code=DUOBAO,
        not_listed=tables.not_listed,
    )
    failures += await creates_keep_to_the_area(
        client,
        app,
        who,
        records.creates,
        rolled_back=rolled_back,
        elsewhere=tables.creates_elsewhere,
        inside_answers=tables.city_creates,
        outside_answers=tables.creates_of_a_record,
    )
    full = await client.get(tables.pii_list, headers=tokens.headers("admin", scopes=["pii:read"]))
    if inside.id_numbers[tables.pii_list] not in full.text:
        failures.append(f"GET {tables.pii_list} with pii:read: the record's ID number not in full")
    for headers in (who.auditor, who.reader, who.city):
        failures += await no_unmasked_id_numbers(client, app, headers)
    return failures


# --- A path of its own beside an id path ------------------------------------------------


async def literal_path_lacks(
    client: httpx.AsyncClient, headers: Mapping[str, str], method: str, path: str, allow: str
) -> list[str]:
    """A path of its own beside a resource's id path (``/visits/import`` beside
    ``/visits/{visit_id}``) answers a method it lacks with its own 405, not a 422 (or a
    404) of a record whose id would be "import": the id paths match uuids (or area codes)
    only. ``allow`` is the literal path's own methods, not the id path's beside it."""
    response = await client.request(method, path, headers=dict(headers))
    if response.status_code != 405:
        return [f"{method} {path}: {response.status_code}, expected 405: {response.text[:300]}"]
    failures = []
    code = response.json().get("code")
    if code != "METHOD_NOT_ALLOWED":
        failures.append(f"{method} {path}: code {code!r}, expected 'METHOD_NOT_ALLOWED'")
    if response.headers.get("allow") != allow:
        failures.append(f"{method} {path}: Allow {response.headers.get('allow')!r}, not {allow!r}")
    return failures
