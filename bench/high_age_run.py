"""Benchmark: a monthly high-age allowance run over N recipients, service vs hand-written SQL.

Measures, in one run on one fresh welfare database holding N recipients on the
register (birth years spread over the tiers, a few still under the first tier's
age that month, a few suspended or stopped), the 2020 tier ages (80/90/100 from
the migration) and the three monthly amounts set as parameters:

- baseline: a hand-written ``INSERT … SELECT`` of the same lines: the tier from
  the birth date in the ID number against the month's cut-offs computed
  beforehand, the same register conditions, in one transaction;
- service: ``POST /api/v1/disbursement-runs`` (``high_age``) on the real welfare
  service (uvicorn subprocess): parameter look-up, the exactly-once guard, the
  run's ``INSERT … SELECT``, its totals and audit, commit.

The baseline's run is rolled back once timed, and the service then pays the
same month. Prints both times, the ratio (target: at most 1.5), the service's peak
RSS, and checks the two wrote the same number of lines and the same total.

    uv run python -m bench.high_age_run [--recipients 500000] [--runs 3]

Uses TEST_DATABASE_URL's server, or the embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import random
import statistics
import time
from datetime import date
from decimal import Decimal

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.service import running_service, timed
from civil_cli import database
from civil_shared.runtime.migrations import upgrade
from civil_shared.testing.factories import TIANMEN_TOWNSHIP_SUFFIXES
from civil_shared.types import Period, id_check_char
from civil_welfare.elderly.ages import latest_birth_for_age

DB = "bench_welfare_high_age"
#: Monthly amounts by tier (yuan): the report gives none, so these are the bench's own.
AMOUNTS = (Decimal("50.00"), Decimal("100.00"), Decimal("300.00"))
TIER_AGES = (80, 90, 100)
TOWNSHIPS = [f"429006{s}" for s in TIANMEN_TOWNSHIP_SUFFIXES[:25]]

BASELINE = """
WITH run AS (
    INSERT INTO disbursement_run (programme, period, created_by, status, line_count,
                                  persons, total_amount)
    VALUES ('high_age', $1, 'bench', 'draft', 0, 0, 0) RETURNING id
), lines AS (
    SELECT a.id, a.id_number, a.name, a.area_code,
           CASE WHEN substr(a.id_number, 7, 8) COLLATE "C" <= $4 THEN $7::numeric(14, 2)
                WHEN substr(a.id_number, 7, 8) COLLATE "C" <= $3 THEN $6::numeric(14, 2)
                WHEN substr(a.id_number, 7, 8) COLLATE "C" <= $2 THEN $5::numeric(14, 2)
           END AS amount
    FROM high_age_allowance AS a
    WHERE a.start_period <= $1 AND (a.end_period IS NULL OR a.end_period >= $1)
      AND a.status <> 'suspended'
)
INSERT INTO disbursement_line (run_id, source_id, payee_id_number, payee_name, area_code,
                               persons, amount)
