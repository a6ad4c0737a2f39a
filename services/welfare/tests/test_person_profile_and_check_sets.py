"""The internal answers the gateway joins: a person's profile, and the year's check sets."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.subsidy_runs.models import DisbursementLine, DisbursementRun

SERVICE = {"scopes": ["internal", "pii:read"]}
VILLAGE = "429006100201"


async def add(session: AsyncSession, *rows: object) -> None:
    session.add_all(rows)
    await session.flush()


def allowance(born: date, start: str, *, died: date | None = None) -> HighAgeAllowance:
    return HighAgeAllowance(
        id_number=str(make_id_number(birth_date=born)),
        name="高龄老人",
        area_code=VILLAGE,
        start_period=start,
        end_period=f"{died:%Y-%m}" if died else None,
        status="stopped" if died else "active",
        stop_reason="death" if died else None,
        stop_date=died,
    )


def case(number: str, scheme: str, start: str, end: str) -> ChildSupportCase:
    orphan = scheme == "orphan"
    return ChildSupportCase(
        scheme=scheme,
        id_number=number,
        name="儿童",
        area_code=VILLAGE,
        father_state="dead" if orphan else "imprisoned",
        mother_state="dead",
        orphan_kind="scattered" if orphan else None,
        guardian_name=None if orphan else "祖母",
        guardian_relation=None if orphan else "grandparent",
        assessed_date=date(2019, 12, 1),
        start_period=start,
        end_period=end,
        status="active",
    )


async def disabled_with(session: AsyncSession, subsidy: str, start: str) -> tuple[str, uuid.UUID]:
    number = str(make_id_number(birth_date=date(1970, 5, 5)))
    person = DisabledPerson(
        id_number=number,
        name="残疾人",
        area_code=VILLAGE,
        certificate_number=f"{number}41",
        category="physical",
        grade=1,
        status="active",
    )
    await add(session, person)
    grant = DisabilitySubsidyGrant(
        person_id=person.id, subsidy=subsidy, start_period=start, status="active"
    )
    await add(session, grant)
    return number, grant.id


async def paid_line(session: AsyncSession, programme: str, period: str, source: Any) -> uuid.UUID:
    run = DisbursementRun(programme=programme, period=period, status="draft", created_by="t")
    await add(session, run)
    await add(
        session,
        DisbursementLine(
            run_id=run.id,
            source_id=source.id,
            payee_id_number=source.id_number,
            payee_name=source.name,
            area_code=source.area_code,
            persons=1,
            amount=Decimal("100.00"),
        ),
    )
    await session.execute(
        update(DisbursementRun).where(DisbursementRun.id == run.id).values(status="paid")
    )
    return run.id


async def sets_of(client: httpx.AsyncClient, tokens: Tokens) -> dict[str, Any]:
    response = await client.get(
        "/internal/v1/checks/sets",
        params={"year": 2020},
        headers=tokens.headers("service", **SERVICE),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_profile_gathers_registers_grants_and_cases(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    number, grant_id = await disabled_with(session, "care", "2020-01")
    await session.commit()

    response = await client.get(
        f"/internal/v1/persons/{number}/profile", headers=tokens.headers("service", **SERVICE)
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "残疾人"
    assert [(r["resource"], r["label"]) for r in body["records"]] == [
        ("disabled_person", "残疾人"),
        ("disability_subsidy_grant", "重度残疾人护理补贴"),
    ]
    assert body["records"][1]["record_id"] == str(grant_id)
    assert {r["area_code"] for r in body["records"]} == {VILLAGE}


async def test_sets_of_crafted_data_carry_every_welfare_side_of_a_conflict(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    # Data from before the one-case-a-month rule (an import of old files): the
    # constraint is dropped inside this test's transaction, which is rolled back.
    await session.execute(
        text(
            "ALTER TABLE child_support_case DROP CONSTRAINT ex_child_support_case_one_case_a_month"
        )
    )
    child = str(make_id_number(birth_date=date(2010, 3, 3)))
    await add(
        session,
        case(child, "orphan", "2020-01", "2028-03"),
        case(child, "de_facto_unsupported", "2020-05", "2028-03"),
    )
    living_holder, living_grant = await disabled_with(session, "living", "2020-02")
    young = allowance(date(1945, 6, 1), "2020-01")  # 74 in January 2020
    dead = allowance(date(1930, 1, 1), "2019-01", died=date(2020, 3, 5))
    await add(session, young, dead)
    run_id = await paid_line(session, "high_age", "2020-05", dead)
    await session.commit()

    sets = await sets_of(client, tokens)

    assert sorted(s["programme"] for s in sets["spells"] if s["id_number"] == child) == [
        "de_facto_unsupported",
        "orphan",
    ]
    assert [s["programme"] for s in sets["spells"] if s["id_number"] == living_holder] == ["living"]
    assert str(living_grant) in sets["living_without_edge"]
    under = [a for a in sets["under_age_allowances"] if a["id_number"] == young.id_number]
    assert [(a["first_month"], a["age"], a["min_age"]) for a in under] == [("2020-01", 74, 80)]
    assert not [a for a in sets["under_age_allowances"] if a["id_number"] == dead.id_number]
    assert [(d["death_date"], d["record"]["resource"]) for d in sets["deaths"]] == [
        ("2020-03-05", "high_age_allowance")
    ]
    exits = [
        (p["period"], p["ended_period"], p["line"]["record_id"]) for p in sets["paid_after_exit"]
    ]
    assert exits == [("2020-05", "2020-03", f"{run_id}/{dead.id}")]
    assert [(p["programme"], p["period"]) for p in sets["last_paid"]] == [("high_age", "2020-05")]


async def test_sets_of_clean_data_carry_nothing_to_find(
    client: httpx.AsyncClient, session: AsyncSession, tokens: Tokens
) -> None:
    old = allowance(date(1935, 1, 1), "2020-01")
    await add(session, old)
    await paid_line(session, "high_age", "2020-04", old)
    await session.commit()

    sets = await sets_of(client, tokens)

    assert sets["under_age_allowances"] == []
    assert sets["deaths"] == []
    assert sets["paid_after_exit"] == []
    assert sets["spells"] == []
    assert sets["living_without_edge"] == []
