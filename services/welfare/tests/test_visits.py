"""Visits: the log (date rules, the subject held by the database, follow-ups, ETag,
audit), area scoping, the round's due and overdue lists by township and worker (the SQL
agreeing with the pure rule on many subjects and dates), interval parameters by year
and area, and the summary by township."""

import itertools
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.children.files.models import ChildFile
from civil_welfare.db import AuditEvent
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.elderly.qualification import add_months
from civil_welfare.visits.models import Visit
from civil_welfare.visits.schedule import counts_for_round, next_visit_due
from civil_welfare.visits.schemas import SubjectKind, VisitKind
from civil_welfare.visits.service import visit_summary
from civil_welfare.workforce.models import ChildWelfareWorker

URL = "/api/v1/visits"
SCHEDULE = "/api/v1/visit-schedule"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
DUOBAO_OTHER_VILLAGE = "429006100202"
ZHANGGANG = "429006102"
ZHANGGANG_VILLAGE = "429006102201"
TODAY = date.today()
D = date.fromisoformat
ALL_STATES = "state=overdue&state=due&state=scheduled"


#: Distinct birth dates, so that many people made in one test never share an ID number.
_births = itertools.count()


def birth(first: date) -> date:
    """A birth date within about three years from ``first``, another on each call."""
    return first + timedelta(days=next(_births) % 1200)


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", sub="wang.city")


def township(tokens: Tokens, area: str = DUOBAO) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[area])


async def add_elder(
    session: AsyncSession,
    *,
    area: str = DUOBAO_VILLAGE,
    registered: str | date = "2020-01-31",
    worker: str | None = "li.duobao",
    worker_name: str = "李主任",
    name: str = "张老汉",
) -> LeftBehindElder:
    elder = LeftBehindElder(
        id_number=str(make_id_number(birth_date=birth(date(1940, 1, 1)))),
        name=name,
        area_code=area,
        living_situation="alone",
        risk_level="medium",
        worker_name=worker_name,
        worker_username=worker,
        registered_date=D(registered) if isinstance(registered, str) else registered,
        status="active",
    )
    session.add(elder)
    await session.flush()
    return elder


async def add_director(session: AsyncSession, area: str = DUOBAO_VILLAGE) -> ChildWelfareWorker:
    director = ChildWelfareWorker(
        role="director",
        id_number=str(make_id_number(birth_date=birth(date(1975, 1, 1)))),
        name="周主任",
        area_code=area,
        appointed_date=date(2019, 1, 1),
        status="active",
    )
    session.add(director)
    await session.flush()
    return director


async def add_child(
    session: AsyncSession,
    *,
    area: str = DUOBAO_VILLAGE,
    filed: str | date = "2019-11-30",
    director: ChildWelfareWorker | None = None,
    born: date | None = None,
) -> ChildFile:
    """A child file created on ``filed`` (its registration date), at noon UTC."""
    day = D(filed) if isinstance(filed, str) else filed
    child = ChildFile(
        id_number=str(make_id_number(birth_date=born or birth(date(2010, 1, 1)))),
        name="王小明",
        area_code=area,
        category="left_behind",
        guardian_name="王大爷",
        guardian_relation="grandparent",
        director_id=director.id if director else None,
        status="active",
        registered_date=day,
        created_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
    )
    session.add(child)
    await session.flush()
    return child


def visit(
    subject: LeftBehindElder | ChildFile, visit_date: str | date, **extra: Any
) -> dict[str, Any]:
    kind = "elderly" if isinstance(subject, LeftBehindElder) else "child"
    return {
        "subject_kind": kind,
        "subject_id": str(subject.id),
        "visit_date": str(visit_date),
        "kind": "home_visit",
        "findings": "身体状况良好，生活能自理",
        **extra,
    }


