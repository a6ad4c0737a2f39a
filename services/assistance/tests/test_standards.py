"""The standards resource, end to end through the app: auth, validation, audit."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.entitlements import tekun_basic_floor_ok
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import parameter_value
from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.standards.repository import StandardRepository, StandardRow
from civil_assistance.standards.schemas import StandardProgramme
from civil_assistance.standards.service import find_standard_in_force, standard_in_force
from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import Conflict
from civil_shared.types import TIANMEN, Period

# The migration seeds Tianmen's 2019 and 2020 standards; these tests set later years.
URBAN_2021 = {
    "programme": "urban_dibao",
    "year": 2021,
    "amount": "600.00",
    "unit": "per_month",
    "effective_date": "2021-01-01",
}
URBAN_2022 = {**URBAN_2021, "year": 2022, "amount": "630", "effective_date": "2022-01-01"}
RURAL_2022 = {
    "programme": "rural_dibao",
    "year": 2022,
    "amount": "5400",
    "unit": "per_year",
    "effective_date": "2022-01-01",
}


async def create(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post("/api/v1/standards", json=body, headers=tokens.headers("city_officer"))


async def test_created_standard_shows_growth_against_previous_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    assert (await create(client, tokens, URBAN_2021)).status_code == 201
    response = await create(client, tokens, URBAN_2022)

    assert response.status_code == 201
    body = response.json()
    assert body["amount"] == "630.00"
    assert body["area_code"] == "429006"
    assert body["previous_amount"] == "600.00"
    assert body["growth_pct"] == "5.00"


async def test_yearly_standard_is_paid_as_a_twelfth_per_month(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = (await create(client, tokens, RURAL_2022)).json()
    assert body["monthly_amount"] == "450.00"
    assert body["growth_pct"] is None


async def test_list_filters_by_year_and_programme(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for standard in (URBAN_2021, URBAN_2022, RURAL_2022):
        await create(client, tokens, standard)

    response = await client.get(
        "/api/v1/standards",
        params={"year": 2022, "programme": "urban_dibao"},
        headers=tokens.headers("auditor"),
    )

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 1
    assert [(s["programme"], s["year"]) for s in page["items"]] == [("urban_dibao", 2022)]


async def test_same_standard_twice_is_a_conflict(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await create(client, tokens, URBAN_2022)
    response = await create(client, tokens, URBAN_2022)

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
    response = await create(client, tokens, {**URBAN_2022, **change})

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
        response = await client.post("/api/v1/standards", json=URBAN_2022, headers=headers)
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
        json=URBAN_2022,
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
    await client.post("/api/v1/standards", json=URBAN_2022, headers=tokens.headers("auditor"))
    events = (await session.scalars(select(AuditEvent))).all()
    page = (
        await client.get(
            "/api/v1/standards", params={"year": 2022}, headers=tokens.headers("admin")
        )
    ).json()
    assert events == []
    assert page["total"] == 0


async def test_a_duplicate_that_slips_past_the_check_is_still_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two concurrent requests both pass the existence check; the unique constraint decides.
    async def never_exists(*_: object, **__: object) -> bool:
        return False

    monkeypatch.setattr(StandardRepository, "exists", never_exists)
    first = await create(client, tokens, URBAN_2022)
    second = await create(client, tokens, URBAN_2022)
    listed = await client.get(
        "/api/v1/standards", params={"year": 2022}, headers=tokens.headers("admin")
    )

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "ASSISTANCE_STANDARD_EXISTS"
    assert listed.json()["total"] == 1


# --- Tianmen's seeded standards ----------------------------------------------------


async def test_tianmen_2020_standards_are_seeded_with_growth_against_2019(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(
        "/api/v1/standards",
        params={"year": 2020, "area_code": "429006"},
        headers=tokens.headers("township_officer", area_codes=["429006100"]),
    )

    assert response.status_code == 200
    seeded = {s["programme"]: s for s in response.json()["items"]}
    figures = {
        p: (s["amount"], s["unit"], s["monthly_amount"], s["previous_amount"], s["growth_pct"])
        for p, s in seeded.items()
    }
    assert figures == {
        "urban_dibao": ("630.00", "per_month", "630.00", "600.00", "5.00"),
        "rural_dibao": ("5400.00", "per_year", "450.00", "4800.00", "12.50"),
        "urban_tekun_basic": ("1260.00", "per_month", "1260.00", "1200.00", "5.00"),
        "rural_tekun_basic": ("9000.00", "per_year", "750.00", "8100.00", "11.11"),
        # 1/10, 1/6 and 1/3 of the 1,520 yuan minimum wage, to the fen
        "tekun_care_self_care": ("152.00", "per_month", "152.00", "152.00", "0.00"),
        "tekun_care_partly_disabled": ("253.33", "per_month", "253.33", "253.33", "0.00"),
        "tekun_care_fully_disabled": ("506.67", "per_month", "506.67", "506.67", "0.00"),
    }
    assert {s["area_code"] for s in seeded.values()} == {"429006"}


async def test_seeded_tekun_basic_standards_keep_the_floor_over_dibao(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    multiple = await parameter_value(session, ParameterKey.TEKUN_BASIC_MIN_MULTIPLE, 2020, TIANMEN)
    for year in (2019, 2020):
        for basic, dibao in (
            (StandardProgramme.URBAN_TEKUN_BASIC, StandardProgramme.URBAN_DIBAO),
            (StandardProgramme.RURAL_TEKUN_BASIC, StandardProgramme.RURAL_DIBAO),
        ):
            period = Period(f"{year}-06")
            basic_standard = await standard_in_force(session, basic, TIANMEN, period)
            dibao_standard = await standard_in_force(session, dibao, TIANMEN, period)
            assert tekun_basic_floor_ok(
                basic_standard.monthly_amount, dibao_standard.monthly_amount, multiple
            ), (year, basic)


async def test_a_care_standard_can_be_set_for_a_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await create(
        client,
        tokens,
        {
            "programme": "tekun_care_fully_disabled",
            "year": 2020,
            "area_code": "429006100",
            "amount": "600",
            "unit": "per_month",
            "effective_date": "2020-01-01",
        },
    )
    assert response.status_code == 201
    assert response.json()["area_code"] == "429006100"
    assert response.json()["growth_pct"] is None  # no 2019 figure for that township


async def test_an_area_outside_tianmen_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await create(client, tokens, {**URBAN_2022, "area_code": "429005"})
    assert response.status_code == 422
    assert "area_code" in [error["field"] for error in response.json()["errors"]]


async def test_the_database_refuses_an_unknown_programme(session: AsyncSession) -> None:
    session.add(
        AssistanceStandard(
            programme="dibao",
            year=2023,
            area_code=TIANMEN,
            amount=Decimal("1"),
            unit="per_month",
            effective_date=date(2023, 1, 1),
        )
    )
    with pytest.raises(IntegrityError, match="programme_known"):
        await session.flush()


# --- one standard, and correcting it ------------------------------------------------


async def seeded_id(client: httpx.AsyncClient, tokens: Tokens, programme: str, year: int) -> str:
    page = (
        await client.get(
            "/api/v1/standards",
            params={"programme": programme, "year": year, "area_code": TIANMEN},
            headers=tokens.headers("auditor"),
        )
    ).json()
    return str(next(s["id"] for s in page["items"] if s["area_code"] == TIANMEN))


async def test_one_standard_is_read_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    standard_id = await seeded_id(client, tokens, "rural_dibao", 2020)
    response = await client.get(
        f"/api/v1/standards/{standard_id}", headers=tokens.headers("auditor")
    )

    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["growth_pct"] == "12.50"
    assert response.json()["version"] == 1


async def test_an_unknown_standard_is_a_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get(
        f"/api/v1/standards/{uuid.uuid4()}", headers=tokens.headers("admin")
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ASSISTANCE_STANDARD_NOT_FOUND"


async def test_correcting_a_standard_needs_the_current_etag_and_is_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    standard_id = await seeded_id(client, tokens, "urban_dibao", 2020)
    url = f"/api/v1/standards/{standard_id}"
    headers = tokens.headers("city_officer", sub="li.si")

    missing = await client.patch(url, json={"amount": "640"}, headers=headers)
    changed = await client.patch(
        url, json={"amount": "640"}, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.patch(url, json={"amount": "650"}, headers={**headers, "If-Match": '"1"'})
    read = await client.get(url, headers=headers)

    assert missing.status_code == 428
    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert changed.json()["amount"] == "640.00"
    assert changed.json()["growth_pct"] == "6.67"  # against 2019's 600, recomputed
    assert stale.status_code == 412
    assert read.json()["amount"] == "640.00"
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "assistance_standard", AuditEvent.action == "update"
            )
        )
    ).all()
    assert len(events) == 1
    assert (events[0].actor, events[0].entity_id) == ("li.si", standard_id)
    assert events[0].old_values is not None
    assert events[0].new_values is not None
    assert events[0].old_values["amount"] == "630.00"
    assert events[0].new_values["amount"] == "640.00"


async def test_only_city_staff_correct_standards(client: httpx.AsyncClient, tokens: Tokens) -> None:
    standard_id = await seeded_id(client, tokens, "urban_dibao", 2020)
    for headers in (
        tokens.headers("auditor"),
        tokens.headers("township_officer", area_codes=["429006100"]),
    ):
        response = await client.patch(
            f"/api/v1/standards/{standard_id}",
            json={"amount": "1"},
            headers={**headers, "If-Match": '"1"'},
        )
        assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "VALIDATION_FAILED"),
        ({"programme": "rural_dibao"}, "VALIDATION_FAILED"),  # identity does not change
        ({"year": 2021}, "VALIDATION_FAILED"),
        ({"amount": "-1"}, "VALIDATION_FAILED"),
        ({"effective_date": "2017-01-01"}, "ASSISTANCE_STANDARD_EFFECTIVE_DATE"),
    ],
)
async def test_invalid_corrections_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], code: str
) -> None:
    standard_id = await seeded_id(client, tokens, "urban_dibao", 2020)
    response = await client.patch(
        f"/api/v1/standards/{standard_id}",
        json=body,
        headers={**tokens.headers("admin"), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_a_writer_who_loses_the_race_after_the_etag_check_gets_412(
    client: httpx.AsyncClient,
    tokens: Tokens,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Another writer commits between this request's read and its UPDATE.
    standard_id = await seeded_id(client, tokens, "urban_dibao", 2020)
    original = StandardRepository.get_with_previous

    async def read_then_overtaken(
        self: StandardRepository, standard_id: uuid.UUID
    ) -> StandardRow | None:
        row = await original(self, standard_id)
        await self.session.execute(
            text("UPDATE assistance_standard SET version = version + 1 WHERE id = :id"),
            {"id": standard_id},
        )
        return row

    monkeypatch.setattr(StandardRepository, "get_with_previous", read_then_overtaken)
    response = await client.patch(
        f"/api/v1/standards/{standard_id}",
        json={"amount": "640"},
        headers={**tokens.headers("admin"), "If-Match": '"1"'},
    )
    monkeypatch.undo()

    assert response.status_code == 412
    amount = await session.scalar(
        select(AssistanceStandard.amount).where(AssistanceStandard.id == uuid.UUID(standard_id))
    )
    assert amount == Decimal("630.00")


# --- the standard in force ------------------------------------------------------


async def set_township_urban_2020(client: httpx.AsyncClient, tokens: Tokens, area: str) -> None:
    response = await create(
        client,
        tokens,
        {
            **URBAN_2022,
            "year": 2020,
            "area_code": area,
            "amount": "700",
            "effective_date": "2020-01-01",
        },
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("area_code", "amount", "source_area"),
    [
        ("429006100201", "720.00", "429006100201"),  # the village's own standard
        ("429006100202", "700.00", "429006100"),  # another village: its township's
        ("429006100", "700.00", "429006100"),
        ("429006101", "630.00", "429006"),  # another township: the city's
        ("429006", "630.00", "429006"),
    ],
)
async def test_the_most_specific_area_with_a_standard_wins(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str, amount: str, source_area: str
) -> None:
    await set_township_urban_2020(client, tokens, "429006100")
    await create(
        client,
        tokens,
        {
            **URBAN_2022,
            "year": 2020,
            "area_code": "429006100201",
            "amount": "720",
            "effective_date": "2020-01-01",
        },
    )

    response = await client.get(
        "/api/v1/standards/in-force",
        params={"programme": "urban_dibao", "area_code": area_code, "period": "2020-07"},
        headers=tokens.headers("township_officer", area_codes=["429006100"]),
    )

    assert response.status_code == 200
    assert (response.json()["amount"], response.json()["area_code"]) == (amount, source_area)
    assert response.headers["etag"] == '"1"'


async def test_the_standard_in_force_is_the_one_of_the_periods_year(
    session: AsyncSession,
) -> None:
    december = await standard_in_force(
        session, StandardProgramme.RURAL_DIBAO, "429006100201", Period("2019-12")
    )
    january = await standard_in_force(
        session, StandardProgramme.RURAL_DIBAO, "429006100201", Period("2020-01")
    )
    assert (december.year, december.monthly_amount) == (2019, Decimal("400.00"))
    assert (january.year, january.monthly_amount) == (2020, Decimal("450.00"))


async def test_no_standard_for_the_year_is_a_409_problem(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    response = await client.get(
        "/api/v1/standards/in-force",
        params={"programme": "urban_dibao", "area_code": "429006100", "period": "2023-01"},
        headers=tokens.headers("auditor"),
    )
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "ASSISTANCE_STANDARD_MISSING"
    assert (problem["programme"], problem["area_code"], problem["period"]) == (
        "urban_dibao",
        "429006100",
        "2023-01",
    )
    assert (
        await find_standard_in_force(
            session, StandardProgramme.URBAN_DIBAO, "429006100", Period("2023-01")
        )
        is None
    )
    with pytest.raises(Conflict):
        await standard_in_force(session, StandardProgramme.URBAN_DIBAO, "429005", Period("2020-01"))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"programme": "urban_dibao", "area_code": "429006", "period": "2020-13"}, "period"),
        ({"programme": "urban_dibao", "area_code": "4290", "period": "2020-01"}, "area_code"),
        ({"programme": "dibao", "area_code": "429006", "period": "2020-01"}, "programme"),
        ({"area_code": "429006", "period": "2020-01"}, "programme"),
    ],
)
async def test_in_force_query_is_validated(
    client: httpx.AsyncClient, tokens: Tokens, params: dict[str, str], field: str
) -> None:
    response = await client.get(
        "/api/v1/standards/in-force", params=params, headers=tokens.headers("auditor")
    )
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
