"""The standards resource, end to end through the app: auth, validation, audit."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.standards.repository import StandardRepository
from civil_cli.pytest_plugin import Tokens

URBAN_2019 = {
    "programme": "urban_dibao",
    "year": 2019,
    "amount": "600.00",
    "unit": "per_month",
    "effective_date": "2019-01-01",
}
URBAN_2020 = {**URBAN_2019, "year": 2020, "amount": "630", "effective_date": "2020-01-01"}
RURAL_2020 = {
    "programme": "rural_dibao",
    "year": 2020,
    "amount": "5400",
    "unit": "per_year",
    "effective_date": "2020-01-01",
}


async def create(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/api/v1/standards", json=body, headers=tokens.headers("city_officer"))


async def test_created_standard_shows_growth_against_previous_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    assert (await create(client, tokens, URBAN_2019)).status_code == 201
    response = await create(client, tokens, URBAN_2020)

    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == "630.00"
    assert body["area_code"] == "429006"
    assert body["previous_amount"] == "600.00"
    assert body["growth_pct"] == "5.00"


async def test_yearly_standard_is_paid_as_a_twelfth_per_month(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = (await create(client, tokens, RURAL_2020)).json()
    assert body["monthly_amount"] == "450.00"
    assert body["growth_pct"] is None


async def test_list_filters_by_year_and_programme(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for standard in (URBAN_2019, URBAN_2020, RURAL_2020):
        await create(client, tokens, standard)

    response = await client.get(
        "/api/v1/standards",
        params={"year": 2020, "programme": "urban_dibao"},
        headers=tokens.headers("auditor"),
    )

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 1
    assert [(s["programme"], s["year"]) for s in page["items"]] == [("urban_dibao", 2020)]


async def test_same_standard_twice_is_a_conflict(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await create(client, tokens, URBAN_2020)
    response = await create(client, tokens, URBAN_2020)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "ASSISTANCE_STANDARD_EXISTS"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "630.001"}, "amount"),
        ({"year": 9999}, "year"),
        ({"programme": "dibao"}, "programme"),
        ({"area_code": "42900"}, "area_code"),
        ({"unit": None}, "unit"),
    ],
)
async def test_invalid_standard_names_the_field(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await create(client, tokens, {**URBAN_2020, **change})

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "VALIDATION_FAILED"
    assert field in [error["field"] for error in problem["errors"]]
    assert field in problem["detail"]


async def test_only_city_staff_set_standards(client: httpx.AsyncClient, tokens: Tokens) -> None:
    for headers in (
        tokens.headers("auditor"),
        tokens.headers("township_officer", area_codes=["429006100"]),
        tokens.headers("integrator", scopes=["assistance:write"]),
    ):
        response = await client.post("/api/v1/standards", json=URBAN_2020, headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["code"] == "AUTH_FORBIDDEN"


async def test_integrator_reads_only_with_its_scope(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    allowed = await client.get(
        "/api/v1/standards", headers=tokens.headers("integrator", scopes=["assistance:read"])
    )
    refused = await client.get(
        "/api/v1/standards", headers=tokens.headers("integrator", scopes=["welfare:read"])
    )
    assert allowed.status_code == 200
    assert refused.status_code == 403


async def test_creating_a_standard_is_audited_with_actor_and_values(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/standards",
        json=URBAN_2020,
        headers={**tokens.headers("admin", sub="zhang.san"), "X-Request-ID": "req-42"},
    )
    standard_id = response.json()["id"]

    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity == "assistance_standard"))
    ).all()

    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.action, event.request_id) == ("zhang.san", "insert", "req-42")
    assert event.entity_id == standard_id
    assert event.old_values is None
    assert event.new_values is not None
    assert event.new_values["amount"] == "630.00"
    assert event.new_values["programme"] == "urban_dibao"


async def test_refused_write_leaves_no_row_and_no_audit(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await client.post("/api/v1/standards", json=URBAN_2020, headers=tokens.headers("auditor"))
    events = (await session.scalars(select(AuditEvent))).all()
    page = (await client.get("/api/v1/standards", headers=tokens.headers("admin"))).json()
    assert events == []
    assert page["total"] == 0


async def test_a_duplicate_that_slips_past_the_check_is_still_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two concurrent requests both pass the existence check; the unique constraint decides.
    async def never_exists(*_: object, **__: object) -> bool:
        return False

    monkeypatch.setattr(StandardRepository, "exists", never_exists)
    first = await create(client, tokens, URBAN_2020)
    second = await create(client, tokens, URBAN_2020)
    listed = await client.get("/api/v1/standards", headers=tokens.headers("admin"))

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "ASSISTANCE_STANDARD_EXISTS"
    assert listed.json()["total"] == 1
