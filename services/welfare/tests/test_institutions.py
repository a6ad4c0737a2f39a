"""Care institutions: counts under If-Match within capacity, status changes, the ledger of
disabled tekun residents (one institution at a time), closed-management periods that never
overlap (held by the database), summaries, area scoping."""

import asyncio
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_shared.testing.factories import make_id_number
from civil_welfare.db import AuditEvent
from civil_welfare.institutions.repository import InstitutionRepository

DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI = "429006101"
URL = "/api/v1/care-institutions"
LEDGER = "/api/v1/disabled-tekun-residents"
CLOSURES = "/api/v1/closed-management-periods"


def institution(**extra: Any) -> dict[str, Any]:
    return {
        "name": unique("多宝镇福利院"),
        "kind": "welfare_home",
        "operator": "public",
        "area_code": DUOBAO,
        "capacity": 60,
        "residents_count": 40,
        "staff_count": 8,
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def create(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> dict[str, Any]:
    response = await client.post(URL, json=institution(**extra), headers=city(tokens))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def patch(
    client: httpx.AsyncClient, tokens: Tokens, inst: dict[str, Any], **changes: Any
) -> httpx.Response:
    return await client.patch(
        f"{URL}/{inst['id']}",
        json=changes,
        headers={**city(tokens), "If-Match": f'"{inst["version"]}"'},
    )


def resident(**extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=date(1940, 5, 1))),
        "name": "张三",
        "self_care_level": "fully_disabled",
        "admitted_date": "2020-03-01",
        **extra,
    }


async def admit(
    client: httpx.AsyncClient, tokens: Tokens, inst: dict[str, Any], body: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"{URL}/{inst['id']}/disabled-tekun-residents", json=body, headers=city(tokens)
    )


def closure(**extra: Any) -> dict[str, Any]:
    return {
        "start_date": "2020-01-24",
        "end_date": "2020-03-31",
        "residents_inside": 40,
        "staff_inside": 8,
        "infections": 0,
        **extra,
    }


async def close_in(
    client: httpx.AsyncClient, tokens: Tokens, inst: dict[str, Any], **extra: Any
) -> httpx.Response:
    return await client.post(
        f"{URL}/{inst['id']}/closed-management-periods", json=closure(**extra), headers=city(tokens)
    )


# --- institutions ---------------------------------------------------------------------


async def test_an_institution_is_registered_with_its_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await client.post(
        URL, json=institution(area_code=DUOBAO_VILLAGE), headers=city(tokens)
    )

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["township_code"] == DUOBAO
    assert body["area_code"] == DUOBAO_VILLAGE
    assert body["status"] == "operating"
    assert body["vacant_beds"] == 20
    assert body["allowed_statuses"] == ["suspended", "closed"]
    audited = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "care_institution", AuditEvent.entity_id == body["id"]
        )
    )
    assert audited is not None
    assert audited.action == "insert"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"residents_count": 61}, "body"),
        ({"capacity": 0}, "capacity"),
        ({"staff_count": -1}, "staff_count"),
        ({"area_code": "429006"}, "area_code"),
        ({"area_code": "420100100"}, "area_code"),
        ({"kind": "hospital"}, "kind"),
    ],
)
async def test_invalid_institutions_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await client.post(URL, json=institution(**change), headers=city(tokens))

    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


async def test_residents_up_to_the_capacity_are_kept_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    inst = await create(client, tokens)

    full = await patch(client, tokens, inst, residents_count=60, staff_count=9)
    over = await patch(client, tokens, {**inst, "version": 2}, residents_count=61)
    fewer_beds = await patch(client, tokens, {**inst, "version": 2}, capacity=59)

    assert full.status_code == 200
    assert full.headers["etag"] == '"2"'
    assert full.json()["vacant_beds"] == 0
    assert over.status_code == fewer_beds.status_code == 422
    assert over.json()["code"] == fewer_beds.json()["code"] == "WELFARE_INSTITUTION_OVER_CAPACITY"
    update = await session.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == inst["id"], AuditEvent.action == "update")
    )
    assert update is not None
    assert update.old_values == {"residents_count": 40, "staff_count": 8}
    assert update.new_values == {"residents_count": 60, "staff_count": 9}


