"""Benchmark: importing volunteer service records, service vs a bare asyncpg COPY; statistics.

Measures, in one run on one fresh governance database holding 194,200 registered
volunteers (FIGURES.md, 2020) in 500 villages of the 25 townships, 100
organisations and 20,000 activities of 2020:

- baseline: ``copy_records_to_table`` of the same service records the service
  writes (same ids, volunteers, activities, dates, hours, deadlines and late
  flags; records built beforehand, only the COPY timed), then TRUNCATE;
- service: ``POST /api/v1/volunteer-services/import`` of the CSV (1,000,000 rows,
  about 55 MB: over the usual 50 MB limit) on the real governance service
  (uvicorn subprocess): upload, reading, checking every row, looking up the
  volunteers and activities, COPY, the hours summary, audit, commit;
- statistics: ``GET /api/v1/volunteer-stats?year=2020`` repeated on the loaded
  data, median and spread of the wall times.

The hours are chosen so that the year adds up to FIGURES.md's 4,014,142 hours
and every registered volunteer has served. Prints rows per second of both, their
ratio (target: at least 0.5), the service's peak RSS, and the statistics' median
(target: under 200 ms).

    uv run python -m bench.volunteer_import [--records 1000000] [--runs 1] [--calls 25]

Uses TEST_DATABASE_URL's server, or the embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.service import running_service, timed
from civil_cli import database
from civil_governance.volunteers.workdays import WorkingCalendar, local_date
from civil_shared.runtime.imports import RowIds
from civil_shared.runtime.migrations import upgrade
from civil_shared.testing.factories import TIANMEN_TOWNSHIP_SUFFIXES
from civil_shared.types import id_check_char

DB = "bench_governance_volunteers"
VOLUNTEERS = 194_200
VILLAGES_PER_TOWNSHIP = 20
ORGANISATIONS = 100
ACTIVITIES = 20_000
YEAR = 2020
#: Hours by record, in turn: a mean of exactly 4.00.
HOURS = ("2.00", "3.50", "4.00", "4.50", "6.00")
#: FIGURES.md: 4,014,142 hours in 2020; this many records get one hour more.
EXTRA_HOURS = 14_142
TOWNSHIPS = [f"429006{s}" for s in TIANMEN_TOWNSHIP_SUFFIXES[:25]]
VILLAGES = [
    f"{township}{200 + n:03d}" for township in TOWNSHIPS for n in range(VILLAGES_PER_TOWNSHIP)
]
HEADER = ["志愿者身份证号", "姓名", "活动编号", "服务时长（小时）"]
RECORD_COLUMNS = (
    "id",
    "volunteer_id",
    "activity_id",
    "service_date",
    "hours",
    "entered_at",
    "entered_by",
    "entry_deadline",
    "late",
)


def id_number(index: int) -> str:
    """A valid, unique ID number: birth date and sequence both follow the index."""
    born = date(1950, 1, 1) + timedelta(days=index % 20_000)
    first17 = f"429006{born:%Y%m%d}{index // 20_000:03d}"
    return first17 + id_check_char(first17)


def activity_of(record: int) -> int:
    """The record's activity: a volunteer's rounds fall on different activities."""
    volunteer, round_ = record % VOLUNTEERS, record // VOLUNTEERS
    return (volunteer * 7 + round_ * 3331) % ACTIVITIES


def activity_date(activity: int) -> date:
    return date(YEAR, 1, 1) + timedelta(days=activity % 366)


def hours_of(record: int) -> str:
    hours = Decimal(HOURS[record % len(HOURS)])
    return str(hours + 1 if record < EXTRA_HOURS else hours)


def dataset(records: int) -> list[list[str]]:
    return [
        [
            id_number(r % VOLUNTEERS),
            f"志愿者{r % VOLUNTEERS}",
            f"HD{YEAR}{activity_of(r):06d}",
            hours_of(r),
        ]
        for r in range(records)
    ]


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


SEED = [
    # Villages under the townships (the migration holds the townships).
    """
    INSERT INTO division (code, name, level, kind, parent_code)
    SELECT v, '测试村' || right(v, 3), 'village', 'village', left(v, 9)
    FROM unnest($1::text[]) AS v
    """,
    """
    INSERT INTO volunteer_organisation (name, kind, township_code, contact_name, contact_phone)
    SELECT '志愿服务队' || n, 'volunteer_team', ($1::text[])[1 + n % 25], '联系人', '13800000000'
    FROM generate_series(0, $2 - 1) AS n
    """,
    """
    INSERT INTO volunteer_activity (code, organisation_id, title, activity_date, place,
                                    township_code, organiser)
    SELECT 'HD' || $3::int || lpad(a::text, 6, '0'), o.ids[1 + a % $2], '志愿服务活动' || a,
           make_date($3::int, 1, 1) + a % 366, '活动地点', ($1::text[])[1 + a % 25], '负责人'
    FROM generate_series(0, $4 - 1) AS a,
         (SELECT array_agg(id ORDER BY name) AS ids FROM volunteer_organisation) AS o
    """,
    """
    INSERT INTO volunteer (id_number, name, phone, area_code, registered_date)
    SELECT f.id_number, '志愿者' || (f.n - 1), '13900000000', ($1::text[])[1 + (f.n - 1) % 500],
           date '2015-01-01' + ((f.n - 1) % 1800)::int
    FROM unnest($2::text[]) WITH ORDINALITY AS f(id_number, n)
    """,
]


async def prepare(url: str) -> None:
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        await connection.execute(SEED[0], VILLAGES)
        await connection.execute(SEED[1], TOWNSHIPS, ORGANISATIONS)
        await connection.execute(SEED[2], TOWNSHIPS, ORGANISATIONS, YEAR, ACTIVITIES)
        await connection.execute(SEED[3], VILLAGES, [id_number(v) for v in range(VOLUNTEERS)])
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def baseline(url: str, rows: list[list[str]]) -> float:
    """COPY the records the service would write; returns the COPY's seconds."""
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        volunteers = dict(await connection.fetch("SELECT id_number, id FROM volunteer"))
        activities = {
            r["code"]: (r["id"], r["activity_date"])
            for r in await connection.fetch(
                "SELECT code, id, activity_date FROM volunteer_activity"
            )
        }
        calendar = WorkingCalendar.of(
            (r["day"], r["kind"])
            for r in await connection.fetch("SELECT * FROM working_calendar_day")
        )
        entered_at = datetime.now(UTC)
        entered = local_date(entered_at)
        deadlines = {day: calendar.entry_deadline(day) for _, day in activities.values()}
        ids = RowIds()
        records = []
        for id_text, _, code, hours in rows:
            activity_id, day = activities[code]
            deadline = deadlines[day]
            records.append(
                (
                    ids.next(),
                    volunteers[id_text],
                    activity_id,
                    day,
                    Decimal(hours),
                    entered_at,
                    "bench",
                    deadline,
                    entered > deadline,
                )
            )
        started = time.perf_counter()
        async with connection.transaction():
            await connection.copy_records_to_table(
                "volunteer_service", records=records, columns=RECORD_COLUMNS
            )
        elapsed = time.perf_counter() - started
        await connection.execute("TRUNCATE volunteer_service")
        return elapsed
    finally:
        await connection.close()


