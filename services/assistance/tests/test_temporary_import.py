"""Importing a township's temporary-assistance register (临时救助台账): decided and paid
cases counted as the API's are, the limits and duplicates of the single-case API
checked for the whole file, all or nothing, in the caller's areas only."""

import asyncio
import csv
import io
from decimal import Decimal
from typing import Any

import httpx
import xlsxwriter
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from civil_assistance.db import AuditEvent
from civil_assistance.temporary.importer import COLUMNS
from civil_assistance.temporary.repository import temporary_stats
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

from .test_temporary import zero_standard

# Urban dibao 630 a month in 2020 and 600 in 2019 (seeded): the township approves up
# to 3 × 630 = 1,890.00, a case reaches at most 6 × 630 = 3,780.00.
IMPORT = "/api/v1/temporary-cases/import"
URL = "/api/v1/temporary-cases"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"


def row(**extra: str) -> dict[str, str]:
    return {
        "id_number": str(make_id_number()),
        "name": "李四",
        "area_code": DUOBAO_VILLAGE,
        "kind": "急难型",
        "cause": "疾病",
        "application_date": "2020-04-01",
        "description": "突发重病，家庭基本生活出现严重困难",
        "amount": "1000.00",
        "status": "已发放",
        "decided_date": "2020-04-05",
        "paid_date": "2020-04-08",
        **extra,
    }


