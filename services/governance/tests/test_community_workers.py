"""Community workers: quotas, hiring within them, one post per person, status, assessments."""

import asyncio
import secrets
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.community_workers.repository import WorkerRepository
from civil_governance.db import AuditEvent
from civil_governance.divisions.models import Division
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Sex

DUOBAO = "429006100"
TUOSHI = "429006101"
DUOBAO_VILLAGE = "429006100902"
DUOBAO_OTHER = "429006100903"
TUOSHI_VILLAGE = "429006101902"
URL = "/api/v1/community-workers"


async def add_village(session: AsyncSession, code: str, name: str) -> None:
    if await session.get(Division, code) is None:
        session.add(
            Division(code=code, name=name, level="village", kind="village", parent_code=code[:9])
        )
        await session.flush()


@pytest.fixture
async def communities(client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession) -> None:
    for code, name in (
        (DUOBAO_VILLAGE, "多宝二测试村"),
        (DUOBAO_OTHER, "多宝三测试村"),
        (TUOSHI_VILLAGE, "拖市二测试村"),
    ):
        await add_village(session, code, name)
    await session.commit()
    for code in (DUOBAO_VILLAGE, DUOBAO_OTHER, TUOSHI_VILLAGE):
        response = await client.post(
            "/api/v1/communities",
            json={"area_code": code, "population": 1800, "households": 600},
            headers=city(tokens),
        )
        assert response.status_code == 201, response.text


def city(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


def township(tokens: Tokens, area: str = DUOBAO) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[area])


async def set_quota(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str, quota: int, etag: str | None = None
) -> httpx.Response:
    headers = city(tokens) if etag is None else {**city(tokens), "If-Match": etag}
    return await client.put(f"{URL}/quotas/{area_code}", json={"quota": quota}, headers=headers)


def adult() -> str:
    """An ID number of someone born 1960–1992: an adult when hired in 2018."""
    born = date(1960, 1, 1) + timedelta(days=secrets.randbelow(32 * 365))
    return str(make_id_number(birth_date=born))


def worker(area_code: str = DUOBAO_VILLAGE, **extra: Any) -> dict[str, Any]:
    return {
        "area_code": area_code,
        "id_number": adult(),
        "name": "刘敏",
        "post": "full_time_worker",
        "salary_grade": 6,
        "hired_date": "2018-07-01",
        **extra,
    }


async def hire(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or worker(), headers=city(tokens))


async def change(
    client: httpx.AsyncClient, tokens: Tokens, hired: httpx.Response, status: str, on: str
) -> httpx.Response:
    return await client.post(
        f"{URL}/{hired.json()['id']}/status",
        json={"status": status, "effective_date": on, "reason": "测试"},
        headers={**city(tokens), "If-Match": hired.headers["etag"]},
    )


# --- quotas ----------------------------------------------------------------------


@pytest.mark.usefixtures("communities")
async def test_the_city_sets_a_quota_and_changes_it_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    no_etag = await set_quota(client, tokens, DUOBAO_VILLAGE, 6)
    stale = await set_quota(client, tokens, DUOBAO_VILLAGE, 6, '"9"')
    changed = await set_quota(client, tokens, DUOBAO_VILLAGE, 6, created.headers["etag"])
    by_township = await client.put(
        f"{URL}/quotas/{DUOBAO_VILLAGE}", json={"quota": 9}, headers=township(tokens)
    )
    unregistered = await set_quota(client, tokens, "429006100999", 3)

    assert created.status_code == 201
    assert created.json() == {
        "area_code": DUOBAO_VILLAGE,
        "community_name": "多宝二测试村",
        "quota": 5,
        "in_post": 0,
        "vacancies": 5,
        "version": 1,
    }
    assert no_etag.status_code == 428
    assert stale.status_code == 412
    assert changed.status_code == 200
    assert changed.json()["quota"] == 6
    assert changed.headers["etag"] == '"2"'
    assert by_township.status_code == 403
    assert unregistered.status_code == 404
    actions = (
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "community_worker_quota")
        )
    ).all()
    assert sorted(actions) == ["insert", "update"]


