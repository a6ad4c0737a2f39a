"""The person-status lookup other services make before granting a subsidy."""

from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.households.models import Household, HouseholdMember, MemberIncome
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

SERVICE = {"scopes": ["internal", "pii:read"]}


async def household_with_income(session: AsyncSession, wage: str) -> list[str]:
    numbers = [str(make_id_number()), str(make_id_number())]
    home = Household(
        area_code="429006100201",
        address="多宝村",
        residence_type="rural",
        income_stability="stable",
        in_poverty_alleviation=False,
        members=[
            HouseholdMember(
                id_number=n,
                name="成员",
                relation="head" if i == 0 else "spouse",
                employment_status="employed",
                incomes=[MemberIncome(kind="wages", monthly_amount=Decimal(wage))]
                if i == 0
                else [],
            )
            for i, n in enumerate(numbers)
        ],
    )
    session.add(home)
    await session.commit()
    return numbers


async def status(client: httpx.AsyncClient, tokens: Tokens, number: str) -> httpx.Response:
    return await client.get(
        f"/internal/v1/persons/{number}/status",
        params={"on": "2020-06-30"},
        headers=tokens.headers("service", **SERVICE),
    )


async def test_a_member_of_an_enrolled_dibao_household(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    numbers = await household_with_income(session, "200")
    people = [{"id_number": n, "name": "成员"} for n in numbers]
    await client.post(
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
    body = (await status(client, tokens, numbers[1])).json()
    assert (body["in_dibao"], body["in_tekun"]) == (True, False)
    assert body["enrolments"][0]["programme"] == "rural_dibao"
    assert body["household_id"] is not None
    assert body["id_number"] == numbers[1]


async def test_edge_of_dibao_household(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 2 × 500 / 2 = 500 a person: above the 450 rural standard, below 1.5 × 450.
    numbers = await household_with_income(session, "1000")
    body = (await status(client, tokens, numbers[0])).json()
    assert (body["in_dibao"], body["household_edge_of_dibao"]) == (False, True)


async def test_unknown_person_has_no_assistance(client: httpx.AsyncClient, tokens: Tokens) -> None:
    number = str(make_id_number(birth_date=date(1960, 1, 1)))
    body = (await status(client, tokens, number)).json()
    assert body["enrolments"] == []
    assert (body["in_dibao"], body["in_tekun"], body["household_id"]) == (False, False, None)


async def test_only_services_may_ask(client: httpx.AsyncClient, tokens: Tokens) -> None:
    number = str(make_id_number())
    officer = await client.get(
        f"/internal/v1/persons/{number}/status", headers=tokens.headers("city_officer")
    )
    bad = await status(client, tokens, "429006199002301234")
    assert officer.status_code == 403
    assert bad.status_code == 422