async def log(
    client: httpx.AsyncClient,
    tokens: Tokens,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(URL, json=body, headers=headers or city(tokens))


async def schedule_of(
    client: httpx.AsyncClient, tokens: Tokens, subject: LeftBehindElder | ChildFile, on: str
) -> dict[str, Any]:
    kind = "elderly" if isinstance(subject, LeftBehindElder) else "child"
    response = await client.get(
        f"{SCHEDULE}/{kind}/{subject.id}", params={"on": on}, headers=city(tokens)
    )
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


async def set_parameter(
    client: httpx.AsyncClient, tokens: Tokens, key: str, year: int, value: str, area: str
) -> None:
    response = await client.post(
        "/api/v1/parameters",
        json={
            "key": key,
            "year": year,
            "area_code": area,
            "value": value,
            "effective_date": f"{year}-01-01",
        },
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 201, response.text


# --- the log ---------------------------------------------------------------------------


async def test_a_visit_is_logged_with_the_caller_as_visitor_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    created = await log(client, tokens, visit(elder, "2020-02-10", kind="phone"))

    assert created.status_code == 201, created.text
    out = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{URL}/{out['id']}"
    assert out["subject_kind"] == "elderly"
    assert out["subject_name"] == "张老汉"
    assert out["area_code"] == DUOBAO_VILLAGE
    assert out["visitor"] == {"name": "wang.city", "username": "wang.city"}
    assert out["counts_for_round"] is True
    assert out["follow_up"] is None
    audited = await session.scalar(
        select(AuditEvent).where(AuditEvent.entity == "visit", AuditEvent.action == "insert")
    )
    assert audited is not None
    assert audited.entity_id == out["id"]
    again = await client.get(f"{URL}/{out['id']}", headers=city(tokens))
    assert again.json() == out


async def test_a_named_visitor_without_an_account_is_kept(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    body = visit(elder, "2020-02-10", visitor={"name": "村委会刘委员"})
    out = (await log(client, tokens, body)).json()

    assert out["visitor"] == {"name": "村委会刘委员", "username": None}


async def test_a_visit_in_the_future_or_before_registration_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")
    tomorrow = await log(client, tokens, visit(elder, TODAY + timedelta(days=1)))
    before = await log(client, tokens, visit(elder, "2020-01-30"))
    on_the_day = await log(client, tokens, visit(elder, "2020-01-31"))

    assert tomorrow.status_code == 422
    assert "visit_date" in str(tomorrow.json()["errors"])
    assert before.status_code == 422
    assert before.json()["code"] == "WELFARE_VISIT_BEFORE_REGISTRATION"
    assert before.json()["registered_date"] == "2020-01-31"
    assert on_the_day.status_code == 201


async def test_a_school_visit_is_for_children_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    child = await add_child(session)
    elder_at_school = await log(client, tokens, visit(elder, "2020-03-02", kind="school"))
    child_at_school = await log(client, tokens, visit(child, "2020-03-02", kind="school"))
    at_home = (await log(client, tokens, visit(elder, "2020-03-02"))).json()
    patched = await client.patch(
        f"{URL}/{at_home['id']}",
        json={"kind": "school"},
        headers={**city(tokens), "If-Match": '"1"'},
    )

    assert elder_at_school.status_code == 422
    assert elder_at_school.json()["code"] == "WELFARE_VISIT_KIND"
    assert child_at_school.status_code == 201
    assert child_at_school.json()["counts_for_round"] is False
    assert patched.json()["code"] == "WELFARE_VISIT_KIND"


async def test_a_childs_visit_must_not_precede_the_file(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    child = await add_child(session, filed="2019-11-30")
    before = await log(client, tokens, visit(child, "2019-11-29"))
    on_the_day = await log(client, tokens, visit(child, "2019-11-30"))

    assert before.json()["code"] == "WELFARE_VISIT_BEFORE_REGISTRATION"
    assert on_the_day.status_code == 201


async def test_no_visit_after_the_elder_left_or_the_child_turned_18(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")
    elder.status, elder.left_date, elder.status_reason = "left", D("2020-06-10"), "子女返乡"
    await session.flush()
    adult_soon = await add_child(session, filed="2019-01-05", born=date(2002, 3, 1))

    after = await log(client, tokens, visit(elder, "2020-06-10"))
    before = await log(client, tokens, visit(elder, "2020-06-09"))
    at_18 = await log(client, tokens, visit(adult_soon, "2020-03-01"))
    at_17 = await log(client, tokens, visit(adult_soon, "2020-02-29"))

    assert after.status_code == 409
    assert after.json()["code"] == "WELFARE_VISIT_SUBJECT_OFF_ROUND"
    assert "2020-06-10 退出" in after.json()["detail"]
    assert before.status_code == 201
    assert at_18.status_code == 409
    assert "年满18周岁" in at_18.json()["detail"]
    assert at_17.status_code == 201


async def test_the_database_holds_exactly_one_subject(session: AsyncSession) -> None:
    elder = await add_elder(session)
    child = await add_child(session)
    common: dict[str, Any] = {
        "area_code": DUOBAO_VILLAGE,
        "visit_date": date(2020, 3, 1),
        "kind": "home_visit",
        "findings": "良好",
        "visitor_name": "李主任",
    }
    for subjects, constraint in (
        ({}, "ck_visit_one_subject"),
        ({"elder_id": elder.id, "child_file_id": child.id}, "ck_visit_one_subject"),
        ({"elder_id": uuid.uuid4()}, "fk_visit_elder_id"),
    ):
        async with session.begin_nested() as savepoint:
            with pytest.raises(IntegrityError, match=constraint):
                await session.execute(insert(Visit).values(**common, **subjects))
            await savepoint.rollback()


async def test_a_subject_with_visits_cannot_be_deleted(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    assert (await log(client, tokens, visit(elder, "2020-02-01"))).status_code == 201
    deleted = await client.delete(
        f"/api/v1/left-behind-elderly/{elder.id}",
        headers={**city(tokens), "If-Match": f'"{elder.version}"'},
    )

    assert deleted.status_code == 409
    assert deleted.json()["code"] == "WELFARE_ELDER_IN_USE"


async def test_visits_are_seen_and_written_only_within_the_officers_area(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    duobao = await add_elder(session, area=DUOBAO_VILLAGE)
    zhanggang = await add_elder(session, area=ZHANGGANG_VILLAGE, name="李奶奶")
    mine = await log(client, tokens, visit(duobao, "2020-02-10"), township(tokens))
    theirs = await log(client, tokens, visit(zhanggang, "2020-02-10"), township(tokens))
    by_city = await log(client, tokens, visit(zhanggang, "2020-02-11"))
    by_auditor = await log(client, tokens, visit(duobao, "2020-02-12"), tokens.headers("auditor"))

    assert mine.status_code == 201
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "WELFARE_ELDER_NOT_FOUND"
    assert by_auditor.status_code == 403
    hidden = await client.get(f"{URL}/{by_city.json()['id']}", headers=township(tokens))
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "WELFARE_VISIT_NOT_FOUND"
    listed = (await client.get(URL, headers=township(tokens))).json()
    assert [v["id"] for v in listed["items"]] == [mine.json()["id"]]
    assert listed["total"] == 1
    patched = await client.patch(
        f"{URL}/{by_city.json()['id']}",
        json={"findings": "改写别人的记录"},
        headers={**township(tokens), "If-Match": '"1"'},
    )
    assert patched.status_code == 404
    everything = (await client.get(URL, headers=tokens.headers("auditor"))).json()
    assert everything["total"] == 2


async def test_the_visit_list_filters(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    other = await add_elder(session, area=ZHANGGANG_VILLAGE)
    child = await add_child(session)
    a = (await log(client, tokens, visit(elder, "2020-02-10", kind="phone"))).json()
    b = (await log(client, tokens, visit(elder, "2020-03-10"))).json()
    c = (await log(client, tokens, visit(child, "2020-03-11"))).json()
    d = (await log(client, tokens, visit(other, "2020-03-12"))).json()

    async def ids(**params: Any) -> list[str]:
        page = (await client.get(URL, params=params, headers=city(tokens))).json()
        return [v["id"] for v in page["items"]]

    assert await ids() == [d["id"], c["id"], b["id"], a["id"]]  # newest first
    assert await ids(subject_id=str(elder.id)) == [b["id"], a["id"]]
    assert await ids(subject_kind="child") == [c["id"]]
    assert await ids(area_code=ZHANGGANG) == [d["id"]]
    assert await ids(kind="phone") == [a["id"]]
    assert await ids(**{"from": "2020-03-01", "to": "2020-03-11"}) == [c["id"], b["id"]]
    assert await ids(visitor="wang.city", limit=1, offset=3) == [a["id"]]


# --- follow-up and corrections ---------------------------------------------------------


async def test_a_follow_up_is_opened_done_once_and_then_fixed(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    follow_up = {"action": "协调乡镇卫生院上门体检", "due_date": "2020-02-20"}
    early = await log(
        client,
        tokens,
        visit(elder, "2020-02-10", follow_up={**follow_up, "due_date": "2020-02-09"}),
    )
    created = await log(client, tokens, visit(elder, "2020-02-10", follow_up=follow_up))
    plain = (await log(client, tokens, visit(elder, "2020-02-11"))).json()
    out = created.json()
    done_url = f"{URL}/{out['id']}/follow-up-done"
    done_body = {"done_date": "2020-02-18", "result": "已体检，血压偏高，已告知子女"}

    assert early.status_code == 422
    assert out["follow_up"]["state"] == "overdue"  # due in 2020, not done
    overdue = await client.get(URL, params={"follow_up": "overdue"}, headers=city(tokens))
    assert [v["id"] for v in overdue.json()["items"]] == [out["id"]]
    no_header = await client.post(done_url, json=done_body, headers=city(tokens))
    stale = await client.post(done_url, json=done_body, headers={**city(tokens), "If-Match": '"7"'})
    too_early = await client.post(
        done_url,
        json={**done_body, "done_date": "2020-02-09"},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    done = await client.post(done_url, json=done_body, headers={**city(tokens), "If-Match": '"1"'})
    twice = await client.post(done_url, json=done_body, headers={**city(tokens), "If-Match": '"2"'})
    nothing = await client.post(
        f"{URL}/{plain['id']}/follow-up-done",
        json=done_body,
        headers={**city(tokens), "If-Match": '"1"'},
    )
    change = await client.patch(
        f"{URL}/{out['id']}", json={"follow_up": None}, headers={**city(tokens), "If-Match": '"2"'}
    )

    assert no_header.status_code == 428
    assert stale.status_code == 412
    assert too_early.status_code == 422
    assert too_early.json()["code"] == "WELFARE_VISIT_FOLLOW_UP_DATE"
    assert done.status_code == 200, done.text
    assert done.headers["etag"] == '"2"'
    assert done.json()["follow_up"] == {**follow_up, **done_body, "state": "done"}
    assert twice.status_code == 409
    assert twice.json()["code"] == "WELFARE_VISIT_FOLLOW_UP_DONE"
    assert nothing.status_code == 409
    assert nothing.json()["code"] == "WELFARE_VISIT_NO_FOLLOW_UP"
    assert change.status_code == 409
    listed = await client.get(URL, params={"follow_up": "done"}, headers=city(tokens))
    assert [v["id"] for v in listed.json()["items"]] == [out["id"]]


async def test_a_visit_is_corrected_under_the_same_date_rules_and_deleted(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")
    out = (
        await log(
            client,
            tokens,
            visit(elder, "2020-02-10", follow_up={"action": "联系子女", "due_date": "2020-02-15"}),
        )
    ).json()
    url, v1 = f"{URL}/{out['id']}", {**city(tokens), "If-Match": '"1"'}

    before = await client.patch(url, json={"visit_date": "2020-01-30"}, headers=v1)
    after_follow_up = await client.patch(url, json={"visit_date": "2020-02-16"}, headers=v1)
    fixed = await client.patch(url, json={"visit_date": "2020-02-12", "kind": "video"}, headers=v1)
    gone = await client.delete(url, headers={**city(tokens), "If-Match": '"2"'})

    assert before.json()["code"] == "WELFARE_VISIT_BEFORE_REGISTRATION"
    assert after_follow_up.json()["code"] == "WELFARE_VISIT_FOLLOW_UP_DATE"
    assert fixed.status_code == 200
    assert (fixed.json()["visit_date"], fixed.json()["kind"]) == ("2020-02-12", "video")
    assert fixed.headers["etag"] == '"2"'
    assert gone.status_code == 204
    assert (await client.get(url, headers=city(tokens))).status_code == 404
    actions = (
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_id == out["id"])
            .order_by(AuditEvent.id)
        )
    ).all()
    assert actions == ["insert", "update", "delete"]


async def test_the_same_visit_is_logged_once_and_not_made_by_a_correction(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")
    first = await log(client, tokens, visit(elder, "2020-02-10"))
    made = (await client.get(f"{URL}/summary", params={"year": 2020}, headers=city(tokens))).json()[
        "visits_made"
    ]

    again = await log(client, tokens, visit(elder, "2020-02-10", findings="再次登记同一次探访"))
    phone = await log(client, tokens, visit(elder, "2020-02-10", kind="phone"))
    other_day = await log(client, tokens, visit(elder, "2020-02-11"))

    assert first.status_code == 201, first.text
    assert again.status_code == 409, again.text
    assert again.json()["code"] == "WELFARE_VISIT_DUPLICATE"
    assert "2020-02-10 的入户走访已登记" in again.json()["detail"]
    assert again.json()["visit_id"] == first.json()["id"]
    assert (phone.status_code, other_day.status_code) == (201, 201)
    summary = await client.get(f"{URL}/summary", params={"year": 2020}, headers=city(tokens))
    assert summary.json()["visits_made"] == made + 2
    # A correction may not turn a visit into one already logged; its own fields may stay.
    url, v1 = f"{URL}/{other_day.json()['id']}", {**city(tokens), "If-Match": '"1"'}
    onto = await client.patch(url, json={"visit_date": "2020-02-10"}, headers=v1)
    same = await client.patch(
        url, json={"visit_date": "2020-02-11", "findings": "补记"}, headers=v1
    )
    assert onto.status_code == 409, onto.text
    assert onto.json()["code"] == "WELFARE_VISIT_DUPLICATE"
    assert same.status_code == 200, same.text
    # The database holds the rule too (a duplicate racing past the check).
    async with session.begin_nested() as savepoint:
        with pytest.raises(IntegrityError, match="uq_visit_elder_date_kind"):
            await session.execute(
                insert(Visit).values(
                    elder_id=elder.id,
                    area_code=DUOBAO_VILLAGE,
                    visit_date=date(2020, 2, 10),
                    kind="home_visit",
                    findings="良好",
                    visitor_name="李主任",
                )
            )
        await savepoint.rollback()


# --- the schedule of one subject -------------------------------------------------------


async def test_an_elder_is_due_a_month_after_registration_then_after_each_visit(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")

    first = await schedule_of(client, tokens, elder, "2020-02-20")
    assert (first["due_date"], first["state"]) == ("2020-02-29", "scheduled")
    assert (first["interval_months"], first["last_visit_date"]) == (1, None)
    assert first["responsible"] == {"name": "李主任", "username": "li.duobao", "director_id": None}
    assert (await schedule_of(client, tokens, elder, "2020-02-22"))["state"] == "due"
    on_time = await schedule_of(client, tokens, elder, "2020-02-29")
    assert (on_time["state"], on_time["overdue_days"]) == ("due", 0)
    late = await schedule_of(client, tokens, elder, "2020-03-02")
    assert (late["state"], late["overdue_days"]) == ("overdue", 2)

    await log(client, tokens, visit(elder, "2020-02-29", kind="phone"))
    after = await schedule_of(client, tokens, elder, "2020-03-02")
    assert (after["last_visit_date"], after["due_date"], after["state"]) == (
        "2020-02-29",
        "2020-03-29",
        "scheduled",
    )
    # Asked about a day before the visit, the visit does not count yet.
    assert (await schedule_of(client, tokens, elder, "2020-02-28"))["last_visit_date"] is None


async def test_a_child_is_due_three_months_on_and_only_home_visits_count(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    director = await add_director(session)
    child = await add_child(session, filed="2019-11-30", director=director)

    fresh = await schedule_of(client, tokens, child, "2020-02-10")
    assert (fresh["registered_date"], fresh["due_date"]) == ("2019-11-30", "2020-02-29")
    assert fresh["responsible"] == {
        "name": "周主任",
        "username": None,
        "director_id": str(director.id),
    }
    phone = (await log(client, tokens, visit(child, "2020-02-10", kind="phone"))).json()
    assert phone["counts_for_round"] is False
    assert (await schedule_of(client, tokens, child, "2020-02-10"))["due_date"] == "2020-02-29"
    await log(client, tokens, visit(child, "2020-02-10"))
    home = await schedule_of(client, tokens, child, "2020-02-10")
    assert (home["last_visit_date"], home["due_date"]) == ("2020-02-10", "2020-05-10")


async def test_a_subject_off_the_round_has_no_due_date(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2020-01-31")
    elder.status, elder.left_date, elder.status_reason = "left", D("2020-06-10"), "迁出"
    await session.flush()

    assert (await schedule_of(client, tokens, elder, "2020-06-09"))["state"] == "overdue"
    gone = await schedule_of(client, tokens, elder, "2020-06-10")
    assert (gone["state"], gone["due_date"]) == ("off_round", None)
    outside = await client.get(
        f"{SCHEDULE}/elderly/{elder.id}", headers=township(tokens, ZHANGGANG)
    )
    assert outside.status_code == 404


# --- the lists -------------------------------------------------------------------------


async def test_due_and_overdue_lists_by_township_and_worker(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    on = "2024-03-05"
    overdue = await add_elder(session, registered="2024-01-31", name="逾期")  # due 02-29
    due = await add_elder(session, registered="2024-02-10", name="将到期", worker="zhao.duobao")
    later = await add_elder(session, registered="2024-02-20", name="未到期")  # due 03-20
    visited = await add_elder(session, registered="2023-06-30", name="已探访")
    await log(client, tokens, visit(visited, "2024-02-29", kind="video"))  # due 03-29
    far = await add_elder(session, area=ZHANGGANG_VILLAGE, registered="2024-01-15", name="张港")
    director = await add_director(session)
    child = await add_child(session, filed="2023-11-30", director=director)  # due 02-29
    orphaned = await add_child(session, filed="2023-12-08", area=DUOBAO_OTHER_VILLAGE)  # 03-08

    async def names(headers: dict[str, str] | None = None, **params: Any) -> list[str]:
        response = await client.get(
            SCHEDULE, params={"on": on, **params}, headers=headers or city(tokens)
        )
        assert response.status_code == 200, response.text
        return [f"{r['name']}:{r['state']}" for r in response.json()["items"]]

    assert await names() == [
        "张港:overdue",  # 2024-02-15
        "王小明:overdue",  # child 2024-02-29
        "逾期:overdue",  # 2024-02-29
        "王小明:due",  # child 2024-03-08
        "将到期:due",  # 2024-03-10
    ]
    assert await names(area_code=DUOBAO, state="overdue") == ["王小明:overdue", "逾期:overdue"]
    assert await names(worker="zhao.duobao") == ["将到期:due"]
    assert await names(director_id=str(director.id)) == ["王小明:overdue"]
    assert await names(subject_kind="child", state="scheduled") == []
    assert await names(state="scheduled") == ["未到期:scheduled", "已探访:scheduled"]
    assert await names(within_days=0) == ["张港:overdue", "王小明:overdue", "逾期:overdue"]
    assert await names(township(tokens, ZHANGGANG)) == ["张港:overdue"]

    page = (await client.get(SCHEDULE, params={"on": on, "limit": 2}, headers=city(tokens))).json()
    assert (page["total"], len(page["items"])) == (5, 2)
    first = page["items"][0]
    assert first["township_code"] == ZHANGGANG
    assert (first["due_date"], first["overdue_days"]) == ("2024-02-15", 19)
    assert first["id_number"] == far.id_number[:6] + "********" + far.id_number[-4:]
    rows = {
        r["subject_id"]: r
        for r in (await client.get(SCHEDULE, params={"on": on}, headers=city(tokens))).json()[
            "items"
        ]
    }
    assert rows[str(child.id)]["responsible"]["director_id"] == str(director.id)
    assert rows[str(orphaned.id)]["responsible"] is None
    assert rows[str(overdue.id)]["last_visit_date"] is None
    assert {str(due.id), str(later.id)} & set(rows) == {str(due.id)}


async def test_unmasked_lists_are_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2024-01-31")
    child = await add_child(session, filed="2023-11-30")
    headers = tokens.headers("city_officer", scopes=["pii:read"])
    rows = (await client.get(SCHEDULE, params={"on": "2024-03-05"}, headers=headers)).json()

    assert {r["id_number"] for r in rows["items"]} == {elder.id_number, child.id_number}
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert {(r.entity, r.entity_id) for r in reads} == {
        ("left_behind_elder", str(elder.id)),
        ("child_file", str(child.id)),
    }


async def test_the_load_of_each_responsible_worker(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_elder(session, registered="2024-01-31")  # li: overdue
    await add_elder(session, registered="2024-01-20")  # li: overdue
    await add_elder(session, registered="2024-02-08", worker="zhao.duobao", worker_name="赵干部")
    await add_elder(
        session, area=ZHANGGANG_VILLAGE, registered="2024-02-25", worker=None, worker_name="孙组长"
    )
    director = await add_director(session)
    await add_child(session, filed="2023-11-30", director=director)
    await add_child(session, filed="2024-01-10", area=DUOBAO_OTHER_VILLAGE)

    response = await client.get(
        f"{SCHEDULE}/by-worker", params={"on": "2024-03-05"}, headers=city(tokens)
    )
    rows = [
        (
            r["township_code"],
            r["subject_kind"],
            (r["responsible"] or {}).get("name"),
            r["subjects"],
            r["overdue"],
            r["due"],
        )
        for r in response.json()["items"]
    ]

    assert rows == [
        (DUOBAO, "child", "周主任", 1, 1, 0),
        (DUOBAO, "child", None, 1, 0, 0),
        (DUOBAO, "elderly", "李主任", 2, 2, 0),
        (DUOBAO, "elderly", "赵干部", 1, 0, 1),
        (ZHANGGANG, "elderly", "孙组长", 1, 0, 0),
    ]
    mine = await client.get(
        f"{SCHEDULE}/by-worker", params={"on": "2024-03-05"}, headers=township(tokens, ZHANGGANG)
    )
    assert [r["responsible"] for r in mine.json()["items"]] == [
        {"name": "孙组长", "username": None, "director_id": None}
    ]


async def test_the_interval_follows_the_parameter_of_the_year_and_area(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    duobao = await add_elder(session, registered="2023-12-31")
    zhanggang = await add_elder(session, area=ZHANGGANG_VILLAGE, registered="2023-12-31")
    await set_parameter(client, tokens, "elderly_visit_interval_months", 2024, "2", DUOBAO)

    async def due(subject: LeftBehindElder, on: str) -> tuple[str, str]:
        single = await schedule_of(client, tokens, subject, on)
        listed = await client.get(
            SCHEDULE,
            params={"on": on, "state": ["overdue", "due", "scheduled"]},
            headers=city(tokens),
        )
        row = next(r for r in listed.json()["items"] if r["subject_id"] == str(subject.id))
        assert (row["due_date"], row["interval_months"]) == (
            single["due_date"],
            single["interval_months"],
        )
        return single["due_date"], single["state"]

    # 2024: Duobao visits every 2 months, the rest of the city monthly (2020's value).
    assert await due(duobao, "2024-02-15") == ("2024-02-29", "scheduled")
    assert await due(zhanggang, "2024-02-15") == ("2024-01-31", "overdue")
    # The override is for 2024 on: asked about 31 December 2023, the city's month applies.
    assert await due(duobao, "2023-12-31") == ("2024-01-31", "scheduled")


async def test_a_year_without_intervals_is_refused_never_guessed(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add_elder(session, registered="2019-01-31")
    response = await client.get(SCHEDULE, params={"on": "2019-06-01"}, headers=city(tokens))

    assert response.status_code == 409
    assert response.json()["code"] == "WELFARE_PARAMETER_MISSING"


async def test_the_lists_agree_with_the_pure_rule_on_many_subjects_and_dates(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    """Registrations and visits on month ends and leap days; every subject's due date in
    the SQL list equals the pure rule's, and the one-subject view's, on several dates."""
    rng = random.Random(20200229)  # noqa: S311 - test data
    month_ends = [
        D("2020-01-31"), D("2020-02-29"), D("2020-11-30"), D("2021-01-31"), D("2021-02-28"),
        D("2022-08-31"), D("2023-05-31"), D("2023-11-30"), D("2023-12-31"), D("2024-01-29"),
        D("2024-01-30"), D("2024-01-31"), D("2024-02-29"),
    ]  # fmt: skip
    await set_parameter(client, tokens, "child_visit_interval_months", 2023, "2", ZHANGGANG)
    director = await add_director(session)
    subjects: list[tuple[SubjectKind, Any, date, list[tuple[date, VisitKind]]]] = []
    for n, registered in enumerate(month_ends * 3):
        area = ZHANGGANG_VILLAGE if n % 3 == 0 else DUOBAO_VILLAGE
        subject: Any
        if n % 2:
            subject, kind = (
                await add_elder(session, area=area, registered=registered),
                SubjectKind.ELDERLY,
            )
        else:
            subject = await add_child(
                session,
                area=area,
                filed=registered,
                director=director if area == DUOBAO_VILLAGE else None,
            )
            kind = SubjectKind.CHILD
        visits = []
        for _ in range(rng.randrange(4)):
            day = rng.choice(
                [d for d in month_ends if d >= registered]
                + [add_months(registered, rng.randrange(1, 9))]
            )
            visits.append((day, rng.choice(list(VisitKind))))
        visits = list(dict.fromkeys(visits))  # a visit of one day and kind is logged once
        for day, visit_kind in visits:
            session.add(
                Visit(
                    elder_id=subject.id if kind is SubjectKind.ELDERLY else None,
                    child_file_id=subject.id if kind is SubjectKind.CHILD else None,
                    area_code=area,
                    visit_date=day,
                    kind=visit_kind.value,
                    findings="良好",
                    visitor_name="李主任",
                )
            )
        subjects.append((kind, subject, registered, visits))
    await session.flush()

    for on in (D("2020-02-29"), D("2021-03-01"), D("2023-06-30"), D("2024-02-29"), D("2024-03-31")):
        listed = await client.get(
            SCHEDULE,
            params={"on": str(on), "state": ["overdue", "due", "scheduled"], "limit": 500},
            headers=city(tokens),
        )
        rows = {r["subject_id"]: r for r in listed.json()["items"]}
        expected = {}
        for kind, subject, registered, visits in subjects:
            if registered > on:
                continue
            counted = [d for d, k in visits if d <= on and counts_for_round(kind, k)]
            interval = (
                (2 if subject.area_code.startswith(ZHANGGANG) and on.year >= 2023 else 3)
                if kind is SubjectKind.CHILD
                else 1
            )
            expected[str(subject.id)] = str(
                next_visit_due(max(counted, default=None), registered, interval)
            )
        assert {k: r["due_date"] for k, r in rows.items()} == expected
        assert listed.json()["total"] == len(expected)
        for _, subject, registered, _ in subjects[::7]:
            if registered <= on:
                single = await schedule_of(client, tokens, subject, str(on))
                assert single["due_date"] == rows[str(subject.id)]["due_date"]
                assert single["state"] == rows[str(subject.id)]["state"]


# --- the summary -----------------------------------------------------------------------


async def test_the_summary_counts_visits_of_the_year_and_overdue_subjects_by_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    kept = await add_elder(session, registered="2024-01-31")
    late = await add_elder(session, registered="2024-01-31")
    far = await add_elder(session, area=ZHANGGANG_VILLAGE, registered="2023-06-30")
    child = await add_child(session, filed="2023-11-30")
    for body in (
        visit(kept, "2024-12-20"),
        visit(kept, "2024-11-20", kind="phone"),
        visit(late, "2024-06-01"),
        visit(far, "2023-12-30"),  # the year before
        visit(far, "2024-12-31"),
        visit(child, "2024-10-15", kind="phone"),  # logged, but not a home visit
    ):
        assert (await log(client, tokens, body)).status_code == 201

    response = await client.get(f"{URL}/summary", params={"year": 2024}, headers=city(tokens))
    out = response.json()

    assert response.status_code == 200
    assert out["on"] == "2024-12-31"
    assert (out["visits_made"], out["visits_made_elderly"], out["visits_made_children"]) == (
        5,
        4,
        1,
    )
    assert (out["subjects_elderly"], out["subjects_children"]) == (3, 1)
    assert (out["overdue_elderly"], out["overdue_children"], out["overdue"]) == (1, 1, 2)
    townships = {t["area_code"]: t for t in out["by_township"]}
    assert (townships[DUOBAO]["visits_made"], townships[DUOBAO]["overdue"]) == (4, 2)
    assert (townships[ZHANGGANG]["visits_made"], townships[ZHANGGANG]["overdue"]) == (1, 0)

    mine = (
        await client.get(
            f"{URL}/summary", params={"year": 2024}, headers=township(tokens, ZHANGGANG)
        )
    ).json()
    assert [t["area_code"] for t in mine["by_township"]] == [ZHANGGANG]
    assert (mine["visits_made"], mine["subjects_elderly"], mine["overdue"]) == (1, 1, 0)
    # The function the statistics call: internal, city-wide or one township.
    stats = await visit_summary(session, 2024, on=date(2024, 12, 31), area_code=DUOBAO)
    assert (stats.visits_made, stats.overdue) == (4, 2)
    assert [t.area_code for t in stats.by_township] == [DUOBAO]


async def test_a_summary_without_intervals_shows_overdue_as_unknown(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session, registered="2019-01-31")
    await log(client, tokens, visit(elder, "2019-03-01"))
    out = (await client.get(f"{URL}/summary", params={"year": 2019}, headers=city(tokens))).json()
    future = await client.get(
        f"{URL}/summary", params={"year": TODAY.year + 1}, headers=city(tokens)
    )

    assert (out["visits_made"], out["subjects_elderly"], out["overdue"]) == (1, 1, None)
    assert future.status_code == 422
    assert future.json()["code"] == "WELFARE_VISIT_YEAR_IN_FUTURE"