SELECT run.id, lines.id, lines.id_number, lines.name, lines.area_code, 1, lines.amount
FROM lines, run
WHERE lines.amount IS NOT NULL
"""


#: (id_number, name, area_code, start, end, status, stop_reason, stop_date)
Recipient = tuple[str, str, str, str, str | None, str, str | None, date | None]


def recipients(count: int) -> list[Recipient]:
    """The register: (id_number, name, area_code, start, end, status, stop_reason, stop_date)."""
    rng = random.Random(2020)  # noqa: S311 - sample data, not secrets
    rows: list[Recipient] = []
    for index in range(count):
        # Born 1912–1942: 78 to 108 in 2020, most in the first tier, some under it.
        born = date(
            1912 + rng.choices(range(31), weights=[1] * 8 + [4] * 10 + [20] * 11 + [2] * 2)[0],
            1 + index % 12,
            1 + index % 28,
        )
        # The index in the region and sequence digits keeps every number unique.
        first17 = f"42{index // 1000:04d}{born:%Y%m%d}{index % 1000:03d}"
        number = first17 + id_check_char(first17)
        township = TOWNSHIPS[index % len(TOWNSHIPS)]
        area = f"{township}{200 + index % 30:03d}"
        roll = index % 100
        if roll == 0:
            rows.append((number, f"老人{index}", area, "2019-01", None, "suspended", None, None))
        elif roll == 1:
            rows.append(
                (
                    number,
                    f"老人{index}",
                    area,
                    "2019-01",
                    "2019-12",
                    "stopped",
                    "death",
                    date(2019, 12, 20),
                )
            )
        else:
            rows.append((number, f"老人{index}", area, "2019-01", None, "active", None, None))
    return rows


async def prepare(url: str, count: int) -> None:
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        await connection.copy_records_to_table(
            "high_age_allowance",
            records=recipients(count),
            columns=(
                "id_number",
                "name",
                "area_code",
                "start_period",
                "end_period",
                "status",
                "stop_reason",
                "stop_date",
            ),
        )
        for key, amount in zip(("tier1", "tier2", "tier3"), AMOUNTS, strict=True):
            await connection.execute(
                "INSERT INTO welfare_parameter (key, year, area_code, value, effective_date,"
                " source) VALUES ($1, 2020, '429006', $2, '2020-01-01', 'bench')",
                f"high_age_{key}_allowance",
                amount,
            )
        await connection.execute("ANALYZE high_age_allowance")
    finally:
        await connection.close()


async def baseline(url: str, period: Period) -> tuple[float, int, Decimal]:
    """Time the hand-written run of ``period``, count its lines, and roll it back, so
    the service then pays the very same month."""
    cut_offs = [f"{latest_birth_for_age(period.last_day, age):%Y%m%d}" for age in TIER_AGES]
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        transaction = connection.transaction()
        started = time.perf_counter()
        await transaction.start()
        await connection.execute(BASELINE, str(period), *cut_offs, *AMOUNTS)
        elapsed = time.perf_counter() - started
        lines, total = await connection.fetchrow(
            "SELECT count(*), sum(l.amount) FROM disbursement_line AS l"
            " JOIN disbursement_run AS r ON r.id = l.run_id WHERE r.period = $1",
            str(period),
        )
        await transaction.rollback()
        return elapsed, lines, total
    finally:
        await connection.close()


def post_run(client: httpx.Client, body: dict[str, str]) -> httpx.Response:
    return client.post("/api/v1/disbursement-runs", json=body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=3, help="pairs of runs, each a new month")
    args = parser.parse_args()

    server = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    database.drop_database(server, DB)
    database.ensure_database(server, DB)
    url = database.database_url(server, DB)
    ratios: list[float] = []
    try:
        upgrade("civil_welfare", url)
        print(f"seeding {args.recipients:,} high-age recipients ...", flush=True)
        asyncio.run(prepare(url, args.recipients))
        with running_service(url, package="civil_welfare") as (client, process):
            # A first run warms the service up (imports, connections, plans).
            client.post(
                "/api/v1/disbursement-runs", json={"programme": "high_age", "period": "2020-01"}
            ).raise_for_status()
            for run in range(args.runs):
                period = Period(f"2020-{2 + run:02d}")
                base_s, base_lines, base_total = asyncio.run(baseline(url, period))
                run_body = {"programme": "high_age", "period": str(period)}
                service_s, rss, response = timed(
                    client,
                    process,
                    functools.partial(post_run, body=run_body),
                )
                response.raise_for_status()
                body = response.json()
                if (body["line_count"], Decimal(str(body["total_amount"]))) != (
                    base_lines,
                    base_total,
                ):
                    raise SystemExit(
                        f"the service paid {body['line_count']} lines, {body['total_amount']};"
                        f" the baseline {base_lines}, {base_total}"
                    )
                ratio = service_s / base_s
                ratios.append(ratio)
                print(
                    f"run {run + 1}: baseline INSERT…SELECT {base_s:.2f} s | service POST run"
                    f" {service_s:.2f} s ({body['line_count']:,} lines, {body['total_amount']}"
                    f" yuan) | ratio {ratio:.2f} | peak RSS {rss / 2**20:.0f} MB",
                    flush=True,
                )
    finally:
        database.drop_database(server, DB)

    print(f"recipients             {args.recipients:,}")
    print(
        f"ratio service/baseline {statistics.median(ratios):.2f} median of {len(ratios)}"
        "  (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
