"""Bulk import of visit records: subjects found by ID number, every row checked as the
single visit is (dates against registration and leaving, a child under 18, school visits
only for children), all or nothing with a per-row report, scoped to the caller's areas,
audited; the imported visits keep the round as logged ones do."""

import csv
import io
import itertools
from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.children.files.models import ChildFile
from civil_welfare.db import AuditEvent
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.visits.models import Visit

URL = "/api/v1/visits"
HEADER = [
    "对象类别",
    "身份证号",
    "探访日期",
    "探访方式",
    "探访情况",
    "探访人",
    "跟进事项",
    "跟进期限",
]
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
ZHANGGANG_VILLAGE = "429006102201"

_births = itertools.count()


def birth(first: date) -> date:
    return first + timedelta(days=next(_births) % 1200)


async def add_elder(
    session: AsyncSession, *, area: str = DUOBAO_VILLAGE, left: date | None = None
) -> LeftBehindElder:
    elder = LeftBehindElder(
        id_number=str(make_id_number(birth_date=birth(date(1940, 1, 1)))),
        name="张老汉",
        area_code=area,
        living_situation="alone",
        risk_level="medium",
        worker_name="李主任",
        registered_date=date(2020, 1, 31),
        status="left" if left else "active",
        left_date=left,
    )
    session.add(elder)
    await session.flush()
    return elder


async def add_child(session: AsyncSession, *, born: date | None = None) -> ChildFile:
    """A child file created on 30 November 2019 (its registration date)."""
    child = ChildFile(
        id_number=str(make_id_number(birth_date=born or birth(date(2010, 1, 1)))),
        name="王小明",
        area_code=DUOBAO_VILLAGE,
        category="left_behind",
        guardian_name="王大爷",
        guardian_relation="grandparent",
        status="active",
        registered_date=date(2019, 11, 30),
        created_at=datetime(2019, 11, 30, 12, tzinfo=UTC),
    )
    session.add(child)
    await session.flush()
    return child


def row(
    subject: LeftBehindElder | ChildFile,
    when: str,
    kind: str = "入户走访",
    follow_up: tuple[str, str] = ("", ""),
) -> list[str]:
    what = "留守老人" if isinstance(subject, LeftBehindElder) else "儿童"
    return [what, subject.id_number, when, kind, "身体状况良好，生活能自理", "李主任", *follow_up]


def csv_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], rows: list[list[str]]
) -> httpx.Response:
    return await client.post(
        f"{URL}/import", files={"file": ("v.csv", csv_bytes(rows), "text/csv")}, headers=headers
    )


