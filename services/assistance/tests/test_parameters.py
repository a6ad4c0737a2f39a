"""Assistance policy parameters: seeded by year, set and corrected by city staff,
audited, and looked up by the most specific area and the latest year."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.entitlements import ReviewIntervals
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.models import AssistanceParameter
from civil_assistance.parameters.service import find_parameter, parameter_value, review_intervals
from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import Conflict
from civil_shared.types import TIANMEN

URL = "/api/v1/parameters"
EDGE_2021 = {
    "key": "edge_of_dibao_factor",
    "year": 2021,
    "value": "1.5",
    "effective_date": "2021-01-01",
    "source": "天门市低保边缘家庭认定办法",
}

SEEDED = {
    "edge_of_dibao_factor": ("1.5000", "multiple"),
    "review_interval_stable_months": ("12.0000", "months"),
    "review_interval_unstable_months": ("6.0000", "months"),
    "review_after_death_months": ("3.0000", "months"),
    "gradual_exit_max_months": ("6.0000", "months"),
    "temporary_max_multiple": ("6.0000", "multiple"),
    "temporary_township_limit_multiple": ("3.0000", "multiple"),
    "tekun_basic_min_multiple": ("1.3000", "multiple"),
    "minimum_wage_monthly": ("1520.0000", "yuan_per_month"),
    "tekun_care_share_self_care": ("0.1000", "share"),
    "tekun_care_share_partly_disabled": ("0.1667", "share"),
    "tekun_care_share_fully_disabled": ("0.3333", "share"),
    "public_notice_days": ("7.0000", "days"),
    "county_decision_working_days": ("10.0000", "working_days"),
}


async def post(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], role: str = "city_officer"
) -> httpx.Response:
    return await client.post(URL, json=body, headers=tokens.headers(role))


async def seeded(client: httpx.AsyncClient, tokens: Tokens, key: str, year: int) -> dict[str, Any]:
    page = (
        await client.get(
            URL,
            params={"key": key, "year": year, "area_code": TIANMEN},
            headers=tokens.headers("auditor"),
        )
    ).json()
    found: dict[str, Any] = page["items"][0]
    return found


@pytest.mark.parametrize("year", [2019, 2020])
async def test_the_citys_defaults_are_seeded_for_2019_and_2020(
    client: httpx.AsyncClient, tokens: Tokens, year: int
) -> None:
    response = await client.get(
        URL, params={"year": year, "limit": 100}, headers=tokens.headers("auditor")
    )

    assert response.status_code == 200
    items = response.json()["items"]
    assert {p["key"]: (p["value"], p["unit"]) for p in items} == SEEDED
    assert {p["area_code"] for p in items} == {TIANMEN}
    assert all(p["source"] for p in items)
    wage = next(p for p in items if p["key"] == "minimum_wage_monthly")
    assert "待市局确认" in wage["source"]


async def test_a_parameter_is_set_listed_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await post(client, tokens, EDGE_2021)
    listed = await client.get(
        URL, params={"key": "edge_of_dibao_factor"}, headers=tokens.headers("auditor")
    )

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert (created.json()["value"], created.json()["unit"]) == ("1.5", "multiple")
    assert [p["year"] for p in listed.json()["items"]] == [2021, 2020, 2019]
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity == "assistance_parameter"))
    ).all()
    assert [(e.action, e.entity_id) for e in events] == [("insert", created.json()["id"])]


async def test_list_filters_by_area_prefix(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await post(client, tokens, {**EDGE_2021, "area_code": "429006100"})
    await post(client, tokens, {**EDGE_2021, "area_code": "429006101"})

    response = await client.get(
        URL, params={"area_code": "429006100"}, headers=tokens.headers("auditor")
    )
    assert [p["area_code"] for p in response.json()["items"]] == ["429006100"]


async def test_same_parameter_twice_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await post(
        client, tokens, {**EDGE_2021, "year": 2020, "effective_date": "2020-01-01"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_PARAMETER_EXISTS"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"key": "review_interval_stable_months", "value": "1.5"}, "body"),  # whole months
        ({"key": "public_notice_days", "value": "7.5"}, "body"),
        ({"key": "review_interval_stable_months", "value": "0"}, "body"),
        ({"key": "tekun_care_share_self_care", "value": "1.2"}, "body"),  # a share is ≤ 1
        ({"key": "edge_of_dibao_factor", "value": "0.9"}, "body"),  # edge starts at dibao
        ({"key": "minimum_wage_monthly", "value": "1520.005"}, "body"),  # money: 2 places
        ({"value": "1.23456"}, "value"),  # at most 4 places are stored
        ({"value": "-1"}, "value"),
        ({"key": "free_money"}, "key"),
        ({"year": 1999}, "year"),
        ({"area_code": "420100"}, "area_code"),  # not in Tianmen
        ({"effective_date": "2017-05-01"}, "body"),
        ({"unit": "multiple"}, "unit"),  # the unit is fixed by the key
    ],
)
async def test_invalid_parameters_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await post(client, tokens, {**EDGE_2021, **change}, role="admin")
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_zero_notice_days_is_a_real_setting(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await post(
        client,
        tokens,
        {**EDGE_2021, "key": "public_notice_days", "value": "0", "area_code": "429006100"},
    )
    assert response.status_code == 201


async def test_only_city_staff_set_parameters(client: httpx.AsyncClient, tokens: Tokens) -> None:
    for headers in (
        tokens.headers("auditor"),
        tokens.headers("township_officer", area_codes=["429006100"]),
        tokens.headers("integrator", scopes=["assistance:write"]),
    ):
        response = await client.post(URL, json=EDGE_2021, headers=headers)
        assert response.status_code == 403, headers


async def test_integrator_reads_with_its_scope(client: httpx.AsyncClient, tokens: Tokens) -> None:
    allowed = await client.get(
        URL, headers=tokens.headers("integrator", scopes=["assistance:read"])
    )
    refused = await client.get(URL, headers=tokens.headers("integrator", scopes=["welfare:read"]))
    anonymous = await client.get(URL)
    assert (allowed.status_code, refused.status_code, anonymous.status_code) == (200, 403, 401)


# --- reading and correcting one -----------------------------------------------------


async def test_one_parameter_is_read_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    parameter = await seeded(client, tokens, "gradual_exit_max_months", 2020)
    response = await client.get(f"{URL}/{parameter['id']}", headers=tokens.headers("auditor"))
    missing = await client.get(f"{URL}/{uuid.uuid4()}", headers=tokens.headers("auditor"))

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["value"] == "6.0000"
    assert missing.status_code == 404
    assert missing.json()["code"] == "ASSISTANCE_PARAMETER_NOT_FOUND"


async def test_correcting_a_parameter_needs_the_current_etag_and_is_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    parameter = await seeded(client, tokens, "minimum_wage_monthly", 2020)
    url = f"{URL}/{parameter['id']}"
    headers = tokens.headers("admin", sub="wang.wu")
    body = {"value": "1650", "source": "鄂政发〔2021〕X号（示例）"}

    missing = await client.patch(url, json=body, headers=headers)
    unreadable = await client.patch(url, json=body, headers={**headers, "If-Match": "abc"})
    changed = await client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    stale = await client.patch(url, json=body, headers={**headers, "If-Match": '"1"'})
    cleared = await client.patch(
        url, json={"source": None}, headers={**headers, "If-Match": changed.headers["etag"]}
    )

    assert (missing.status_code, unreadable.status_code) == (428, 412)
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["value"] == "1650"
    assert stale.status_code == 412
    assert cleared.status_code == 200
    assert cleared.json()["source"] is None
    assert cleared.headers["etag"] == '"3"'
    assert await parameter_value(
        session, ParameterKey.MINIMUM_WAGE_MONTHLY, 2020, TIANMEN
    ) == Decimal("1650")
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "assistance_parameter", AuditEvent.action == "update")
            .order_by(AuditEvent.id)
        )
    ).all()
    assert len(events) == 2
    assert events[0].actor == "wang.wu"
    assert events[0].old_values is not None
    assert events[0].new_values is not None
    assert events[0].old_values["value"] == "1520.0000"
    assert events[0].new_values["value"] == "1650"


@pytest.mark.parametrize(
    ("key", "body", "code"),
    [
        ("review_interval_stable_months", {"value": "0.5"}, "ASSISTANCE_PARAMETER_INVALID"),
        ("tekun_care_share_self_care", {"value": "2"}, "ASSISTANCE_PARAMETER_INVALID"),
        ("edge_of_dibao_factor", {"effective_date": "2023-01-01"}, "ASSISTANCE_PARAMETER_INVALID"),
        ("edge_of_dibao_factor", {}, "VALIDATION_FAILED"),
        ("edge_of_dibao_factor", {"value": None}, "VALIDATION_FAILED"),
        ("edge_of_dibao_factor", {"key": "public_notice_days"}, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_corrections_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, key: str, body: dict[str, Any], code: str
) -> None:
    parameter = await seeded(client, tokens, key, 2020)
    response = await client.patch(
        f"{URL}/{parameter['id']}",
        json=body,
        headers={**tokens.headers("admin"), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_only_city_staff_correct_parameters(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    parameter = await seeded(client, tokens, "edge_of_dibao_factor", 2020)
    response = await client.patch(
        f"{URL}/{parameter['id']}",
        json={"value": "2"},
        headers={
            **tokens.headers("township_officer", area_codes=["429006100"]),
            "If-Match": '"1"',
        },
    )
    assert response.status_code == 403


# --- the value that applies -------------------------------------------------------


async def test_the_most_specific_area_wins(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    for area, value in (("429006100", "1.8"), ("429006100201", "2")):
        response = await post(
            client,
            tokens,
            {
                **EDGE_2021,
                "year": 2020,
                "effective_date": "2020-01-01",
                "area_code": area,
                "value": value,
            },
        )
        assert response.status_code == 201

    key = ParameterKey.EDGE_OF_DIBAO_FACTOR
    assert await parameter_value(session, key, 2020, "429006100201") == Decimal("2")
    assert await parameter_value(session, key, 2020, "429006100202") == Decimal("1.8")
    assert await parameter_value(session, key, 2020, "429006100") == Decimal("1.8")
    assert await parameter_value(session, key, 2020, "429006101") == Decimal("1.5")
    assert await parameter_value(session, key, 2020, TIANMEN) == Decimal("1.5")


async def test_a_year_without_a_value_keeps_the_latest_earlier_one(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    key = ParameterKey.GRADUAL_EXIT_MAX_MONTHS
    assert await parameter_value(session, key, 2025, "429006100") == Decimal("6")

    await post(client, tokens, {**EDGE_2021, "key": key.value, "value": "4"})
    assert await parameter_value(session, key, 2025, "429006100") == Decimal("4")
    assert await parameter_value(session, key, 2020, "429006100") == Decimal("6")


async def test_a_newer_city_value_outranks_an_older_township_one(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # The township set its own factor for 2020; in 2021 the city changed the rule for all.
    await post(
        client,
        tokens,
        {
            **EDGE_2021,
            "year": 2020,
            "effective_date": "2020-01-01",
            "area_code": "429006100",
            "value": "1.8",
        },
    )
    await post(client, tokens, {**EDGE_2021, "value": "2"})

    found = await find_parameter(session, ParameterKey.EDGE_OF_DIBAO_FACTOR, 2021, "429006100")
    assert found is not None
    assert (found.year, found.area_code, found.value) == (2021, TIANMEN, Decimal("2"))


@pytest.mark.parametrize(
    ("key", "year"),
    [
        (ParameterKey.AVERAGE_DISPOSABLE_INCOME_URBAN, 2020),  # never set
        (ParameterKey.EDGE_OF_DIBAO_FACTOR, 2018),  # nothing that early
    ],
)
async def test_a_parameter_never_set_is_a_409_problem(
    session: AsyncSession, key: ParameterKey, year: int
) -> None:
    with pytest.raises(Conflict) as raised:
        await parameter_value(session, key, year, "429006100")
    problem = raised.value.to_problem()
    assert problem.status == 409
    assert problem.code == "ASSISTANCE_PARAMETER_MISSING"
    assert problem.model_extra == {"key": key.value, "year": year, "area_code": "429006100"}


async def test_review_intervals_come_from_the_parameters(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    assert await review_intervals(session, 2020, "429006100") == ReviewIntervals(12, 6, 3)
    await post(
        client,
        tokens,
        {
            **EDGE_2021,
            "key": "review_interval_unstable_months",
            "value": "3",
            "area_code": "429006100",
        },
    )
    assert await review_intervals(session, 2021, "429006100") == ReviewIntervals(12, 3, 3)


async def test_the_database_holds_the_known_keys(session: AsyncSession) -> None:
    for key in ParameterKey:
        session.add(
            AssistanceParameter(
                key=key.value,
                year=2030,
                area_code=TIANMEN,
                value=Decimal("1"),
                effective_date=date(2030, 1, 1),
            )
        )
    await session.flush()

    session.add(
        AssistanceParameter(
            key="free_money",
            year=2030,
            area_code=TIANMEN,
            value=Decimal("1"),
            effective_date=date(2030, 1, 1),
        )
    )
    with pytest.raises(IntegrityError, match="key_known"):
        await session.flush()