async def test_count_updates_need_the_current_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    url = f"{URL}/{inst['id']}"

    missing = await client.patch(url, json={"residents_count": 41}, headers=city(tokens))
    first = await patch(client, tokens, inst, residents_count=41)
    stale = await patch(client, tokens, inst, residents_count=42)
    read = await client.get(url, headers=city(tokens))

    assert missing.status_code == 428
    assert first.status_code == 200
    assert stale.status_code == 412
    assert read.json()["residents_count"] == 41
    assert read.headers["etag"] == '"2"'


async def test_institution_names_are_unique(client: httpx.AsyncClient, tokens: Tokens) -> None:
    first = await create(client, tokens)
    other = await create(client, tokens)

    again = await client.post(URL, json=institution(name=first["name"]), headers=city(tokens))
    renamed = await patch(client, tokens, other, name=first["name"])

    assert again.status_code == renamed.status_code == 409
    assert again.json()["code"] == "WELFARE_INSTITUTION_NAME_TAKEN"
    assert again.json()["institution_id"] == first["id"]


async def test_status_moves_and_closing_needs_an_empty_institution(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)

    suspended = await patch(client, tokens, inst, status="suspended")
    still_full = await patch(client, tokens, suspended.json(), status="closed")
    closed = await patch(client, tokens, suspended.json(), status="closed", residents_count=0)
    reopened = await patch(client, tokens, closed.json(), status="operating")
    refilled = await patch(client, tokens, closed.json(), residents_count=3)

    assert suspended.json()["allowed_statuses"] == ["operating", "closed"]
    assert still_full.status_code == 409
    assert still_full.json()["code"] == "WELFARE_INSTITUTION_NOT_EMPTY"
    assert closed.status_code == 200
    assert closed.json()["allowed_statuses"] == []
    assert reopened.status_code == 409
    assert reopened.json()["code"] == "WELFARE_INSTITUTION_INVALID_TRANSITION"
    assert reopened.json()["allowed"] == []
    assert refilled.status_code == 409


async def test_township_officers_see_and_write_only_their_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    mine = await create(client, tokens, area_code=DUOBAO_VILLAGE)
    theirs = await create(client, tokens, area_code=TUOSHI)
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, params={"limit": 500}, headers=officer)
    read_other = await client.get(f"{URL}/{theirs['id']}", headers=officer)
    write_other = await client.patch(
        f"{URL}/{theirs['id']}", json={"staff_count": 1}, headers={**officer, "If-Match": '"1"'}
    )
    move_out = await client.patch(
        f"{URL}/{mine['id']}", json={"area_code": TUOSHI}, headers={**officer, "If-Match": '"1"'}
    )
    create_other = await client.post(URL, json=institution(area_code=TUOSHI), headers=officer)
    create_mine = await client.post(URL, json=institution(), headers=officer)
    by_township = await client.get(
        URL, params={"area_code": TUOSHI, "limit": 500}, headers=city(tokens)
    )

    ids = {i["id"] for i in listed.json()["items"]}
    assert mine["id"] in ids
    assert theirs["id"] not in ids
    assert all(i["township_code"] == DUOBAO for i in listed.json()["items"])
    assert read_other.status_code == write_other.status_code == 404
    assert move_out.status_code == create_other.status_code == 403
    assert create_other.json()["code"] == "WELFARE_AREA_FORBIDDEN"
    assert create_mine.status_code == 201
    assert {i["id"] for i in by_township.json()["items"]} == {theirs["id"]}


async def test_auditors_read_but_do_not_write(client: httpx.AsyncClient, tokens: Tokens) -> None:
    inst = await create(client, tokens)
    auditor = tokens.headers("auditor")

    read = await client.get(f"{URL}/{inst['id']}", headers=auditor)
    created = await client.post(URL, json=institution(), headers=auditor)
    changed = await client.patch(
        f"{URL}/{inst['id']}", json={"staff_count": 1}, headers={**auditor, "If-Match": '"1"'}
    )
    admitted = await client.post(
        f"{URL}/{inst['id']}/disabled-tekun-residents", json=resident(), headers=auditor
    )
    closed = await client.post(
        f"{URL}/{inst['id']}/closed-management-periods", json=closure(), headers=auditor
    )

    assert read.status_code == 200
    assert {r.status_code for r in (created, changed, admitted, closed)} == {403}
    assert (await client.get(URL)).status_code == 401


