"""The division tree: Tianmen's preloaded units, villages and communities, renames with
their history, deletes, the batch load and the internal check other services rely on."""

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.db import AuditEvent
from civil_governance.divisions.models import Division

URL = "/api/v1/divisions"
DUOBAO = "429006100"
TUOSHI = "429006101"
VILLAGE = "429006100201"


def admin(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("admin")


async def add(
    client: httpx.AsyncClient,
    tokens: Tokens,
    code: str = VILLAGE,
    name: str = "多宝村",
    kind: str = "village",
) -> httpx.Response:
    return await client.post(
        URL, json={"code": code, "name": name, "kind": kind}, headers=admin(tokens)
    )


async def rename(
    client: httpx.AsyncClient,
    tokens: Tokens,
    code: str,
    etag: str | None,
    **body: Any,
) -> httpx.Response:
    headers = admin(tokens) | ({"If-Match": etag} if etag else {})
    payload = {"changed_date": "2020-06-01", "reason": "村改居", **body}
    return await client.patch(f"{URL}/{code}", json=payload, headers=headers)


async def test_tianmen_township_units_are_preloaded(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(
        URL, params={"parent": "429006", "limit": 100}, headers=tokens.headers("auditor")
    )
    old_name = await client.get(
        URL, params={"parent_code": "429006", "limit": 1}, headers=tokens.headers("auditor")
    )
    page = response.json()
    kinds = [d["kind"] for d in page["items"]]

    assert page["total"] == 28  # the report's 25 乡镇街道, two farms and 沉湖管委会
    assert kinds.count("street") == 3
    assert kinds.count("town") == 21
    assert kinds.count("township") == 1
    duobao = next(d for d in page["items"] if d["code"] == DUOBAO)
    assert duobao == {
        "code": DUOBAO,
        "name": "多宝镇",
        "level": "township",
        "kind": "town",
        "parent_code": "429006",
        "path": [
            {"code": "429006", "name": "天门市", "level": "county"},
            {"code": DUOBAO, "name": "多宝镇", "level": "township"},
        ],
        "children_count": 0,
        "version": 1,
    }
    assert old_name.json()["total"] == 28


async def test_a_village_is_added_under_its_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await client.post(
        URL,
        json={"code": VILLAGE, "name": " 多宝村 ", "kind": "village"},
        headers=tokens.headers("city_officer", sub="li.si"),
    )
    children = await client.get(URL, params={"parent": DUOBAO}, headers=admin(tokens))
    township = await client.get(f"{URL}/{DUOBAO}", headers=admin(tokens))

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"{URL}/{VILLAGE}"
    body = created.json()
    assert (body["name"], body["level"], body["parent_code"]) == ("多宝村", "village", DUOBAO)
    assert [step["name"] for step in body["path"]] == ["天门市", "多宝镇", "多宝村"]
    assert [d["code"] for d in children.json()["items"]] == [VILLAGE]
    assert township.json()["children_count"] == 1
    audit = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "division"))).one()
    assert (audit.actor, audit.action, audit.entity_id) == ("li.si", "insert", VILLAGE)


