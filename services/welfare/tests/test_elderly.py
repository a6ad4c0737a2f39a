"""Left-behind elderly register: the rule shown with reasons, one entry per person,
ETag/If-Match, status changes, search, filters, area scoping, masking and audit."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.db import AuditEvent
from civil_welfare.elderly.qualification import add_months

URL = "/api/v1/left-behind-elderly"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
TODAY = date.today()
LONG_AGO = add_months(TODAY, -14).isoformat()
RECENTLY = add_months(TODAY, -2).isoformat()


def child(name: str = "张大", since: str = LONG_AGO, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "relation": "son",
        "away_for": "work",
        "whereabouts": "广东省东莞市",
        "away_since": since,
        **extra,
    }


def elder(**extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=date(1948, 5, 6))),
        "name": "张老汉",
        "area_code": DUOBAO_VILLAGE,
        "living_situation": "with_spouse",
        "risk_level": "medium",
        "responsible_worker": {"name": "李主任", "username": "li.duobao", "phone": "13800000001"},
        "children": [child(), child("张二", relation="daughter")],
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def register(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def test_registration_shows_age_and_qualification_with_reasons(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = elder()
    created = await register(client, tokens, body)

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{URL}/{created.json()['id']}"
    out = created.json()
    assert out["age"] == make_id_number(birth_date=date(1948, 5, 6)).age_on(TODAY)
    assert out["birth_date"] == "1948-05-06"
    assert out["status"] == "active"
    assert out["responsible_worker"]["username"] == "li.duobao"
    assert [c["name"] for c in out["children"]] == ["张大", "张二"]
    assert out["qualification"]["qualified"] is True
    assert out["qualification"]["min_months_away"] == 6
    assert any("张二" in r and "已满6个月" in r for r in out["qualification"]["reasons"])
    # Masked for a caller without pii:read.
    assert out["id_number"] != body["id_number"]
    assert out["id_number"].startswith("429006********")
    inserted = (
        await session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "insert"))
    ).all()
    assert sorted(inserted) == [
        "left_behind_elder",
        "left_behind_elder_child",
        "left_behind_elder_child",
    ]


async def test_a_child_away_only_two_months_is_shown_as_not_qualifying(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, elder(children=[child(), child("张二", RECENTLY)]))
    qualification = created.json()["qualification"]

    assert created.status_code == 201  # registered, but the rule says not (yet)
    assert qualification["qualified"] is False
    expected = add_months(date.fromisoformat(RECENTLY), 6).isoformat()
    assert any("张二" in r and f"{expected} 起满" in r for r in qualification["reasons"])


async def test_the_minimum_months_follow_the_parameter(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, elder(children=[child(since=RECENTLY)]))
    await client.post(
        "/api/v1/parameters",
        json={
            "key": "left_behind_min_months_away",
            "year": TODAY.year,
            "value": "2",
            "effective_date": f"{TODAY.year}-01-01",
        },
        headers=tokens.headers("admin"),
    )
    again = await client.get(f"{URL}/{created.json()['id']}", headers=city(tokens))

    assert created.json()["qualification"]["qualified"] is False
    assert again.json()["qualification"]["qualified"] is True
    assert again.json()["qualification"]["min_months_away"] == 2


async def test_qualification_on_an_earlier_day(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await register(client, tokens, elder(children=[child(since=LONG_AGO)]))
    earlier = add_months(date.fromisoformat(LONG_AGO), 3)
    then = await client.get(
        f"{URL}/{created.json()['id']}", params={"on": earlier.isoformat()}, headers=city(tokens)
    )

    assert then.json()["qualification"]["on"] == earlier.isoformat()
    assert then.json()["qualification"]["qualified"] is False


async def test_a_person_is_registered_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = elder()
    first = await register(client, tokens, body)
    again = await register(client, tokens, {**body, "area_code": TUOSHI_VILLAGE})

    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_ELDER_EXISTS"
    assert again.json()["existing_id"] == first.json()["id"]


async def test_under_60_is_refused_with_a_reason(client: httpx.AsyncClient, tokens: Tokens) -> None:
    young = make_id_number(birth_date=date(TODAY.year - 59, 1, 1))
    refused = await register(client, tokens, elder(id_number=str(young)))

    assert refused.status_code == 422
    assert refused.json()["code"] == "WELFARE_ELDER_TOO_YOUNG"
    assert "未满60周岁" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area_code": DUOBAO}, "area_code"),  # a person lives in a village, 12 digits
        ({"area_code": "420100100201"}, "area_code"),  # outside Tianmen
        ({"children": []}, "children"),
        ({"children": [child(away_since=None)]}, "children.0"),
        ({"children": [{**child(), "away_for": "not_away"}]}, "children.0"),
        ({"living_situation": "other"}, "body"),
        ({"risk_level": "extreme"}, "risk_level"),
        ({"id_number": "429006194805060011"}, "id_number"),
    ],
)
async def test_invalid_records_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    refused = await register(client, tokens, elder(**change))

    assert refused.status_code == 422
    assert field in [e["field"] for e in refused.json()["errors"]]


async def test_updates_need_the_current_etag(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await register(client, tokens, elder())
    url = f"{URL}/{created.json()['id']}"
    headers = city(tokens)

    missing = await client.patch(url, json={"risk_level": "high"}, headers=headers)
    changed = await client.patch(
        url, json={"risk_level": "high"}, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.patch(
        url, json={"risk_level": "low"}, headers={**headers, "If-Match": '"1"'}
    )

    assert missing.status_code == 428
    assert changed.status_code == 200
    assert changed.json()["risk_level"] == "high"
    assert changed.json()["living_situation"] == "with_spouse"  # unsent fields stay
    assert changed.headers["etag"] == '"2"'
    assert stale.status_code == 412


async def test_replacing_the_children_moves_the_version_and_the_qualification(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await register(client, tokens, elder())
    at_home = {"name": "张三", "relation": "son", "away_for": "not_away"}
    changed = await client.patch(
        f"{URL}/{created.json()['id']}",
        json={"children": [child(), at_home]},
        headers={**city(tokens), "If-Match": created.headers["etag"]},
    )

    assert changed.status_code == 200
    assert changed.headers["etag"] == '"2"'
    assert [c["name"] for c in changed.json()["children"]] == ["张大", "张三"]
    assert changed.json()["qualification"]["qualified"] is False
    assert any("张三未外出" in r for r in changed.json()["qualification"]["reasons"])
    deleted = (
        await session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "delete"))
    ).all()
    assert deleted == ["left_behind_elder_child", "left_behind_elder_child"]


async def test_leaving_and_returning_follow_the_allowed_transitions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, elder())
    url = f"{URL}/{created.json()['id']}/status"
    headers = city(tokens)
    left = await client.post(
        url,
        json={"status": "left", "reason": "子女返乡就业", "status_date": TODAY.isoformat()},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    again = await client.post(
        url,
        json={"status": "left", "reason": "重复操作", "status_date": TODAY.isoformat()},
        headers={**headers, "If-Match": left.headers["etag"]},
    )
    back = await client.post(
        url,
        json={"status": "active", "reason": "子女再次外出务工", "status_date": TODAY.isoformat()},
        headers={**headers, "If-Match": left.headers["etag"]},
    )

    assert left.status_code == 200
    assert (left.json()["status"], left.json()["left_date"]) == ("left", TODAY.isoformat())
    assert left.json()["status_reason"] == "子女返乡就业"
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_ELDER_INVALID_TRANSITION"
    assert again.json()["allowed"] == ["active"]
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["left_date"]) == ("active", None)


async def test_lists_filter_and_search(client: httpx.AsyncClient, tokens: Tokens) -> None:
    high = elder(name="王奶奶", risk_level="high", living_situation="alone")
    await register(client, tokens, high)
    await register(client, tokens, elder(name="赵爷爷", area_code=TUOSHI_VILLAGE))
    await register(client, tokens, elder(name="钱爷爷", children=[child(since=RECENTLY)]))
    headers = city(tokens)

    async def names(**params: Any) -> list[str]:
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == 200
        return sorted(e["name"] for e in response.json()["items"])

    assert await names(area_code=DUOBAO) == ["王奶奶", "钱爷爷"]
    assert await names(risk_level="high") == ["王奶奶"]
    assert await names(living_situation="alone") == ["王奶奶"]
    assert await names(q="爷爷") == ["赵爷爷", "钱爷爷"]
    assert await names(q=high["id_number"]) == ["王奶奶"]
    assert await names(qualified="false") == ["钱爷爷"]
    assert await names(qualified="true") == ["王奶奶", "赵爷爷"]
    assert await names(worker="li.duobao", status="active") == ["王奶奶", "赵爷爷", "钱爷爷"]
    assert await names(status="left") == []


async def test_the_qualified_filter_honours_a_townships_own_minimum(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    recent = [child(since=RECENTLY)]
    await register(client, tokens, elder(name="多宝老人", children=recent))
    await register(
        client, tokens, elder(name="拖市老人", area_code=TUOSHI_VILLAGE, children=recent)
    )
    await client.post(
        "/api/v1/parameters",
        json={
            "key": "left_behind_min_months_away",
            "year": TODAY.year,
            "area_code": DUOBAO,
            "value": "1",
            "effective_date": f"{TODAY.year}-01-01",
        },
        headers=tokens.headers("admin"),
    )
    qualified = await client.get(URL, params={"qualified": "true"}, headers=city(tokens))
    not_qualified = await client.get(URL, params={"qualified": "false"}, headers=city(tokens))

    assert [e["name"] for e in qualified.json()["items"]] == ["多宝老人"]
    assert qualified.json()["items"][0]["qualification"]["min_months_away"] == 1
    assert [e["name"] for e in not_qualified.json()["items"]] == ["拖市老人"]
    assert not_qualified.json()["items"][0]["qualification"]["min_months_away"] == 6


async def test_township_officers_see_and_write_only_their_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    elsewhere = await register(client, tokens, elder(area_code=TUOSHI_VILLAGE))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])
    url = f"{URL}/{elsewhere.json()['id']}"

    hidden = await client.get(url, headers=duobao)
    listed = await client.get(URL, headers=duobao)
    outside = await client.post(URL, json=elder(area_code=TUOSHI_VILLAGE), headers=duobao)
    inside = await client.post(URL, json=elder(), headers=duobao)
    moved_out = await client.patch(
        f"{URL}/{inside.json()['id']}",
        json={"area_code": TUOSHI_VILLAGE},
        headers={**duobao, "If-Match": '"1"'},
    )
    patch_hidden = await client.patch(
        url, json={"risk_level": "high"}, headers={**duobao, "If-Match": '"1"'}
    )

    assert hidden.status_code == 404
    assert hidden.json()["code"] == "WELFARE_ELDER_NOT_FOUND"
    assert [e["id"] for e in listed.json()["items"]] == []
    assert outside.status_code == 403
    assert inside.status_code == 201
    assert moved_out.status_code == 403
    assert patch_hidden.status_code == 404


async def test_auditors_read_but_cannot_write(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await register(client, tokens, elder())
    auditor = tokens.headers("auditor")

    read = await client.get(f"{URL}/{created.json()['id']}", headers=auditor)
    write = await client.post(URL, json=elder(), headers=auditor)

    assert read.status_code == 200
    assert write.status_code == 403


async def test_unmasked_reads_are_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = elder()
    created = await register(client, tokens, body)
    shown = await client.get(
        f"{URL}/{created.json()['id']}", headers=tokens.headers("admin", scopes=["pii:read"])
    )

    assert shown.json()["id_number"] == body["id_number"]
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert [(e.entity, e.entity_id) for e in reads] == [("left_behind_elder", created.json()["id"])]


async def test_a_mistaken_record_is_deleted_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, elder())
    url = f"{URL}/{created.json()['id']}"
    headers = city(tokens)

    stale = await client.delete(url, headers={**headers, "If-Match": '"7"'})
    deleted = await client.delete(url, headers={**headers, "If-Match": created.headers["etag"]})
    gone = await client.get(url, headers=headers)

    assert stale.status_code == 412
    assert deleted.status_code == 204
    assert gone.status_code == 404
