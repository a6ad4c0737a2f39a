"""Volunteers: registration once per person, organisations, activities, service records
entered within 10 working days (later ones accepted and flagged), the all-or-nothing
import, certificates, the statistics and the working calendar; township scoping."""

import asyncio
import csv
import io
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import xlsxwriter
from fastapi import FastAPI
from python_calamine import CalamineWorkbook
from sqlalchemy import func, literal_column, select
from sqlalchemy import text as sql_text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.db import AuditEvent
from civil_governance.divisions.models import Division
from civil_governance.volunteers.certificate import XLSX_MEDIA_TYPE
from civil_governance.volunteers.importer import (
    MAX_IMPORT_BYTES,
    parse_hours,
    parse_id_number,
)
from civil_governance.volunteers.models import (
    ServiceRecord,
    Volunteer,
    VolunteerHoursArea,
    VolunteerHoursYear,
)
from civil_governance.volunteers.repository import load_calendar, registered_on, volunteer_stats
from civil_governance.volunteers.workdays import WorkingCalendar, is_late, today
from civil_shared.runtime.imports import MAX_UPLOAD_BYTES
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber, canonical_id_number, id_check_char

DUOBAO = "429006100"
TUOSHI = "429006101"
DUOBAO_VILLAGE = "429006100911"
TUOSHI_VILLAGE = "429006101911"