async def test_an_urban_community_is_a_village_level_kind(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    community = await add(client, tokens, "429006001001", "竟陵社区", "community")
    listed = await client.get(
        URL, params={"kind": "community", "level": "village"}, headers=admin(tokens)
    )

    assert community.status_code == 201
    assert [d["code"] for d in listed.json()["items"]] == ["429006001001"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"code": "429006117001", "name": "无此镇村", "kind": "village"},
            422,
            "GOVERNANCE_DIVISION_PARENT_MISSING",
        ),
        ({"code": VILLAGE, "name": "多宝村", "kind": "town"}, 422, "GOVERNANCE_DIVISION_KIND"),
        ({"code": DUOBAO + "1", "name": "x", "kind": "village"}, 422, "VALIDATION_FAILED"),
        ({"code": "429007", "name": "另一个市", "kind": "city"}, 422, "GOVERNANCE_DIVISION_LEVEL"),
        ({"code": DUOBAO, "name": "多宝镇", "kind": "town"}, 409, "GOVERNANCE_DIVISION_EXISTS"),
        ({"code": "4290061002", "name": "十位", "kind": "village"}, 422, "VALIDATION_FAILED"),
        ({"code": VILLAGE, "name": "", "kind": "village"}, 422, "VALIDATION_FAILED"),
        ({"code": VILLAGE, "name": "多宝村", "kind": "hamlet"}, 422, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_divisions_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, str], status: int, code: str
) -> None:
    response = await client.post(URL, json=body, headers=admin(tokens))
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_two_villages_of_one_township_do_not_share_a_name(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await add(client, tokens, VILLAGE, "新华村")
    same_township = await add(client, tokens, "429006100202", "新华村")
    other_township = await add(client, tokens, "429006101201", "新华村")

    assert first.status_code == 201
    assert same_township.status_code == 409
    assert same_township.json()["code"] == "GOVERNANCE_DIVISION_NAME_TAKEN"
    assert other_township.status_code == 201


async def test_a_division_is_shown_with_its_path(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await add(client, tokens)
    village = await client.get(f"{URL}/{VILLAGE}", headers=tokens.headers("auditor"))
    missing = await client.get(f"{URL}/429006999", headers=admin(tokens))

    assert village.status_code == 200
    assert village.headers["etag"] == '"1"'
    assert village.json()["path"] == [
        {"code": "429006", "name": "天门市", "level": "county"},
        {"code": DUOBAO, "name": "多宝镇", "level": "township"},
        {"code": VILLAGE, "name": "多宝村", "level": "village"},
    ]
    assert missing.status_code == 404
    assert missing.json()["code"] == "GOVERNANCE_DIVISION_NOT_FOUND"


async def test_the_tree_nests_villages_under_their_townships(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await add(client, tokens, VILLAGE, "多宝村")
    await add(client, tokens, "429006100001", "多宝社区", "community")
    whole = await client.get(f"{URL}/tree", headers=tokens.headers("auditor"))
    duobao = await client.get(f"{URL}/tree", params={"root": DUOBAO}, headers=admin(tokens))
    missing = await client.get(f"{URL}/tree", params={"root": "429006117"}, headers=admin(tokens))

    assert whole.json()["code"] == "429006"
    assert len(whole.json()["children"]) == 28
    assert duobao.json()["name"] == "多宝镇"
    assert [c["code"] for c in duobao.json()["children"]] == ["429006100001", VILLAGE]
    assert duobao.json()["children"][0]["children"] == []
    assert missing.status_code == 404


async def test_internal_lookup_is_for_services_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await add(client, tokens)
    service = await client.get(
        f"/internal/v1/divisions/{VILLAGE}", headers=tokens.headers("service")
    )
    officer = await client.get(
        f"/internal/v1/divisions/{DUOBAO}", headers=tokens.headers("city_officer")
    )
    missing = await client.get(
        "/internal/v1/divisions/429006999", headers=tokens.headers("service")
    )

    assert service.status_code == 200
    assert service.json() == {
        "code": VILLAGE,
        "name": "多宝村",
        "level": "village",
        "kind": "village",
        "parent_code": DUOBAO,
        "path": [
            {"code": "429006", "name": "天门市", "level": "county"},
            {"code": DUOBAO, "name": "多宝镇", "level": "township"},
            {"code": VILLAGE, "name": "多宝村", "level": "village"},
        ],
    }
    assert officer.status_code == 403
    assert officer.json()["code"] == "AUTH_INTERNAL_ONLY"
    assert missing.status_code == 404
    assert missing.json()["code"] == "GOVERNANCE_DIVISION_NOT_FOUND"


@pytest.mark.parametrize("role", ["township_officer", "auditor"])
async def test_only_the_city_changes_the_tree(
    client: httpx.AsyncClient, tokens: Tokens, role: str
) -> None:
    await add(client, tokens)
    headers = tokens.headers(role, area_codes=[DUOBAO])
    body = {"code": "429006100202", "name": "新村", "kind": "village"}
    created = await client.post(URL, json=body, headers=headers)
    batch = await client.post(f"{URL}/batch", json=[body], headers=headers)
    renamed = await client.patch(
        f"{URL}/{VILLAGE}",
        json={"name": "改名村", "changed_date": "2020-01-01", "reason": "改名"},
        headers=headers | {"If-Match": '"1"'},
    )
    deleted = await client.delete(f"{URL}/{VILLAGE}", headers=headers | {"If-Match": '"1"'})

    assert [r.status_code for r in (created, batch, renamed, deleted)] == [403] * 4


async def test_a_rename_keeps_the_old_name_in_the_history(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await add(client, tokens)
    renamed = await rename(
        client,
        tokens,
        VILLAGE,
        created.headers["etag"],
        name="多宝社区",
        kind="community",
        document_number="天政函〔2020〕12号",
    )
    history = await client.get(f"{URL}/{VILLAGE}/history", headers=tokens.headers("auditor"))

    assert renamed.status_code == 200
    assert renamed.headers["etag"] == '"2"'
    assert (renamed.json()["name"], renamed.json()["kind"]) == ("多宝社区", "community")
    assert renamed.json()["path"][-1]["name"] == "多宝社区"
    [change] = history.json()
    assert {k: change[k] for k in ("old_name", "new_name", "old_kind", "new_kind")} == {
        "old_name": "多宝村",
        "new_name": "多宝社区",
        "old_kind": "village",
        "new_kind": "community",
    }
    assert (change["changed_date"], change["reason"], change["document_number"]) == (
        "2020-06-01",
        "村改居",
        "天政函〔2020〕12号",
    )
    assert change["changed_by"] == "test-admin"
    entities = (
        await session.scalars(
            select(AuditEvent.entity).where(AuditEvent.action.in_(["insert", "update"]))
        )
    ).all()
    assert sorted(entities) == ["division", "division", "division_change"]


async def test_renames_follow_each_other_in_time(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await add(client, tokens)
    await rename(client, tokens, VILLAGE, '"1"', name="新多宝村", changed_date="2020-06-01")
    earlier = await rename(
        client, tokens, VILLAGE, '"2"', name="老多宝村", changed_date="2020-05-31"
    )
    same_day = await rename(
        client, tokens, VILLAGE, '"2"', name="老多宝村", changed_date="2020-06-01"
    )
    history = await client.get(f"{URL}/{VILLAGE}/history", headers=admin(tokens))

    assert earlier.status_code == 422
    assert earlier.json()["code"] == "GOVERNANCE_DIVISION_CHANGE_DATE"
    assert same_day.status_code == 200
    assert [c["new_name"] for c in history.json()] == ["新多宝村", "老多宝村"]


@pytest.mark.parametrize(
    ("etag", "body", "status", "code"),
    [
        (None, {"name": "改名村"}, 428, "PRECONDITION_REQUIRED"),
        ('"7"', {"name": "改名村"}, 412, "PRECONDITION_FAILED"),
        ('"1"', {"name": "多宝村"}, 422, "GOVERNANCE_DIVISION_UNCHANGED"),
        ('"1"', {"kind": "town"}, 422, "GOVERNANCE_DIVISION_KIND"),
        ('"1"', {"name": "邻村"}, 409, "GOVERNANCE_DIVISION_NAME_TAKEN"),
        ('"1"', {}, 422, "VALIDATION_FAILED"),
        ('"1"', {"name": "改名村", "changed_date": "2999-01-01"}, 422, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_renames_are_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    etag: str | None,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    await add(client, tokens)
    await add(client, tokens, "429006100202", "邻村")
    response = await rename(client, tokens, VILLAGE, etag, **body)

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_a_division_with_children_is_not_deleted(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await add(client, tokens)
    township = await client.delete(f"{URL}/{DUOBAO}", headers=admin(tokens) | {"If-Match": '"1"'})
    village = await client.delete(f"{URL}/{VILLAGE}", headers=admin(tokens) | {"If-Match": '"1"'})
    gone = await client.get(f"{URL}/{VILLAGE}", headers=admin(tokens))
    now_empty = await client.delete(f"{URL}/{DUOBAO}", headers=admin(tokens))

    assert township.status_code == 409
    assert township.json()["code"] == "GOVERNANCE_DIVISION_HAS_CHILDREN"
    assert township.json()["children_count"] == 1
    assert village.status_code == 204
    assert gone.status_code == 404
    assert now_empty.status_code == 428  # deleting wants the ETag too


async def test_a_division_named_by_a_place_name_is_not_deleted(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add(client, tokens)
    place = await client.post(
        "/api/v1/place-names",
        json={
            "standard_name": "多宝老街",
            "pinyin": "Duōbǎo Lǎojiē",
            "category": "road",
            "division_code": VILLAGE,
        },
        headers=admin(tokens),
    )
    deleted = await client.delete(f"{URL}/{VILLAGE}", headers=admin(tokens) | {"If-Match": '"1"'})

    assert place.status_code == 201
    assert deleted.status_code == 409
    assert deleted.json()["code"] == "GOVERNANCE_DIVISION_IN_USE"
    assert await session.get(Division, VILLAGE) is not None


# --- the batch load --------------------------------------------------------


def item(code: str, name: str, kind: str = "village") -> dict[str, str]:
    return {"code": code, "name": name, "kind": kind}


async def test_a_batch_is_loaded_whole_and_may_be_posted_again(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    batch = [
        item("429006100201", "多宝村"),
        item("429006100001", "多宝社区", "community"),
        item("429006117001", "新建村"),  # its township comes later in the same batch
        item("429006117", "新建镇", "town"),
    ]
    first = await client.post(f"{URL}/batch", json=batch, headers=admin(tokens))
    again = await client.post(f"{URL}/batch", json=batch, headers=admin(tokens))
    count = await session.scalar(
        select(func.count()).select_from(Division).where(Division.level == "village")
    )
    audited = await session.scalar(
        select(func.count()).where(AuditEvent.entity == "division", AuditEvent.action == "insert")
    )

    assert first.status_code == 201
    assert sorted(first.json()["created"]) == sorted(i["code"] for i in batch)
    assert first.json()["unchanged"] == []
    assert again.status_code == 201
    assert again.json() == {"created": [], "unchanged": [i["code"] for i in batch]}
    assert count == 3
    assert audited == 4


async def test_one_bad_item_keeps_the_whole_batch_out(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add(client, tokens, "429006101001", "拖市村")
    batch = [
        item("429006100201", "多宝村"),  # fine
        item("429006100202", "多宝村"),  # same name as the one above, same township
        item("429006100201", "另一个"),  # same code again
        item("429006117001", "无镇村"),  # no such township
        item("429006101001", "拖市社区", "community"),  # stored with another name
        item("429006100203", "错类型", "town"),
    ]
    response = await client.post(f"{URL}/batch", json=batch, headers=admin(tokens))
    stored = await session.scalar(
        select(func.count()).select_from(Division).where(Division.code.startswith("429006100"))
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "GOVERNANCE_DIVISION_BATCH_INVALID"
    assert [(e["loc"][1], e["type"]) for e in problem["errors"]] == [
        (1, "GOVERNANCE_DIVISION_NAME_TAKEN"),
        (2, "GOVERNANCE_DIVISION_DUPLICATE"),
        (3, "GOVERNANCE_DIVISION_PARENT_MISSING"),
        (4, "GOVERNANCE_DIVISION_EXISTS"),
        (5, "GOVERNANCE_DIVISION_KIND"),
    ]
    assert problem["errors"][0]["field"] == "1.name"
    assert stored == 1  # 多宝镇 alone: nothing of the batch was written


async def test_a_malformed_item_is_named_by_its_position(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    batch = [item("429006100201", "多宝村"), item("42900610020", "短码村")]
    response = await client.post(f"{URL}/batch", json=batch, headers=admin(tokens))
    empty = await client.post(f"{URL}/batch", json=[], headers=admin(tokens))

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["body", 1, "code"]]
    assert empty.status_code == 422
