"""Households through the API: members, income per person, one head, one household
per person, ETags, area scoping, masking and search."""

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_assistance.households.models import HouseholdMember, MemberIncome
from civil_cli.pytest_plugin import Tokens, unique
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber

DUOBAO_VILLAGE = "429006100201"  # a village of 多宝镇 (429006100)
ZHANGGANG_VILLAGE = "429006102201"  # a village of 张港镇 (429006102)
URL = "/api/v1/households"


def member(relation: str = "head", **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number()),
        "name": "张三",
        "relation": relation,
        "employment_status": "employed",
        **extra,
    }


def household(*members: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "area_code": DUOBAO_VILLAGE,
        "address": "多宝镇新华村3组12号",
        "residence_type": "rural",
        "income_stability": "stable",
        "members": list(members) or [member()],
        **extra,
    }


def officer(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


async def create(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or household(), headers=officer(tokens))


async def created(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await create(client, tokens, body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def if_match(tokens: Tokens, version: int | str) -> dict[str, str]:
    return {**officer(tokens), "If-Match": f'"{version}"'}


# --- create and read -------------------------------------------------------


async def test_create_returns_the_household_with_etag_and_location(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    head = member(
        id_number=str(make_id_number(birth_date=date(1950, 3, 1))),
        phone="13800138000",
        disability_category="physical",
        disability_grade=2,
        incomes=[{"kind": "wages", "monthly_amount": "800"}],
    )
    body = household(head, member("spouse", name="李四"), properties=[
        {"kind": "house", "description": "自建房一处", "value": "50000"}
    ])  # fmt: skip

    response = await create(client, tokens, body)

    assert response.status_code == 201
    out = response.json()
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"] == f"{URL}/{out['id']}"
    assert out["area_code"] == DUOBAO_VILLAGE
    assert out["member_count"] == 2
    assert out["income_per_person"] == "400.00"
    assert out["members"][0]["relation"] == "head"
    assert out["members"][0]["age"] == IdNumber(head["id_number"]).age_on(date.today())
    assert out["members"][0]["disability_grade"] == 2
    assert out["members"][0]["incomes"] == [
        {"kind": "wages", "monthly_amount": "800.00", "counted": True}
    ]
    assert out["properties"][0]["value"] == "50000.00"

    fetched = await client.get(f"{URL}/{out['id']}", headers=officer(tokens))
    assert fetched.status_code == 200
    assert fetched.headers["etag"] == '"1"'
    assert fetched.json() == out


async def test_missing_household_is_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get(
        f"{URL}/00000000-0000-0000-0000-000000000000", headers=officer(tokens)
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ASSISTANCE_HOUSEHOLD_NOT_FOUND"


@pytest.mark.parametrize(
    ("area_code", "accepted"),
    [
        ("429006100", True),  # a township
        ("429006100201", True),  # a village
        ("429006", False),  # the city as a whole is no address
        ("420106001", False),  # a township of Wuhan
        ("4290061002", False),  # no level has 10 digits
    ],
)
async def test_area_is_a_township_or_village_of_tianmen(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str, accepted: bool
) -> None:
    response = await create(client, tokens, household(area_code=area_code))
    assert response.status_code == (201 if accepted else 422)
    if not accepted:
        assert response.json()["errors"][0]["field"] == "area_code"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"disability_category": "visual"}, "members.0"),
        ({"disability_grade": 3}, "members.0"),
        ({"disability_category": "visual", "disability_grade": 5}, "members.0.disability_grade"),
        ({"death_date": "1900-01-01"}, "members.0"),
        ({"phone": "call me"}, "members.0.phone"),
        (
            {"incomes": [{"kind": "wages", "monthly_amount": 1}] * 2},
            "members.0",
        ),
        ({"incomes": [{"kind": "wages", "monthly_amount": "-1"}]}, "members.0.incomes.0"),
    ],
)
async def test_member_fields_are_validated(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await create(client, tokens, household(member(**change)))
    assert response.status_code == 422
    assert any(e["field"].startswith(field) for e in response.json()["errors"])


# --- income per person -----------------------------------------------------


async def test_income_per_person_counts_only_counted_kinds_of_living_members(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = household(
        member(incomes=[{"kind": "wages", "monthly_amount": "1000"}]),
        member(
            "spouse",
            incomes=[
                {"kind": "business_net", "monthly_amount": "300"},
                {"kind": "property", "monthly_amount": "100"},
                {"kind": "transfer", "monthly_amount": "100"},
                # Not counted: assistance, special care, awards, residents' basic pension.
                {"kind": "assistance", "monthly_amount": "630"},
                {"kind": "special_care", "monthly_amount": "500"},
                {"kind": "basic_pension_residents", "monthly_amount": "103"},
            ],
        ),
        member("child", incomes=[{"kind": "award_scholarship", "monthly_amount": "200"}]),
        # Deceased: neither the income nor the person counts.
        member(
            "parent",
            death_date="2020-03-01",
            incomes=[{"kind": "wages", "monthly_amount": "900"}],
        ),
    )

    out = await created(client, tokens, body)

    assert out["member_count"] == 3
    assert out["income_per_person"] == "500.00"  # (1000 + 300 + 100 + 100) / 3
    counted = {i["kind"]: i["counted"] for m in out["members"] for i in m["incomes"]}
    assert counted == {
        "wages": True,
        "business_net": True,
        "property": True,
        "transfer": True,
        "assistance": False,
        "special_care": False,
        "basic_pension_residents": False,
        "award_scholarship": False,
    }


async def test_income_per_person_is_rounded_to_the_fen(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = household(
        member(incomes=[{"kind": "wages", "monthly_amount": "1000.00"}]),
        member("spouse"),
        member("child"),
    )
    assert (await created(client, tokens, body))["income_per_person"] == "333.33"
    body = household(member(incomes=[{"kind": "wages", "monthly_amount": "0.05"}]), member("child"))
    assert (await created(client, tokens, body))["income_per_person"] == "0.03"  # half up


async def test_a_household_without_income_has_zero_income_per_person(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    assert (await created(client, tokens))["income_per_person"] == "0.00"


async def test_deceased_member_age_is_the_age_at_death(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    parent = member(
        "parent",
        id_number=str(make_id_number(birth_date=date(1940, 6, 15))),
        death_date="2020-06-14",
    )
    out = await created(client, tokens, household(member(), parent))
    assert next(m for m in out["members"] if m["relation"] == "parent")["age"] == 79


# --- one head, one household per person -----------------------------------


@pytest.mark.parametrize("relations", [("spouse",), ("head", "head"), ("spouse", "child")])
async def test_a_new_household_needs_exactly_one_head(
    client: httpx.AsyncClient, tokens: Tokens, relations: tuple[str, ...]
) -> None:
    response = await create(client, tokens, household(*(member(r) for r in relations)))
    assert response.status_code == 422
    assert "户主" in response.json()["detail"]


async def test_the_same_person_twice_in_one_body_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    head = member()
    response = await create(client, tokens, household(head, {**head, "relation": "spouse"}))
    assert response.status_code == 422


async def test_a_person_belongs_to_one_household_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    first = await created(client, tokens, household(member(), member("spouse")))
    spouse = first["members"][1]
    claimed = member("spouse", id_number=spouse["id_number"])
    # The test caller has no pii:read: take the full number from the database.
    full = await session.scalar(
        select(HouseholdMember.id_number).where(HouseholdMember.id == spouse["id"])
    )
    claimed["id_number"] = full

    refused = await create(client, tokens, household(member(), claimed))

    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "ASSISTANCE_PERSON_IN_OTHER_HOUSEHOLD"
    assert problem["household_id"] == first["id"]
    assert str(full) not in refused.text

    second = await created(client, tokens)
    added = await client.post(
        f"{URL}/{second['id']}/members", json=claimed, headers=if_match(tokens, 1)
    )
    assert added.status_code == 409
    assert added.json()["household_id"] == first["id"]


async def test_adding_a_second_head_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    out = await created(client, tokens)
    response = await client.post(
        f"{URL}/{out['id']}/members", json=member("head"), headers=if_match(tokens, 1)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_HOUSEHOLD_HEAD_EXISTS"


async def test_the_head_cannot_be_removed_or_demoted(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    out = await created(client, tokens, household(member(), member("spouse")))
    head_id = out["members"][0]["id"]

    removed = await client.delete(
        f"{URL}/{out['id']}/members/{head_id}", headers=if_match(tokens, 1)
    )
    demoted = await client.patch(
        f"{URL}/{out['id']}/members/{head_id}",
        json={"relation": "spouse"},
        headers=if_match(tokens, 1),
    )

    assert removed.status_code == 409
    assert removed.json()["code"] == "ASSISTANCE_HOUSEHOLD_HEAD_REQUIRED"
    assert demoted.status_code == 409
    assert demoted.json()["code"] == "ASSISTANCE_HOUSEHOLD_HEAD_REQUIRED"


async def test_making_a_member_head_demotes_the_former_head(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    out = await created(
        client, tokens, household(member(name="老户主"), member("child", name="新户主"))
    )
    child_id = next(m["id"] for m in out["members"] if m["relation"] == "child")
    url = f"{URL}/{out['id']}/members/{child_id}"

    without = await client.patch(url, json={"relation": "head"}, headers=if_match(tokens, 1))
    swapped = await client.patch(
        url,
        json={"relation": "head", "former_head_relation": "parent"},
        headers=if_match(tokens, 1),
    )

    assert without.status_code == 422
    assert without.json()["code"] == "ASSISTANCE_FORMER_HEAD_RELATION_REQUIRED"
    assert swapped.status_code == 200, swapped.text
    relations = {m["name"]: m["relation"] for m in swapped.json()["members"]}
    assert relations == {"新户主": "head", "老户主": "parent"}


# --- members ---------------------------------------------------------------


async def test_member_changes_move_the_household_version(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    out = await created(client, tokens)
    url = f"{URL}/{out['id']}/members"

    added = await client.post(
        url,
        json=member("child", incomes=[{"kind": "wages", "monthly_amount": "600"}]),
        headers=if_match(tokens, 1),
    )
    assert added.status_code == 201
    assert added.headers["etag"] == '"2"'
    assert added.json()["income_per_person"] == "300.00"
    child = next(m for m in added.json()["members"] if m["relation"] == "child")

    stale = await client.patch(
        f"{url}/{child['id']}", json={"name": "王五"}, headers=if_match(tokens, 1)
    )
    assert stale.status_code == 412

    patched = await client.patch(
        f"{url}/{child['id']}",
        json={
            "name": "王五",
            "employment_status": "student",
            "phone": None,
            "incomes": [
                {"kind": "wages", "monthly_amount": "200"},
                {"kind": "award_scholarship", "monthly_amount": "100"},
            ],
        },
        headers=if_match(tokens, 2),
    )
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == '"3"'
    changed = next(m for m in patched.json()["members"] if m["id"] == child["id"])
    assert changed["name"] == "王五"
    assert changed["employment_status"] == "student"
    assert [i["kind"] for i in changed["incomes"]] == ["wages", "award_scholarship"]
    assert patched.json()["income_per_person"] == "100.00"

    removed = await client.delete(f"{url}/{child['id']}", headers=if_match(tokens, 3))
    assert removed.status_code == 200
    assert removed.headers["etag"] == '"4"'
    assert [m["relation"] for m in removed.json()["members"]] == ["head"]
    left = await session.scalar(
        select(func.count()).select_from(MemberIncome).where(MemberIncome.member_id == child["id"])
    )
    assert left == 0


async def test_member_patch_keeps_disability_category_and_grade_together(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    out = await created(client, tokens)
    head_id = out["members"][0]["id"]
    url = f"{URL}/{out['id']}/members/{head_id}"

    half = await client.patch(url, json={"disability_grade": 1}, headers=if_match(tokens, 1))
    both = await client.patch(
        url,
        json={"disability_grade": 1, "disability_category": "intellectual"},
        headers=if_match(tokens, 1),
    )

    assert half.status_code == 422
    assert half.json()["code"] == "ASSISTANCE_MEMBER_INVALID"
    assert both.status_code == 200
    assert both.json()["members"][0]["disability_category"] == "intellectual"


async def test_unknown_member_is_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    out = await created(client, tokens)
    other = await created(client, tokens)
    response = await client.patch(
        f"{URL}/{out['id']}/members/{other['members'][0]['id']}",
        json={"name": "x"},
        headers=if_match(tokens, 1),
    )
    assert response.status_code == 404
    assert response.json()["code"] == "ASSISTANCE_MEMBER_NOT_FOUND"


# --- update and delete with If-Match ---------------------------------------


def fields(**extra: Any) -> dict[str, Any]:
    return {
        "area_code": DUOBAO_VILLAGE,
        "address": "多宝镇新华村5组1号",
        "residence_type": "urban",
        "income_stability": "unstable",
        "in_poverty_alleviation": True,
        "properties": [{"kind": "vehicle", "description": "电动三轮车", "value": "3000"}],
        **extra,
    }


async def test_update_needs_a_current_if_match(client: httpx.AsyncClient, tokens: Tokens) -> None:
    out = await created(client, tokens)
    url = f"{URL}/{out['id']}"

    missing = await client.put(url, json=fields(), headers=officer(tokens))
    unreadable = await client.put(url, json=fields(), headers={**officer(tokens), "If-Match": "x"})
    updated = await client.put(url, json=fields(), headers=if_match(tokens, 1))
    stale = await client.put(url, json=fields(address="别处"), headers=if_match(tokens, 1))

    assert missing.status_code == 428
    assert unreadable.status_code == 412
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    body = updated.json()
    assert (body["residence_type"], body["income_stability"]) == ("urban", "unstable")
    assert body["in_poverty_alleviation"] is True
    assert [p["kind"] for p in body["properties"]] == ["vehicle"]
    assert stale.status_code == 412
    assert (await client.get(url, headers=officer(tokens))).json()[
        "address"
    ] == "多宝镇新华村5组1号"


async def test_delete_needs_if_match_and_removes_the_members(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    out = await created(
        client, tokens, household(member(incomes=[{"kind": "wages", "monthly_amount": "1"}]))
    )
    url = f"{URL}/{out['id']}"

    assert (await client.delete(url, headers=officer(tokens))).status_code == 428
    assert (await client.delete(url, headers=if_match(tokens, 7))).status_code == 412
    assert (await client.delete(url, headers=if_match(tokens, 1))).status_code == 204
    assert (await client.get(url, headers=officer(tokens))).status_code == 404
    members = await session.scalar(
        select(func.count())
        .select_from(HouseholdMember)
        .where(HouseholdMember.household_id == out["id"])
    )
    assert members == 0


async def test_a_household_in_assistance_cannot_be_deleted(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    out = await created(client, tokens)
    await _enrol(session, out, "rural_dibao", "active")

    response = await client.delete(f"{URL}/{out['id']}", headers=if_match(tokens, 1))

    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_HOUSEHOLD_ENROLLED"


async def test_a_household_with_an_application_or_a_past_enrolment_is_kept(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    head = member()
    applied = await created(client, tokens, household(head))
    application = await client.post(
        "/api/v1/applications",
        json={
            "programme": "rural_dibao",
            "household_id": applied["id"],
            "applicant": {"id_number": head["id_number"], "name": "张三"},
            "area_code": DUOBAO_VILLAGE,
            "application_date": "2020-03-01",
        },
        headers=officer(tokens),
    )
    assert application.status_code == 201, application.text
    ended = await created(client, tokens)
    await _enrol(session, ended, "rural_dibao", "ended")

    for kept in (applied, ended):
        url = f"{URL}/{kept['id']}"
        response = await client.delete(url, headers=if_match(tokens, 1))

        assert response.status_code == 409, response.text
        assert response.json()["code"] == "ASSISTANCE_HOUSEHOLD_HAS_RECORDS"
        assert (await client.get(url, headers=officer(tokens))).status_code == 200


# --- who sees what ---------------------------------------------------------


async def test_township_officer_sees_and_writes_only_own_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    own = await created(client, tokens, household(area_code=DUOBAO_VILLAGE))
    other = await created(client, tokens, household(area_code=ZHANGGANG_VILLAGE))
    duobao = tokens.headers("township_officer", area_codes=["429006100"])

    listed = await client.get(URL, headers=duobao)
    seen = await client.get(f"{URL}/{own['id']}", headers=duobao)
    hidden = await client.get(f"{URL}/{other['id']}", headers=duobao)
    patched = await client.patch(
        f"{URL}/{other['id']}/members/{other['members'][0]['id']}",
        json={"name": "x"},
        headers={**duobao, "If-Match": '"1"'},
    )
    outside = await client.post(URL, json=household(area_code=ZHANGGANG_VILLAGE), headers=duobao)
    moved = await client.put(
        f"{URL}/{own['id']}",
        json=fields(area_code=ZHANGGANG_VILLAGE),
        headers={**duobao, "If-Match": '"1"'},
    )
    inside = await client.post(URL, json=household(area_code="429006100"), headers=duobao)

    assert listed.status_code == 200
    assert [h["id"] for h in listed.json()["items"]] == [own["id"]]
    assert listed.json()["total"] == 1
    assert seen.status_code == 200
    assert hidden.status_code == 404
    assert patched.status_code == 404
    assert outside.status_code == 403
    assert outside.json()["code"] == "ASSISTANCE_AREA_FORBIDDEN"
    assert moved.status_code == 403
    assert inside.status_code == 201


async def test_auditor_reads_but_cannot_write(client: httpx.AsyncClient, tokens: Tokens) -> None:
    out = await created(client, tokens)
    auditor = tokens.headers("auditor")
    url = f"{URL}/{out['id']}"

    assert (await client.get(url, headers=auditor)).status_code == 200
    assert (await client.get(URL, headers=auditor)).status_code == 200
    assert (await client.post(URL, json=household(), headers=auditor)).status_code == 403
    put = await client.put(url, json=fields(), headers={**auditor, "If-Match": '"1"'})
    assert put.status_code == 403
    delete = await client.delete(url, headers={**auditor, "If-Match": '"1"'})
    assert delete.status_code == 403
    add = await client.post(
        f"{url}/members", json=member("child"), headers={**auditor, "If-Match": '"1"'}
    )
    assert add.status_code == 403


async def test_anonymous_callers_are_refused(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401


async def test_id_numbers_are_masked_without_pii_read(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    head = member()
    out = await created(client, tokens, household(head))
    url = f"{URL}/{out['id']}"
    full = head["id_number"]

    masked = await client.get(url, headers=officer(tokens))
    listed = await client.get(URL, headers=officer(tokens))
    revealed = await client.get(url, headers=officer(tokens, scopes=["pii:read"]))

    assert masked.json()["members"][0]["id_number"] == IdNumber(full).masked
    assert full not in masked.text
    assert full not in listed.text
    assert out["members"][0]["id_number"] == IdNumber(full).masked
    assert revealed.json()["members"][0]["id_number"] == full
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert [(e.entity, e.entity_id) for e in reads] == [("household_member", out["id"])]


async def test_writes_are_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    out = await created(client, tokens, household(member(), member("spouse")))
    events = (
        await session.scalars(
            select(AuditEvent.entity).where(
                AuditEvent.action == "insert", AuditEvent.entity.startswith("household")
            )
        )
    ).all()
    assert sorted(events) == ["household", "household_member", "household_member"]
    assert out["id"]


# --- lists and search ------------------------------------------------------


async def test_search_by_name_or_full_id_number(client: httpx.AsyncClient, tokens: Tokens) -> None:
    wang = member(name="王小明")
    first = await created(client, tokens, household(wang))
    second = await created(client, tokens, household(member(name="李大壮")))

    async def found(q: str) -> list[str]:
        response = await client.get(URL, params={"q": q}, headers=officer(tokens))
        assert response.status_code == 200
        return [h["id"] for h in response.json()["items"]]

    assert await found("小明") == [first["id"]]
    assert await found(wang["id_number"]) == [first["id"]]
    assert await found(wang["id_number"].lower()) == [first["id"]]
    assert await found("大") == [second["id"]]
    assert await found(wang["id_number"][:10]) == []  # only a full number matches
    assert await found("%") == []  # wildcards are plain characters


async def test_list_filters_by_area_prefix_and_residence_type(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    rural = await created(client, tokens, household(area_code=DUOBAO_VILLAGE))
    urban = await created(
        client, tokens, household(area_code="429006100202", residence_type="urban")
    )
    await created(client, tokens, household(area_code=ZHANGGANG_VILLAGE))

    async def ids(**params: str) -> set[str]:
        response = await client.get(URL, params=params, headers=officer(tokens))
        assert response.status_code == 200
        return {h["id"] for h in response.json()["items"]}

    assert await ids(area_code="429006100") == {rural["id"], urban["id"]}
    assert await ids(area_code="429006100", residence_type="urban") == {urban["id"]}
    assert await ids(area_code=DUOBAO_VILLAGE) == {rural["id"]}
    page = (await client.get(URL, params={"limit": 1}, headers=officer(tokens))).json()
    assert (page["total"], len(page["items"])) == (3, 1)


async def _enrol(
    session: AsyncSession,
    household: dict[str, Any],
    programme: str,
    status: str,
    *,
    by_person: bool = False,
) -> None:
    full = await session.scalar(
        select(HouseholdMember.id_number).where(HouseholdMember.id == household["members"][0]["id"])
    )
    assert full is not None
    session.add(
        Enrolment(
            programme=programme,
            household_id=None if by_person else household["id"],
            payee_id_number=full,
            payee_name="张三",
            area_code=household["area_code"],
            persons=1,
            monthly_amount=100,
            start_period="2020-01",
            status=status,
            people=[EnrolledPerson(id_number=full, name="张三", enrolled=status != "ended")],
        )
    )
    await session.commit()


async def test_list_filters_by_programme_and_enrolment_status(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    dibao = await created(client, tokens)
    tekun = await created(client, tokens)
    ended = await created(client, tokens)
    await created(client, tokens)  # in no programme
    await _enrol(session, dibao, "rural_dibao", "active")
    await _enrol(session, tekun, "rural_tekun", "active", by_person=True)
    await _enrol(session, ended, "rural_dibao", "ended")

    async def ids(**params: str) -> set[str]:
        response = await client.get(URL, params=params, headers=officer(tokens))
        assert response.status_code == 200, response.text
        return {h["id"] for h in response.json()["items"]}

    assert await ids(program="rural_dibao") == {dibao["id"], ended["id"]}
    assert await ids(program="rural_dibao", status="active") == {dibao["id"]}
    assert await ids(program="rural_tekun") == {tekun["id"]}
    assert await ids(status="ended") == {ended["id"]}
    bad = await client.get(URL, params={"program": "pension"}, headers=officer(tokens))
    assert bad.status_code == 422


async def test_concurrent_updates_with_one_etag_let_exactly_one_win(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        out = await created(client, tokens, household(member(name=unique("并发"))))
        url = f"{URL}/{out['id']}"
        responses = await asyncio.gather(
            *(
                client.put(url, json=fields(address=f"地址{i}"), headers=if_match(tokens, 1))
                for i in range(4)
            ),
            *(
                client.post(f"{url}/members", json=member("child"), headers=if_match(tokens, 1))
                for _ in range(2)
            ),
        )
        final = await client.get(url, headers=officer(tokens))

    codes = sorted(r.status_code for r in responses)
    assert codes.count(412) == 5
    assert codes[0] in (200, 201)
    assert final.json()["version"] == 2