def csv_file(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    columns = list(dict.fromkeys(key for r in rows for key in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str = "台账.csv"
) -> httpx.Response:
    return await client.post(IMPORT, files={"file": (name, content)}, headers=headers)


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", scopes=["pii:read"])


def township(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[DUOBAO], scopes=["pii:read"])


async def listed(client: httpx.AsyncClient, tokens: Tokens, **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params={"limit": 500, **params}, headers=city(tokens))
    assert response.status_code == 200, response.text
    return dict(response.json())


def report(response: httpx.Response) -> dict[tuple[int, str], str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "ASSISTANCE_TEMPORARY_IMPORT_INVALID"
    return {(p["row"], p["field"]): p["message"] for p in body["report"]}


async def test_a_register_is_imported_and_counted_as_cases_that_went_through_the_api(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # One case the API's way: applied, approved by the county, paid.
    through_api = await client.post(
        URL,
        json={
            "id_number": str(make_id_number()),
            "name": "王五",
            "area_code": TUOSHI_VILLAGE,
            "kind": "emergency",
            "cause": "fire",
            "application_date": "2020-03-01",
            "description": "房屋失火，基本生活无着",
            "amount": "1500.00",
        },
        headers=city(tokens),
    )
    case_id = through_api.json()["id"]
    for action in ("approve", "pay"):
        done = await client.post(f"{URL}/{case_id}/{action}", headers=city(tokens))
        assert done.status_code == 200, done.text
    paid_2500 = row(amount="2500.00", cause="意外事故")
    rows = [
        row(),
        paid_2500,
        row(amount="1500.00", status="乡镇已审批", paid_date=""),
        row(amount="", multiple="1.5", status="已受理", decided_date="", paid_date=""),
        row(
            status="不予救助",
            paid_date="",
            rejection_reason="家庭收入高于规定",
            decided_by="多宝镇民政办",
        ),
        row(application_date="2019-06-01", decided_date="2019-06-03", paid_date="2019-06-10"),
    ]

    imported = await upload(client, city(tokens), csv_file(rows))

    assert imported.status_code == 201, imported.text
    assert imported.json() == {"rows": 6, "format": "csv", "encoding": "utf-8"}
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 6
    assert (await listed(client, tokens, area_code=DUOBAO, year=2020, status="paid"))["total"] == 2
    stats = await temporary_stats(session, 2020)
    # Paid in 2020: 1,000 + 2,500 imported, 1,500 through the API; 2019: 1,000.
    assert (stats.cases, stats.total_amount) == (3, Decimal("5000.00"))
    assert stats.average_amount == Decimal("1666.67")
    assert stats.previous_average_amount == Decimal("1000.00")
    assert stats.average_growth_pct == Decimal("66.67")
    by_township = {str(t.area_code): t.cases for t in stats.by_township}
    assert by_township == {DUOBAO: 2, "429006101": 1}

    cases = {
        (c["amount"], c["status"]): c
        for c in (await listed(client, tokens, area_code=DUOBAO, year=2020))["items"]
    }
    big = cases[("2500.00", "paid")]
    assert big["id_number"] == paid_2500["id_number"]
    assert big["approval_required"] == "county"
    assert big["multiple"] == "3.97"  # 2,500 / 630
    assert big["standard_monthly"] == "630.00"
    assert big["allowed"] == []
    assert big["paid_at"].startswith("2020-04-07T16:00:00")  # 8 April in China
    assert big["approved_by"] == "test-city_officer"
    applied = cases[("945.00", "applied")]  # 1.5 × 630
    assert applied["allowed"] == ["approve", "reject"]
    rejected = next(c for c in cases.values() if c["status"] == "rejected")
    assert rejected["rejected_by"] == "多宝镇民政办"
    assert rejected["rejection_reason"] == "家庭收入高于规定"
    # An imported case goes on through the API like any other.
    approved = await client.post(f"{URL}/{applied['id']}/approve", headers=city(tokens))
    assert approved.status_code == 200, approved.text

    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.entity == "temporary_case", AuditEvent.action == "bulk")
    )
    assert event is not None
    assert event.actor == "test-city_officer"
    assert event.new_values is not None
    assert event.new_values["rows"] == 6
    assert event.new_values["by_status"]["paid"] == 3


async def test_one_bad_row_rejects_the_whole_file_with_each_problem_by_row(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    rows = [
        row(),
        row(amount="4000.00"),  # above 6 × 630 without a major hardship
        row(amount="2000.00", status="乡镇已审批", paid_date=""),  # above the township's 3 ×
        row(id_number="429006199001011230"),  # wrong check character
        row(paid_date=""),
        row(kind="支出型"),  # no incomes
        row(area_code="420100000000"),  # outside Tianmen
        row(amount="5000.00", major_hardship="是", major_hardship_reason="重大疾病，花费巨大"),
        row(decided_by="审" * 201),
        row(amount="700000000.00", major_hardship="是", major_hardship_reason="核对金额"),
    ]

    response = await upload(client, city(tokens), csv_file(rows))

    problems = report(response)
    assert set(problems) == {
        (3, "amount"),
        (4, "status"),
        (5, "id_number"),
        (6, "paid_date"),
        (7, "income_per_person_yearly"),
        (8, "area_code"),
        (10, "decided_by"),
        (11, "amount"),
    }
    assert "超过每次上限" in problems[(3, "amount")]
    assert "超过乡镇审批权限" in problems[(4, "status")]
    assert problems[(6, "paid_date")] == "已发放的案件须填写发放日期"
    assert "支出型" in problems[(7, "income_per_person_yearly")]
    assert problems[(10, "decided_by")] == "内容过长"
    assert response.json()["error_count"] == 8
    assert "未导入任何数据" in response.json()["detail"]
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 0


async def test_a_year_without_a_standard_is_reported_on_its_rows(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    rows = [row(application_date="2015-03-01", decided_date="2015-03-02", paid_date="2015-03-03")]

    problems = report(await upload(client, city(tokens), csv_file(rows)))

    assert "2015 年度尚未设定" in problems[(2, "area_code")]


async def test_a_standard_of_nothing_is_reported_on_its_rows(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await zero_standard(session)

    response = await upload(client, city(tokens), csv_file([row(), row(area_code=TUOSHI_VILLAGE)]))

    assert response.status_code == 422
    problems = report(response)
    assert "城市低保月标准为 0 元" in problems[(2, "area_code")]
    assert (3, "area_code") not in problems
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 0


async def test_an_auditor_cannot_import(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await upload(client, tokens.headers("auditor"), csv_file([row()]))

    assert response.status_code == 403
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 0


async def test_a_township_officer_imports_within_the_township_and_its_authority_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    outside = await upload(
        client, township(tokens), csv_file([row(), row(area_code=TUOSHI_VILLAGE)])
    )
    above = await upload(client, township(tokens), csv_file([row(amount="2000.00")]))
    county = await upload(
        client, township(tokens), csv_file([row(status="市级已审批", paid_date="")])
    )
    # Above its limit a township may still take an application in or refuse one.
    applied_above = row(amount="2000.00", status="已受理", decided_date="", paid_date="")
    rejected_above = row(
        amount="2000.00", status="不予救助", paid_date="", rejection_reason="不符合条件"
    )
    within = await upload(
        client,
        township(tokens),
        csv_file([row(amount="1890.00"), applied_above, rejected_above]),
    )

    assert report(outside) == {(3, "area_code"): "不在您负责的区域内"}
    assert "须由市级民政部门导入" in report(above)[(2, "status")]
    assert "须由市级民政部门导入" in report(county)[(2, "status")]
    assert within.status_code == 201, within.text
    assert within.json()["rows"] == 3
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 3
    assert (await listed(client, tokens, area_code="429006101"))["total"] == 0


async def test_an_integrator_imports_applications_but_not_decisions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("integrator", scopes=["assistance:write", "assistance:read"])
    applied = row(status="已受理", decided_date="", paid_date="")

    decided = await upload(client, headers, csv_file([row()]))
    applications = await upload(client, headers, csv_file([applied]))

    assert "只有民政经办人员" in report(decided)[(2, "status")]
    assert applications.status_code == 201, applications.text


async def test_the_same_person_cause_and_year_is_imported_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = str(make_id_number())
    first = row(id_number=person)
    rejected = row(id_number=person, status="不予救助", paid_date="", rejection_reason="不符合条件")
    other_cause = row(id_number=person, cause="火灾")
    next_year = row(
        id_number=person,
        application_date="2019-06-01",
        decided_date="2019-06-02",
        paid_date="2019-06-03",
    )
    content = csv_file([first, rejected, other_cause, next_year])

    imported = await upload(client, city(tokens), content)
    again = await upload(client, city(tokens), content)
    twice_in_file = await upload(
        client,
        city(tokens),
        csv_file([row(id_number=person, cause="教育"), row(id_number=person, cause="教育")]),
    )
    refused = row(status="不予救助", paid_date="", rejection_reason="不符合条件")
    refused_twice = await upload(client, city(tokens), csv_file([refused, refused]))

    assert imported.status_code == 201, imported.text
    assert imported.json()["rows"] == 4
    # The whole register again: every row is already there, the rejection too.
    assert set(report(again)) == {(number, "id_number") for number in (2, 3, 4, 5)}
    assert "已因同一事由申请过临时救助" in report(again)[(2, "id_number")]
    assert "不予救助记录已登记" in report(again)[(3, "id_number")]
    assert report(twice_in_file) == {
        (3, "id_number"): "与第 2 行为同一人同一事由同一年度（同一事由每人每年限一次）"
    }
    assert report(refused_twice) == {
        (
            3,
            "id_number",
        ): "与第 2 行为同一人同一事由同一申请日期的不予救助记录，同一申请只能登记一次"
    }
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 4


async def test_a_case_applied_for_through_the_api_is_not_imported_again(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = row(status="已受理", decided_date="", paid_date="")
    body = {
        key: first[key]
        for key in ("id_number", "name", "area_code", "application_date", "description", "amount")
    }
    created = await client.post(
        URL, json={**body, "kind": "emergency", "cause": "illness"}, headers=city(tokens)
    )
    assert created.status_code == 201, created.text

    problems = report(await upload(client, city(tokens), csv_file([first])))

    assert "2020 年度已因同一事由申请过" in problems[(2, "id_number")]


async def test_a_gbk_csv_and_an_xlsx_file_with_chinese_headers_are_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    template = await client.get(
        f"{IMPORT}/template", params={"format": "csv"}, headers=city(tokens)
    )
    headers = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    keys = list(row())
    zh = dict(zip([c.key for c in COLUMNS.columns], headers, strict=True))
    gbk_rows = [{zh[k]: v for k, v in row(cause="自然灾害").items()}]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, [zh[k] for k in keys])
    sheet.write_row(1, 0, list(row(cause="教育").values()))
    workbook.close()

    gbk = await upload(client, city(tokens), csv_file(gbk_rows, "gbk"))
    xlsx = await upload(client, city(tokens), buffer.getvalue(), "台账.xlsx")

    assert gbk.status_code == 201, gbk.text
    assert gbk.json()["encoding"] == "gb18030"
    assert xlsx.status_code == 201, xlsx.text
    assert xlsx.json()["format"] == "xlsx"
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 2


async def test_the_same_register_imported_at_once_writes_its_cases_once(
    committed_app: FastAPI, committed_database_url: str, tokens: Tokens
) -> None:
    person = str(make_id_number())
    content = csv_file([row(id_number=person), row(id_number=person, cause="火灾")])
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answers = await asyncio.gather(
            *(
                upload(client, tokens.headers("city_officer", sub=f"clerk-{i}"), content)
                for i in range(4)
            )
        )
    engine = create_async_engine(committed_database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            stored = await connection.scalar(
                text("SELECT count(*) FROM temporary_case WHERE id_number = :n"), {"n": person}
            )
    finally:
        await engine.dispose()

    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 201, [a.text for a in answers]
    # Refused as already registered (the check saw the first commit) or, in a race
    # the check could not see, by the unique index: a 409 asking to import again.
    assert set(codes[1:]) <= {409, 422}, [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} <= {
        "ASSISTANCE_TEMPORARY_IMPORT_CONFLICT"
    }
    assert stored == 2