async def counts(session: AsyncSession) -> tuple[int, int]:
    visits = await session.scalar(select(func.count()).select_from(Visit))
    bulk = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "bulk", AuditEvent.entity == "visit")
    )
    return visits or 0, bulk or 0


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def test_a_round_book_loads_and_keeps_the_subjects_round(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder, child = await add_elder(session), await add_child(session)
    before = await counts(session)
    rows = [
        row(elder, "2020-02-10"),
        row(elder, "2020-03-09", "电话探访", ("联系子女回家看望", "2020-03-31")),
        row(child, "2020-02-20"),
        row(child, "2020-03-02", "到校了解"),
    ]

    response = await upload(client, city(tokens), rows)

    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 4
    assert await counts(session) == (before[0] + 4, before[1] + 1)
    logged = await client.get(URL, params={"subject_id": str(elder.id)}, headers=city(tokens))
    items = logged.json()["items"]
    assert [(v["visit_date"], v["kind"], v["area_code"]) for v in items] == [
        ("2020-03-09", "phone", DUOBAO_VILLAGE),
        ("2020-02-10", "home_visit", DUOBAO_VILLAGE),
    ]
    assert items[0]["follow_up"]["action"] == "联系子女回家看望"
    # The round counts the imported visits: the elder's phone call, the child's home visit.
    for subject, kind, last in ((elder, "elderly", "2020-03-09"), (child, "child", "2020-02-20")):
        schedule = await client.get(
            f"/api/v1/visit-schedule/{kind}/{subject.id}",
            params={"on": "2020-03-15"},
            headers=city(tokens),
        )
        assert schedule.status_code == 200, schedule.text
        assert schedule.json()["last_visit_date"] == last


async def test_rows_off_the_round_refuse_the_whole_file_naming_row_and_column(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    gone = await add_elder(session, left=date(2020, 6, 30))
    grown = await add_child(session, born=date(2002, 5, 1))  # 18 on 1 May 2020
    unknown = str(make_id_number(birth_date=date(1941, 1, 1)))
    before = await counts(session)
    rows = [
        row(elder, "2020-02-10"),
        row(elder, "2020-01-15"),  # before registration (31 January)
        row(gone, "2020-07-01"),  # after leaving
        row(grown, "2020-05-02"),  # 18 by then
        row(elder, "2020-03-01", "到校了解"),  # school: children only
        ["留守老人", unknown, "2020-03-01", "入户走访", "良好", "李主任", "", ""],
        row(elder, (date.today() + timedelta(days=1)).isoformat()),
    ]

    response = await upload(client, city(tokens), rows)

    assert response.status_code == 422
    report = [(p["row"], p["field"]) for p in response.json()["report"]]
    # The rules needing no database come first: a file breaking them is not looked up.
    assert report == [
        (5, "visit_date"),
        (6, "kind"),
        (8, "visit_date"),
    ]
    assert await counts(session) == before
    response = await upload(client, city(tokens), rows[:3] + rows[5:6])
    assert response.status_code == 422
    report = [(p["row"], p["field"]) for p in response.json()["report"]]
    assert report == [(3, "visit_date"), (4, "visit_date"), (5, "id_number")]
    assert "早于对象纳入名册" in response.json()["report"][0]["message"]
    assert "退出留守老人名册" in response.json()["report"][1]["message"]
    assert await counts(session) == before


async def test_an_auditor_may_not_import(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder = await add_elder(session)
    before = await counts(session)
    response = await upload(client, tokens.headers("auditor"), [row(elder, "2020-02-10")])
    assert response.status_code == 403
    assert await counts(session) == before


async def test_a_township_officer_imports_visits_of_their_own_areas_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    ours, theirs = await add_elder(session), await add_elder(session, area=ZHANGGANG_VILLAGE)
    headers = tokens.headers("township_officer", area_codes=[DUOBAO])
    before = await counts(session)

    refused = await upload(client, headers, [row(ours, "2020-02-10"), row(theirs, "2020-02-10")])

    assert refused.status_code == 422
    [problem] = refused.json()["report"]
    assert (problem["row"], problem["field"]) == (3, "id_number")
    assert "不在您负责的区域内" in problem["message"]
    assert await counts(session) == before
    accepted = await upload(client, headers, [row(ours, "2020-02-10")])
    assert accepted.status_code == 201
    assert (await counts(session))[0] == before[0] + 1


async def test_a_child_file_opened_before_the_platform_is_visited_from_its_registration(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    born = birth(date(2011, 1, 1))
    body = {
        "id_number": str(make_id_number(birth_date=born)),
        "name": "王小红",
        "area_code": DUOBAO_VILLAGE,
        "category": "left_behind",
        "guardian": {"name": "王奶奶", "relation": "grandparent"},
        "registered_date": "2019-06-01",
    }
    too_early = {**body, "registered_date": (born - timedelta(days=1)).isoformat()}
    refused = await client.post("/api/v1/child-files", json=too_early, headers=city(tokens))
    created = await client.post("/api/v1/child-files", json=body, headers=city(tokens))
    assert refused.status_code == 422
    assert created.status_code == 201, created.text
    assert created.json()["registered_date"] == "2019-06-01"
    child = await session.get(ChildFile, created.json()["id"])
    assert child is not None
    before = await counts(session)

    early = await upload(client, city(tokens), [row(child, "2019-05-31")])
    on_the_day = await upload(client, city(tokens), [row(child, "2019-06-01")])

    assert early.status_code == 422
    assert early.json()["report"][0]["field"] == "visit_date"
    assert on_the_day.status_code == 201, on_the_day.text
    assert await counts(session) == (before[0] + 1, before[1] + 1)
    schedule = await client.get(
        f"/api/v1/visit-schedule/child/{child.id}",
        params={"on": "2020-01-15"},  # the year whose interval is set
        headers=city(tokens),
    )
    assert (schedule.json()["due_date"], schedule.json()["state"]) == ("2019-09-01", "overdue")


async def visits_made(client: httpx.AsyncClient, tokens: Tokens) -> int:
    """The year's visits in Duobao, as the statistics (and the dashboard) count them."""
    summary = await client.get(
        f"{URL}/summary", params={"year": 2020, "area_code": DUOBAO}, headers=city(tokens)
    )
    assert summary.status_code == 200, summary.text
    made: int = summary.json()["visits_made"]
    return made


async def test_a_round_book_uploaded_again_is_refused_and_counts_once(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder, child = await add_elder(session), await add_child(session)
    rows = [
        row(elder, "2020-02-10"),
        row(elder, "2020-03-09", "电话探访"),
        row(child, "2020-02-20"),
    ]
    first = await upload(client, city(tokens), rows)
    assert first.status_code == 201, first.text
    after_first, made = await counts(session), await visits_made(client, tokens)

    # The township's client timed out and it uploads the same round book again.
    again = await upload(client, city(tokens), rows)

    assert again.status_code == 422, again.text
    assert again.json()["code"] == "WELFARE_VISIT_IMPORT_INVALID"
    report = again.json()["report"]
    assert [(p["row"], p["field"]) for p in report] == [
        (2, "visit_date"),
        (3, "visit_date"),
        (4, "visit_date"),
    ]
    assert "该对象 2020-02-10 的入户走访已登记" in report[0]["message"]
    assert "电话探访已登记" in report[1]["message"]
    assert "第 2 行" in again.json()["detail"]
    assert await counts(session) == after_first
    assert await visits_made(client, tokens) == made
    # One new visit among the old ones: still refused, naming only the old rows.
    mixed = await upload(client, city(tokens), [row(elder, "2020-04-08"), *rows[:1]])
    assert mixed.status_code == 422
    assert [p["row"] for p in mixed.json()["report"]] == [3]
    assert await counts(session) == after_first


async def test_a_file_with_one_visit_twice_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder, child = await add_elder(session), await add_child(session)
    before = await counts(session)
    rows = [
        row(elder, "2020-02-10"),
        row(child, "2020-02-20"),
        row(elder, "2020-02-10"),
        row(child, "2020-02-20"),
    ]

    response = await upload(client, city(tokens), rows)

    assert response.status_code == 422, response.text
    report = response.json()["report"]
    assert [(p["row"], p["field"]) for p in report] == [(4, "visit_date"), (5, "visit_date")]
    assert "与第 2 行为同一对象同一天的入户走访" in report[0]["message"]
    assert "与第 3 行" in report[1]["message"]
    assert await counts(session) == before


async def test_visits_of_one_subject_on_other_days_or_in_other_ways_all_load(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    elder, child = await add_elder(session), await add_child(session)
    first = await upload(client, city(tokens), [row(elder, "2020-02-10"), row(child, "2020-02-20")])
    assert first.status_code == 201, first.text
    before = await counts(session)
    rows = [
        row(elder, "2020-03-10"),
        row(elder, "2020-04-10"),
        # A call in the morning and a home visit after it: two visits of one day.
        row(child, "2020-03-02", "电话探访"),
        row(child, "2020-03-02"),
        # Someone else's visit on the same day is not a duplicate.
        row(await add_elder(session), "2020-02-10"),
    ]

    response = await upload(client, city(tokens), rows)

    assert response.status_code == 201, response.text
    assert await counts(session) == (before[0] + 5, before[1] + 1)