# --- the ledger of disabled tekun residents ------------------------------------------------


async def test_a_person_is_on_one_ledger_at_a_time(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await create(client, tokens)
    second = await create(client, tokens)
    person = resident()

    admitted = await admit(client, tokens, first, person)
    elsewhere = await admit(client, tokens, second, {**person, "admitted_date": "2020-06-01"})
    left = await client.post(
        f"{LEDGER}/{admitted.json()['id']}/leave",
        json={"left_date": "2020-06-01", "reason": "转入其他福利院"},
        headers=city(tokens),
    )
    too_early = await admit(client, tokens, second, {**person, "admitted_date": "2020-05-31"})
    transferred = await admit(client, tokens, second, {**person, "admitted_date": "2020-06-01"})

    assert admitted.status_code == 201
    assert admitted.json()["id_number"].count("*") == 8  # masked without pii:read
    assert admitted.json()["active"] is True
    assert elsewhere.status_code == 409
    assert elsewhere.json()["code"] == "WELFARE_LEDGER_PERSON_ON_LEDGER"
    assert elsewhere.json()["conflicting_entry_id"] == admitted.json()["id"]
    assert left.status_code == 200
    assert left.json()["active"] is False
    assert too_early.status_code == 409
    assert too_early.json()["code"] == "WELFARE_LEDGER_STAYS_OVERLAP"
    assert transferred.status_code == 201
    assert transferred.json()["institution_id"] == second["id"]


async def test_the_database_holds_the_one_ledger_rule_in_a_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await create(client, tokens)
    second = await create(client, tokens)
    person = resident()
    admitted = await admit(client, tokens, first, person)
    returning = resident()
    stay = await admit(client, tokens, first, returning)
    await client.post(
        f"{LEDGER}/{stay.json()['id']}/leave",
        json={"left_date": "2020-09-01", "reason": "回归家庭"},
        headers=city(tokens),
    )

    async def nobody(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(InstitutionRepository, "active_entry_of", nobody)
    monkeypatch.setattr(InstitutionRepository, "stay_overlapping", nobody)
    active_twice = await admit(client, tokens, second, person)
    overlapping = await admit(client, tokens, second, {**returning, "admitted_date": "2020-08-01"})

    assert admitted.status_code == 201
    assert active_twice.status_code == overlapping.status_code == 409
    assert active_twice.json()["code"] == overlapping.json()["code"]
    assert overlapping.json()["code"] == "WELFARE_LEDGER_PERSON_ON_LEDGER"


async def test_the_ledger_never_holds_more_than_the_residents(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens, residents_count=2)

    one = await admit(client, tokens, inst, resident())
    two = await admit(client, tokens, inst, resident(self_care_level="partly_disabled"))
    three = await admit(client, tokens, inst, resident())
    fewer = await patch(client, tokens, inst, residents_count=1)

    assert one.status_code == two.status_code == 201
    assert three.status_code == 409
    assert three.json()["code"] == "WELFARE_LEDGER_EXCEEDS_RESIDENTS"
    assert fewer.status_code == 422
    assert fewer.json()["code"] == "WELFARE_INSTITUTION_RESIDENTS_BELOW_LEDGER"
    assert fewer.json()["on_ledger"] == 2


async def test_admission_needs_an_operating_institution_and_a_sensible_date(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    suspended = await patch(client, tokens, inst, status="suspended")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    refused = await admit(client, tokens, inst, resident())
    future = await admit(client, tokens, inst, resident(admitted_date=tomorrow))
    unborn = await admit(
        client,
        tokens,
        inst,
        resident(
            id_number=str(make_id_number(birth_date=date(2020, 5, 1))),
            admitted_date="2020-04-30",
        ),
    )

    assert suspended.status_code == 200
    assert refused.status_code == 409
    assert refused.json()["code"] == "WELFARE_INSTITUTION_NOT_OPERATING"
    assert future.status_code == unborn.status_code == 422


async def test_leaving_is_once_and_not_before_admission(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    entry = (await admit(client, tokens, inst, resident())).json()
    url = f"{LEDGER}/{entry['id']}/leave"

    before = await client.post(
        url, json={"left_date": "2020-02-28", "reason": "死亡"}, headers=city(tokens)
    )
    stale = await client.post(
        url,
        json={"left_date": "2020-10-01", "reason": "死亡"},
        headers={**city(tokens), "If-Match": '"7"'},
    )
    left = await client.post(
        url, json={"left_date": "2020-10-01", "reason": "死亡"}, headers=city(tokens)
    )
    again = await client.post(
        url, json={"left_date": "2020-10-02", "reason": "死亡"}, headers=city(tokens)
    )

    assert before.status_code == 422
    assert before.json()["code"] == "WELFARE_LEDGER_LEFT_DATE"
    assert stale.status_code == 412
    assert left.status_code == 200
    assert left.json()["left_reason"] == "死亡"
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_LEDGER_ENTRY_LEFT"


async def test_the_self_care_level_is_updated_under_if_match(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    entry = (await admit(client, tokens, inst, resident(self_care_level="partly_disabled"))).json()
    url = f"{LEDGER}/{entry['id']}"

    changed = await client.patch(
        url, json={"self_care_level": "fully_disabled"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    stale = await client.patch(
        url, json={"name": "张叁"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    emptied = await client.patch(
        url, json={"self_care_level": None}, headers={**city(tokens), "If-Match": '"2"'}
    )

    assert changed.status_code == 200
    assert changed.json()["self_care_level"] == "fully_disabled"
    assert changed.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert emptied.status_code == 422


async def test_the_ledger_is_searched_scoped_and_unmasked_reads_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    mine = await create(client, tokens)
    theirs = await create(client, tokens, area_code=TUOSHI)
    person = resident(name="李秀英")
    entry = (await admit(client, tokens, mine, person)).json()
    other = (await admit(client, tokens, theirs, resident())).json()
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])
    revealing = tokens.headers("city_officer", scopes=["pii:read"])

    by_number = await client.get(LEDGER, params={"q": person["id_number"]}, headers=revealing)
    by_name = await client.get(LEDGER, params={"q": "秀英"}, headers=city(tokens))
    scoped = await client.get(LEDGER, params={"limit": 500}, headers=officer)
    other_entry = await client.get(f"{LEDGER}/{other['id']}", headers=officer)
    other_list = await client.get(f"{URL}/{theirs['id']}/disabled-tekun-residents", headers=officer)

    assert [e["id_number"] for e in by_number.json()["items"]] == [person["id_number"]]
    assert [e["id"] for e in by_name.json()["items"]] == [entry["id"]]
    assert by_name.json()["items"][0]["id_number"] != person["id_number"]
    assert {e["area_code"][:9] for e in scoped.json()["items"]} == {DUOBAO}
    assert other_entry.status_code == other_list.status_code == 404
    reads = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "read_pii", AuditEvent.entity == "disabled_tekun_resident"
            )
        )
    ).all()
    assert [r.new_values for r in reads] == [{"ids": [entry["id"]]}]


# --- closed-management periods -----------------------------------------------------------


async def test_periods_of_one_institution_never_overlap(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    other = await create(client, tokens)

    first = await close_in(client, tokens, inst)
    same_last_day = await close_in(client, tokens, inst, start_date="2020-03-31", end_date=None)
    inside = await close_in(client, tokens, inst, start_date="2020-02-01", end_date="2020-02-10")
    next_day = await close_in(client, tokens, inst, start_date="2020-04-01", end_date=None)
    after_ongoing = await close_in(
        client, tokens, inst, start_date="2021-01-01", end_date="2021-02-01"
    )
    other_institution = await close_in(client, tokens, other)

    assert first.status_code == 201
    assert first.json()["ongoing"] is False
    assert same_last_day.status_code == inside.status_code == 409
    assert inside.json()["code"] == "WELFARE_CLOSURE_OVERLAPS"
    assert inside.json()["conflicting_period_id"] == first.json()["id"]
    assert next_day.status_code == 201
    assert next_day.json()["ongoing"] is True
    assert after_ongoing.status_code == 409
    assert after_ongoing.json()["conflicting_period_id"] == next_day.json()["id"]
    assert other_institution.status_code == 201


async def test_the_database_refuses_an_overlap_the_check_missed(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = await create(client, tokens)
    first = await close_in(client, tokens, inst)

    async def nothing(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(InstitutionRepository, "closure_overlapping", nothing)
    raced = await close_in(client, tokens, inst, start_date="2020-03-01", end_date=None)
    listed = await client.get(f"{URL}/{inst['id']}/closed-management-periods", headers=city(tokens))

    assert first.status_code == 201
    assert raced.status_code == 409
    assert raced.json()["code"] == "WELFARE_CLOSURE_OVERLAPS"
    assert listed.json()["total"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"end_date": "2020-01-23"},
        {"infections": -1},
        {"residents_inside": -5},
        {"residents_inside": 61},
    ],
)
async def test_invalid_periods_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any]
) -> None:
    inst = await create(client, tokens)

    response = await close_in(client, tokens, inst, **change)

    assert response.status_code == 422


async def test_an_ongoing_period_is_ended_and_corrected_under_if_match(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens)
    ongoing = (await close_in(client, tokens, inst, end_date=None)).json()
    url = f"{CLOSURES}/{ongoing['id']}"

    before_start = await client.patch(
        url, json={"end_date": "2020-01-01"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    ended = await client.patch(
        url,
        json={"end_date": "2020-04-08", "infections": 1},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    stale = await client.patch(
        url, json={"infections": 2}, headers={**city(tokens), "If-Match": '"1"'}
    )
    second = await close_in(client, tokens, inst, start_date="2020-06-01", end_date=None)
    reopened = await client.patch(
        url, json={"end_date": None}, headers={**city(tokens), "If-Match": '"2"'}
    )

    assert before_start.status_code == 422
    assert before_start.json()["code"] == "WELFARE_CLOSURE_END_DATE"
    assert ended.status_code == 200
    assert ended.json()["ongoing"] is False
    assert ended.json()["infections"] == 1
    assert ended.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert second.status_code == 201
    assert reopened.status_code == 409
    assert reopened.json()["conflicting_period_id"] == second.json()["id"]


async def test_a_closed_institution_takes_no_period(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inst = await create(client, tokens, residents_count=0)
    await patch(client, tokens, inst, status="closed")

    response = await close_in(client, tokens, inst, residents_inside=0)

    assert response.status_code == 409
    assert response.json()["code"] == "WELFARE_INSTITUTION_CLOSED"


async def test_periods_are_listed_by_year_date_and_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    mine = await create(client, tokens)
    theirs = await create(client, tokens, area_code=TUOSHI)
    p2020 = (await close_in(client, tokens, mine)).json()
    p2021 = (
        await close_in(client, tokens, mine, start_date="2021-08-01", end_date="2021-08-20")
    ).json()
    ongoing = (await close_in(client, tokens, theirs, end_date=None)).json()
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    def ids(response: httpx.Response) -> set[str]:
        return {p["id"] for p in response.json()["items"]}

    in_2021 = await client.get(CLOSURES, params={"year": 2021, "limit": 500}, headers=city(tokens))
    on_day = await client.get(
        CLOSURES, params={"on": "2020-03-31", "limit": 500}, headers=city(tokens)
    )
    still = await client.get(CLOSURES, params={"ongoing": True, "limit": 500}, headers=city(tokens))
    scoped = await client.get(CLOSURES, params={"limit": 500}, headers=officer)
    hidden = await client.get(f"{CLOSURES}/{ongoing['id']}", headers=officer)

    assert {p2021["id"], ongoing["id"]} <= ids(in_2021)
    assert p2020["id"] not in ids(in_2021)
    assert {p2020["id"], ongoing["id"]} <= ids(on_day)
    assert p2021["id"] not in ids(on_day)
    assert ongoing["id"] in ids(still)
    assert p2020["id"] not in ids(still)
    assert {p2020["id"], p2021["id"]} <= ids(scoped)
    assert ongoing["id"] not in ids(scoped)
    assert hidden.status_code == 404


# --- summaries ----------------------------------------------------------------------------


async def test_the_closure_summary_counts_institutions_residents_staff_and_infections(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    a = await create(client, tokens)
    b = await create(client, tokens)
    c = await create(client, tokens, area_code=TUOSHI)
    await close_in(client, tokens, a, residents_inside=30, staff_inside=6, infections=1)
    # Its latest period of the year gives the institution's residents and staff.
    await close_in(
        client,
        tokens,
        a,
        start_date="2020-07-01",
        end_date="2020-07-15",
        residents_inside=35,
        staff_inside=7,
        infections=2,
    )
    await close_in(client, tokens, b, residents_inside=20, staff_inside=4)
    await close_in(client, tokens, c, end_date=None, residents_inside=10, staff_inside=2)
    await close_in(client, tokens, b, start_date="2021-01-10", end_date="2021-01-20", infections=5)

    summary = await client.get(f"{CLOSURES}/summary", params={"year": 2020}, headers=city(tokens))
    scoped = await client.get(
        f"{CLOSURES}/summary",
        params={"year": 2020},
        headers=tokens.headers("township_officer", area_codes=[TUOSHI]),
    )
    next_year = await client.get(
        f"{CLOSURES}/summary", params={"year": 2021, "area_code": TUOSHI}, headers=city(tokens)
    )

    body = summary.json()
    assert (body["institutions"], body["periods"]) == (3, 4)
    assert (body["residents_inside"], body["staff_inside"], body["infections"]) == (65, 13, 3)
    townships = {t["area_code"]: t for t in body["by_township"]}
    assert townships[DUOBAO]["residents_inside"] == 55
    assert townships[TUOSHI]["institutions"] == 1
    assert scoped.json()["institutions"] == 1
    assert [t["area_code"] for t in scoped.json()["by_township"]] == [TUOSHI]
    # The ongoing period of 2020 lasts into 2021.
    assert next_year.json()["institutions"] == 1


async def test_the_institution_summary_leaves_out_closed_institutions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    a = await create(client, tokens, capacity=50, residents_count=30, staff_count=5)
    await create(client, tokens, area_code=TUOSHI, capacity=20, residents_count=10, staff_count=3)
    gone = await create(client, tokens, residents_count=0)
    await patch(client, tokens, gone, status="closed")
    await admit(client, tokens, a, resident())
    left = (await admit(client, tokens, a, resident())).json()
    await client.post(
        f"{LEDGER}/{left['id']}/leave",
        json={"left_date": "2020-05-01", "reason": "死亡"},
        headers=city(tokens),
    )

    summary = await client.get(f"{URL}/summary", headers=city(tokens))

    body = summary.json()
    assert (body["institutions"], body["capacity"], body["residents"], body["staff"]) == (
        2,
        70,
        40,
        8,
    )
    assert body["disabled_tekun_residents"] == 1
    townships = {t["area_code"]: t for t in body["by_township"]}
    assert townships[DUOBAO]["disabled_tekun_residents"] == 1
    assert townships[TUOSHI]["residents"] == 10


# --- real concurrency (committed writes on separate connections) --------------------------


async def test_concurrent_admissions_do_not_outgrow_the_residents(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        inst = await create(client, tokens, residents_count=1)
        responses = await asyncio.gather(
            *(admit(client, tokens, inst, resident()) for _ in range(4))
        )
        ledger = await client.get(
            f"{URL}/{inst['id']}/disabled-tekun-residents", headers=city(tokens)
        )

    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409]
    assert ledger.json()["total"] == 1


async def test_concurrent_overlapping_periods_leave_one(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        inst = await create(client, tokens)
        responses = await asyncio.gather(
            *(
                close_in(client, tokens, inst, start_date=f"2020-02-0{day}", end_date=None)
                for day in range(1, 5)
            )
        )
        periods = await client.get(
            f"{URL}/{inst['id']}/closed-management-periods", headers=city(tokens)
        )

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "WELFARE_CLOSURE_OVERLAPS"
    }
    assert periods.json()["total"] == 1
