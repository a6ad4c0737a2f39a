"""PostgreSQL goes away under load and comes back: readiness follows it, no write is lost.

The four services run as real processes on a PostgreSQL server of this test's
own (never the machine's shared one): writers keep registering households,
disabled persons and training batches through the gateway while the server is
stopped (``-m fast``: every session cut, as at a crash or failover) and started
again. Every service's ``/readyz`` must turn 503 while it is down and 200 once
it is back; every write the platform acknowledged (2xx) must be in the
database afterwards, and a write refused meanwhile must be refused as
"unavailable, try again" (503), not as a server error.

``CIVIL_FAULT_CYCLES`` and ``CIVIL_FAULT_LOAD_S`` (``make faults``) make it longer.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import asyncpg  # type: ignore[import-untyped]  # ships no type information
import httpx
import pytest

from civil_cli import database
from civil_cli.processes import LocalPlatform, PrivatePostgres
from civil_cli.traffic import TABLES, NewRecords

CYCLES = int(os.environ.get("CIVIL_FAULT_CYCLES", "1"))
#: Seconds of writes before the first stop, between cycles and after the last start.
LOAD_S = float(os.environ.get("CIVIL_FAULT_LOAD_S", "2"))
WRITERS = 6
#: How long the server stays down once every service has noticed.
DOWN_S = 1.5
#: How long a service may take to notice, either way.
NOTICE_S = 30.0


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres.in_temporary_folder() as server:
        yield server


@pytest.fixture(scope="module")
def platform_server_url(private_postgres: PrivatePostgres) -> str:
    return private_postgres.url


@dataclass
class Tally:
    """What the writers were told, per service."""

    acknowledged: dict[str, set[str]] = field(
        default_factory=lambda: {service: set() for service in TABLES}
    )
    #: Refused or lost writes: may or may not have committed (a cut during COMMIT).
    unknown: Counter[str] = field(default_factory=Counter)
    refusals: Counter[tuple[int, str]] = field(default_factory=Counter)
    acknowledged_after: dict[str, float] = field(default_factory=dict)


async def write_until(
    stop: asyncio.Event, client: httpx.AsyncClient, records: NewRecords, tally: Tally, first: int
) -> None:
    services = list(TABLES)
    turn = first
    while not stop.is_set():
        write = records.of(services[turn % len(services)])
        turn += 1
        try:
            response = await client.post(write.path, json=write.body)
        except httpx.TransportError as exc:
            tally.unknown[write.service] += 1
            tally.refusals[(0, type(exc).__name__)] += 1
            continue
        if response.is_success:
            tally.acknowledged[write.service].add(response.json()["id"])
            tally.acknowledged_after[write.service] = time.monotonic()
        else:
            tally.unknown[write.service] += 1
            code = response.json().get("code", "?") if response.content else "?"
            tally.refusals[(response.status_code, code)] += 1
            await asyncio.sleep(0.05)  # a client told to come back later does not hammer


async def readiness(client: httpx.AsyncClient, platform: LocalPlatform) -> dict[str, int]:
    async def one(name: str) -> int:
        try:
            return (await client.get(platform.url(name, "/readyz"), timeout=5)).status_code
        except httpx.TransportError:
            return 0

    names = list(platform.specs)
    return dict(zip(names, await asyncio.gather(*(one(n) for n in names)), strict=True))


async def wait_for_readiness(
    client: httpx.AsyncClient, platform: LocalPlatform, status: int
) -> dict[str, float]:
    """Seconds until each service's /readyz answered ``status``."""
    started = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < len(platform.specs):
        for name, answer in (await readiness(client, platform)).items():
            if answer == status and name not in seen:
                seen[name] = time.monotonic() - started
        waiting = sorted(set(platform.specs) - set(seen))
        assert time.monotonic() - started < NOTICE_S, f"{waiting} never answered {status}"
        await asyncio.sleep(0.1)
    return seen


async def rows(platform: LocalPlatform, service: str) -> set[str]:
    connection = await asyncpg.connect(database.libpq_url(platform.database_urls[service]))
    try:
        found = await connection.fetch(f"SELECT id::text AS id FROM {TABLES[service]}")  # noqa: S608
    finally:
        await connection.close()
    return {row["id"] for row in found}


async def test_a_database_restart_under_load_turns_readiness_red_then_green_and_loses_no_write(
    local_services: LocalPlatform, private_postgres: PrivatePostgres
) -> None:
    token = local_services.token("city_officer")
    tally = Tally()
    stop = asyncio.Event()
    async with (
        httpx.AsyncClient(
            base_url=local_services.url("gateway"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ) as writer,
        httpx.AsyncClient() as prober,
    ):
        records = NewRecords()
        writers = [
            asyncio.create_task(write_until(stop, writer, records, tally, first))
            for first in range(WRITERS)
        ]
        try:
            await asyncio.sleep(LOAD_S)
            red, green = [], []
            for _ in range(CYCLES):
                await asyncio.to_thread(private_postgres.stop)
                red.append(await wait_for_readiness(prober, local_services, 503))
                await asyncio.sleep(DOWN_S)
                await asyncio.to_thread(private_postgres.start)
                back = time.monotonic()
                green.append(await wait_for_readiness(prober, local_services, 200))
                await asyncio.sleep(LOAD_S)
        finally:
            stop.set()
            await asyncio.gather(*writers)

    assert len(red) == len(green) == CYCLES  # every service went red, then green, each time
    for service in TABLES:
        present = await rows(local_services, service)
        acknowledged = tally.acknowledged[service]
        assert acknowledged, f"no {service} write succeeded at all"
        lost = acknowledged - present
        assert not lost, f"{len(lost)} acknowledged {service} writes are missing"
        # A row nobody was told about may come only from a write cut during its COMMIT.
        assert len(present - acknowledged) <= tally.unknown[service]
        assert tally.acknowledged_after[service] > back, f"{service} writes did not resume"
    # What make faults shows (-s): how quickly readiness followed, what the writers saw.
    print(
        f"\n{CYCLES} restarts: /readyz red within {max(max(r.values()) for r in red):.1f} s, "
        f"green within {max(max(g.values()) for g in green):.1f} s; acknowledged writes "
        f"{ {s: len(ids) for s, ids in tally.acknowledged.items()} }, all present; "
        f"refused {dict(tally.refusals)}"
    )
    refused_how = {status for status, _ in tally.refusals}
    assert refused_how <= {503}, f"refusals while the database was away: {dict(tally.refusals)}"
