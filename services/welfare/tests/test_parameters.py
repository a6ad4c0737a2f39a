"""Welfare policy parameters: set by year and area, validated, audited."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_welfare.db import AuditEvent

ORPHAN_2020 = {
    "key": "orphan_scattered_allowance",
    "year": 2020,
    "value": "1260",
    "effective_date": "2020-01-01",
    "source": "天门市2020年孤儿基本生活保障标准",
}


async def test_parameter_is_set_and_listed_with_its_unit(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await client.post(
        "/api/v1/parameters", json=ORPHAN_2020, headers=tokens.headers("city_officer")
    )
    visits = await client.post(
        "/api/v1/parameters",
        json={
            "key": "child_visit_interval_months",
            "year": 2020,
            "value": 3,
            "effective_date": "2020-01-01",
        },
        headers=tokens.headers("city_officer"),
    )
    listed = await client.get(
        "/api/v1/parameters", params={"year": 2020}, headers=tokens.headers("auditor")
    )

    assert created.status_code == 201
    assert created.json()["unit"] == "yuan_per_month"
    assert visits.json()["unit"] == "months"
    assert {p["key"]: p["value"] for p in listed.json()["items"]} == {
        "orphan_scattered_allowance": "1260.00",
        "child_visit_interval_months": "3.00",
    }
    events = (await session.scalars(select(AuditEvent))).all()
    assert sorted(e.new_values["key"] for e in events if e.new_values) == [
        "child_visit_interval_months",
        "orphan_scattered_allowance",
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "child_visit_interval_months", "value": "1.5"}, "body"),
        ({"key": "child_visit_interval_months", "value": "0"}, "body"),
        ({"value": "-50"}, "value"),
        ({"key": "free_money"}, "key"),
        ({"year": 1999}, "year"),
    ],
)
async def test_invalid_parameters_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/api/v1/parameters", json={**ORPHAN_2020, **change}, headers=tokens.headers("admin")
    )
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_same_parameter_twice_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("admin")
    await client.post("/api/v1/parameters", json=ORPHAN_2020, headers=headers)
    again = await client.post("/api/v1/parameters", json=ORPHAN_2020, headers=headers)
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_PARAMETER_EXISTS"


async def test_auditor_cannot_set_parameters(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(
        "/api/v1/parameters", json=ORPHAN_2020, headers=tokens.headers("auditor")
    )
    assert response.status_code == 403
