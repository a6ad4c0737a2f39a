"""Child files (一人一档): one per child, the village's director, status, scoping, masking."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.db import AuditEvent

URL = "/api/v1/child-files"
DIRECTORS = "/api/v1/child-directors"
DUOBAO = "429006100"
VILLAGE = "429006100201"
NEIGHBOUR = "429006100202"
ZHANGGANG_VILLAGE = "429006102201"


def years_ago(years: int, days: int = 0) -> date:
    today = date.today()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


def child(area_code: str = VILLAGE, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=years_ago(9, days=40))),
        "name": "王小明",
        "area_code": area_code,
        "category": "left_behind",
        "guardian": {
            "name": "王大爷",
            "relation": "grandparent",
            "phone": "13807281234",
            "id_number": str(make_id_number(birth_date=date(1950, 3, 3))),
        },
        "school": "多宝镇中心小学",
        "situation": "父母在广东务工，与祖父同住",
        **extra,
    }


def officer(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def create(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or child(), headers=officer(tokens))


async def director(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str = VILLAGE
) -> httpx.Response:
    return await client.post(
        DIRECTORS,
        json={
            "id_number": str(make_id_number()),
            "name": "李主任",
            "phone": "13907280001",
            "area_code": area_code,
            "appointed_date": "2019-03-01",
        },
        headers=officer(tokens),
    )


async def test_a_file_computes_age_and_is_one_per_child(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = child(id_number=str(make_id_number(birth_date=date(2016, 2, 29))))
    created = await create(client, tokens, body)
    again = await create(client, tokens, {**body, "area_code": NEIGHBOUR})

    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"{URL}/{created.json()['id']}"
    out = created.json()
    assert out["age"] == IdNumber(body["id_number"]).age_on(date.today())
    assert (out["birth_date"], out["turns_18_on"]) == ("2016-02-29", "2034-03-01")
    assert out["township_code"] == DUOBAO
    assert out["status"] == "active"
    assert out["director"] is None
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_CHILD_FILE_EXISTS"
    assert again.json()["existing_id"] == out["id"]
    inserts = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "child_file", AuditEvent.action == "insert"
            )
        )
    ).all()
    assert [e.entity_id for e in inserts] == [out["id"]]


async def test_an_adult_gets_no_child_file(client: httpx.AsyncClient, tokens: Tokens) -> None:
    eighteen_today = str(make_id_number(birth_date=years_ago(18)))
    seventeen = str(make_id_number(birth_date=years_ago(18, days=-1)))
    refused = await create(client, tokens, child(id_number=eighteen_today))
    accepted = await create(client, tokens, child(id_number=seventeen))
    assert refused.status_code == 422
    assert refused.json()["code"] == "WELFARE_CHILD_NOT_MINOR"
    assert accepted.status_code == 201
    assert accepted.json()["age"] == 17


async def test_the_director_must_be_the_childs_village_director(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    own = (await director(client, tokens)).json()
    neighbour = (await director(client, tokens, NEIGHBOUR)).json()
    supervisor = (
        await client.post(
            "/api/v1/child-supervisors",
            json={
                "id_number": str(make_id_number()),
                "name": "督导员",
                "area_code": DUOBAO,
                "appointed_date": "2019-03-01",
            },
            headers=officer(tokens),
        )
    ).json()

    wrong_village = await create(client, tokens, child(director_id=neighbour["id"]))
    not_a_director = await create(client, tokens, child(director_id=supervisor["id"]))
    named = await create(client, tokens, child(director_id=own["id"]))
    implied = await create(client, tokens, child())

    assert wrong_village.status_code == 422
    assert wrong_village.json()["code"] == "WELFARE_CHILD_DIRECTOR_MISMATCH"
    assert not_a_director.status_code == 422
    assert named.status_code == 201
    assert named.json()["director"] == {"id": own["id"], "name": "李主任", "phone": "13907280001"}
    # Without a director named, the village's director is responsible.
    assert implied.json()["director"]["id"] == own["id"]


async def test_the_database_refuses_another_villages_director(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    neighbour = (await director(client, tokens, NEIGHBOUR)).json()
    created = (await create(client, tokens)).json()
    with pytest.raises(IntegrityError, match="fk_child_file_director_id_child_welfare_worker"):
        await session.execute(
            update(ChildFile)
            .where(ChildFile.id == created["id"])
            .values(director_id=neighbour["id"])
        )


async def test_directors_come_and_go_with_the_village_files(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    first = await create(client, tokens)
    second = await create(client, tokens)
    elsewhere = await create(client, tokens, child(NEIGHBOUR))
    appointed = await director(client, tokens)
    lead = appointed.json()

    assigned = (await client.get(f"{URL}/{first.json()['id']}", headers=officer(tokens))).json()
    by_director = await client.get(URL, params={"director_id": lead["id"]}, headers=officer(tokens))
    neighbour = await client.get(f"{URL}/{elsewhere.json()['id']}", headers=officer(tokens))
    assert assigned["director"]["id"] == lead["id"]
    assert assigned["version"] == 2  # the assignment moved the ETag
    assert {c["id"] for c in by_director.json()["items"]} == {
        first.json()["id"],
        second.json()["id"],
    }
    assert neighbour.json()["director"] is None

    await client.post(
        f"{DIRECTORS}/{lead['id']}/leave",
        json={"left_date": "2020-06-30", "reason": "辞职"},
        headers={**officer(tokens), "If-Match": appointed.headers["ETag"]},
    )
    released = await client.get(URL, params={"without_director": True}, headers=officer(tokens))
    assert len(released.json()["items"]) == 3
    bulk = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "child_file", AuditEvent.action == "bulk")
            .order_by(AuditEvent.id)  # the appointment's, then the leaving's
        )
    ).all()
    assert len(bulk) == 2
    assert bulk[1].new_values is not None
    assert bulk[1].new_values["director_id"] is None


async def test_update_needs_the_current_version_and_keeps_the_director_rule(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    own = (await director(client, tokens)).json()
    neighbour = (await director(client, tokens, NEIGHBOUR)).json()
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}"
    headers = officer(tokens)

    changed = await client.patch(
        url,
        json={"school": "多宝镇初级中学", "category": "both"},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    stale = await client.patch(
        url, json={"school": "别的学校"}, headers={**headers, "If-Match": created.headers["ETag"]}
    )
    mismatch = await client.patch(
        url,
        json={"director_id": neighbour["id"]},
        headers={**headers, "If-Match": changed.headers["ETag"]},
    )
    moved = await client.patch(
        url, json={"area_code": NEIGHBOUR}, headers={**headers, "If-Match": changed.headers["ETag"]}
    )
    no_guardian = await client.patch(
        url, json={"guardian": None}, headers={**headers, "If-Match": moved.headers["ETag"]}
    )

    assert changed.status_code == 200
    assert (changed.json()["school"], changed.json()["category"]) == ("多宝镇初级中学", "both")
    assert changed.json()["director"]["id"] == own["id"]
    assert stale.status_code == 412
    assert mismatch.status_code == 422
    assert mismatch.json()["code"] == "WELFARE_CHILD_DIRECTOR_MISMATCH"
    # Moving to the neighbouring village hands the child to that village's director.
    assert moved.status_code == 200
    assert moved.json()["director"]["id"] == neighbour["id"]
    assert no_guardian.status_code == 422


async def test_closing_and_reopening(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}/status"
    headers = officer(tokens)
    too_young = await client.post(
        url,
        json={"status": "closed", "reason": "turned_18", "changed_date": str(date.today())},
        headers={**headers, "If-Match": '"1"'},
    )
    closed = await client.post(
        url,
        json={"status": "closed", "reason": "parents_returned", "changed_date": "2020-10-01"},
        headers={**headers, "If-Match": '"1"'},
    )
    closed_again = await client.post(
        url,
        json={"status": "closed", "reason": "other", "note": "重复", "changed_date": "2020-10-02"},
        headers={**headers, "If-Match": closed.headers["ETag"]},
    )
    listed = await client.get(URL, params={"status": "closed"}, headers=headers)
    reopened = await client.post(
        url,
        json={"status": "active", "changed_date": "2021-03-01", "note": "父母再次外出务工"},
        headers={**headers, "If-Match": closed.headers["ETag"]},
    )

    assert too_young.status_code == 422
    assert too_young.json()["code"] == "WELFARE_CHILD_FILE_CLOSE_REASON"
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["close_reason"]) == (
        "closed",
        "parents_returned",
    )
    assert closed_again.status_code == 409
    assert closed_again.json()["code"] == "WELFARE_CHILD_FILE_INVALID_TRANSITION"
    assert closed_again.json()["allowed"] == ["active"]
    assert [c["id"] for c in listed.json()["items"]] == [created.json()["id"]]
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["closed_date"]) == ("active", None)


async def test_search_by_name_or_id_number_and_filters(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ming = child(name="王小明")
    await create(client, tokens, ming)
    await create(client, tokens, child(name="李小红", category="hardship"))
    headers = officer(tokens)

    by_name = await client.get(URL, params={"q": "小明"}, headers=headers)
    by_number = await client.get(URL, params={"q": ming["id_number"]}, headers=headers)
    hardship = await client.get(URL, params={"category": "hardship"}, headers=headers)

    assert [c["name"] for c in by_name.json()["items"]] == ["王小明"]
    assert by_name.json()["total"] == 1
    assert [c["name"] for c in by_number.json()["items"]] == ["王小明"]
    assert [c["name"] for c in hardship.json()["items"]] == ["李小红"]


async def test_township_officer_sees_and_writes_only_its_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = await create(client, tokens)
    outside = await create(client, tokens, child(ZHANGGANG_VILLAGE))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=duobao)
    hidden = await client.get(f"{URL}/{outside.json()['id']}", headers=duobao)
    hidden_update = await client.patch(
        f"{URL}/{outside.json()['id']}", json={"school": "x"}, headers={**duobao, "If-Match": '"1"'}
    )
    refused = await client.post(URL, json=child(ZHANGGANG_VILLAGE), headers=duobao)
    moved_out = await client.patch(
        f"{URL}/{inside.json()['id']}",
        json={"area_code": ZHANGGANG_VILLAGE},
        headers={**duobao, "If-Match": '"1"'},
    )

    assert [c["id"] for c in listed.json()["items"]] == [inside.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "WELFARE_CHILD_FILE_NOT_FOUND"
    assert hidden_update.status_code == 404
    assert refused.status_code == 403
    assert moved_out.status_code == 403


async def test_ids_masked_auditor_reads_only(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = child()
    created = (await create(client, tokens, body)).json()
    url = f"{URL}/{created['id']}"
    masked = (await client.get(url, headers=tokens.headers("auditor"))).json()
    revealed = (
        await client.get(url, headers=tokens.headers("city_officer", scopes=["pii:read"]))
    ).json()
    refused = await client.post(URL, json=child(), headers=tokens.headers("auditor"))

    number, guardian = body["id_number"], body["guardian"]["id_number"]
    assert masked["id_number"] == number[:6] + "*" * 8 + number[-4:]
    assert masked["guardian"]["id_number"] == guardian[:6] + "*" * 8 + guardian[-4:]
    assert revealed["id_number"] == number
    assert revealed["guardian"]["id_number"] == guardian
    assert refused.status_code == 403


async def test_a_file_entered_by_mistake_is_deleted(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}"
    stale = await client.delete(url, headers={**officer(tokens), "If-Match": '"7"'})
    deleted = await client.delete(url, headers={**officer(tokens), "If-Match": '"1"'})
    gone = await client.get(url, headers=officer(tokens))
    assert stale.status_code == 412
    assert deleted.status_code == 204
    assert gone.status_code == 404
