"""The batch person-status lookup: each answer the single lookup's, in one call."""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.households.models import Household, HouseholdMember
from civil_assistance.standards.models import AssistanceStandard
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

from .test_persons import SERVICE, household_with_income, status

BATCH = "/internal/v1/persons/statuses"
OWN = "429006100202"  # a village of 多宝镇 with a standard of its own


async def test_each_answer_is_the_single_lookups(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    enrolled = await household_with_income(session, "200")
    edge = await household_with_income(session, "1000")
    people = [{"id_number": n, "name": "成员"} for n in enrolled]
    made = await client.post(
        "/api/v1/enrolments",
        json={
            "programme": "rural_dibao",
            "area_code": "429006100201",
            "payee": people[0],
            "people": people,
            "monthly_amount": "700.00",
            "start_period": "2020-01",
        },
        headers=tokens.headers("city_officer"),
    )
    assert made.status_code == 201, made.text
    unknown = str(make_id_number(birth_date=date(1960, 1, 1)))
    asked = [edge[1], unknown, *enrolled, edge[0]]

    batch = await client.post(
        BATCH,
        json={"on": "2020-06-30", "id_numbers": asked},
        headers=tokens.headers("service", **SERVICE),
    )

    assert batch.status_code == 200, batch.text
    answers = batch.json()["statuses"]
    assert [a["id_number"] for a in answers] == asked
    singles = [(await status(client, tokens, n)).json() for n in asked]
    assert answers == singles
    assert [a["in_dibao"] for a in answers] == [False, False, True, True, False]
    assert answers[0]["household_edge_of_dibao"] is True


async def test_only_services_may_ask_and_each_person_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    number = str(make_id_number())
    body = {"on": "2020-06-30", "id_numbers": [number]}
    officer = await client.post(BATCH, json=body, headers=tokens.headers("city_officer"))
    auditor = await client.post(BATCH, json=body, headers=tokens.headers("auditor"))
    twice = await client.post(
        BATCH,
        json={"on": "2020-06-30", "id_numbers": [number, number]},
        headers=tokens.headers("service", **SERVICE),
    )
    bad = await client.post(
        BATCH,
        json={"on": "2020-06-30", "id_numbers": ["429006199002301234"]},
        headers=tokens.headers("service", **SERVICE),
    )
    assert (officer.status_code, auditor.status_code) == (403, 403)
    assert twice.status_code == 422
    assert twice.json()["code"] == "ASSISTANCE_PERSON_STATUS_DUPLICATE"
    assert bad.status_code == 422


async def test_a_village_with_its_own_standard_is_answered_by_its_own(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    """The standards are read once for all villages that share them, never across."""
    city_rule = await household_with_income(session, "1000")  # 500 a person: edge at 450
    own_rule = await household_with_income(session, "1000")
    member = await session.scalar(
        select(HouseholdMember).where(HouseholdMember.id_number == own_rule[0])
    )
    assert member is not None
    await session.execute(
        update(Household).where(Household.id == member.household_id).values(area_code=OWN)
    )
    session.add(
        AssistanceStandard(
            programme="rural_dibao",
            year=2020,
            area_code=OWN,
            amount=Decimal("7200.00"),  # 600 a month: 500 a person is below it
            unit="per_year",
            effective_date=date(2020, 1, 1),
        )
    )
    await session.commit()
    asked = [city_rule[0], own_rule[0], city_rule[1]]

    batch = await client.post(
        BATCH,
        json={"on": "2020-06-30", "id_numbers": asked},
        headers=tokens.headers("service", **SERVICE),
    )

    answers = batch.json()["statuses"]
    assert [a["household_edge_of_dibao"] for a in answers] == [True, False, True]
    assert answers == [(await status(client, tokens, n)).json() for n in asked]
