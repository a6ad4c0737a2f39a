"""Disbursement runs: one per (programme, period), computed in SQL, approved, paid, frozen."""

import asyncio
import csv
import io
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from python_calamine import CalamineWorkbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

VILLAGE = "429006100201"


def enrolment(programme: str, amount: str, **extra: Any) -> dict[str, Any]:
    person = {"id_number": str(make_id_number()), "name": "张三"}
    return {
        "programme": programme,
        "area_code": VILLAGE,
        "payee": person,
        "people": [person],
        "monthly_amount": amount,
        "start_period": "2020-01",
        **extra,
    }


async def enrol(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> str:
    response = await client.post(
        "/api/v1/enrolments", json=body, headers=tokens.headers("city_officer")
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def set_status(
    client: httpx.AsyncClient, tokens: Tokens, enrolment_id: str, body: dict[str, str]
) -> None:
    response = await client.post(
        f"/api/v1/enrolments/{enrolment_id}/status",
        json=body,
        headers={**tokens.headers("city_officer"), "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text


async def start_run(
    client: httpx.AsyncClient, tokens: Tokens, period: str = "2020-03", **headers: str
) -> httpx.Response:
    return await client.post(
        "/api/v1/disbursement-runs",
        json={"programme": "rural_dibao", "period": period},
        headers={**tokens.headers("city_officer", sub="clerk"), **headers},
    )


async def test_a_run_pays_every_payable_enrolment_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for amount in ("450.00", "300.50", "120.25"):
        await enrol(client, tokens, enrolment("rural_dibao", amount))
    suspended = await enrol(client, tokens, enrolment("rural_dibao", "999.00"))
    await set_status(client, tokens, suspended, {"status": "suspended", "reason": "待核查"})
    ended = await enrol(client, tokens, enrolment("rural_dibao", "999.00"))
    await set_status(
        client, tokens, ended, {"status": "ended", "reason": "死亡", "end_period": "2020-02"}
    )
    exiting = await enrol(client, tokens, enrolment("rural_dibao", "100.00"))
    await set_status(
        client,
        tokens,
        exiting,
        {"status": "gradual_exit", "reason": "成员就业", "gradual_exit_until": "2020-04"},
    )
    await enrol(client, tokens, enrolment("rural_dibao", "999.00", start_period="2020-04"))
    await enrol(client, tokens, enrolment("rural_tekun", "750.00"))

    march = await start_run(client, tokens)
    may = await start_run(client, tokens, period="2020-05")

    assert march.status_code == 201
    run = march.json()
    assert (run["status"], run["line_count"], run["persons"]) == ("draft", 4, 4)
    assert run["total_amount"] == "970.75"  # 450 + 300.50 + 120.25 + 100 in gradual exit
    # In May the gradual exit is over and the April starter is in.
    assert (may.json()["line_count"], may.json()["total_amount"]) == (4, "1869.75")
    lines = await client.get(
        f"/api/v1/disbursement-runs/{run['id']}/lines", headers=tokens.headers("auditor")
    )
    assert lines.json()["total"] == 4
    assert sorted(line["amount"] for line in lines.json()["items"]) == [
        "100.00",
        "120.25",
        "300.50",
        "450.00",
    ]


async def test_a_run_keeps_its_sums_by_village_for_the_statistics(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    other_village = "429006101202"
    for amount, village in (("450.00", VILLAGE), ("300.50", VILLAGE), ("120.25", other_village)):
        await enrol(client, tokens, enrolment("rural_dibao", amount, area_code=village))

    run = (await start_run(client, tokens)).json()

    sums = await session.execute(
        text(
            "SELECT area_code, line_count, persons, amount FROM disbursement_area_total"
            " WHERE run_id = :id ORDER BY area_code"
        ),
        {"id": run["id"]},
    )
    assert [tuple(row) for row in sums] == [
        (VILLAGE, 2, 2, Decimal("750.50")),
        (other_village, 1, 1, Decimal("120.25")),
    ]
    assert (run["line_count"], run["total_amount"]) == (3, "870.75")


async def test_the_same_run_twice_returns_the_first(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await enrol(client, tokens, enrolment("rural_dibao", "450.00"))
    first = await start_run(client, tokens)
    await enrol(client, tokens, enrolment("rural_dibao", "450.00"))
    second = await start_run(client, tokens)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["line_count"] == 1  # the run is not recomputed


async def test_idempotency_key_replays_and_refuses_another_body(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await enrol(client, tokens, enrolment("rural_dibao", "450.00"))
    key = {"Idempotency-Key": "run-2020-03-rural"}
    first = await start_run(client, tokens, **key)
    again = await start_run(client, tokens, **key)
    other = await start_run(client, tokens, period="2020-04", **key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_approval_and_payment_follow_the_rules(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await enrol(client, tokens, enrolment("rural_dibao", "450.00"))
    run_id = (await start_run(client, tokens)).json()["id"]
    url = f"/api/v1/disbursement-runs/{run_id}"
    clerk = tokens.headers("city_officer", sub="clerk")
    head = tokens.headers("city_officer", sub="section-head")

    pay_too_early = await client.post(f"{url}/pay", headers=head)
    own_approval = await client.post(f"{url}/approve", headers=clerk)
    approved = await client.post(f"{url}/approve", headers=head)
    township = await client.post(
        f"{url}/pay", headers=tokens.headers("township_officer", area_codes=["429006100"])
    )
    paid = await client.post(f"{url}/pay", headers=head)
    paid_again = await client.post(f"{url}/pay", headers=head)

    assert pay_too_early.status_code == 409
    assert pay_too_early.json()["allowed"] == ["approved"]
    assert own_approval.json()["code"] == "ASSISTANCE_RUN_SAME_APPROVER"
    assert approved.json()["approved_by"] == "section-head"
    assert township.status_code == 403
    assert paid.json()["status"] == "paid"
    assert paid_again.status_code == 409
    assert paid_again.json()["allowed"] == []
    for change in (
        "UPDATE disbursement_line SET amount = 0 WHERE run_id = :id",
        "UPDATE disbursement_area_total SET amount = 0 WHERE run_id = :id",
    ):
        with pytest.raises(Exception, match="is paid and cannot change"):
            async with session.begin_nested():
                await session.execute(text(change), {"id": run_id})


async def test_export_masks_id_numbers_without_pii_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = enrolment("rural_dibao", "450.00")
    await enrol(client, tokens, body)
    run_id = (await start_run(client, tokens)).json()["id"]
    url = f"/api/v1/disbursement-runs/{run_id}/export"
    number = body["payee"]["id_number"]

    masked = await client.get(url, headers=tokens.headers("auditor"))
    full = await client.get(url, headers=tokens.headers("city_officer", scopes=["pii:read"]))
    workbook = await client.get(
        url, params={"format": "xlsx"}, headers=tokens.headers("city_officer", scopes=["pii:read"])
    )

    rows = list(csv.reader(io.StringIO(masked.content.decode("utf-8-sig"))))
    assert rows[0][2] == "身份证号"
    assert rows[1][2] == number[:6] + "********" + number[-4:]
    assert number in full.text
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content)).get_sheet_by_index(0)
    data = sheet.to_python()
    assert data[1][2] == number
    assert data[1][4] == 450.0


async def test_concurrent_runs_of_one_month_make_one_run(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for _ in range(3):
            await enrol(client, tokens, enrolment("urban_tekun", "1260.00"))
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/v1/disbursement-runs",
                    json={"programme": "urban_tekun", "period": "2020-07"},
                    headers=tokens.headers("city_officer", sub=f"clerk-{i}"),
                )
                for i in range(6)
            )
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 200, 200, 201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert {r.json()["line_count"] for r in responses} == {3}
