"""Benchmark: a disbursement run over N active enrolments, service vs hand-written SQL.

Measures, in one run on one fresh database:
- baseline: a hand-written ``INSERT ... SELECT`` of the same payment lines;
- service: ``POST /api/v1/disbursement-runs`` on the real assistance service
  (uvicorn subprocess), wall time of the request, and the service's peak RSS.
Prints the ratio service / baseline (target: at most 1.5) and the memory
(target: under 300 MB).

    uv run python -m bench.disbursement_run [--enrolments 1000000]

Uses TEST_DATABASE_URL's server, or the embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

import asyncpg  # type: ignore[import-untyped]

from bench.service import timed_request
from civil_cli import database
from civil_shared.runtime.migrations import upgrade

DB = "bench_assistance_runs"

SEED = """
INSERT INTO enrolment (programme, area_code, payee_id_number, payee_name, persons,
                       monthly_amount, start_period, status, in_poverty_alleviation)
SELECT 'rural_dibao',
       '429006' || lpad((100 + i % 22)::text, 3, '0') || lpad((200 + i % 40)::text, 3, '0'),
       lpad(i::text, 18, '0'), '受助人' || i, 1 + i % 4,
       (200 + i % 300)::numeric(14, 2), '2020-01', 'active', i % 3 = 0
FROM generate_series(1, $1) AS i
"""

BASELINE = """
WITH run AS (
    INSERT INTO disbursement_run (programme, period, created_by, status, line_count,
                                  persons, total_amount)
    VALUES ('rural_dibao', '2020-02', 'bench', 'draft', 0, 0, 0) RETURNING id
)
INSERT INTO disbursement_line (run_id, enrolment_id, household_id, payee_id_number,
                               payee_name, area_code, persons, amount)
SELECT run.id, e.id, e.household_id, e.payee_id_number, e.payee_name, e.area_code,
       e.persons, e.monthly_amount
FROM enrolment e, run
WHERE e.programme = 'rural_dibao' AND e.status IN ('active', 'gradual_exit')
  AND e.start_period <= '2020-02'
  AND (e.end_period IS NULL OR e.end_period >= '2020-02')
  AND (e.status <> 'gradual_exit' OR e.gradual_exit_until >= '2020-02')
"""


async def prepare(url: str, enrolments: int) -> None:
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        await connection.execute(SEED, enrolments)
        await connection.execute("ANALYZE enrolment")
    finally:
        await connection.close()


async def baseline(url: str) -> float:
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.execute(BASELINE)
        return time.perf_counter() - started
    finally:
        await connection.close()


def service_run(url: str) -> tuple[float, int, dict[str, object]]:
    elapsed, rss, response = timed_request(
        url,
        lambda client: client.post(
            "/api/v1/disbursement-runs", json={"programme": "rural_dibao", "period": "2020-03"}
        ),
    )
    response.raise_for_status()
    return elapsed, rss, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrolments", type=int, default=1_000_000)
    args = parser.parse_args()

    server = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    database.drop_database(server, DB)
    database.ensure_database(server, DB)
    url = database.database_url(server, DB)
    try:
        upgrade("civil_assistance", url)
        print(f"seeding {args.enrolments:,} active enrolments ...", flush=True)
        asyncio.run(prepare(url, args.enrolments))
        base_s = asyncio.run(baseline(url))
        service_s, rss, run = service_run(url)
    finally:
        database.drop_database(server, DB)

    ratio = service_s / base_s
    print(f"enrolments            {args.enrolments:,}")
    print(f"baseline INSERT…SELECT {base_s:.2f} s")
    print(f"service POST run      {service_s:.2f} s  ({run['line_count']:,} lines)")
    print(f"ratio service/baseline {ratio:.2f}  (target <= 1.5)")
    print(f"service peak RSS      {rss / 2**20:.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
