"""Applications: investigation with two staff, the income test, notice, county decision."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.households.models import Household, HouseholdMember, MemberIncome
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

VILLAGE = "429006100201"
COUNTY = {"sub": "county-clerk"}


async def household(session: AsyncSession, *incomes: str) -> tuple[Household, list[str]]:
    """A rural household of older people and one child, with these monthly wages."""
    births = [date(1950, 5, 1), date(1952, 6, 1), date(2010, 7, 1)][: len(incomes)]
    numbers = [str(make_id_number(birth_date=b)) for b in births]
    home = Household(
        area_code=VILLAGE,
        address="多宝镇多宝村3组",
        residence_type="rural",
        income_stability="stable",
        in_poverty_alleviation=True,
    )
    for i, (number, wage) in enumerate(zip(numbers, incomes, strict=True)):
        home.members.append(
            HouseholdMember(
                id_number=number,
                name=f"成员{i}",
                relation="head" if i == 0 else "spouse" if i == 1 else "child",
                employment_status="unemployed",
                incomes=[MemberIncome(kind="wages", monthly_amount=Decimal(wage))],
            )
        )
    session.add(home)
    await session.commit()
    return home, numbers


def application(home: Household, applicant: str, **extra: Any) -> dict[str, Any]:
    return {
        "programme": "rural_dibao",
        "household_id": str(home.id),
        "applicant": {"id_number": applicant, "name": "成员0"},
        "area_code": VILLAGE,
        "application_date": "2020-03-01",
        **extra,
    }


INVESTIGATION = {
    "visit_date": "2020-03-05",
    "investigators": ["王五", "赵六"],
    "findings": "入户核实家庭成员及收入",
}


async def step(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    created: httpx.Response,
    action: str,
    body: dict[str, Any],
) -> httpx.Response:
    return await client.post(
        f"/api/v1/applications/{created.json()['id']}/{action}",
        json=body,
        headers={**headers, "If-Match": created.headers["etag"]},
    )


async def test_dibao_from_application_to_enrolment(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    home, numbers = await household(session, "600", "300", "0")
    township = tokens.headers("township_officer", area_codes=["429006100"])
    county = tokens.headers("city_officer", **COUNTY)

    submitted = await client.post(
        "/api/v1/applications", json=application(home, numbers[0]), headers=township
    )
    investigated = await step(client, township, submitted, "investigation", INVESTIGATION)
    noticed = await step(client, township, investigated, "notice", {"start_date": "2020-03-06"})
    early = await step(client, county, noticed, "approve", {"decision_date": "2020-03-12"})
    by_township = await step(client, township, noticed, "approve", {"decision_date": "2020-03-13"})
    approved = await step(client, county, noticed, "approve", {"decision_date": "2020-03-13"})

    assert submitted.status_code == 201
    assert submitted.json()["allowed_steps"] == ["investigate", "reject", "withdraw"]
    result = investigated.json()
    assert (result["members"], result["income_per_person"]) == (3, "300.00")
    assert (result["standard_monthly"], result["eligible"]) == ("450.00", True)
    assert result["monthly_amount"] == "450.00"  # (450 − 300) × 3
    assert result["investigators"] == ["王五", "赵六"]
    assert noticed.json()["notice_end_date"] == "2020-03-13"  # 7 days
    assert early.status_code == 409
    assert early.json()["code"] == "ASSISTANCE_NOTICE_NOT_OVER"
    assert by_township.status_code == 403
    assert approved.status_code == 200, approved.text
    enrolment_id = approved.json()["enrolment_id"]
    enrolment = (await client.get(f"/api/v1/enrolments/{enrolment_id}", headers=county)).json()
    assert (enrolment["programme"], enrolment["persons"]) == ("rural_dibao", 3)
    assert (enrolment["monthly_amount"], enrolment["start_period"]) == ("450.00", "2020-04")
    assert enrolment["next_review_date"] == "2021-03-13"  # stable, nobody of working age
    assert enrolment["in_poverty_alleviation"] is True


async def test_income_at_the_standard_is_not_eligible(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    home, numbers = await household(session, "900", "0")  # 450 per person, the standard
    headers = tokens.headers("city_officer")
    submitted = await client.post(
        "/api/v1/applications", json=application(home, numbers[0]), headers=headers
    )
    investigated = await step(client, headers, submitted, "investigation", INVESTIGATION)
    notice = await step(client, headers, investigated, "notice", {"start_date": "2020-03-06"})

    body = investigated.json()
    assert (body["eligible"], body["monthly_amount"]) == (False, "0.00")
    assert "不低于" in body["reasons"][0]
    assert "低保边缘" in body["reasons"][-1]
    assert notice.status_code == 409
    assert notice.json()["allowed"] == ["reject"]


async def test_invalid_steps_are_409_with_the_allowed_ones(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    home, numbers = await household(session, "100")
    headers = tokens.headers("city_officer")
    submitted = await client.post(
        "/api/v1/applications", json=application(home, numbers[0]), headers=headers
    )
    approve = await step(client, headers, submitted, "approve", {"decision_date": "2020-03-20"})
    rejected = await step(client, headers, submitted, "reject", {"decision_date": "2020-03-02"})
    assert approve.status_code == 409
    assert approve.json()["allowed"] == ["investigate", "reject", "withdraw"]
    assert rejected.status_code == 422
    assert rejected.json()["code"] == "ASSISTANCE_REASON_REQUIRED"


async def test_relatives_of_staff_are_flagged_and_visited_by_the_county(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    home, numbers = await household(session, "100")
    headers = tokens.headers("city_officer")
    body = application(home, numbers[0], staff_related=True, staff_relation="村会计之母")
    submitted = await client.post("/api/v1/applications", json=body, headers=headers)
    township_only = await step(client, headers, submitted, "investigation", INVESTIGATION)
    county = await step(
        client, headers, submitted, "investigation", {**INVESTIGATION, "county_visited": True}
    )
    flagged = await client.get(
        "/api/v1/applications", params={"staff_related": True}, headers=headers
    )
    assert township_only.status_code == 422
    assert township_only.json()["code"] == "ASSISTANCE_COUNTY_VISIT_REQUIRED"
    assert county.status_code == 200
    assert [a["id"] for a in flagged.json()["items"]] == [submitted.json()["id"]]


async def test_one_open_application_per_person_and_idempotent_submission(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    home, numbers = await household(session, "100")
    headers = {**tokens.headers("city_officer"), "Idempotency-Key": f"app-{uuid.uuid4()}"}
    first = await client.post(
        "/api/v1/applications", json=application(home, numbers[0]), headers=headers
    )
    replayed = await client.post(
        "/api/v1/applications", json=application(home, numbers[0]), headers=headers
    )
    second = await client.post(
        "/api/v1/applications",
        json=application(home, numbers[0]),
        headers=tokens.headers("city_officer"),
    )
    assert first.status_code == replayed.status_code == 201
    assert replayed.json()["id"] == first.json()["id"]
    assert second.status_code == 409
    assert second.json()["code"] == "ASSISTANCE_APPLICATION_OPEN"


async def test_tekun_is_basic_plus_care_by_self_care_level(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("city_officer", **COUNTY)
    person = {"id_number": str(make_id_number(birth_date=date(1945, 1, 1))), "name": "孤老"}
    submitted = await client.post(
        "/api/v1/applications",
        json={
            "programme": "rural_tekun",
            "applicant": person,
            "area_code": VILLAGE,
            "application_date": "2020-03-01",
        },
        headers=headers,
    )
    missing = await step(client, headers, submitted, "investigation", INVESTIGATION)
    investigated = await step(
        client,
        headers,
        submitted,
        "investigation",
        {
            **INVESTIGATION,
            "unable_to_work": True,
            "no_income_source": True,
            "no_supporter": True,
            "self_care_cannot_do": 2,
        },
    )
    standards = (
        await client.get("/api/v1/standards", params={"year": 2020, "limit": 100}, headers=headers)
    ).json()["items"]
    monthly = {s["programme"]: Decimal(s["monthly_amount"]) for s in standards}

    assert missing.status_code == 422
    body = investigated.json()
    assert (body["eligible"], body["self_care_level"]) == (True, "partly_disabled")
    expected = monthly["rural_tekun_basic"] + monthly["tekun_care_partly_disabled"]
    assert Decimal(body["monthly_amount"]) == expected
    assert body["standard_monthly"] == "750.00"  # 9,000 a year
