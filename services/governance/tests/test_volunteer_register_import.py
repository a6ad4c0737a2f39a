"""Registering volunteers in bulk: a file of people registered in one go, all or nothing."""

import csv
import io
from datetime import date

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.volunteers.models import Volunteer
from civil_shared.testing.factories import make_id_number

from .test_volunteers import DUOBAO_VILLAGE, TUOSHI_VILLAGE, add_villages, city, township

IMPORT = "/api/v1/volunteers/import"
HEADER = ["身份证号", "姓名", "联系电话", "村（社区）代码", "注册日期", "专长"]


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def person(born: date = date(1980, 5, 1)) -> str:
    return str(make_id_number(birth_date=born))


async def registered(session: AsyncSession, numbers: list[str]) -> int:
    found = await session.scalar(
        select(func.count()).select_from(Volunteer).where(Volunteer.id_number.in_(numbers))
    )
    return found or 0


async def test_a_file_of_volunteers_is_registered_and_once_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_villages(session)
    numbers = [person(), person(date(1990, 2, 3))]
    content = csv_file(
        [
            [numbers[0], "张志愿", "13900001111", DUOBAO_VILLAGE, "2019-03-05", "医疗、心理疏导"],
            [numbers[1], "李志愿", "0728-5221234", TUOSHI_VILLAGE, "2020/1/2", ""],
        ]
    )

    first = await client.post(IMPORT, files={"file": ("v.csv", content)}, headers=city(tokens))
    again = await client.post(IMPORT, files={"file": ("v.csv", content)}, headers=city(tokens))
    listed = await client.get(
        "/api/v1/volunteers", params={"area_code": DUOBAO_VILLAGE}, headers=city(tokens)
    )

    assert first.status_code == 201, first.text
    assert first.json()["rows"] == 2
    assert await registered(session, numbers) == 2
    assert again.status_code == 422
    assert {p["field"] for p in again.json()["report"]} == {"id_number"}
    mine = [v for v in listed.json()["items"] if v["name"] == "张志愿"]
    assert mine
    assert mine[0]["skills"] == ["医疗", "心理疏导"]
    assert mine[0]["status"] == "active"


async def test_a_bad_row_or_an_unknown_village_registers_nobody(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_villages(session)
    good, early, outside = person(), person(date(2001, 1, 1)), person()
    bad_rows = csv_file(
        [
            [good, "王志愿", "13900001111", DUOBAO_VILLAGE, "2019-03-05", ""],
            [early, "赵志愿", "13900002222", DUOBAO_VILLAGE, "2000-03-05", ""],
            [outside, "钱志愿", "13900003333", TUOSHI_VILLAGE, "2019-03-05", ""],
        ]
    )
    unknown = csv_file([[good, "王志愿", "13900001111", "429006100999", "2019-03-05", ""]])

    refused = await client.post(
        IMPORT, files={"file": ("v.csv", bad_rows)}, headers=township(tokens)
    )
    no_village = await client.post(IMPORT, files={"file": ("v.csv", unknown)}, headers=city(tokens))

    assert refused.status_code == 422
    problems = {(p["row"], p["field"]) for p in refused.json()["report"]}
    assert problems == {(3, "registered_date"), (4, "area_code")}
    assert no_village.status_code == 422, no_village.text
    assert no_village.json()["code"] == "GOVERNANCE_VILLAGE_UNKNOWN"
    assert await registered(session, [good, early, outside]) == 0
