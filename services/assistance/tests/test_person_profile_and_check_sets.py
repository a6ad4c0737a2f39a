"""The internal answers the gateway joins: a person's profile, and the year's check sets."""

import uuid
from datetime import date
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.disbursements.models import DisbursementLine, DisbursementRun
from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_assistance.households.models import Household, HouseholdMember
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

SERVICE = {"scopes": ["internal", "pii:read"]}
AREA = "429006100201"


async def _household(session: AsyncSession, *, died: date | None = None) -> tuple[Household, str]:
    head = str(make_id_number())
    home = Household(
        area_code=AREA,
        address="多宝村三组",
        residence_type="rural",
        income_stability="stable",
        members=[
            HouseholdMember(
                id_number=head,
                name="张大",
                relation="head",
                employment_status="unemployed",
                death_date=died,
            ),
            HouseholdMember(
                id_number=str(make_id_number()),
                name="李二",
                relation="spouse",
                employment_status="unemployed",
            ),
        ],
    )
    session.add(home)
    await session.flush()
    return home, head


def _enrolment(
    home: Household | None,
    number: str,
    programme: str,
    start: str,
    end: str | None,
    status: str,
) -> Enrolment:
    return Enrolment(
        programme=programme,
        household_id=home.id if home is not None else None,
        payee_id_number=number,
        payee_name="张大",
        area_code=AREA,
        persons=1,
        monthly_amount=Decimal("450.00"),
        start_period=start,
        end_period=end,
        status=status,
        people=[EnrolledPerson(id_number=number, name="张大", enrolled=status != "ended")],
    )


async def _paid(session: AsyncSession, enrolment: Enrolment, period: str) -> DisbursementRun:
    # Lines go into a draft run; a paid run's lines are frozen by a trigger.
    run = DisbursementRun(
        programme=enrolment.programme, period=period, status="draft", created_by="test"
    )
    session.add(run)
    await session.flush()
    session.add(
        DisbursementLine(
            run_id=run.id,
            enrolment_id=enrolment.id,
            household_id=enrolment.household_id,
            payee_id_number=enrolment.payee_id_number,
            payee_name=enrolment.payee_name,
            area_code=enrolment.area_code,
            persons=1,
            amount=Decimal("450.00"),
        )
    )
    await session.flush()
    run.status = "paid"
    await session.flush()
    return run


async def _sets(client: httpx.AsyncClient, tokens: Tokens, year: int = 2020) -> dict:  # type: ignore[type-arg]
    response = await client.get(
        "/internal/v1/checks/sets",
        params={"year": year},
        headers=tokens.headers("service", **SERVICE),
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_profile_gives_the_household_and_every_enrolment(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    home, head = await _household(session)
    session.add(_enrolment(home, head, "rural_dibao", "2019-01", "2019-12", "ended"))
    session.add(_enrolment(home, head, "rural_tekun", "2020-01", None, "active"))
    await session.commit()

    response = await client.get(
        f"/internal/v1/persons/{head}/profile", headers=tokens.headers("service", **SERVICE)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id_number"] == head
    assert body["name"] == "张大"
    assert body["household"]["household_id"] == str(home.id)
    assert body["household"]["relation"] == "head"
    assert len(body["household"]["members"]) == 2
    enrolments = [r for r in body["records"] if r["resource"] == "enrolment"]
    assert [(r["facts"]["programme"], r["status"]) for r in enrolments] == [
        ("rural_dibao", "ended"),
        ("rural_tekun", "active"),
    ]
    assert all(r["area_code"] == AREA for r in body["records"])


async def test_profile_of_an_unknown_person_is_empty_and_needs_an_internal_caller(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    number = str(make_id_number())
    response = await client.get(
        f"/internal/v1/persons/{number}/profile", headers=tokens.headers("service", **SERVICE)
    )
    assert response.status_code == 200
    assert response.json()["records"] == []
    assert response.json()["household"] is None

    refused = await client.get(
        f"/internal/v1/persons/{number}/profile", headers=tokens.headers("city_officer")
    )
    assert refused.status_code == 403


async def test_sets_of_crafted_data_carry_overlap_death_and_payment_after_exit(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    home, head = await _household(session, died=date(2020, 4, 10))
    dibao = _enrolment(home, head, "rural_dibao", "2019-06", "2020-06", "ended")
    tekun = _enrolment(None, head, "rural_tekun", "2020-03", None, "active")
    session.add_all([dibao, tekun])
    await session.flush()
    run = await _paid(session, dibao, "2020-08")  # two months after the dibao ended
    await session.commit()

    sets = await _sets(client, tokens)

    mine = [s for s in sets["spells"] if s["id_number"] == head]
    assert {(s["programme"], s["start_period"], s["end_period"]) for s in mine} == {
        ("rural_dibao", "2019-06", "2020-06"),
        ("rural_tekun", "2020-03", None),
    }
    assert [d["death_date"] for d in sets["deaths"] if d["id_number"] == head] == ["2020-04-10"]
    assert [
        (p["programme"], p["period"], p["record"]["record_id"])
        for p in sets["last_paid"]
        if p["id_number"] == head
    ] == [("rural_dibao", "2020-08", f"{run.id}/{dibao.id}")]
    exits = [p for p in sets["paid_after_exit"] if p["id_number"] == head]
    assert [(p["period"], p["ended_period"], p["record"]["record_id"]) for p in exits] == [
        ("2020-08", "2020-06", str(dibao.id))
    ]


async def test_sets_of_clean_data_carry_nothing_to_find(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    home, head = await _household(session)
    dibao = _enrolment(home, head, "rural_dibao", "2020-01", None, "active")
    old = _enrolment(None, str(make_id_number()), "rural_tekun", "2018-01", "2019-12", "ended")
    session.add_all([dibao, old])
    await session.flush()
    await _paid(session, dibao, "2020-05")
    await session.commit()

    sets = await _sets(client, tokens)

    assert [s["programme"] for s in sets["spells"] if s["id_number"] == head] == ["rural_dibao"]
    assert not [s for s in sets["spells"] if s["record"]["record_id"] == str(old.id)]
    assert sets["deaths"] == []
    assert sets["paid_after_exit"] == []
    assert uuid.UUID(sets["last_paid"][0]["record"]["record_id"].split("/")[1]) == dibao.id
