"""Importing the helper ledger (帮扶人台账): one active helper per beneficiary across the
file and the ledger, all or nothing, in the caller's areas only, counted as the API's."""

import csv
import io
from datetime import date
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.helper_ledger.repository import helper_ledger_stats
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

IMPORT = "/api/v1/helper-ledger/assignments/import"
URL = "/api/v1/helper-ledger/assignments"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"


def row(**extra: str) -> dict[str, str]:
    return {
        "id_number": str(make_id_number()),
        "name": "李四",
        "area_code": DUOBAO_VILLAGE,
        "reason": "重度残疾",
        "has_phone": "否",
        "helper_name": "王五",
        "helper_phone": "13800000000",
        "helper_role": "村（社区）干部",
        "helper_relation": "村委会主任",
        "start_date": "2020-03-01",
        **extra,
    }


def csv_file(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    columns = list(dict.fromkeys(key for r in rows for key in r))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", scopes=["pii:read"])


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes
) -> httpx.Response:
    return await client.post(IMPORT, files={"file": ("台账.csv", content)}, headers=headers)


async def listed(client: httpx.AsyncClient, tokens: Tokens, **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params={"limit": 500, **params}, headers=city(tokens))
    assert response.status_code == 200, response.text
    return dict(response.json())


def report(response: httpx.Response) -> dict[tuple[int, str], str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "ASSISTANCE_HELPER_IMPORT_INVALID"
    return {(p["row"], p["field"]): p["message"] for p in body["report"]}


async def test_a_ledger_is_imported_and_counted_with_the_apis_assignments(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    single = await client.post(
        URL,
        json={
            "id_number": str(make_id_number()),
            "name": "赵六",
            "area_code": TUOSHI_VILLAGE,
            "reason": "dispersed_tekun",
            "helper_name": "钱七",
            "helper_phone": "13900000000",
            "helper_role": "party_member",
            "start_date": "2020-02-01",
        },
        headers=city(tokens),
    )
    assert single.status_code == 201, single.text
    tekun = row(reason="分散供养特困人员", helper_role="party_member", helper_relation="")
    other = row(reason="其他", reason_note="独居高龄，行动不便", has_phone="是")

    imported = await upload(client, city(tokens), csv_file([row(), tekun, other]))

    assert imported.status_code == 201, imported.text
    assert imported.json()["rows"] == 3
    items = (await listed(client, tokens, area_code=DUOBAO, active="true"))["items"]
    assert len(items) == 3
    mine = {item["id_number"]: item for item in items}
    assert mine[tekun["id_number"]]["reason"] == "dispersed_tekun"
    assert mine[tekun["id_number"]]["helper_role"] == "party_member"
    assert mine[tekun["id_number"]]["helper_relation"] is None
    assert mine[other["id_number"]]["has_phone"] is True
    assert mine[other["id_number"]]["reason_note"] == "独居高龄，行动不便"
    stats = await helper_ledger_stats(session, 2020)
    assert stats.active == 4
    assert {str(t.area_code): t.count for t in stats.by_township} == {DUOBAO: 3, "429006101": 1}
    # An imported assignment is ended through the API like any other.
    ended = await client.post(
        f"{URL}/{items[0]['id']}/end",
        json={"end_date": "2020-09-01", "reason": "更换帮扶人"},
        headers=city(tokens),
    )
    assert ended.status_code == 200, ended.text
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "helper_assignment", AuditEvent.action == "bulk"
        )
    )
    assert event is not None
    assert event.new_values is not None
    assert event.new_values["rows"] == 3


async def test_one_bad_row_rejects_the_whole_file(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    tomorrow = date.fromordinal(date.today().toordinal() + 1).isoformat()
    rows = [
        row(),
        row(helper_phone="12345"),
        row(reason="其他"),
        row(id_number="429006199001011230"),
        row(start_date=tomorrow),
        row(helper_role="朋友"),
    ]

    response = await upload(client, city(tokens), csv_file(rows))

    problems = report(response)
    assert set(problems) == {
        (3, "helper_phone"),
        (4, "reason_note"),
        (5, "id_number"),
        (6, "start_date"),
        (7, "helper_role"),
    }
    assert problems[(4, "reason_note")] == "原因为“其他”时须说明原因"
    assert problems[(6, "start_date")] == "日期不能晚于今天"
    assert "村（社区）干部" in problems[(7, "helper_role")]
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 0


async def test_a_beneficiary_with_an_active_helper_or_named_twice_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = row()
    assert (await upload(client, city(tokens), csv_file([first]))).status_code == 201
    twice = row()

    again = await upload(client, city(tokens), csv_file([row(), first]))
    in_file = await upload(
        client, city(tokens), csv_file([twice, {**twice, "helper_name": "孙八"}])
    )

    assert report(again) == {(3, "id_number"): "该帮扶对象已登记，不能重复导入"}
    assert report(in_file) == {(3, "id_number"): "与第 2 行的帮扶对象重复"}
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 1


async def test_an_ended_assignment_leaves_room_for_an_imported_helper(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = row()
    assert (await upload(client, city(tokens), csv_file([first]))).status_code == 201
    old = (await listed(client, tokens, id_number=first["id_number"]))["items"][0]
    ended = await client.post(
        f"{URL}/{old['id']}/end",
        json={"end_date": "2020-09-01", "reason": "更换帮扶人"},
        headers=city(tokens),
    )
    assert ended.status_code == 200, ended.text

    replaced = await upload(
        client,
        city(tokens),
        csv_file([{**first, "helper_name": "孙八", "start_date": "2020-09-01"}]),
    )

    assert replaced.status_code == 201, replaced.text
    assert (await listed(client, tokens, id_number=first["id_number"]))["total"] == 2


async def test_auditors_and_other_townships_are_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    auditor = await upload(client, tokens.headers("auditor"), csv_file([row()]))
    outside = await upload(client, duobao, csv_file([row(), row(area_code=TUOSHI_VILLAGE)]))
    inside = await upload(client, duobao, csv_file([row()], "gbk"))

    assert auditor.status_code == 403
    assert report(outside) == {(3, "area_code"): "不在您负责的区域内"}
    assert inside.status_code == 201, inside.text
    assert inside.json()["encoding"] == "gb18030"
    assert (await listed(client, tokens, area_code=DUOBAO))["total"] == 1
