"""Bulk import of the high-age allowance register: every row checked as the single
registration checks it (first tier's age at the end of the start month, one entry a
person), all or nothing with a per-row report, scoped to the caller's areas, audited."""

import csv
import io
from datetime import date, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.db import AuditEvent
from civil_welfare.high_age.models import HighAgeAllowance

URL = "/api/v1/high-age-allowances"
HEADER = ["身份证号", "姓名", "区划代码", "起始发放月份"]
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"


def born(birth: date) -> str:
    return str(make_id_number(birth_date=birth))


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def row(id_number: str, area_code: str = DUOBAO_VILLAGE, start: str = "2020-01") -> list[str]:
    return [id_number, "周奶奶", area_code, start]


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], rows: list[list[str]]
) -> httpx.Response:
    return await client.post(
        f"{URL}/import", files={"file": ("h.csv", csv_bytes(rows), "text/csv")}, headers=headers
    )


async def counts(session: AsyncSession) -> tuple[int, int]:
    register = await session.scalar(select(func.count()).select_from(HighAgeAllowance))
    bulk = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "bulk", AuditEvent.entity == "high_age_allowance")
    )
    return register or 0, bulk or 0


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", scopes=["pii:read"])


async def test_a_file_loads_and_the_recipients_read_back_with_their_start_month(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    eighty_five, hundred = born(date(1935, 6, 1)), born(date(1919, 2, 3))
    before = await counts(session)

    response = await upload(
        client, city(tokens), [row(eighty_five), row(hundred, TUOSHI_VILLAGE, "2020-03")]
    )

    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 2
    assert await counts(session) == (before[0] + 2, before[1] + 1)
    listed = await client.get(URL, params={"q": hundred}, headers=city(tokens))
    [item] = listed.json()["items"]
    assert (item["area_code"], item["start_period"], item["status"]) == (
        TUOSHI_VILLAGE,
        "2020-03",
        "active",
    )


async def test_a_person_turning_80_only_later_refuses_the_whole_file(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 80 on 15 March 2020: January is too early, March would do.
    young, fine = born(date(1940, 3, 15)), born(date(1930, 1, 1))
    before = await counts(session)

    response = await upload(client, city(tokens), [row(fine), row(young)])

    assert response.status_code == 422
    [problem] = response.json()["report"]
    assert (problem["row"], problem["field"]) == (3, "start_period")
    assert "2020-03" in problem["message"]
    assert await counts(session) == before


async def test_someone_on_the_register_or_twice_in_the_file_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    listed, twice = born(date(1932, 5, 5)), born(date(1931, 7, 7))
    single = await client.post(
        URL,
        json={
            "id_number": listed,
            "name": "李爷爷",
            "area_code": DUOBAO_VILLAGE,
            "start_period": "2020-01",
        },
        headers=city(tokens),
    )
    assert single.status_code == 201, single.text
    before = await counts(session)

    response = await upload(client, city(tokens), [row(twice), row(twice), row(listed)])

    assert response.status_code == 422
    assert [(p["row"], p["field"]) for p in response.json()["report"]] == [(3, "id_number")]
    again = await upload(client, city(tokens), [row(twice), row(listed)])
    assert again.status_code == 422
    assert [(p["row"], p["field"]) for p in again.json()["report"]] == [(3, "id_number")]
    assert await counts(session) == before


async def test_an_auditor_may_not_import(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    before = await counts(session)
    response = await upload(client, tokens.headers("auditor"), [row(born(date(1930, 2, 2)))])
    assert response.status_code == 403
    assert await counts(session) == before


async def test_a_township_officer_imports_only_their_own_villages(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    headers = tokens.headers("township_officer", area_codes=[DUOBAO])
    ours, theirs = born(date(1933, 1, 1) + timedelta(days=3)), born(date(1934, 4, 4))
    before = await counts(session)

    refused = await upload(client, headers, [row(ours), row(theirs, TUOSHI_VILLAGE)])

    assert refused.status_code == 422
    assert refused.json()["report"] == [
        {"row": 3, "field": "area_code", "column": "区划代码", "message": "不在您负责的区域内"}
    ]
    assert await counts(session) == before
    accepted = await upload(client, headers, [row(ours)])
    assert accepted.status_code == 201
    assert (await counts(session))[0] == before[0] + 1