@pytest.mark.usefixtures("communities")
async def test_hiring_needs_a_registered_community_with_a_free_post(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    no_quota = await hire(client, tokens)
    no_community = await hire(client, tokens, worker("429006100999"))
    await set_quota(client, tokens, DUOBAO_VILLAGE, 2)
    first = await hire(client, tokens)
    second = await hire(client, tokens, worker(name="陈刚"))
    third = await hire(client, tokens, worker(name="周涛"))

    assert no_quota.status_code == 422
    assert no_quota.json()["code"] == "GOVERNANCE_WORKER_QUOTA_MISSING"
    assert no_community.status_code == 422
    assert no_community.json()["code"] == "GOVERNANCE_COMMUNITY_NOT_REGISTERED"
    assert first.status_code == second.status_code == 201
    assert first.headers["etag"] == '"1"'
    assert first.json()["community_name"] == "多宝二测试村"
    assert first.json()["status"] == "active"
    assert third.status_code == 409
    assert third.json()["code"] == "GOVERNANCE_WORKER_QUOTA_FULL"
    assert (third.json()["quota"], third.json()["in_post"]) == (2, 2)


@pytest.mark.usefixtures("communities")
async def test_a_worker_is_an_adult_and_hired_inside_the_callers_area(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    await set_quota(client, tokens, TUOSHI_VILLAGE, 5)
    minor = worker(id_number=str(make_id_number(birth_date=date(2001, 8, 1))))
    too_young = await hire(client, tokens, {**minor, "hired_date": "2019-07-31"})
    just_adult = await hire(client, tokens, {**minor, "hired_date": "2019-08-01"})
    elsewhere = await client.post(URL, json=worker(TUOSHI_VILLAGE), headers=township(tokens))
    own = await client.post(URL, json=worker(), headers=township(tokens))
    by_auditor = await client.post(URL, json=worker(), headers=tokens.headers("auditor"))
    bad_grade = await hire(client, tokens, worker(salary_grade=19))

    assert too_young.status_code == 422
    assert too_young.json()["code"] == "GOVERNANCE_WORKER_AGE"
    assert just_adult.status_code == 201
    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "GOVERNANCE_AREA_FORBIDDEN"
    assert own.status_code == 201
    assert by_auditor.status_code == 403
    assert bad_grade.status_code == 422


@pytest.mark.usefixtures("communities")
async def test_a_person_holds_one_post_at_a_time(client: httpx.AsyncClient, tokens: Tokens) -> None:
    for code in (DUOBAO_VILLAGE, TUOSHI_VILLAGE):
        await set_quota(client, tokens, code, 5)
    body = worker()
    first = await hire(client, tokens, body)
    again = await hire(client, tokens, {**body, "area_code": TUOSHI_VILLAGE})
    await change(client, tokens, first, "left", "2020-01-31")
    after_leaving = await hire(
        client, tokens, {**body, "area_code": TUOSHI_VILLAGE, "hired_date": "2020-02-01"}
    )

    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_WORKER_IN_POST"
    assert again.json()["area_code"] == DUOBAO_VILLAGE
    assert after_leaving.status_code == 201


@pytest.mark.usefixtures("communities")
async def test_the_database_holds_one_post_per_person_in_a_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    for code in (DUOBAO_VILLAGE, TUOSHI_VILLAGE):
        await set_quota(client, tokens, code, 5)
    body = worker()
    await hire(client, tokens, body)

    async def nowhere(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(WorkerRepository, "in_post_as", nowhere)
    raced = await hire(client, tokens, {**body, "area_code": TUOSHI_VILLAGE})

    assert raced.status_code == 409
    assert raced.json()["code"] == "GOVERNANCE_WORKER_IN_POST"


@pytest.mark.usefixtures("communities")
async def test_a_community_has_one_party_secretary_and_one_director(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 6)
    both = await hire(client, tokens, worker(post="secretary_and_director"))
    secretary = await hire(client, tokens, worker(post="party_secretary"))
    director = await hire(client, tokens, worker(post="director"))
    deputy = await hire(client, tokens, worker(post="deputy"))
    promoted = await client.patch(
        f"{URL}/{deputy.json()['id']}",
        json={"post": "director"},
        headers={**city(tokens), "If-Match": deputy.headers["etag"]},
    )
    regraded = await client.patch(
        f"{URL}/{deputy.json()['id']}",
        json={"salary_grade": 9},
        headers={**city(tokens), "If-Match": deputy.headers["etag"]},
    )
    await change(client, tokens, both, "left", "2020-12-31")
    successor = await hire(client, tokens, worker(post="director"))

    assert both.status_code == 201
    assert secretary.status_code == director.status_code == promoted.status_code == 409
    assert secretary.json()["code"] == "GOVERNANCE_WORKER_POST_TAKEN"
    assert director.json()["code"] == "GOVERNANCE_WORKER_POST_TAKEN"
    assert regraded.status_code == 200
    assert regraded.json()["salary_grade"] == 9
    assert regraded.headers["etag"] == '"2"'
    assert successor.status_code == 201


@pytest.mark.usefixtures("communities")
async def test_status_moves_only_along_the_allowed_transitions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    hired = await hire(client, tokens)
    too_early = await change(client, tokens, hired, "on_leave", "2018-06-30")
    on_leave = await change(client, tokens, hired, "on_leave", "2019-03-01")
    back = await change(client, tokens, on_leave, "active", "2019-09-01")
    left = await change(client, tokens, back, "left", "2020-12-31")
    revived = await change(client, tokens, left, "active", "2021-01-01")
    regrade_former = await client.patch(
        f"{URL}/{hired.json()['id']}",
        json={"salary_grade": 3},
        headers={**city(tokens), "If-Match": left.headers["etag"]},
    )

    assert too_early.status_code == 422
    assert too_early.json()["code"] == "GOVERNANCE_WORKER_STATUS_DATE"
    assert on_leave.json()["status"] == "on_leave"
    assert back.json()["status"] == "active"
    assert (left.json()["status"], left.json()["status_date"]) == ("left", "2020-12-31")
    assert left.headers["etag"] == '"4"'
    assert revived.status_code == 409
    assert revived.json()["code"] == "GOVERNANCE_WORKER_INVALID_TRANSITION"
    assert revived.json()["allowed"] == []
    assert regrade_former.status_code == 409
    assert regrade_former.json()["code"] == "GOVERNANCE_WORKER_LEFT"


@pytest.mark.usefixtures("communities")
async def test_vacancies_list_communities_below_their_quota(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 3)
    await set_quota(client, tokens, DUOBAO_OTHER, 1)
    await set_quota(client, tokens, TUOSHI_VILLAGE, 2)
    away = await hire(client, tokens, worker())
    await change(client, tokens, away, "on_leave", "2020-03-01")  # still holds the post
    gone = await hire(client, tokens, worker())
    await change(client, tokens, gone, "left", "2020-03-01")  # frees it
    await hire(client, tokens, worker(DUOBAO_OTHER))

    vacancies = await client.get(f"{URL}/vacancies", headers=city(tokens))
    in_duobao = await client.get(f"{URL}/vacancies", headers=township(tokens))
    quotas = await client.get(f"{URL}/quotas", params={"area_code": DUOBAO}, headers=city(tokens))

    assert [(q["area_code"], q["in_post"], q["vacancies"]) for q in vacancies.json()["items"]] == [
        (DUOBAO_VILLAGE, 1, 2),
        (TUOSHI_VILLAGE, 0, 2),
    ]
    assert [q["area_code"] for q in in_duobao.json()["items"]] == [DUOBAO_VILLAGE]
    assert [(q["area_code"], q["vacancies"]) for q in quotas.json()["items"]] == [
        (DUOBAO_VILLAGE, 2),
        (DUOBAO_OTHER, 0),
    ]


@pytest.mark.usefixtures("communities")
async def test_one_assessment_per_worker_and_year_within_the_employment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    hired = await hire(client, tokens)
    assessments = f"{URL}/{hired.json()['id']}/assessments"

    def result(year: int, outcome: str = "competent") -> dict[str, Any]:
        return {"year": year, "result": outcome}

    y2019 = await client.post(assessments, json=result(2019, "excellent"), headers=city(tokens))
    y2020 = await client.post(assessments, json=result(2020), headers=city(tokens))
    twice = await client.post(assessments, json=result(2020, "incompetent"), headers=city(tokens))
    before_hire = await client.post(assessments, json=result(2017), headers=city(tokens))
    future = await client.post(
        assessments, json=result(date.today().year + 1), headers=city(tokens)
    )
    shown = await client.get(f"{URL}/{hired.json()['id']}", headers=city(tokens))
    left = await change(client, tokens, shown, "left", "2021-06-30")
    after_leaving = await client.post(assessments, json=result(2022), headers=city(tokens))
    leaving_year = await client.post(assessments, json=result(2021), headers=city(tokens))

    assert y2019.status_code == y2020.status_code == 201
    assert y2019.json()["recorded_by"] == "test-city_officer"
    assert twice.status_code == 409
    assert twice.json()["code"] == "GOVERNANCE_ASSESSMENT_EXISTS"
    assert before_hire.status_code == 422
    assert before_hire.json()["code"] == "GOVERNANCE_ASSESSMENT_YEAR"
    assert future.status_code == 422
    assert [(a["year"], a["result"]) for a in shown.json()["assessments"]] == [
        (2020, "competent"),
        (2019, "excellent"),
    ]
    assert left.status_code == 200
    assert after_leaving.status_code == 422
    assert leaving_year.status_code == 201


@pytest.mark.usefixtures("communities")
async def test_leaving_cannot_predate_a_recorded_assessment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    hired = await hire(client, tokens)
    await client.post(
        f"{URL}/{hired.json()['id']}/assessments",
        json={"year": 2020, "result": "competent"},
        headers=city(tokens),
    )
    left = await change(client, tokens, hired, "left", "2019-12-31")

    assert left.status_code == 422
    assert left.json()["code"] == "GOVERNANCE_WORKER_STATUS_DATE"


@pytest.mark.usefixtures("communities")
async def test_id_numbers_are_masked_and_unmasked_reads_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_quota(client, tokens, DUOBAO_VILLAGE, 5)
    id_number = str(make_id_number(birth_date=date(1990, 5, 6), sex=Sex.FEMALE))
    hired = await hire(client, tokens, worker(id_number=id_number, name="黄丽"))
    masked = await client.get(f"{URL}/{hired.json()['id']}", headers=city(tokens))
    revealed = await client.get(
        URL,
        params={"q": id_number},
        headers=tokens.headers("city_officer", scopes=["pii:read"], sub="zhao.liu"),
    )
    by_name = await client.get(URL, params={"q": "黄"}, headers=city(tokens))

    assert masked.json()["id_number"] == id_number[:6] + "********" + id_number[-4:]
    assert masked.json()["sex"] == "female"
    assert [w["id_number"] for w in revealed.json()["items"]] == [id_number]
    assert by_name.json()["total"] == 1
    audit = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).one()
    assert (audit.actor, audit.entity) == ("zhao.liu", "community_worker")


@pytest.mark.usefixtures("communities")
async def test_workers_outside_the_area_are_neither_listed_nor_found(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for code in (DUOBAO_VILLAGE, TUOSHI_VILLAGE):
        await set_quota(client, tokens, code, 5)
    await hire(client, tokens, worker())
    tuoshi = await hire(client, tokens, worker(TUOSHI_VILLAGE))

    listed = await client.get(URL, headers=township(tokens))
    read = await client.get(f"{URL}/{tuoshi.json()['id']}", headers=township(tokens))
    write = await client.post(
        f"{URL}/{tuoshi.json()['id']}/assessments",
        json={"year": 2020, "result": "competent"},
        headers=township(tokens),
    )
    quota = await client.get(f"{URL}/quotas/{TUOSHI_VILLAGE}", headers=township(tokens))

    assert [w["area_code"] for w in listed.json()["items"]] == [DUOBAO_VILLAGE]
    assert read.status_code == write.status_code == quota.status_code == 404


# --- concurrency -----------------------------------------------------------------


@pytest.fixture
async def committed_village(committed_database_url: str) -> str:
    """A village of its own in the committed database, for requests that really commit."""
    code = (
        f"{secrets.choice(('429006102', '429006103', '429006104'))}{500 + secrets.randbelow(500)}"
    )
    engine = create_async_engine(committed_database_url)
    try:
        async with engine.begin() as connection:
            exists = await connection.scalar(select(Division.code).where(Division.code == code))
            if exists is None:
                await connection.execute(
                    insert(Division).values(
                        code=code,
                        name=unique("并发测试村"),
                        level="village",
                        kind="village",
                        parent_code=code[:9],
                    )
                )
    finally:
        await engine.dispose()
    return code


async def test_concurrent_hires_for_the_last_post_let_exactly_one_in(
    committed_app: FastAPI, committed_village: str, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        registered = await client.post(
            "/api/v1/communities",
            json={"area_code": committed_village, "population": 900, "households": 300},
            headers=city(tokens),
        )
        assert registered.status_code == 201, registered.text
        await set_quota(client, tokens, committed_village, 1)
        responses = await asyncio.gather(
            *(hire(client, tokens, worker(committed_village)) for _ in range(4))
        )
        quota = await client.get(f"{URL}/quotas/{committed_village}", headers=city(tokens))

    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409, 409, 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "GOVERNANCE_WORKER_QUOTA_FULL"
    }
    assert quota.json()["in_post"] == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/quotas"), ("PATCH", "/quotas"), ("PATCH", "/vacancies"), ("PUT", "/quotas")],
)
async def test_a_method_the_quotas_and_vacancies_lack_is_a_405_not_a_worker_lookup(
    client: httpx.AsyncClient, tokens: Tokens, method: str, path: str
) -> None:
    response = await client.request(
        method, f"{URL}{path}", json={}, headers=tokens.headers("admin")
    )

    assert response.status_code == 405, response.text  # was 422: "quotas" is no worker id
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
    assert "GET" in response.headers["allow"]


async def test_a_worker_path_that_is_no_uuid_names_no_resource(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(f"{URL}/not-a-worker", headers=tokens.headers("admin"))

    assert response.status_code == 404
    openapi = (await client.get("/openapi.json")).json()
    assert f"{URL}/{{worker_id}}" in openapi["paths"]  # documented as before, convertor aside