async def reset(url: str) -> None:
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        await connection.execute(
            "TRUNCATE volunteer_service, volunteer_hours_year, volunteer_hours_area"
        )
        await connection.execute("VACUUM ANALYZE volunteer_service")
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="baseline and import, in turn")
    parser.add_argument("--calls", type=int, default=25, help="statistics requests")
    args = parser.parse_args()

    rows = dataset(args.records)
    body = as_csv(rows)
    server = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    database.drop_database(server, DB)
    database.ensure_database(server, DB)
    url = database.database_url(server, DB)
    ratios: list[float] = []
    try:
        upgrade("civil_governance", url)
        asyncio.run(prepare(url))
        with running_service(url, package="civil_governance") as (client, process):
            for run in range(args.runs):
                if run:
                    asyncio.run(reset(url))
                base_s = asyncio.run(baseline(url, rows))
                service_s, rss, response = timed(
                    client,
                    process,
                    lambda c: c.post(
                        "/api/v1/volunteer-services/import",
                        files={"file": ("services.csv", body, "text/csv")},
                    ),
                )
                if response.status_code != 201:
                    raise SystemExit(
                        f"import failed: {response.status_code} {response.text[:2000]}"
                    )
                base_rate, service_rate = len(rows) / base_s, len(rows) / service_s
                ratios.append(service_rate / base_rate)
                print(
                    f"run {run + 1}: baseline COPY {base_s:.2f} s {base_rate:,.0f} rows/s | "
                    f"service import {service_s:.2f} s {service_rate:,.0f} rows/s | "
                    f"ratio {ratios[-1]:.2f} | peak RSS {rss / 2**20:.0f} MB"
                )
            result = response.json()
            stats, times = stats_calls(client, args.calls)
    finally:
        database.drop_database(server, DB)

    size_mb = len(body) / 2**20
    print(f"records                {len(rows):,}  ({size_mb:.1f} MB CSV)  {result}")
    print(f"ratio service/baseline {statistics.median(ratios):.2f} median of {len(ratios)}"
          f"  (target >= 0.5)")  # fmt: skip
    print(
        f"statistics {YEAR}        median {statistics.median(times) * 1000:.1f} ms, "
        f"min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f} over {len(times)} calls"
        f"  (target < 200 ms)"
    )
    print(
        f"                       registered {stats['volunteers_registered']:,}, "
        f"with hours {stats['volunteers_with_hours']:,}, hours {stats['service_hours']}, "
        f"records {stats['records']:,}, townships {len(stats['by_township'])}"
    )


def stats_calls(client: httpx.Client, calls: int) -> tuple[dict[str, Any], list[float]]:
    times: list[float] = []
    answer: dict[str, Any] = {}
    for _ in range(calls):
        started = time.perf_counter()
        response = client.get("/api/v1/volunteer-stats", params={"year": YEAR})
        times.append(time.perf_counter() - started)
        response.raise_for_status()
        answer = response.json()
    return answer, times


if __name__ == "__main__":
    main()
