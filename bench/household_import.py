"""Benchmark: importing households from CSV, service vs a bare asyncpg COPY.

Measures, in one run on one fresh database:
- baseline: ``copy_records_to_table`` of the same households, members and
  incomes (records built beforehand, only the three COPYs timed);
- service: ``POST /api/v1/households/import`` of the CSV on the real assistance
  service (uvicorn subprocess): reading, validating every row, checking the
  database for people already in a household, three COPYs, audit, commit.
Prints rows (members) per second of each and their ratio (target: the service
reaches at least half the baseline's rate), and the service's peak RSS.

    uv run python -m bench.household_import [--households 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import asyncpg  # type: ignore[import-untyped]

from bench.service import timed_request
from civil_cli import database
from civil_shared.runtime.migrations import upgrade
from civil_shared.types import id_check_char

DB = "bench_assistance_import"
HEADER = [
    "household_ref",
    "area_code",
    "address",
    "residence_type",
    "income_stability",
    "in_poverty_alleviation",
    "id_number",
    "name",
    "relation",
    "employment_status",
    "income_wages",
]


def id_number(index: int) -> str:
    """A valid, unique ID number: birth date and sequence both follow the index."""
    born = date(1940, 1, 1) + timedelta(days=index % 25_000)
    first17 = f"429006{born:%Y%m%d}{index // 25_000:03d}"
    return first17 + id_check_char(first17)


def dataset(households: int) -> list[list[str]]:
    rows: list[list[str]] = []
    person = 0
    for h in range(households):
        area = f"429006{100 + h % 22:03d}{200 + h % 40:03d}"
        for m in range(2 + h % 2):  # 2 and 3 members in turn: 2.5 on average
            rows.append(
                [
                    f"H{h}",
                    area,
                    f"{area} 第{h}号",
                    "rural",
                    "stable",
                    "否",
                    id_number(person),
                    f"成员{person}",
                    "head" if m == 0 else "spouse" if m == 1 else "child",
                    "employed" if m == 0 else "unemployed",
                    "300.00" if m == 0 else "",
                ]
            )
            person += 1
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def baseline(url: str, rows: list[list[str]]) -> float:
    households: dict[str, tuple[object, ...]] = {}
    members: list[tuple[object, ...]] = []
    incomes: list[tuple[object, ...]] = []
    for row in rows:
        ref = row[0]
        if ref not in households:
            households[ref] = (uuid.uuid4(), row[1], row[2], row[3], row[4], False)
        member_id = uuid.uuid4()
        members.append(
            (member_id, households[ref][0], row[6], row[7], row[8], row[9], None, None, None, None)
        )
        if row[10]:
            incomes.append((member_id, "wages", Decimal(row[10])))
    connection = await asyncpg.connect(database.libpq_url(url))
    try:
        started = time.perf_counter()
        async with connection.transaction():
            await connection.copy_records_to_table(
                "household",
                records=list(households.values()),
                columns=[
                    "id",
                    "area_code",
                    "address",
                    "residence_type",
                    "income_stability",
                    "in_poverty_alleviation",
                ],
            )
            await connection.copy_records_to_table(
                "household_member",
                records=members,
                columns=[
                    "id",
                    "household_id",
                    "id_number",
                    "name",
                    "relation",
                    "employment_status",
                    "phone",
                    "disability_category",
                    "disability_grade",
                    "death_date",
                ],
            )
            await connection.copy_records_to_table(
                "member_income", records=incomes, columns=["member_id", "kind", "monthly_amount"]
            )
        elapsed = time.perf_counter() - started
        await connection.execute("TRUNCATE household, household_member, member_income CASCADE")
        return elapsed
    finally:
        await connection.close()


def service_import(url: str, body: bytes) -> tuple[float, int, dict[str, object]]:
    elapsed, rss, response = timed_request(
        url,
        lambda client: client.post(
            "/api/v1/households/import", files={"file": ("households.csv", body, "text/csv")}
        ),
    )
    if response.status_code != 201:
        raise SystemExit(f"import failed: {response.status_code} {response.text[:2000]}")
    return elapsed, rss, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    args = parser.parse_args()

    rows = dataset(args.households)
    body = as_csv(rows)
    server = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    database.drop_database(server, DB)
    database.ensure_database(server, DB)
    url = database.database_url(server, DB)
    try:
        upgrade("civil_assistance", url)
        base_s = asyncio.run(baseline(url, rows))
        service_s, rss, result = service_import(url, body)
    finally:
        database.drop_database(server, DB)

    base_rate, service_rate = len(rows) / base_s, len(rows) / service_s
    size_mb = len(body) / 2**20
    print(f"households / members   {args.households:,} / {len(rows):,}  ({size_mb:.1f} MB CSV)")
    print(f"baseline COPY          {base_s:.2f} s  {base_rate:,.0f} rows/s")
    print(f"service import         {service_s:.2f} s  {service_rate:,.0f} rows/s  {result}")
    print(f"ratio service/baseline {service_rate / base_rate:.2f}  (target >= 0.5)")
    print(f"service peak RSS       {rss / 2**20:.0f} MB")


if __name__ == "__main__":
    main()
