"""Child directors and supervisors: one per village / township, training, leaving, coverage."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.db import AuditEvent
from civil_welfare.workforce.models import ChildWelfareWorker
from civil_welfare.workforce.repository import workforce_counts

DIRECTORS = "/api/v1/child-directors"
SUPERVISORS = "/api/v1/child-supervisors"
COVERAGE = "/api/v1/workforce/coverage"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
ZHANGGANG_VILLAGE = "429006102201"


def worker(area_code: str = DUOBAO_VILLAGE, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number()),
        "name": "李红",
        "phone": "13907280001",
        "area_code": area_code,
        "appointed_date": "2019-03-01",
        **extra,
    }


def child(area_code: str = DUOBAO_VILLAGE, **extra: Any) -> dict[str, Any]:
    birth = date.today() - timedelta(days=365 * 9)
    return {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "王小明",
        "area_code": area_code,
        "category": "left_behind",
        "guardian": {"name": "王大爷", "relation": "grandparent"},
        **extra,
    }


def officer(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def appoint(
    client: httpx.AsyncClient, tokens: Tokens, url: str = DIRECTORS, **extra: Any
) -> httpx.Response:
    area = extra.pop("area_code", DUOBAO_VILLAGE if url == DIRECTORS else DUOBAO)
    return await client.post(url, json=worker(area, **extra), headers=officer(tokens))


async def test_one_director_per_village_while_in_post(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await appoint(client, tokens)
    second = await appoint(client, tokens)
    other_village = await appoint(client, tokens, area_code="429006100202")

    assert first.status_code == 201
    assert first.headers["ETag"] == '"1"'
    assert first.json()["township_code"] == DUOBAO
    assert second.status_code == 409
    assert second.json()["code"] == "WELFARE_CHILD_DIRECTOR_POST_TAKEN"
    assert second.json()["holder_id"] == first.json()["id"]
    assert other_village.status_code == 201

    left = await client.post(
        f"{DIRECTORS}/{first.json()['id']}/leave",
        json={"left_date": "2020-06-30", "reason": "外出务工"},
        headers={**officer(tokens), "If-Match": first.headers["ETag"]},
    )
    successor = await appoint(client, tokens)
    assert left.status_code == 200
    assert left.json()["status"] == "left"
    assert successor.status_code == 201


async def test_the_database_holds_one_active_director_per_village(
    session: AsyncSession,
) -> None:
    def director() -> ChildWelfareWorker:
        return ChildWelfareWorker(
            role="director",
            id_number=str(make_id_number()),
            name="甲",
            area_code=DUOBAO_VILLAGE,
            appointed_date=date(2020, 1, 1),
        )

    session.add(director())
    await session.flush()
    session.add(director())
    with pytest.raises(IntegrityError, match="uq_child_welfare_worker_one_per_area"):
        await session.flush()


async def test_a_person_directs_one_village_at_a_time(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = worker()
    await client.post(DIRECTORS, json=body, headers=officer(tokens))
    again = await client.post(
        DIRECTORS, json={**body, "area_code": "429006100202"}, headers=officer(tokens)
    )
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_CHILD_DIRECTOR_ALREADY_APPOINTED"


async def test_levels_directors_in_villages_supervisors_in_townships(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    supervisor = await appoint(client, tokens, SUPERVISORS)
    second = await appoint(client, tokens, SUPERVISORS)
    director_in_township = await appoint(client, tokens, area_code=DUOBAO)
    supervisor_in_village = await appoint(client, tokens, SUPERVISORS, area_code=DUOBAO_VILLAGE)
    outside_tianmen = await appoint(client, tokens, area_code="420100100201")

    assert supervisor.status_code == 201
    assert supervisor.json()["role"] == "supervisor"
    assert second.json()["code"] == "WELFARE_CHILD_SUPERVISOR_POST_TAKEN"
    for refused in (director_in_township, supervisor_in_village, outside_tianmen):
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "area_code"
    # A supervisor is not found among directors.
    as_director = await client.get(
        f"{DIRECTORS}/{supervisor.json()['id']}", headers=officer(tokens)
    )
    assert as_director.status_code == 404
    assert as_director.json()["code"] == "WELFARE_CHILD_DIRECTOR_NOT_FOUND"


async def test_trained_means_a_training_record_in_the_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    trained = (await appoint(client, tokens)).json()
    untrained = (await appoint(client, tokens, area_code="429006100202")).json()
    trained_last_year = (await appoint(client, tokens, area_code="429006100203")).json()
    headers = officer(tokens)
    session_2020 = {
        "training_date": "2020-09-18",
        "topic": "儿童福利政策解读",
        "hours": "3.5",
        "organiser": "天门市民政局",
    }
    added = await client.post(
        f"{DIRECTORS}/{trained['id']}/trainings", json=session_2020, headers=headers
    )
    duplicate = await client.post(
        f"{DIRECTORS}/{trained['id']}/trainings", json=session_2020, headers=headers
    )
    await client.post(
        f"{DIRECTORS}/{trained_last_year['id']}/trainings",
        json={**session_2020, "training_date": "2019-12-31"},
        headers=headers,
    )
    trained_2020 = await client.get(
        DIRECTORS, params={"trained": True, "year": 2020, "area_code": DUOBAO}, headers=headers
    )
    not_trained_2020 = await client.get(
        DIRECTORS, params={"trained": False, "year": 2020, "area_code": DUOBAO}, headers=headers
    )
    shown = await client.get(f"{DIRECTORS}/{trained['id']}", headers=headers)

    assert added.status_code == 201
    assert added.json()["hours"] == "3.5"
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "WELFARE_TRAINING_EXISTS"
    assert [w["id"] for w in trained_2020.json()["items"]] == [trained["id"]]
    assert {w["id"] for w in not_trained_2020.json()["items"]} == {
        untrained["id"],
        trained_last_year["id"],
    }
    assert shown.json()["training_count"] == 1
    assert shown.json()["last_training_date"] == "2020-09-18"
    assert shown.json()["trained_this_year"] is (date.today().year == 2020)


async def test_trainings_are_listed_and_removed(client: httpx.AsyncClient, tokens: Tokens) -> None:
    director = (await appoint(client, tokens)).json()
    url = f"{DIRECTORS}/{director['id']}/trainings"
    headers = officer(tokens)
    for day, topic in (("2020-03-01", "个案管理"), ("2020-10-01", "家庭走访")):
        await client.post(
            url,
            json={"training_date": day, "topic": topic, "hours": 2, "organiser": "市民政局"},
            headers=headers,
        )
    listed = (await client.get(url, headers=headers)).json()
    removed = await client.delete(f"{url}/{listed[0]['id']}", headers=headers)
    missing = await client.delete(f"{url}/{listed[0]['id']}", headers=headers)

    assert [t["training_date"] for t in listed] == ["2020-10-01", "2020-03-01"]
    assert removed.status_code == 204
    assert missing.status_code == 404
    assert len((await client.get(url, headers=headers)).json()) == 1


async def test_no_training_after_leaving(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await appoint(client, tokens)
    director = created.json()
    await client.post(
        f"{DIRECTORS}/{director['id']}/leave",
        json={"left_date": "2020-06-30", "reason": "辞职"},
        headers={**officer(tokens), "If-Match": created.headers["ETag"]},
    )
    late = await client.post(
        f"{DIRECTORS}/{director['id']}/trainings",
        json={"training_date": "2020-07-01", "topic": "政策", "hours": 2, "organiser": "市局"},
        headers=officer(tokens),
    )
    assert late.status_code == 422
    assert late.json()["code"] == "WELFARE_TRAINING_AFTER_LEAVING"


async def test_leaving_follows_the_rules(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await appoint(client, tokens)
    url = f"{DIRECTORS}/{created.json()['id']}/leave"
    headers = officer(tokens)
    body = {"left_date": "2020-06-30", "reason": "换届"}

    no_precondition = await client.post(url, json=body, headers=headers)
    before_appointment = await client.post(
        url,
        json={**body, "left_date": "2019-01-01"},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    left = await client.post(url, json=body, headers={**headers, "If-Match": '"1"'})
    stale = await client.post(url, json=body, headers={**headers, "If-Match": '"1"'})
    again = await client.post(url, json=body, headers={**headers, "If-Match": left.headers["ETag"]})

    assert no_precondition.status_code == 428
    assert before_appointment.status_code == 422
    assert left.status_code == 200
    assert stale.status_code == 412
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_CHILD_DIRECTOR_INVALID_TRANSITION"
    assert again.json()["allowed"] == []


async def test_correcting_a_director_needs_the_current_version(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await appoint(client, tokens)
    url = f"{DIRECTORS}/{created.json()['id']}"
    headers = officer(tokens)
    changed = await client.patch(
        url, json={"phone": "0728-5221234"}, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.patch(url, json={"name": "李芳"}, headers={**headers, "If-Match": '"1"'})
    bad_phone = await client.patch(
        url, json={"phone": "12"}, headers={**headers, "If-Match": changed.headers["ETag"]}
    )
    assert (changed.status_code, changed.json()["phone"], changed.json()["version"]) == (
        200,
        "0728-5221234",
        2,
    )
    assert stale.status_code == 412
    assert bad_phone.status_code == 422


async def test_township_officer_sees_and_appoints_only_in_its_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = (await appoint(client, tokens)).json()
    outside = (await appoint(client, tokens, area_code=ZHANGGANG_VILLAGE)).json()
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(DIRECTORS, headers=duobao)
    hidden = await client.get(f"{DIRECTORS}/{outside['id']}", headers=duobao)
    hidden_training = await client.post(
        f"{DIRECTORS}/{outside['id']}/trainings",
        json={"training_date": "2020-07-01", "topic": "政策", "hours": 2, "organiser": "市局"},
        headers=duobao,
    )
    refused = await client.post(DIRECTORS, json=worker("429006102202"), headers=duobao)
    own = await client.post(SUPERVISORS, json=worker(DUOBAO), headers=duobao)

    assert [w["id"] for w in listed.json()["items"]] == [inside["id"]]
    assert hidden.status_code == 404
    assert hidden_training.status_code == 404
    assert refused.status_code == 403
    assert refused.json()["code"] == "WELFARE_AREA_FORBIDDEN"
    assert own.status_code == 201


async def test_auditor_reads_but_cannot_appoint(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = worker()
    created = await appoint(client, tokens)
    refused = await client.post(DIRECTORS, json=body, headers=tokens.headers("auditor"))
    read = await client.get(
        f"{DIRECTORS}/{created.json()['id']}", headers=tokens.headers("auditor")
    )
    assert refused.status_code == 403
    assert read.status_code == 200


async def test_id_numbers_masked_unless_pii_read_which_is_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = worker()
    created = (await client.post(DIRECTORS, json=body, headers=officer(tokens))).json()
    url = f"{DIRECTORS}/{created['id']}"
    masked = await client.get(url, headers=tokens.headers("auditor"))
    revealed = await client.get(url, headers=tokens.headers("auditor", scopes=["pii:read"]))
    number = body["id_number"]

    assert masked.json()["id_number"] == number[:6] + "*" * 8 + number[-4:]
    assert revealed.json()["id_number"] == number
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert [e.entity_id for e in reads] == [created["id"]]


async def test_coverage_lists_villages_and_townships_without_anyone(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = officer(tokens)
    # 多宝镇: a village with a director and children; one with children only; one the
    # director left; one only named in the query. 张港镇 has a supervisor.
    await appoint(client, tokens)
    await client.post("/api/v1/child-files", json=child(), headers=headers)
    for _ in range(2):
        await client.post("/api/v1/child-files", json=child("429006100202"), headers=headers)
    gone = await appoint(client, tokens, area_code="429006100203")
    await client.post(
        f"{DIRECTORS}/{gone.json()['id']}/leave",
        json={"left_date": "2020-06-30", "reason": "辞职"},
        headers={**headers, "If-Match": gone.headers["ETag"]},
    )
    await appoint(client, tokens, SUPERVISORS, area_code="429006102")

    coverage = await client.get(
        COVERAGE,
        params={"village_codes": ["429006100204", "429006100201", "429006102999"]},
        headers=headers,
    )
    duobao = await client.get(COVERAGE, params={"area_code": DUOBAO}, headers=headers)

    body = coverage.json()
    gaps = {g["area_code"]: g for g in body["villages_without_director"]}
    assert set(gaps) == {"429006100202", "429006100203", "429006100204", "429006102999"}
    assert gaps["429006100202"]["active_child_files"] == 2
    assert gaps["429006100202"]["known_from"] == ["child_file"]
    assert gaps["429006100203"]["known_from"] == ["former_director"]
    assert gaps["429006100204"]["known_from"] == ["query"]
    assert (body["villages_known"], body["villages_with_director"]) == (5, 1)
    townships = {t["area_code"]: t["name"] for t in body["townships_without_supervisor"]}
    assert body["townships_known"] == 28
    assert body["townships_with_supervisor"] == 1
    assert "429006102" not in townships
    assert townships["429006100"] == "多宝镇"
    assert townships["429006452"] == "沉湖管委会"
    assert "基层治理服务" in body["note"]
    scoped = duobao.json()
    assert {g["area_code"] for g in scoped["villages_without_director"]} == {
        "429006100202",
        "429006100203",
    }
    assert [t["area_code"] for t in scoped["townships_without_supervisor"]] == [DUOBAO]


async def test_coverage_of_a_township_officer_stays_in_its_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await client.post("/api/v1/child-files", json=child(ZHANGGANG_VILLAGE), headers=officer(tokens))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])
    coverage = (
        await client.get(COVERAGE, params={"village_codes": [ZHANGGANG_VILLAGE]}, headers=duobao)
    ).json()
    assert coverage["villages_without_director"] == []
    assert [t["area_code"] for t in coverage["townships_without_supervisor"]] == [DUOBAO]


async def test_counts_by_township_for_the_statistics(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    trained = (await appoint(client, tokens)).json()
    await appoint(client, tokens, area_code="429006100202")
    await appoint(client, tokens, area_code="429006100203", appointed_date="2021-01-05")
    await appoint(client, tokens, SUPERVISORS)
    await client.post(
        f"{DIRECTORS}/{trained['id']}/trainings",
        json={"training_date": "2020-05-20", "topic": "政策", "hours": 2, "organiser": "市局"},
        headers=officer(tokens),
    )
    counts = await workforce_counts(session, 2020, DUOBAO)
    assert counts == [(DUOBAO, "director", 2, 1), (DUOBAO, "supervisor", 1, 0)]