def city(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


def township(tokens: Tokens, area: str = DUOBAO, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[area], **kwargs)


def adult() -> str:
    """Someone born 1960–1995."""
    born = date(1960, 1, 1) + timedelta(days=secrets.randbelow(35 * 365))
    return str(make_id_number(birth_date=born))


async def add_villages(session: AsyncSession) -> None:
    for code, name in ((DUOBAO_VILLAGE, "多宝志愿测试村"), (TUOSHI_VILLAGE, "拖市志愿测试村")):
        if await session.get(Division, code) is None:
            session.add(
                Division(
                    code=code, name=name, level="village", kind="village", parent_code=code[:9]
                )
            )
    await session.commit()


async def register(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> httpx.Response:
    body = {
        "id_number": adult(),
        "name": "王志愿",
        "phone": "13900001111",
        "area_code": DUOBAO_VILLAGE,
        "registered_date": "2019-03-05",
        "skills": ["医疗"],
        **extra,
    }
    return await client.post("/api/v1/volunteers", json=body, headers=city(tokens))


async def organisation(
    client: httpx.AsyncClient, tokens: Tokens, township_code: str | None = DUOBAO
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/volunteer-organisations",
        json={
            "name": unique("多宝镇志愿服务队"),
            "kind": "volunteer_team",
            "township_code": township_code,
            "contact_name": "李队长",
            "contact_phone": "13800002222",
        },
        headers=city(tokens),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def activity(
    client: httpx.AsyncClient,
    tokens: Tokens,
    organisation_id: str,
    on: date,
    township_code: str = DUOBAO,
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/volunteer-activities",
        json={
            "organisation_id": organisation_id,
            "title": "防疫卡口值守",
            "activity_date": on.isoformat(),
            "place": "多宝镇卡口",
            "township_code": township_code,
            "organiser": "李队长",
            **extra,
        },
        headers=city(tokens),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def entry_boundary(session: AsyncSession) -> tuple[date, date]:
    """(the latest activity date whose records are late today, the day after it).

    Records of the second are on time today: its deadline is today or the next
    working day, whatever day of the week today is.
    """
    calendar = await load_calendar(session)
    now = today()
    day = now - timedelta(days=1)
    while calendar.entry_deadline(day) >= now:
        day -= timedelta(days=1)
    return day, day + timedelta(days=1)


@pytest.fixture
async def villages(session: AsyncSession) -> None:
    await add_villages(session)


async def count(session: AsyncSession, query: Any) -> int:
    return (await session.scalar(select(func.count()).select_from(query.subquery()))) or 0


async def record(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    id_number: str,
    activity_id: str,
    hours: str = "3.50",
) -> httpx.Response:
    return await client.post(
        "/api/v1/volunteer-services",
        json={"id_number": id_number, "activity_id": activity_id, "hours": hours},
        headers=headers,
    )


# --- the working calendar (pure) ------------------------------------------------------


def test_ten_working_days_skip_weekends_and_holidays_and_count_make_up_days() -> None:
    calendar = WorkingCalendar.of(
        [(date(2020, 10, 1) + timedelta(days=n), "holiday") for n in range(8)]
        + [(date(2020, 9, 27), "workday"), (date(2020, 10, 10), "workday")]
    )

    # 30 Sep 2020, before the National Day week: 9 Oct (Fri), 10 Oct (a Saturday
    # worked in exchange), then 12–16 and 19–21 October.
    assert calendar.entry_deadline(date(2020, 9, 30)) == date(2020, 10, 21)
    # A plain fortnight: two weekends skipped.
    assert calendar.entry_deadline(date(2020, 11, 2)) == date(2020, 11, 16)
    # An activity on a Saturday: counting starts on Monday.
    assert calendar.entry_deadline(date(2020, 11, 7)) == date(2020, 11, 20)
    assert not calendar.is_working_day(date(2020, 10, 5))
    assert calendar.is_working_day(date(2020, 10, 10))
    # Beijing, not UTC: 16:30 UTC on the deadline is already the next day.
    deadline = date(2020, 10, 21)
    assert not is_late(datetime(2020, 10, 21, 15, 59, tzinfo=UTC), deadline)
    assert is_late(datetime(2020, 10, 21, 16, 0, tzinfo=UTC), deadline)


async def test_the_seeded_calendar_holds_the_2020_holidays(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    response = await client.get(
        "/api/v1/working-calendar", params={"year": 2020}, headers=tokens.headers("auditor")
    )
    calendar = await load_calendar(session)

    assert response.status_code == 200
    days = {d["day"]: d["kind"] for d in response.json()}
    assert days["2020-01-19"] == "workday"  # a Sunday worked before the Spring Festival
    assert days["2020-02-02"] == "holiday"  # the festival extended for the epidemic
    # 21–23 January, then the festival (24 January – 2 February), then 3–7 and 10–11 February.
    assert calendar.entry_deadline(date(2020, 1, 20)) == date(2020, 2, 11)


async def test_the_city_keeps_the_calendar_and_it_moves_deadlines(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    url = "/api/v1/working-calendar"
    weekday_workday = await client.put(
        f"{url}/2031-03-05", json={"kind": "workday", "name": "错"}, headers=city(tokens)
    )
    by_township = await client.put(
        f"{url}/2031-03-05", json={"kind": "holiday", "name": "测试"}, headers=township(tokens)
    )
    created = await client.put(
        f"{url}/2031-03-05", json={"kind": "holiday", "name": "测试假日"}, headers=city(tokens)
    )
    replaced = await client.put(
        f"{url}/2031-03-05", json={"kind": "holiday", "name": "测试假日二"}, headers=city(tokens)
    )
    listed = await client.get(url, params={"year": 2031}, headers=city(tokens))
    removed = await client.delete(f"{url}/2031-03-05", headers=city(tokens))
    again = await client.delete(f"{url}/2031-03-05", headers=city(tokens))

    assert weekday_workday.status_code == 422
    assert weekday_workday.json()["code"] == "GOVERNANCE_CALENDAR_WORKDAY_NOT_WEEKEND"
    assert by_township.status_code == 403
    assert (created.status_code, replaced.status_code) == (201, 200)
    assert listed.json() == [{"day": "2031-03-05", "kind": "holiday", "name": "测试假日二"}]
    assert (removed.status_code, again.status_code) == (204, 404)


# --- registration ---------------------------------------------------------------------


@pytest.mark.usefixtures("villages")
async def test_a_person_registers_once_by_id_number(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    id_number = adult()
    first = await register(client, tokens, id_number=id_number, skills=["医疗", "心理疏导"])
    again = await register(client, tokens, id_number=id_number, name="另一人")
    full = await client.get(
        f"/api/v1/volunteers/{first.json()['id']}", headers=city(tokens, scopes=["pii:read"])
    )
    with_x = next(
        n
        for n in (str(make_id_number(birth_date=date(1985, 5, 5))) for _ in range(500))
        if n.endswith("X")
    )
    upper_x = await register(client, tokens, id_number=with_x)
    lower_x = await register(client, tokens, id_number=with_x.lower())

    assert first.status_code == 201, first.text
    assert first.headers["etag"] == '"1"'
    assert first.json()["id_number"].count("*") == 8  # masked without pii:read
    assert first.json()["status"] == "active"
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_VOLUNTEER_EXISTS"
    assert again.json()["volunteer_id"] == first.json()["id"]
    assert full.json()["id_number"] == id_number
    assert upper_x.status_code == 201
    assert lower_x.status_code == 409
    inserts = select(AuditEvent).where(
        AuditEvent.entity == "volunteer", AuditEvent.action == "insert"
    )
    assert await count(session, inserts) == 2
    reveals = select(AuditEvent).where(
        AuditEvent.entity == "volunteer", AuditEvent.action == "read_pii"
    )
    assert await count(session, reveals) == 1


@pytest.mark.usefixtures("villages")
async def test_registration_needs_a_known_village_in_the_callers_area(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    unknown = await register(client, tokens, area_code="429006100999")
    township_level = await register(client, tokens, area_code=DUOBAO)
    before_birth = await register(
        client,
        tokens,
        id_number=str(make_id_number(birth_date=date(2000, 5, 1))),
        registered_date="1999-01-01",
    )
    body = {
        "id_number": adult(),
        "name": "外乡人",
        "phone": "13900001111",
        "area_code": TUOSHI_VILLAGE,
        "registered_date": "2020-01-01",
    }
    outside = await client.post("/api/v1/volunteers", json=body, headers=township(tokens))
    auditor = await client.post("/api/v1/volunteers", json=body, headers=tokens.headers("auditor"))
    bad_id = await register(client, tokens, id_number="429006198001010010")

    assert unknown.status_code == 422
    assert unknown.json()["code"] == "GOVERNANCE_VILLAGE_UNKNOWN"
    assert township_level.status_code == 422
    assert before_birth.status_code == 422
    assert before_birth.json()["code"] == "GOVERNANCE_VOLUNTEER_DATE"
    assert outside.status_code == 403
    assert auditor.status_code == 403
    assert bad_id.status_code == 422


@pytest.mark.usefixtures("villages")
async def test_township_officers_see_their_own_volunteers_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ours = (await register(client, tokens, name=unique("多宝人"))).json()
    theirs = (await register(client, tokens, area_code=TUOSHI_VILLAGE)).json()

    mine = await client.get(f"/api/v1/volunteers/{ours['id']}", headers=township(tokens))
    other = await client.get(f"/api/v1/volunteers/{theirs['id']}", headers=township(tokens))
    listed = await client.get("/api/v1/volunteers", params={"limit": 500}, headers=township(tokens))
    by_name = await client.get(
        "/api/v1/volunteers", params={"q": ours["name"][2:]}, headers=city(tokens)
    )
    by_skill = await client.get(
        "/api/v1/volunteers", params={"skill": "医疗", "area_code": DUOBAO}, headers=city(tokens)
    )
    patch_other = await client.patch(
        f"/api/v1/volunteers/{theirs['id']}",
        json={"phone": "13700000000"},
        headers={**township(tokens), "If-Match": '"1"'},
    )

    assert mine.status_code == 200
    assert other.status_code == 404
    assert other.json()["code"] == "GOVERNANCE_VOLUNTEER_NOT_FOUND"
    ids = {v["id"] for v in listed.json()["items"]}
    assert ours["id"] in ids
    assert theirs["id"] not in ids
    assert all(v["area_code"].startswith(DUOBAO) for v in listed.json()["items"])
    assert [v["id"] for v in by_name.json()["items"]] == [ours["id"]]
    assert ours["id"] in {v["id"] for v in by_skill.json()["items"]}
    assert patch_other.status_code == 404


@pytest.mark.usefixtures("villages")
async def test_changes_and_deregistration_take_the_etag_and_follow_transitions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens)
    url = f"/api/v1/volunteers/{created.json()['id']}"
    no_etag = await client.patch(url, json={"phone": "13700000000"}, headers=city(tokens))
    changed = await client.patch(
        url, json={"phone": "13700000000"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    stale = await client.patch(
        url, json={"phone": "13700000001"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    leave = {"status": "deregistered", "effective_date": "2021-06-30", "reason": "本人申请注销"}
    deregistered = await client.post(
        f"{url}/status", json=leave, headers={**city(tokens), "If-Match": changed.headers["etag"]}
    )
    twice = await client.post(
        f"{url}/status",
        json=leave,
        headers={**city(tokens), "If-Match": deregistered.headers["etag"]},
    )

    assert no_etag.status_code == 428
    assert changed.status_code == 200
    assert changed.json()["phone"] == "13700000000"
    assert stale.status_code == 412
    assert deregistered.status_code == 200, deregistered.text
    assert deregistered.json()["status"] == "deregistered"
    assert twice.status_code == 409
    assert twice.json()["code"] == "GOVERNANCE_VOLUNTEER_INVALID_TRANSITION"
    assert twice.json()["allowed"] == ["active"]


# --- organisations and activities ----------------------------------------------------


async def test_organisations_are_named_once_and_the_city_keeps_the_city_level_ones(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ours = await organisation(client, tokens)
    citywide = await organisation(client, tokens, township_code=None)
    theirs = await organisation(client, tokens, township_code=TUOSHI)
    body = {
        "name": ours["name"],
        "kind": "social_organisation",
        "contact_name": "张",
        "contact_phone": "13800003333",
    }
    same_name = await client.post(
        "/api/v1/volunteer-organisations", json={**body, "township_code": DUOBAO},
        headers=city(tokens),
    )  # fmt: skip
    city_by_township = await client.post(
        "/api/v1/volunteer-organisations",
        json={**body, "name": unique("市志愿者协会")},
        headers=township(tokens),
    )
    listed = await client.get(
        "/api/v1/volunteer-organisations", params={"limit": 500}, headers=township(tokens)
    )
    edit_city = await client.patch(
        f"/api/v1/volunteer-organisations/{citywide['id']}",
        json={"contact_name": "改"},
        headers={**township(tokens), "If-Match": '"1"'},
    )
    read_theirs = await client.get(
        f"/api/v1/volunteer-organisations/{theirs['id']}", headers=township(tokens)
    )

    assert same_name.status_code == 409
    assert same_name.json()["code"] == "GOVERNANCE_VOLUNTEER_ORG_NAME_TAKEN"
    assert city_by_township.status_code == 403
    seen = {o["id"] for o in listed.json()["items"]}
    assert {ours["id"], citywide["id"]} <= seen
    assert theirs["id"] not in seen
    assert edit_city.status_code == 403
    assert read_theirs.status_code == 404


async def test_an_activity_dated_past_2100_is_refused_not_a_500(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_villages(session)
    org = await organisation(client, tokens)
    body = {
        "organisation_id": org["id"],
        "title": "防疫卡口值守",
        "place": "多宝镇卡口",
        "township_code": DUOBAO,
        "organiser": "李队长",
    }

    created = await client.post(
        "/api/v1/volunteer-activities",
        json={**body, "activity_date": "9999-12-28"},
        headers=city(tokens),
    )

    assert created.status_code == 422, created.text
    assert created.json()["errors"][0]["field"] == "activity_date"


async def test_activities_are_numbered_and_keep_their_date_once_served(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_villages(session)
    org = await organisation(client, tokens)
    numbered = await activity(client, tokens, org["id"], date(2020, 3, 2))
    own_code = await activity(client, tokens, org["id"], date(2020, 3, 3), code=unique("A-"))
    same_code = await client.post(
        "/api/v1/volunteer-activities",
        json={
            "code": own_code["code"],
            "organisation_id": org["id"],
            "title": "重复",
            "activity_date": "2020-03-04",
            "place": "某地",
            "township_code": DUOBAO,
            "organiser": "某",
        },
        headers=city(tokens),
    )
    other_township_org = await organisation(client, tokens, township_code=TUOSHI)
    foreign_org = await client.post(
        "/api/v1/volunteer-activities",
        json={
            "organisation_id": other_township_org["id"],
            "title": "跨乡镇",
            "activity_date": "2020-03-04",
            "place": "某地",
            "township_code": DUOBAO,
            "organiser": "某",
        },
        headers=township(tokens),
    )
    volunteer = (await register(client, tokens, registered_date="2019-01-01")).json()
    reveal = city(tokens, scopes=["pii:read"])
    id_number = (await client.get(f"/api/v1/volunteers/{volunteer['id']}", headers=reveal)).json()[
        "id_number"
    ]
    served = await record(client, city(tokens), id_number, numbered["id"])
    move = await client.patch(
        f"/api/v1/volunteer-activities/{numbered['id']}",
        json={"activity_date": "2020-03-09"},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    retitle = await client.patch(
        f"/api/v1/volunteer-activities/{numbered['id']}",
        json={"title": "防疫卡口值守（夜班）"},
        headers={**city(tokens), "If-Match": '"1"'},
    )

    assert numbered["code"].startswith("HD2020")
    assert numbered["entry_deadline"] == "2020-03-16"
    assert same_code.status_code == 409
    assert same_code.json()["code"] == "GOVERNANCE_ACTIVITY_CODE_TAKEN"
    assert foreign_org.status_code == 422
    assert served.status_code == 201, served.text
    assert move.status_code == 409
    assert move.json()["code"] == "GOVERNANCE_ACTIVITY_HAS_RECORDS"
    assert retitle.status_code == 200
    assert (retitle.json()["records"], retitle.json()["hours"]) == (1, "3.50")


# --- service records -------------------------------------------------------------------


@pytest.fixture
async def setting(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> dict[str, Any]:
    """An organisation of Duobao and two volunteers (full ID numbers)."""
    await add_villages(session)
    org = await organisation(client, tokens)
    reveal = city(tokens, scopes=["pii:read"])
    people = []
    for area in (DUOBAO_VILLAGE, TUOSHI_VILLAGE):
        created = await register(client, tokens, area_code=area, registered_date="2019-01-01")
        assert created.status_code == 201, created.text
        shown = await client.get(f"/api/v1/volunteers/{created.json()['id']}", headers=reveal)
        people.append(shown.json())
    return {"organisation": org, "duobao": people[0], "tuoshi": people[1]}


async def test_a_record_entered_after_ten_working_days_is_accepted_and_flagged(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    late_day, on_time_day = await entry_boundary(session)
    org = setting["organisation"]["id"]
    late_activity = await activity(client, tokens, org, late_day)
    on_time_activity = await activity(client, tokens, org, on_time_day)
    person = setting["duobao"]

    late = await record(client, city(tokens), person["id_number"], late_activity["id"])
    on_time = await record(client, city(tokens), person["id_number"], on_time_activity["id"])
    flagged = await client.get(
        "/api/v1/volunteer-services",
        params={"volunteer_id": person["id"], "late": True},
        headers=city(tokens),
    )
    all_of_them = await client.get(
        "/api/v1/volunteer-services", params={"volunteer_id": person["id"]}, headers=city(tokens)
    )

    assert late.status_code == 201, late.text
    assert late.json()["late"] is True
    assert late.json()["entry_deadline"] < today().isoformat()
    assert late.json()["service_date"] == late_day.isoformat()
    assert on_time.status_code == 201, on_time.text
    assert on_time.json()["late"] is False
    assert on_time.json()["entry_deadline"] >= today().isoformat()
    assert [r["id"] for r in flagged.json()["items"]] == [late.json()["id"]]
    assert all_of_them.json()["total"] == 2
    stored = await session.get(ServiceRecord, uuid.UUID(late.json()["id"]))
    assert stored is not None
    assert stored.late is True


async def test_a_record_needs_a_registered_volunteer_serving_on_the_day(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    person = setting["duobao"]
    held = await activity(client, tokens, org, date(2020, 6, 1))
    early = await activity(client, tokens, org, date(2018, 6, 1))
    future = await activity(client, tokens, org, today() + timedelta(days=3))

    unregistered = await record(client, city(tokens), adult(), held["id"])
    before_registration = await record(client, city(tokens), person["id_number"], early["id"])
    not_held = await record(client, city(tokens), person["id_number"], future["id"])
    first = await record(client, city(tokens), person["id_number"], held["id"], "24")
    twice = await record(client, city(tokens), person["id_number"], held["id"])
    hours = [
        await record(client, city(tokens), setting["tuoshi"]["id_number"], held["id"], value)
        for value in ("0", "24.01", "1.234", "-2")
    ]
    leave = {"status": "deregistered", "effective_date": "2020-06-02", "reason": "搬离本市"}
    served_after = await client.post(
        f"/api/v1/volunteers/{person['id']}/status",
        json={**leave, "effective_date": "2020-05-01"},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    gone = await client.post(
        f"/api/v1/volunteers/{person['id']}/status",
        json=leave,
        headers={**city(tokens), "If-Match": '"1"'},
    )
    later = await activity(client, tokens, org, date(2020, 6, 10))
    after_leaving = await record(client, city(tokens), person["id_number"], later["id"])

    assert unregistered.status_code == 422
    assert unregistered.json()["code"] == "GOVERNANCE_VOLUNTEER_NOT_REGISTERED"
    assert before_registration.status_code == 422
    assert before_registration.json()["code"] == "GOVERNANCE_VOLUNTEER_NOT_SERVING"
    assert not_held.status_code == 422
    assert not_held.json()["code"] == "GOVERNANCE_ACTIVITY_NOT_HELD"
    assert first.status_code == 201
    assert first.json()["hours"] == "24.00"
    assert twice.status_code == 409
    assert twice.json()["code"] == "GOVERNANCE_SERVICE_RECORD_EXISTS"
    assert [r.status_code for r in hours] == [422, 422, 422, 422]
    assert served_after.status_code == 422
    assert gone.status_code == 200, gone.text
    assert after_leaving.status_code == 422
    assert "注销" in after_leaving.json()["detail"]


async def test_township_officers_record_only_for_their_own_activities(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    tuoshi_org = await organisation(client, tokens, township_code=TUOSHI)
    ours = await activity(client, tokens, org, date(2020, 7, 1))
    theirs = await activity(client, tokens, tuoshi_org["id"], date(2020, 7, 1), TUOSHI)
    # A volunteer of Tuoshi may serve in Duobao; the record is Duobao's.
    visitor = await record(client, township(tokens), setting["tuoshi"]["id_number"], ours["id"])
    elsewhere = await record(client, township(tokens), setting["duobao"]["id_number"], theirs["id"])
    by_city = await record(client, city(tokens), setting["duobao"]["id_number"], theirs["id"])
    listed = await client.get(
        "/api/v1/volunteer-services", params={"limit": 500}, headers=township(tokens)
    )
    foreign = await client.get(
        f"/api/v1/volunteer-services/{by_city.json()['id']}", headers=township(tokens)
    )
    auditor = await record(
        client, tokens.headers("auditor"), setting["duobao"]["id_number"], ours["id"]
    )

    assert visitor.status_code == 201, visitor.text
    assert elsewhere.status_code == 404
    assert elsewhere.json()["code"] == "GOVERNANCE_ACTIVITY_NOT_FOUND"
    assert by_city.status_code == 201
    ids = {r["id"] for r in listed.json()["items"]}
    assert visitor.json()["id"] in ids
    assert by_city.json()["id"] not in ids
    assert foreign.status_code == 404
    assert auditor.status_code == 403


async def test_a_record_read_with_its_volunteers_full_id_number_is_audited(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any], session: AsyncSession
) -> None:
    served = await activity(client, tokens, setting["organisation"]["id"], date(2020, 8, 1))
    person = setting["duobao"]["id_number"]
    made = await record(client, city(tokens), person, served["id"])
    url = f"/api/v1/volunteer-services/{made.json()['id']}"
    reveals = select(AuditEvent).where(
        AuditEvent.entity == "volunteer", AuditEvent.action == "read_pii"
    )
    before = await count(session, reveals)

    masked = await client.get(url, headers=city(tokens))
    full = await client.get(url, headers=city(tokens, scopes=["pii:read"]))

    assert masked.json()["id_number"] != person
    assert full.json()["id_number"] == person
    assert await count(session, reveals) == before + 1  # the unmasked read only


async def test_corrections_and_deletions_keep_the_hours_summary(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    first = await activity(client, tokens, org, date(2020, 8, 1))
    second = await activity(client, tokens, org, date(2020, 8, 2))
    person = setting["duobao"]["id_number"]
    a = await record(client, city(tokens), person, first["id"], "2.50")
    b = await record(client, city(tokens), person, second["id"], "4")
    stats = "/api/v1/volunteer-stats"
    before = (await client.get(stats, params={"year": 2020}, headers=city(tokens))).json()

    corrected = await client.patch(
        f"/api/v1/volunteer-services/{a.json()['id']}",
        json={"hours": "3.25"},
        headers={**city(tokens), "If-Match": a.headers["etag"]},
    )
    no_etag = await client.delete(
        f"/api/v1/volunteer-services/{b.json()['id']}", headers=city(tokens)
    )
    deleted = await client.delete(
        f"/api/v1/volunteer-services/{b.json()['id']}",
        headers={**city(tokens), "If-Match": b.headers["etag"]},
    )
    after = (await client.get(stats, params={"year": 2020}, headers=city(tokens))).json()

    assert corrected.status_code == 200
    assert corrected.json()["hours"] == "3.25"
    assert corrected.json()["late"] is True  # unchanged by a correction
    assert no_etag.status_code == 428
    assert deleted.status_code == 204
    duobao_before = next(t for t in before["by_township"] if t["area_code"] == DUOBAO)
    duobao_after = next(t for t in after["by_township"] if t["area_code"] == DUOBAO)
    assert Decimal(duobao_before["service_hours"]) - Decimal(duobao_after["service_hours"]) == (
        Decimal("3.25")
    )  # 6.50 before; 3.25 after
    assert duobao_before["records"] - duobao_after["records"] == 1


# --- statistics and certificate ----------------------------------------------------------


async def test_the_years_statistics_by_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    spring = await activity(client, tokens, org, date(2020, 4, 8))
    autumn = await activity(client, tokens, org, date(2020, 11, 3))
    next_year = await activity(client, tokens, org, date(2021, 1, 5))
    duobao, tuoshi = setting["duobao"], setting["tuoshi"]
    for person, act, hours in (
        (duobao, spring, "2.50"),
        (duobao, autumn, "3.00"),
        (tuoshi, spring, "8.00"),
        (tuoshi, next_year, "1.00"),
    ):
        assert (
            await record(client, city(tokens), person["id_number"], act["id"], hours)
        ).status_code == 201
    # One volunteer registered in 2021 counts from 2021 on.
    await register(client, tokens, registered_date="2021-02-01")
    baseline = await volunteer_stats(session, 2019)

    city_stats = (
        await client.get("/api/v1/volunteer-stats", params={"year": 2020}, headers=city(tokens))
    ).json()
    own = (
        await client.get("/api/v1/volunteer-stats", params={"year": 2020}, headers=township(tokens))
    ).json()
    direct = await volunteer_stats(session, 2020, DUOBAO)

    by_township = {t["area_code"]: t for t in city_stats["by_township"]}
    assert by_township[DUOBAO]["service_hours"] == "5.50"
    assert by_township[DUOBAO]["volunteers_with_hours"] == 1
    assert by_township[TUOSHI]["service_hours"] == "8.00"  # 2021's hour is not 2020's
    assert city_stats["volunteers_with_hours"] == 2
    assert city_stats["records"] == 3
    assert city_stats["on"] == "2020-12-31"
    # The 2021 registration is not among 2020's registered volunteers.
    assert city_stats["volunteers_registered"] == baseline.volunteers_registered
    assert [t["area_code"] for t in own["by_township"]] == [DUOBAO]
    assert own["service_hours"] == "5.50"
    assert (direct.service_hours, direct.volunteers_with_hours) == (Decimal("5.50"), 1)


async def test_a_certificate_of_hours_as_json_and_as_a_workbook(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]
    other = await organisation(client, tokens, township_code=None)
    person = setting["duobao"]
    for organisation_id, on, hours in (
        (org["id"], date(2020, 2, 3), "4.00"),
        (org["id"], date(2020, 2, 10), "2.50"),
        (other["id"], date(2021, 5, 6), "1.25"),
    ):
        act = await activity(client, tokens, organisation_id, on)
        assert (
            await record(client, city(tokens), person["id_number"], act["id"], hours)
        ).status_code == 201
    url = f"/api/v1/volunteers/{person['id']}/certificate"

    masked = await client.get(url, headers=city(tokens))
    full = await client.get(url, headers=city(tokens, scopes=["pii:read"]))
    year_2020 = await client.get(
        url, params={"date_from": "2020-01-01", "date_to": "2020-12-31"}, headers=city(tokens)
    )
    workbook = await client.get(url, params={"format": "xlsx"}, headers=city(tokens))
    other_area = await client.get(
        f"/api/v1/volunteers/{setting['tuoshi']['id']}/certificate", headers=township(tokens)
    )

    assert masked.status_code == 200, masked.text
    body = masked.json()
    assert body["total_hours"] == "7.75"
    assert body["records"] == 3
    assert (body["period_from"], body["period_to"]) == ("2020-02-03", "2021-05-06")
    assert [(o["name"], o["hours"]) for o in body["organisations"]] == [
        (org["name"], "6.50"),
        (other["name"], "1.25"),
    ]
    assert "*" in body["id_number"]
    assert full.json()["id_number"] == person["id_number"]
    assert (year_2020.json()["total_hours"], year_2020.json()["records"]) == ("6.50", 2)
    assert workbook.status_code == 200
    assert workbook.headers["content-type"].startswith(XLSX_MEDIA_TYPE)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook.content))
    rows = sheet.get_sheet_by_index(0).to_python()
    cells = {str(r[0]): r[1] for r in rows if r and r[0]}
    assert cells["身份证号"] == body["id_number"]  # masked there too
    assert cells["累计服务时长（小时）"] == 7.75
    assert len(sheet.get_sheet_by_index(1).to_python()) == 4  # the header and 3 records
    assert other_area.status_code == 404


# --- the import ----------------------------------------------------------------------------

IMPORT = "/api/v1/volunteer-services/import"
HEADER_ZH = ["志愿者身份证号", "姓名", "活动编号", "服务时长（小时）"]


def csv_bytes(
    rows: list[list[str]], *, header: list[str] = HEADER_ZH, encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], content: bytes, name: str = "f.csv"
) -> httpx.Response:
    return await client.post(IMPORT, files={"file": (name, content)}, headers=headers)


async def stored(session: AsyncSession) -> tuple[int, int, int]:
    """Records, summary rows, bulk audit events: what an import writes."""
    records = await session.scalar(select(func.count()).select_from(ServiceRecord))
    summary = await session.scalar(select(func.count()).select_from(VolunteerHoursYear))
    bulk = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bulk")
    )
    return records or 0, summary or 0, bulk or 0


async def test_a_good_file_is_copied_in_with_late_rows_flagged(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    late_day, on_time_day = await entry_boundary(session)
    org = setting["organisation"]["id"]
    late = await activity(client, tokens, org, late_day)
    on_time = await activity(client, tokens, org, on_time_day)
    duobao, tuoshi = setting["duobao"], setting["tuoshi"]
    rows = [
        [duobao["id_number"], duobao["name"], late["code"], "2.5"],
        [duobao["id_number"], "", on_time["code"], "3"],
        [],  # a blank line is harmless
        [tuoshi["id_number"].lower(), tuoshi["name"], late["code"], "1.25"],
        [tuoshi["id_number"], tuoshi["name"], on_time["code"], "24"],
    ]
    before = await stored(session)
    stats_before = await volunteer_stats(session, late_day.year)

    response = await upload(client, township(tokens), csv_bytes(rows))

    assert response.status_code == 201, response.text
    assert response.json() == {
        "rows": 4,
        "late": 2,
        "hours": "30.75",
        "volunteers": 2,
        "activities": 2,
        "format": "csv",
        "encoding": "utf-8",
    }
    after = await stored(session)
    assert after[0] - before[0] == 4
    assert after[2] - before[2] == 1
    listed = await client.get(
        "/api/v1/volunteer-services", params={"activity_id": late["id"]}, headers=city(tokens)
    )
    assert {(r["volunteer_id"], r["late"], r["hours"]) for r in listed.json()["items"]} == {
        (duobao["id"], True, "2.50"),
        (tuoshi["id"], True, "1.25"),
    }
    on_time_rows = await client.get(
        "/api/v1/volunteer-services", params={"activity_id": on_time["id"]}, headers=city(tokens)
    )
    assert {r["late"] for r in on_time_rows.json()["items"]} == {False}
    event = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "bulk", AuditEvent.entity == "volunteer_service")
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None
    assert event.actor == "test-township_officer"
    assert event.new_values is not None
    assert (event.new_values["rows"], event.new_values["late"]) == (4, 2)
    if late_day.year == on_time_day.year:
        stats_after = await volunteer_stats(session, late_day.year)
        assert stats_after.service_hours - stats_before.service_hours == Decimal("30.75")
        assert stats_after.records - stats_before.records == 4


async def test_an_import_with_one_bad_row_writes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    first = await activity(client, tokens, org, date(2020, 9, 1))
    second = await activity(client, tokens, org, date(2020, 9, 2))
    duobao, tuoshi = setting["duobao"], setting["tuoshi"]
    rows = [
        [duobao["id_number"], duobao["name"], first["code"], "2"],
        [tuoshi["id_number"], tuoshi["name"], first["code"], "3"],
        [duobao["id_number"], duobao["name"], second["code"], "25"],  # row 4: over 24 hours
        [tuoshi["id_number"], tuoshi["name"], second["code"], "4"],
    ]
    before = await stored(session)
    stats_before = await volunteer_stats(session, 2020)

    response = await upload(client, city(tokens), csv_bytes(rows))

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "GOVERNANCE_VOLUNTEER_SERVICE_IMPORT_INVALID"
    assert problem["error_count"] == 1
    assert problem["report"] == [
        {
            "row": 4,
            "field": "hours",
            "column": "服务时长（小时）",
            "message": "一条记录的服务时长不能超过24小时",
        }
    ]
    assert await stored(session) == before
    assert await volunteer_stats(session, 2020) == stats_before


async def test_every_bad_row_is_reported_with_its_reason(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    tuoshi_org = await organisation(client, tokens, township_code=TUOSHI)
    ours = await activity(client, tokens, org, date(2020, 10, 12))
    done = await activity(client, tokens, org, date(2020, 10, 13))
    early = await activity(client, tokens, org, date(2018, 10, 13))
    theirs = await activity(client, tokens, tuoshi_org["id"], date(2020, 10, 12), TUOSHI)
    duobao, tuoshi = setting["duobao"], setting["tuoshi"]
    assert (await record(client, city(tokens), duobao["id_number"], done["id"])).status_code == 201
    good_id = duobao["id_number"]
    bad_check = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    rows = [
        [adult(), "", ours["code"], "2"],  # 2: not registered
        [bad_check, "", ours["code"], "2"],  # 3: check character
        [tuoshi["id_number"], "别人", ours["code"], "2"],  # 4: name differs
        [good_id, "", "NO-SUCH-CODE", "2"],  # 5: unknown activity
        [good_id, "", theirs["code"], "2"],  # 6: another township's activity
        [good_id, "", ours["code"], "2"],  # 7: fine
        [good_id, "", ours["code"], "3"],  # 8: the same pair again
        [good_id, "", done["code"], "2"],  # 9: already recorded
        [good_id, "", early["code"], "2"],  # 10: before registration
        [tuoshi["id_number"], "", ours["code"], ""],  # 11: hours missing
        [tuoshi["id_number"], "", ours["code"], "两小时"],  # 12: not a number
        ["4.29006198001011E+17", "", ours["code"], "2"],  # 13: Excel made it a number
        ["", "", "", "2"],  # 14: no volunteer, no activity
        [f" {good_id} ", "", ours["code"], "2"],  # 15: row 7 again, spelt differently
    ]
    before = await stored(session)

    response = await upload(client, township(tokens), csv_bytes(rows))

    assert response.status_code == 422
    report = {(p["row"], p["field"]): p["message"] for p in response.json()["report"]}
    assert report[(2, "id_number")] == "该身份证号未注册为志愿者"
    assert report[(3, "id_number")] == "身份证号校验位错误"
    assert report[(4, "name")] == "姓名与该身份证号注册的姓名不一致"
    assert report[(5, "activity_code")] == "活动编号 NO-SUCH-CODE 不存在"
    assert report[(6, "activity_code")] == "该活动不在您负责的区域内"
    assert report[(8, "activity_code")].startswith("与第 7 行重复")
    assert "已有服务记录" in report[(9, "activity_code")]
    assert "早于该志愿者的注册日期" in report[(10, "id_number")]
    assert report[(11, "hours")] == "必填项未填写"
    assert report[(12, "hours")] == "服务时长应为数字（小时）"
    assert "文本格式" in report[(13, "id_number")]
    assert report[(14, "id_number")] == report[(14, "activity_code")] == "必填项未填写"
    assert report[(15, "activity_code")].startswith("与第 7 行重复")
    assert (7, "id_number") not in report
    assert response.json()["error_count"] == len(report) == 14
    assert await stored(session) == before


async def test_gbk_csv_english_headers_and_xlsx_are_read(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    acts = [await activity(client, tokens, org, date(2020, 12, day)) for day in (1, 2, 3)]
    duobao = setting["duobao"]
    gbk = csv_bytes([[duobao["id_number"], duobao["name"], acts[0]["code"], "1"]], encoding="gbk")
    english = csv_bytes(
        [[acts[1]["code"], duobao["id_number"], "1.5"]],
        header=["activity_code", "id_number", "hours"],
    )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER_ZH)
    sheet.write_string(1, 0, duobao["id_number"])
    sheet.write_string(1, 1, duobao["name"])
    sheet.write_string(1, 2, acts[2]["code"])
    sheet.write_number(1, 3, 2.75)
    workbook.close()

    from_gbk = await upload(client, city(tokens), gbk)
    from_english = await upload(client, city(tokens), english)
    from_xlsx = await upload(client, city(tokens), buffer.getvalue(), "f.xlsx")

    assert from_gbk.status_code == 201, from_gbk.text
    assert from_gbk.json()["encoding"] == "gb18030"
    assert from_english.status_code == 201, from_english.text
    assert from_xlsx.status_code == 201, from_xlsx.text
    assert (from_xlsx.json()["format"], from_xlsx.json()["hours"]) == ("xlsx", "2.75")


async def test_headers_and_empty_files_are_refused_before_any_row(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    bad_header = await upload(
        client,
        city(tokens),
        csv_bytes([["x", "y", "z"]], header=["身份证号码", "活动编号", "备注"]),
    )
    header_only = await upload(client, city(tokens), csv_bytes([]))
    empty = await upload(client, city(tokens), b"")
    auditor = await upload(client, tokens.headers("auditor"), csv_bytes([]))

    assert bad_header.status_code == 422
    messages = {(p["field"], p["message"]) for p in bad_header.json()["report"]}
    assert ("身份证号码", "无法识别的列名「身份证号码」") in messages
    assert ("id_number", "缺少必填列「志愿者身份证号」") in messages
    assert ("hours", "缺少必填列「服务时长（小时）」") in messages
    assert header_only.status_code == 422
    assert header_only.json()["code"] == "GOVERNANCE_VOLUNTEER_SERVICE_IMPORT_EMPTY"
    assert empty.status_code == 422
    assert auditor.status_code == 403


async def test_this_route_takes_files_above_the_usual_50_mb(
    client: httpx.AsyncClient, tokens: Tokens, setting: dict[str, Any]
) -> None:
    act = await activity(client, tokens, setting["organisation"]["id"], date(2020, 12, 7))
    person = setting["duobao"]
    # One row, padded by 420 unnamed cells of 127 KB of spaces (cells past the header are
    # not read; the csv module takes at most 128 KB a cell).
    padding = [" " * (127 * 1024)] * 420
    content = csv_bytes([[person["id_number"], person["name"], act["code"], "2", *padding]])
    assert len(content) > MAX_UPLOAD_BYTES

    accepted = await upload(client, city(tokens), content)
    too_large = await client.post(
        IMPORT,
        content=b"x",
        headers={
            **city(tokens),
            "Content-Type": "multipart/form-data; boundary=b",
            "Content-Length": str(MAX_IMPORT_BYTES + 1024 * 1024),
        },
    )

    assert accepted.status_code == 201, accepted.text[:500]
    assert accepted.json()["rows"] == 1
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "GOVERNANCE_VOLUNTEER_SERVICE_IMPORT_TOO_LARGE"


async def test_the_template_names_the_columns(client: httpx.AsyncClient, tokens: Tokens) -> None:
    as_csv = await client.get(
        f"{IMPORT}/template", params={"format": "csv"}, headers=tokens.headers("auditor")
    )
    as_xlsx = await client.get(f"{IMPORT}/template", headers=tokens.headers("auditor"))

    assert as_csv.status_code == 200
    assert as_csv.content.decode("utf-8-sig").strip() == ",".join(HEADER_ZH)
    assert as_xlsx.headers["content-type"] == XLSX_MEDIA_TYPE


def test_cells_are_checked_once_per_distinct_value() -> None:
    assert parse_hours("2.5") == Decimal("2.50")
    assert parse_hours("24.00") == Decimal("24.00")
    assert isinstance(parse_hours("0"), str)
    assert isinstance(parse_hours("1_0"), str)
    assert isinstance(parse_hours("NaN"), str)
    valid = adult()
    assert parse_id_number(valid.lower()) == valid.upper()
    # The quick check agrees with IdNumber, or leaves the number to it.
    samples = [str(make_id_number()) for _ in range(300)]
    samples += [n[:17] + ("1" if n[17] != "1" else "2") for n in samples[:50]]  # check char
    samples += ["429006" + "19000229" + "0011", "429006" + "18991231" + "0011"]
    samples += [f"429006{today():%Y%m%d}0011", "429006201302300011", "09" + "1" * 16]
    for text in samples:
        first17 = text[:17]
        for candidate in (text, first17 + id_check_char(first17) if first17.isdigit() else text):
            try:
                expected: str | None = str(IdNumber(candidate))
            except ValueError:
                expected = None
            quick = canonical_id_number(candidate)
            assert quick is None or quick == expected, candidate
            parsed = parse_id_number(candidate)
            if expected is None:
                assert type(parsed) is not str, candidate  # a problem, worded
            else:
                assert parsed == expected


async def test_the_import_commits_with_the_request(committed_app: FastAPI, tokens: Tokens) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        village = f"429006102{secrets.randbelow(400) + 500:03d}"
        await client.post(
            "/api/v1/divisions",
            json={"code": village, "name": unique("张港志愿村"), "kind": "village"},
            headers=city(tokens),
        )
        id_number = adult()
        person = await register(client, tokens, id_number=id_number, area_code=village)
        org = await organisation(client, tokens, township_code="429006102")
        act = await activity(client, tokens, org["id"], date(2020, 5, 6), "429006102")
        loaded = await upload(client, city(tokens), csv_bytes([[id_number, "", act["code"], "5"]]))
        certificate = await client.get(
            f"/api/v1/volunteers/{person.json()['id']}/certificate", headers=city(tokens)
        )

    assert person.status_code == 201, person.text
    assert loaded.status_code == 201, loaded.text
    assert (certificate.json()["records"], certificate.json()["total_hours"]) == (1, "5.00")


@pytest.mark.parametrize("way", ["single", "import"])
async def test_a_record_waits_for_a_concurrent_move_and_counts_where_the_volunteer_went(
    committed_app: FastAPI, committed_database_url: str, tokens: Tokens, way: str
) -> None:
    """A record entered (singly or by import) while the volunteer is being moved to another
    village: its hours go to the new village (it read the old one and the move could not
    see its row: the two villages' sums were wrong for good)."""
    transport = httpx.ASGITransport(app=committed_app)
    engine = create_async_engine(committed_database_url, poolclass=NullPool)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        old, new = (f"429006102{secrets.randbelow(400) + 500:03d}" for _ in range(2))
        for village in {old, new}:
            await client.post(
                "/api/v1/divisions",
                json={"code": village, "name": unique("张港志愿村"), "kind": "village"},
                headers=city(tokens),
            )
        id_number = adult()
        person = (await register(client, tokens, id_number=id_number, area_code=old)).json()
        org = await organisation(client, tokens, township_code="429006102")
        served = await activity(client, tokens, org["id"], date(2020, 5, 6), "429006102")
        try:
            async with engine.begin() as mover:  # as a PATCH moving the volunteer does
                await mover.execute(
                    sql_text("SELECT 1 FROM volunteer WHERE id = :id FOR UPDATE"),
                    {"id": person["id"]},
                )
                entered = asyncio.create_task(
                    record(client, city(tokens), id_number, served["id"], "5")
                    if way == "single"
                    else upload(
                        client, city(tokens), csv_bytes([[id_number, "", served["code"], "5"]])
                    )
                )
                await asyncio.sleep(0.5)
                waited = not entered.done()
                await mover.execute(
                    sql_text("UPDATE volunteer SET area_code = :new WHERE id = :id"),
                    {"new": new, "id": person["id"]},
                )
            made = await entered
            async with engine.connect() as reader:
                counted_in = (
                    await reader.execute(
                        sql_text(
                            "SELECT area_code FROM volunteer_hours_year"
                            " WHERE volunteer_id = :id AND year = 2020"
                        ),
                        {"id": person["id"]},
                    )
                ).scalar_one()
        finally:
            await engine.dispose()

    assert waited
    assert made.status_code == 201, made.text
    assert counted_in == new


async def test_the_village_sums_follow_every_change_of_the_hours(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, setting: dict[str, Any]
) -> None:
    org = setting["organisation"]["id"]
    acts = [await activity(client, tokens, org, date(2020, 5, day)) for day in (11, 12, 13)]
    duobao, tuoshi = setting["duobao"], setting["tuoshi"]
    rows = [
        [duobao["id_number"], "", acts[0]["code"], "2"],
        [duobao["id_number"], "", acts[1]["code"], "3"],
        [tuoshi["id_number"], "", acts[0]["code"], "4"],
    ]
    assert (await upload(client, city(tokens), csv_bytes(rows))).status_code == 201
    single = await record(client, city(tokens), tuoshi["id_number"], acts[2]["id"], "1.50")
    await client.delete(
        f"/api/v1/volunteer-services/{single.json()['id']}",
        headers={**city(tokens), "If-Match": single.headers["etag"]},
    )
    moved = await client.patch(
        f"/api/v1/volunteers/{duobao['id']}",
        json={"area_code": TUOSHI_VILLAGE},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    stats = (
        await client.get("/api/v1/volunteer-stats", params={"year": 2020}, headers=city(tokens))
    ).json()

    assert moved.status_code == 200, moved.text
    tuoshi_figures = next(t for t in stats["by_township"] if t["area_code"] == TUOSHI)
    assert (tuoshi_figures["volunteers_with_hours"], tuoshi_figures["service_hours"]) == (
        2,
        "9.00",
    )
    assert all(
        t["volunteers_with_hours"] == 0 for t in stats["by_township"] if t["area_code"] == DUOBAO
    )
    # The triggers' sums are the sums of the per-volunteer rows, village by village.
    kept = (
        await session.execute(
            select(
                VolunteerHoursArea.year,
                VolunteerHoursArea.area_code,
                VolunteerHoursArea.volunteers,
                VolunteerHoursArea.hours,
                VolunteerHoursArea.records,
            ).where(VolunteerHoursArea.records != 0)
        )
    ).all()
    summed = (
        await session.execute(
            select(
                VolunteerHoursYear.year,
                VolunteerHoursYear.area_code,
                func.count().filter(VolunteerHoursYear.records > 0),
                func.sum(VolunteerHoursYear.hours),
                func.sum(VolunteerHoursYear.records),
            )
            .group_by(VolunteerHoursYear.year, VolunteerHoursYear.area_code)
            .having(func.sum(VolunteerHoursYear.records) != 0)
        )
    ).all()
    assert sorted(map(tuple, kept)) == sorted(map(tuple, summed))


@pytest.mark.usefixtures("villages")
async def test_registered_volunteers_by_year_follow_registrations_moves_and_departures(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    early = (await register(client, tokens, registered_date="2019-06-01")).json()
    await register(client, tokens, registered_date="2021-03-01", area_code=TUOSHI_VILLAGE)
    leaving = (await register(client, tokens, registered_date="2020-02-02")).json()
    gone = await client.post(
        f"/api/v1/volunteers/{leaving['id']}/status",
        json={"status": "deregistered", "effective_date": "2022-05-05", "reason": "本人申请"},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    moved = await client.patch(
        f"/api/v1/volunteers/{early['id']}",
        json={"area_code": TUOSHI_VILLAGE},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    assert (gone.status_code, moved.status_code) == (200, 200)

    for year in range(2018, today().year + 1):
        stats = await volunteer_stats(session, year)
        on = min(date(year, 12, 31), today())
        township = func.left(Volunteer.area_code, literal_column("9"))
        counted: dict[str, int] = dict(
            (
                await session.execute(
                    select(township, func.count()).where(registered_on(on)).group_by(township)
                )
            ).all()
        )
        assert stats.volunteers_registered == sum(counted.values()), year
        assert {
            t.area_code: t.volunteers_registered
            for t in stats.by_township
            if t.volunteers_registered
        } == counted, year
    in_2021 = await volunteer_stats(session, 2021)
    in_2022 = await volunteer_stats(session, 2022)
    assert in_2022.volunteers_registered == in_2021.volunteers_registered - 1
