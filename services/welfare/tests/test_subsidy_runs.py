"""Monthly subsidy runs: the runtime's exactly-once run over the welfare registers."""

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.subsidy_runs.models import DisbursementLine, DisbursementRun
from civil_welfare.subsidy_runs.payable import REGISTERS
from civil_welfare.subsidy_runs.schemas import Subsidy

RUNS = "/api/v1/disbursement-runs"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
JULY = {"programme": "high_age", "period": "2020-07"}


async def set_amounts(client: httpx.AsyncClient, tokens: Tokens) -> None:
    for tier, value in (("1", "50"), ("2", "100"), ("3", "300")):
        response = await client.post(
            "/api/v1/parameters",
            json={
                "key": f"high_age_tier{tier}_allowance",
                "year": 2020,
                "value": value,
                "effective_date": "2020-01-01",
            },
            headers=tokens.headers("admin"),
        )
        assert response.status_code == 201, response.text


async def recipient(
    client: httpx.AsyncClient, tokens: Tokens, birth: date, area: str = DUOBAO_VILLAGE
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/high-age-allowances",
        json={
            "id_number": str(make_id_number(birth_date=birth)),
            "name": "周奶奶",
            "area_code": area,
            "start_period": "2020-01",
        },
        headers=tokens.headers("city_officer"),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def three_recipients(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await set_amounts(client, tokens)
    await recipient(client, tokens, date(1935, 3, 1))  # 85 in July 2020: tier 1, 50
    await recipient(client, tokens, date(1928, 7, 31))  # turns 92 on the month's last day: 100
    await recipient(client, tokens, date(1919, 1, 1), TUOSHI_VILLAGE)  # 101: 300


async def test_a_run_pays_each_recipient_their_tier_once(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await three_recipients(client, tokens)

    created = await client.post(RUNS, json=JULY, headers=tokens.headers("city_officer"))
    again = await client.post(RUNS, json=JULY, headers=tokens.headers("admin"))

    assert created.status_code == 201, created.text
    run = created.json()
    assert (run["line_count"], run["persons"], run["total_amount"]) == (3, 3, "450.00")
    assert (again.status_code, again.json()["id"]) == (200, run["id"])
    amounts = (await session.scalars(select(DisbursementLine.amount))).all()
    assert sorted(amounts) == [Decimal("50.00"), Decimal("100.00"), Decimal("300.00")]


async def test_a_run_without_the_years_amounts_pays_nobody(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # Tiers are seeded for 2020, amounts are not: the run must refuse, not guess.
    response = await client.post(RUNS, json=JULY, headers=tokens.headers("city_officer"))

    assert response.status_code == 409
    assert response.json()["code"] == "WELFARE_PARAMETER_MISSING"
    assert await session.scalar(select(func.count()).select_from(DisbursementRun)) == 0


async def test_approval_needs_another_person_and_a_paid_run_is_final(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await three_recipients(client, tokens)
    creator = tokens.headers("city_officer", sub="li.hua")
    run = (await client.post(RUNS, json=JULY, headers=creator)).json()

    own = await client.post(f"{RUNS}/{run['id']}/approve", headers=creator)
    approved = await client.post(
        f"{RUNS}/{run['id']}/approve", headers=tokens.headers("admin", sub="wang.wu")
    )
    paid = await client.post(f"{RUNS}/{run['id']}/pay", headers=tokens.headers("admin"))
    again = await client.post(f"{RUNS}/{run['id']}/pay", headers=tokens.headers("admin"))

    assert (own.status_code, own.json()["code"]) == (409, "WELFARE_RUN_SAME_APPROVER")
    assert approved.json()["status"] == "approved"
    assert paid.json()["status"] == "paid"
    assert (again.status_code, again.json()["allowed"]) == (409, [])


async def test_a_township_officer_sees_only_their_lines_masked(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await three_recipients(client, tokens)
    run = (await client.post(RUNS, json=JULY, headers=tokens.headers("city_officer"))).json()

    township = tokens.headers("township_officer", area_codes=["429006100"])
    lines = await client.get(f"{RUNS}/{run['id']}/lines", headers=township)
    export = await client.get(f"{RUNS}/{run['id']}/export", headers=township)
    refused = await client.post(RUNS, json=JULY, headers=township)

    assert [line["area_code"] for line in lines.json()["items"]] == [DUOBAO_VILLAGE] * 2
    assert all("*" in line["payee_id_number"] for line in lines.json()["items"])
    rows = export.content.decode("utf-8-sig").splitlines()
    assert len(rows) == 3  # the header and Duobao's two
    assert refused.status_code == 403


async def test_concurrent_runs_of_one_month_make_one_run(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await three_recipients(client, tokens)
        answers = await asyncio.gather(
            *(
                client.post(RUNS, json=JULY, headers=tokens.headers("city_officer"))
                for _ in range(4)
            )
        )
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
    assert len({a.json()["id"] for a in answers}) == 1


async def test_every_subsidy_has_a_register_that_pays_it(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # With nobody registered each run is empty, but no subsidy may fail to run.
    await set_amounts(client, tokens)
    for key in ("hard_up_high_age_subsidy", "hard_up_disabled_elderly_subsidy"):
        response = await client.post(
            "/api/v1/parameters",
            json={"key": key, "year": 2020, "value": "100", "effective_date": "2020-01-01"},
            headers=tokens.headers("admin"),
        )
        assert response.status_code == 201, response.text
    assert set(REGISTERS) == set(Subsidy)
    for subsidy in Subsidy:
        response = await client.post(
            RUNS,
            json={"programme": subsidy.value, "period": "2020-03"},
            headers=tokens.headers("city_officer"),
        )
        assert response.status_code == 201, (subsidy, response.text)
        assert response.json()["line_count"] == 0
