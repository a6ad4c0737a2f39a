"""The place-name register: pinyin rules, no duplicate names, renames with their history,
search by name, pinyin or former name, and township officers seeing their own area."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.db import AuditEvent

URL = "/api/v1/place-names"
DUOBAO = "429006100"
TUOSHI = "429006101"


def place(**extra: Any) -> dict[str, Any]:
    return {
        "standard_name": "多宝大道",
        "pinyin": "Duōbǎo Dàdào",
        "category": "road",
        "division_code": DUOBAO,
        "meaning": "以所在镇命名",
        "approval_date": "2015-03-01",
        "approving_authority": "天门市人民政府",
        "approval_document": "天政函〔2015〕8号",
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", sub="wang.wu")


async def register(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> httpx.Response:
    return await client.post(URL, json=place(**extra), headers=city(tokens))


def renaming(**extra: Any) -> dict[str, Any]:
    return {
        "new_name": "宝兴大道",
        "new_pinyin": "Bǎoxīng Dàdào",
        "renamed_date": "2020-05-10",
        "reason": "与城区道路重名",
        "document_number": "天政函〔2020〕31号",
        "approving_authority": "天门市人民政府",
        **extra,
    }


async def rename(
    client: httpx.AsyncClient, tokens: Tokens, place_id: str, etag: str | None, **extra: Any
) -> httpx.Response:
    headers = city(tokens) | ({"If-Match": etag} if etag else {})
    return await client.post(f"{URL}/{place_id}/renames", json=renaming(**extra), headers=headers)


async def test_a_place_name_is_registered_with_its_naming(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await register(client, tokens, pinyin="  Duōbǎo   Dàdào ")

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["pinyin"] == "Duōbǎo Dàdào"
    assert body["division"] == {"code": DUOBAO, "name": "多宝镇"}
    assert body["former_names"] == []
    [naming] = body["history"]
    assert (naming["event"], naming["old_name"], naming["new_name"]) == ("named", None, "多宝大道")
    assert (naming["event_date"], naming["document_number"]) == ("2015-03-01", "天政函〔2015〕8号")
    entities = (await session.scalars(select(AuditEvent.entity).order_by(AuditEvent.id))).all()
    assert entities == ["place_name", "place_name_change"]


@pytest.mark.parametrize(
    "pinyin",
    ["Tiānmén Shì", "tianmen shi", "Xī'ān Lù", "Xī’ān Lù", "Lǚjiā Wān", "Jìngpiān-Hú", "Ńjiā Tái"],
)
async def test_pinyin_with_letters_spaces_and_tone_marks_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens, pinyin: str
) -> None:
    response = await register(client, tokens, pinyin=pinyin)
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(
    "pinyin",
    ["Tian1men2", "天门", "Tian_men", "", "   ", "Tiānmén.", "'Tianmen", "T\u0304ian", "Tiánmén ∑"],
)
async def test_pinyin_with_anything_else_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, pinyin: str
) -> None:
    response = await register(client, tokens, pinyin=pinyin)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["pinyin"]


@pytest.mark.parametrize(
    "extra",
    [
        {"approving_authority": None},
        {"approval_date": None, "approving_authority": None},  # a document without approval
        {"approval_date": "2999-01-01"},
        {"category": "river"},
        {"division_code": "429007100"},  # outside Tianmen
    ],
)
async def test_incomplete_or_invalid_registrations_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, extra: dict[str, Any]
) -> None:
    response = await register(client, tokens, **extra)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_a_name_not_approved_by_anyone_is_registered_without_approval(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await register(
        client,
        tokens,
        standard_name="天门河",
        pinyin="Tiānmén Hé",
        category="natural",
        division_code="429006",
        approval_date=None,
        approving_authority=None,
        approval_document=None,
    )

    assert response.status_code == 201
    assert response.json()["history"][0]["event_date"] is None


async def test_the_division_must_exist(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await register(client, tokens, division_code="429006117")

    assert response.status_code == 422
    assert response.json()["code"] == "GOVERNANCE_PLACE_NAME_DIVISION_UNKNOWN"


async def test_one_division_does_not_name_two_places_of_a_kind_alike(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await register(client, tokens)
    same = await register(client, tokens)
    other_kind = await register(client, tokens, category="bridge", pinyin="Duōbǎo Dàdào")
    other_division = await register(client, tokens, division_code=TUOSHI)

    assert first.status_code == 201
    assert same.status_code == 409
    assert same.json()["code"] == "GOVERNANCE_PLACE_NAME_EXISTS"
    assert same.json()["conflicting_place_name_id"] == first.json()["id"]
    assert other_kind.status_code == 201
    assert other_division.status_code == 201


async def test_a_rename_keeps_the_old_name_date_reason_and_document(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await register(client, tokens)
    place_id = created.json()["id"]
    first = await rename(client, tokens, place_id, created.headers["etag"])
    second = await rename(
        client,
        tokens,
        place_id,
        first.headers["etag"],
        new_name="多宝大道",
        new_pinyin="Duōbǎo Dàdào",
        renamed_date="2021-01-05",
        reason="恢复原名",
        document_number="天政函〔2021〕2号",
    )
    read = await client.get(f"{URL}/{place_id}", headers=tokens.headers("auditor"))

    assert first.status_code == 200
    assert first.json()["standard_name"] == "宝兴大道"
    assert first.json()["approval_date"] == "2020-05-10"
    assert first.json()["approval_document"] == "天政函〔2020〕31号"
    assert first.json()["meaning"] == "以所在镇命名"  # kept: no new meaning given
    assert second.headers["etag"] == '"3"'
    body = read.json()
    assert body["standard_name"] == "多宝大道"
    assert body["former_names"] == ["多宝大道", "宝兴大道"]
    assert [(h["event"], h["old_name"], h["new_name"]) for h in body["history"]] == [
        ("named", None, "多宝大道"),
        ("renamed", "多宝大道", "宝兴大道"),
        ("renamed", "宝兴大道", "多宝大道"),
    ]
    renamed = body["history"][1]
    assert renamed == {
        **renamed,
        "event_date": "2020-05-10",
        "old_pinyin": "Duōbǎo Dàdào",
        "new_pinyin": "Bǎoxīng Dàdào",
        "reason": "与城区道路重名",
        "document_number": "天政函〔2020〕31号",
        "approving_authority": "天门市人民政府",
        "recorded_by": "wang.wu",
    }
    audited = (
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "place_name")
            .order_by(AuditEvent.id)
        )
    ).all()
    assert audited == ["insert", "update", "update"]


@pytest.mark.parametrize(
    ("etag", "extra", "status", "code"),
    [
        (None, {}, 428, "PRECONDITION_REQUIRED"),
        ('"2"', {}, 412, "PRECONDITION_FAILED"),
        ('"1"', {"new_name": "多宝大道"}, 422, "GOVERNANCE_PLACE_NAME_UNCHANGED"),
        ('"1"', {"renamed_date": "2015-02-28"}, 422, "GOVERNANCE_PLACE_NAME_RENAME_DATE"),
        ('"1"', {"new_name": "拖市路"}, 409, "GOVERNANCE_PLACE_NAME_EXISTS"),
        ('"1"', {"document_number": None}, 422, "VALIDATION_FAILED"),
        ('"1"', {"reason": ""}, 422, "VALIDATION_FAILED"),
        ('"1"', {"new_pinyin": "bao3xing1"}, 422, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_renames_are_refused(
    client: httpx.AsyncClient,
    tokens: Tokens,
    etag: str | None,
    extra: dict[str, Any],
    status: int,
    code: str,
) -> None:
    created = await register(client, tokens)
    await register(client, tokens, standard_name="拖市路", pinyin="Tuōshì Lù")
    response = await rename(client, tokens, created.json()["id"], etag, **extra)

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_places_are_found_by_name_pinyin_or_former_name(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    road = await register(client, tokens)
    await register(
        client,
        tokens,
        standard_name="陆羽故园",
        pinyin="Lùyǔ Gùyuán",
        category="memorial_scenic",
        division_code="429006001",
    )
    await rename(client, tokens, road.json()["id"], '"1"')

    async def found(q: str) -> list[str]:
        response = await client.get(URL, params={"q": q}, headers=tokens.headers("auditor"))
        return [p["standard_name"] for p in response.json()["items"]]

    assert await found("宝兴") == ["宝兴大道"]
    assert await found("多宝大") == ["宝兴大道"]  # its former name
    assert await found("baoxing") == ["宝兴大道"]
    assert await found("Bǎo Xīng") == ["宝兴大道"]
    assert await found("LUYU gu") == ["陆羽故园"]
    assert await found("duobao") == []  # pinyin of the current name only
    assert await found("%") == []


async def test_places_are_listed_by_category_and_area(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await register(
        client, tokens, category="bridge", standard_name="多宝大桥", pinyin="Duōbǎo Dàqiáo"
    )
    await register(client, tokens, division_code=TUOSHI)

    bridges = await client.get(URL, params={"category": "bridge"}, headers=city(tokens))
    in_tuoshi = await client.get(URL, params={"area_code": TUOSHI}, headers=city(tokens))

    assert [p["standard_name"] for p in bridges.json()["items"]] == ["多宝大桥"]
    assert in_tuoshi.json()["total"] == 1


async def test_a_township_officer_sees_the_place_names_of_its_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    mine = await register(client, tokens)
    theirs = await register(client, tokens, division_code=TUOSHI)
    citywide = await register(
        client, tokens, standard_name="天门大道", pinyin="Tiānmén Dàdào", division_code="429006"
    )
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=officer)
    own = await client.get(f"{URL}/{mine.json()['id']}", headers=officer)
    other = await client.get(f"{URL}/{theirs.json()['id']}", headers=officer)
    city_level = await client.get(f"{URL}/{citywide.json()['id']}", headers=officer)

    assert [p["id"] for p in listed.json()["items"]] == [mine.json()["id"]]
    assert own.status_code == 200
    assert other.status_code == 404
    assert other.json()["code"] == "GOVERNANCE_PLACE_NAME_NOT_FOUND"
    assert city_level.status_code == 404


@pytest.mark.parametrize("role", ["township_officer", "auditor"])
async def test_only_the_city_registers_and_renames(
    client: httpx.AsyncClient, tokens: Tokens, role: str
) -> None:
    created = await register(client, tokens)
    headers = tokens.headers(role, area_codes=[DUOBAO])
    posted = await client.post(URL, json=place(division_code=DUOBAO), headers=headers)
    renamed = await client.post(
        f"{URL}/{created.json()['id']}/renames",
        json=renaming(),
        headers=headers | {"If-Match": '"1"'},
    )

    assert (posted.status_code, renamed.status_code) == (403, 403)


async def test_details_are_corrected_but_the_name_only_by_a_rename(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens)
    await register(client, tokens, category="bridge")
    place_id = created.json()["id"]
    patched = await client.patch(
        f"{URL}/{place_id}",
        json={"origin": "清代即有此路", "meaning": None, "pinyin": "Duōbǎo  Dàdào"},
        headers=city(tokens) | {"If-Match": '"1"'},
    )
    name = await client.patch(
        f"{URL}/{place_id}",
        json={"standard_name": "别的名字"},
        headers=city(tokens) | {"If-Match": '"2"'},
    )
    clash = await client.patch(
        f"{URL}/{place_id}", json={"category": "bridge"}, headers=city(tokens) | {"If-Match": '"2"'}
    )
    moved = await client.patch(
        f"{URL}/{place_id}",
        json={"division_code": TUOSHI},
        headers=city(tokens) | {"If-Match": '"2"'},
    )
    unversioned = await client.patch(
        f"{URL}/{place_id}", json={"origin": "x"}, headers=city(tokens)
    )

    assert patched.status_code == 200
    assert (patched.json()["origin"], patched.json()["meaning"]) == ("清代即有此路", None)
    assert patched.json()["history"][0]["new_name"] == "多宝大道"
    assert name.status_code == 422
    assert clash.status_code == 409
    assert clash.json()["code"] == "GOVERNANCE_PLACE_NAME_EXISTS"
    assert moved.status_code == 200
    assert moved.json()["division"] == {"code": TUOSHI, "name": "拖市镇"}
    assert unversioned.status_code == 428


async def test_two_renames_from_one_version_do_not_both_land(
    committed_app: FastAPI, tokens: Tokens
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    name = unique("路")
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        created = await register(client, tokens, standard_name=name)
        place_id = created.json()["id"]
        responses = await asyncio.gather(
            *(
                rename(client, tokens, place_id, '"1"', new_name=f"{name}{i}", new_pinyin="Lù")
                for i in range(2)
            )
        )
        read = await client.get(f"{URL}/{place_id}", headers=city(tokens))

    assert sorted(r.status_code for r in responses) == [200, 412]
    winner = next(r for r in responses if r.status_code == 200).json()["standard_name"]
    assert read.json()["standard_name"] == winner
    assert [h["event"] for h in read.json()["history"]] == ["named", "renamed"]
