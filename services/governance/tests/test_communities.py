"""Communities and villages: the register, pilots, the three councils, the covenant."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.communities.repository import CommunityRepository
from civil_governance.db import AuditEvent
from civil_governance.divisions.models import Division

JINGLING = "429006001"  # 竟陵街道
DUOBAO = "429006100"  # 多宝镇
GUANLU = "429006001901"  # an urban community of 竟陵街道
HONGJIAN = "429006001902"
DUOBAO_VILLAGE = "429006100901"
TUOSHI_VILLAGE = "429006101901"  # 拖市镇
URL = "/api/v1/communities"


async def add_division(session: AsyncSession, code: str, name: str, kind: str) -> None:
    """A village or community in the division tree (get or create: the tree is shared)."""
    if await session.get(Division, code) is None:
        session.add(
            Division(code=code, name=name, level="village", kind=kind, parent_code=code[:9])
        )
        await session.flush()


@pytest.fixture
async def divisions(session: AsyncSession) -> None:
    await add_division(session, GUANLU, "官路测试社区", "community")
    await add_division(session, HONGJIAN, "鸿渐测试社区", "community")
    await add_division(session, DUOBAO_VILLAGE, "多宝测试村", "village")
    await add_division(session, TUOSHI_VILLAGE, "拖市测试村", "village")
    await session.commit()


def city(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


def township(tokens: Tokens, area: str = JINGLING) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[area])


def community(area_code: str = DUOBAO_VILLAGE, **extra: Any) -> dict[str, Any]:
    return {"area_code": area_code, "population": 2400, "households": 760, **extra}


async def register(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str = DUOBAO_VILLAGE, **extra: Any
) -> httpx.Response:
    response = await client.post(URL, json=community(area_code, **extra), headers=city(tokens))
    assert response.status_code == 201, response.text
    return response


def if_match(tokens: Tokens, etag: str, role: str = "city_officer") -> dict[str, str]:
    return {**tokens.headers(role), "If-Match": etag}


# --- the register ----------------------------------------------------------------


@pytest.mark.usefixtures("divisions")
async def test_a_community_takes_its_name_and_type_from_the_division_tree(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    village = await client.post(
        URL, json=community(pilot_year=2020), headers=city(tokens, sub="wang.wu")
    )
    urban = await client.post(URL, json=community(GUANLU), headers=city(tokens))

    assert village.status_code == 201
    assert village.headers["etag"] == '"1"'
    assert village.headers["location"] == f"{URL}/{DUOBAO_VILLAGE}"
    assert village.json() == {
        "area_code": DUOBAO_VILLAGE,
        "name": "多宝测试村",
        "type": "village",
        "township_code": DUOBAO,
        "township_name": "多宝镇",
        "population": 2400,
        "households": 760,
        "pilot": True,
        "pilot_year": 2020,
        "councils": [],
        "three_councils_complete": False,
        "covenant_version": None,
        "exemplary_covenant": False,
        "version": 1,
    }
    assert urban.json()["type"] == "urban_community"
    assert urban.json()["township_name"] == "竟陵街道"
    audit = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "community", AuditEvent.entity_id == DUOBAO_VILLAGE
            )
        )
    ).one()
    assert (audit.actor, audit.action) == ("wang.wu", "insert")


@pytest.mark.usefixtures("divisions")
async def test_a_village_renamed_in_the_tree_is_renamed_here(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await register(client, tokens)
    division = await session.get(Division, DUOBAO_VILLAGE)
    assert division is not None
    division.name = "多宝新村"
    await session.commit()

    shown = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=city(tokens))

    assert shown.json()["name"] == "多宝新村"


@pytest.mark.usefixtures("divisions")
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (community("429006100999"), 422, "GOVERNANCE_COMMUNITY_DIVISION_MISSING"),
        (community(GUANLU, pilot_year=2020), 422, "GOVERNANCE_COMMUNITY_PILOT_RURAL_ONLY"),
        (community(DUOBAO), 422, "VALIDATION_FAILED"),  # a township is not a community
        (community("420106001001"), 422, "VALIDATION_FAILED"),  # not in Tianmen
        (community(households=2401), 422, "VALIDATION_FAILED"),
        (community(pilot_year=2999), 422, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_communities_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], status: int, code: str
) -> None:
    response = await client.post(URL, json=body, headers=city(tokens))
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.usefixtures("divisions")
async def test_a_community_is_registered_once_and_by_the_city(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    again = await client.post(URL, json=community(), headers=city(tokens))
    by_township = await client.post(
        URL, json=community(TUOSHI_VILLAGE), headers=township(tokens, "429006101")
    )
    by_auditor = await client.post(
        URL, json=community(TUOSHI_VILLAGE), headers=tokens.headers("auditor")
    )

    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_COMMUNITY_EXISTS"
    assert by_township.status_code == 403
    assert by_auditor.status_code == 403


@pytest.mark.usefixtures("divisions")
async def test_townships_see_and_update_only_their_own_communities(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    guanlu = await register(client, tokens, GUANLU)
    await register(client, tokens, DUOBAO_VILLAGE)

    listed = await client.get(URL, headers=township(tokens))
    own = await client.patch(
        f"{URL}/{GUANLU}",
        json={"population": 5200, "households": 1800},
        headers={**township(tokens), "If-Match": guanlu.headers["etag"]},
    )
    other_read = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=township(tokens))
    other_write = await client.patch(
        f"{URL}/{DUOBAO_VILLAGE}",
        json={"population": 1},
        headers={**township(tokens), "If-Match": '"1"'},
    )

    assert [c["area_code"] for c in listed.json()["items"]] == [GUANLU]
    assert listed.json()["total"] == 1
    assert own.status_code == 200
    assert (own.json()["population"], own.json()["households"]) == (5200, 1800)
    assert own.headers["etag"] == '"2"'
    assert other_read.status_code == other_write.status_code == 404
    assert other_read.json()["code"] == "GOVERNANCE_COMMUNITY_NOT_FOUND"


@pytest.mark.usefixtures("divisions")
async def test_updates_need_the_current_etag_and_keep_households_within_population(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens)
    url = f"{URL}/{DUOBAO_VILLAGE}"
    missing = await client.patch(url, json={"population": 2500}, headers=city(tokens))
    stale = await client.patch(url, json={"population": 2500}, headers=if_match(tokens, '"7"'))
    too_many = await client.patch(
        url, json={"population": 700}, headers=if_match(tokens, created.headers["etag"])
    )

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "GOVERNANCE_COMMUNITY_FIGURES"


@pytest.mark.usefixtures("divisions")
async def test_the_city_designates_rural_pilots(client: httpx.AsyncClient, tokens: Tokens) -> None:
    village = await register(client, tokens)
    urban = await register(client, tokens, GUANLU)
    await register(client, tokens, TUOSHI_VILLAGE)

    designated = await client.put(
        f"{URL}/{DUOBAO_VILLAGE}/pilot",
        json={"pilot_year": 2020},
        headers=if_match(tokens, village.headers["etag"]),
    )
    by_township = await client.put(
        f"{URL}/{DUOBAO_VILLAGE}/pilot",
        json={"pilot_year": None},
        headers={**township(tokens, DUOBAO), "If-Match": '"2"'},
    )
    refused = await client.put(
        f"{URL}/{GUANLU}/pilot",
        json={"pilot_year": 2020},
        headers=if_match(tokens, urban.headers["etag"]),
    )
    pilots = await client.get(URL, params={"pilot": True}, headers=city(tokens))
    of_2020 = await client.get(URL, params={"pilot_year": 2020}, headers=city(tokens))
    villages = await client.get(URL, params={"type": "village"}, headers=city(tokens))

    assert designated.status_code == 200
    assert designated.json()["pilot"] is True
    assert designated.headers["etag"] == '"2"'
    assert by_township.status_code == 403
    assert refused.status_code == 422
    assert refused.json()["code"] == "GOVERNANCE_COMMUNITY_PILOT_RURAL_ONLY"
    assert [c["area_code"] for c in pilots.json()["items"]] == [DUOBAO_VILLAGE]
    assert of_2020.json()["total"] == 1
    assert {c["area_code"] for c in villages.json()["items"]} == {DUOBAO_VILLAGE, TUOSHI_VILLAGE}


# --- the three councils ----------------------------------------------------------


async def establish(
    client: httpx.AsyncClient, tokens: Tokens, kind: str, area_code: str = DUOBAO_VILLAGE
) -> httpx.Response:
    return await client.post(
        f"{URL}/{area_code}/councils",
        json={"kind": kind, "established_date": "2019-03-01"},
        headers=city(tokens),
    )


async def add_member(
    client: httpx.AsyncClient,
    tokens: Tokens,
    name: str,
    role: str = "member",
    since: str = "2019-03-01",
    kind: str = "consultation_council",
) -> httpx.Response:
    return await client.post(
        f"{URL}/{DUOBAO_VILLAGE}/councils/{kind}/members",
        json={"name": name, "role": role, "since": since},
        headers=city(tokens),
    )


@pytest.mark.usefixtures("divisions")
async def test_each_of_the_three_councils_is_established_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await register(client, tokens, TUOSHI_VILLAGE)
    first = await establish(client, tokens, "consultation_council")
    again = await establish(client, tokens, "consultation_council")
    await establish(client, tokens, "council")
    partial = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=city(tokens))
    await establish(client, tokens, "supervision_committee")
    complete = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=city(tokens))
    listed = await client.get(f"{URL}/{DUOBAO_VILLAGE}/councils", headers=city(tokens))
    incomplete = await client.get(URL, params={"councils_complete": False}, headers=city(tokens))
    missing = await client.get(f"{URL}/{TUOSHI_VILLAGE}/councils/council", headers=city(tokens))

    assert first.status_code == 201
    assert first.json()["label"] == "协商议事会"
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_COUNCIL_EXISTS"
    assert partial.json()["three_councils_complete"] is False
    assert complete.json()["councils"] == [
        "consultation_council",
        "council",
        "supervision_committee",
    ]
    assert complete.json()["three_councils_complete"] is True
    assert [c["kind"] for c in listed.json()] == [
        "consultation_council",
        "council",
        "supervision_committee",
    ]
    assert [c["area_code"] for c in incomplete.json()["items"]] == [TUOSHI_VILLAGE]
    assert missing.status_code == 404
    assert missing.json()["code"] == "GOVERNANCE_COUNCIL_NOT_FOUND"


@pytest.mark.usefixtures("divisions")
async def test_a_council_has_one_serving_chair(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await register(client, tokens)
    await establish(client, tokens, "consultation_council")
    chair = await add_member(client, tokens, "张三", "chair")
    second = await add_member(client, tokens, "李四", "chair")
    member = await add_member(client, tokens, "李四", "member")
    promoted = await client.patch(
        f"{URL}/{DUOBAO_VILLAGE}/councils/consultation_council/members/{member.json()['id']}",
        json={"role": "chair"},
        headers=if_match(tokens, member.headers["etag"]),
    )
    ended = await client.patch(
        f"{URL}/{DUOBAO_VILLAGE}/councils/consultation_council/members/{chair.json()['id']}",
        json={"until": "2020-01-01"},
        headers=if_match(tokens, chair.headers["etag"]),
    )
    successor = await add_member(client, tokens, "王五", "chair", since="2020-01-01")
    ended_again = await client.patch(
        f"{URL}/{DUOBAO_VILLAGE}/councils/consultation_council/members/{chair.json()['id']}",
        json={"role": "member"},
        headers=if_match(tokens, ended.headers["etag"]),
    )
    council = await client.get(
        f"{URL}/{DUOBAO_VILLAGE}/councils/consultation_council", headers=city(tokens)
    )

    assert chair.status_code == 201
    assert second.status_code == promoted.status_code == 409
    assert second.json()["code"] == promoted.json()["code"] == "GOVERNANCE_COUNCIL_CHAIR_TAKEN"
    assert ended.status_code == 200
    assert ended.json()["serving"] is False
    assert ended.headers["etag"] == '"2"'
    assert successor.status_code == 201
    assert ended_again.status_code == 409
    assert ended_again.json()["code"] == "GOVERNANCE_MEMBER_ENDED"
    assert council.json()["members_serving"] == 2
    assert [m["name"] for m in council.json()["members"]][-1] == "张三"  # former members last


@pytest.mark.usefixtures("divisions")
async def test_member_terms_lie_within_the_council(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await establish(client, tokens, "council")
    early = await add_member(client, tokens, "赵六", since="2019-02-28", kind="council")
    member = await add_member(client, tokens, "赵六", since="2019-05-01", kind="council")
    backwards = await client.patch(
        f"{URL}/{DUOBAO_VILLAGE}/councils/council/members/{member.json()['id']}",
        json={"until": "2019-05-01"},
        headers=if_match(tokens, member.headers["etag"]),
    )

    assert early.status_code == 422
    assert early.json()["code"] == "GOVERNANCE_MEMBER_SINCE"
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "GOVERNANCE_MEMBER_UNTIL"


@pytest.mark.usefixtures("divisions")
async def test_meetings_count_no_more_attendants_than_members_in_office(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await establish(client, tokens, "supervision_committee")
    for name in ("甲", "乙", "丙"):
        await add_member(client, tokens, name, kind="supervision_committee")
    await add_member(client, tokens, "丁", since="2020-06-01", kind="supervision_committee")
    meetings = f"{URL}/{DUOBAO_VILLAGE}/councils/supervision_committee/meetings"

    def meeting(on: str, attendance: int) -> dict[str, Any]:
        return {
            "meeting_date": on,
            "topic": "村务公开监督",
            "decisions": "同意公开2020年上半年财务收支",
            "attendance": attendance,
        }

    full = await client.post(meetings, json=meeting("2020-07-01", 4), headers=city(tokens))
    too_many = await client.post(meetings, json=meeting("2020-05-01", 4), headers=city(tokens))
    thin = await client.post(meetings, json=meeting("2019-12-01", 1), headers=city(tokens))
    before = await client.post(meetings, json=meeting("2019-01-01", 1), headers=city(tokens))
    of_2020 = await client.get(meetings, params={"year": 2020}, headers=city(tokens))
    council = await client.get(
        f"{URL}/{DUOBAO_VILLAGE}/councils/supervision_committee", headers=city(tokens)
    )

    assert full.status_code == 201
    assert (full.json()["members_serving"], full.json()["quorate"]) == (4, True)
    assert full.json()["recorded_by"] == "test-city_officer"
    assert too_many.status_code == 422
    assert too_many.json()["code"] == "GOVERNANCE_MEETING_ATTENDANCE"
    assert too_many.json()["members_serving"] == 3
    assert thin.status_code == 201
    assert (thin.json()["members_serving"], thin.json()["quorate"]) == (3, False)
    assert before.status_code == 422
    assert before.json()["code"] == "GOVERNANCE_MEETING_DATE"
    assert [m["meeting_date"] for m in of_2020.json()["items"]] == ["2020-07-01"]
    assert council.json()["meetings_held"] == 2
    assert council.json()["last_meeting_date"] == "2020-07-01"


@pytest.mark.usefixtures("divisions")
async def test_a_meeting_record_is_corrected_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await establish(client, tokens, "council")
    await add_member(client, tokens, "甲", kind="council")
    await add_member(client, tokens, "乙", kind="council")
    created = await client.post(
        f"{URL}/{DUOBAO_VILLAGE}/councils/council/meetings",
        json={
            "meeting_date": "2020-03-01",
            "topic": "疫情防控",
            "decisions": "设立卡点",
            "attendance": 1,
        },
        headers=city(tokens),
    )
    url = f"{URL}/{DUOBAO_VILLAGE}/councils/council/meetings/{created.json()['id']}"
    corrected = await client.patch(
        url, json={"attendance": 2}, headers=if_match(tokens, created.headers["etag"])
    )
    stale = await client.patch(
        url, json={"topic": "防疫"}, headers=if_match(tokens, created.headers["etag"])
    )
    impossible = await client.patch(
        url, json={"attendance": 3}, headers=if_match(tokens, corrected.headers["etag"])
    )
    by_auditor = await client.patch(
        url, json={"topic": "防疫"}, headers=if_match(tokens, '"2"', role="auditor")
    )

    assert corrected.status_code == 200
    assert corrected.json()["quorate"] is True
    assert corrected.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert impossible.status_code == 422
    assert by_auditor.status_code == 403


@pytest.mark.usefixtures("divisions")
async def test_councils_outside_the_area_are_not_found(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await establish(client, tokens, "council")
    read = await client.get(
        f"{URL}/{DUOBAO_VILLAGE}/councils/council", headers=township(tokens, "429006101")
    )
    write = await client.post(
        f"{URL}/{DUOBAO_VILLAGE}/councils/council/members",
        json={"name": "甲", "role": "member", "since": "2020-01-01"},
        headers=township(tokens, "429006101"),
    )
    own = await client.post(
        f"{URL}/{DUOBAO_VILLAGE}/councils/council/members",
        json={"name": "甲", "role": "member", "since": "2020-01-01"},
        headers=township(tokens, DUOBAO),
    )

    assert read.status_code == write.status_code == 404
    assert own.status_code == 201


# --- the covenant ----------------------------------------------------------------


async def adopt(
    client: httpx.AsyncClient, tokens: Tokens, adopted: str, area_code: str = DUOBAO_VILLAGE
) -> httpx.Response:
    return await client.post(
        f"{URL}/{area_code}/covenant/versions",
        json={
            "title": "多宝测试村村规民约",
            "text": f"一、爱党爱国，遵纪守法。二、移风易俗，喜事新办。（{adopted}）",
            "adopted_date": adopted,
        },
        headers=city(tokens),
    )


@pytest.mark.usefixtures("divisions")
async def test_covenant_versions_are_numbered_and_one_is_current(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await register(client, tokens, GUANLU)
    none_yet = await client.get(f"{URL}/{DUOBAO_VILLAGE}/covenant", headers=city(tokens))
    first = await adopt(client, tokens, "2018-05-01")
    second = await adopt(client, tokens, "2020-06-30")
    not_later = await adopt(client, tokens, "2020-06-30")
    current = await client.get(f"{URL}/{DUOBAO_VILLAGE}/covenant", headers=city(tokens))
    versions = await client.get(f"{URL}/{DUOBAO_VILLAGE}/covenant/versions", headers=city(tokens))
    shown = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=city(tokens))
    urban = await adopt(client, tokens, "2020-01-01", GUANLU)

    assert none_yet.status_code == 404
    assert none_yet.json()["code"] == "GOVERNANCE_COVENANT_NOT_FOUND"
    assert first.status_code == second.status_code == 201
    assert (first.json()["version_number"], second.json()["version_number"]) == (1, 2)
    assert first.json()["kind"] == "village_rules"
    assert not_later.status_code == 422
    assert not_later.json()["code"] == "GOVERNANCE_COVENANT_ADOPTED_DATE"
    assert current.json()["version_number"] == 2
    assert current.json()["current"] is True
    assert [
        (v["version_number"], v["current"], v["superseded_date"]) for v in versions.json()["items"]
    ] == [
        (2, True, None),
        (1, False, "2020-06-30"),
    ]
    assert shown.json()["covenant_version"] == 2
    assert urban.json()["kind"] == "residents_covenant"
    assert urban.json()["version_number"] == 1


@pytest.mark.usefixtures("divisions")
async def test_the_database_keeps_one_current_version_in_a_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    await register(client, tokens)
    await adopt(client, tokens, "2018-05-01")

    async def unseen(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(CommunityRepository, "current_version", unseen)
    raced = await adopt(client, tokens, "2020-05-01")

    assert raced.status_code == 409
    assert raced.json()["code"] == "GOVERNANCE_COVENANT_RACE"


@pytest.mark.usefixtures("divisions")
async def test_exemplary_recognitions_fall_in_the_versions_years(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens)
    await register(client, tokens, TUOSHI_VILLAGE)
    recognitions = f"{URL}/{DUOBAO_VILLAGE}/covenant/recognitions"
    no_covenant = await client.post(
        recognitions, json={"year": 2020, "recognised_by": "湖北省民政厅"}, headers=city(tokens)
    )
    await adopt(client, tokens, "2018-05-01")
    await adopt(client, tokens, "2020-06-30")

    current = await client.post(
        recognitions,
        json={"year": 2020, "recognised_by": "湖北省民政厅", "honour": "全省优秀村规民约"},
        headers=city(tokens),
    )
    twice = await client.post(
        recognitions, json={"year": 2020, "recognised_by": "湖北省民政厅"}, headers=city(tokens)
    )
    old = await client.post(
        recognitions,
        json={"year": 2019, "recognised_by": "天门市民政局", "version_number": 1},
        headers=city(tokens),
    )
    after_superseded = await client.post(
        recognitions,
        json={"year": 2021, "recognised_by": "天门市民政局", "version_number": 1},
        headers=city(tokens),
    )
    before_adoption = await client.post(
        recognitions, json={"year": 2019, "recognised_by": "民政部"}, headers=city(tokens)
    )
    unknown_version = await client.post(
        recognitions,
        json={"year": 2019, "recognised_by": "民政部", "version_number": 9},
        headers=city(tokens),
    )
    beyond_any_version = await client.post(
        recognitions,
        json={"year": 2019, "recognised_by": "民政部", "version_number": 40000},
        headers=city(tokens),
    )
    by_township = await client.post(
        recognitions,
        json={"year": 2020, "recognised_by": "多宝镇"},
        headers=township(tokens, DUOBAO),
    )
    of_2020 = await client.get(
        "/api/v1/covenant-recognitions", params={"year": 2020}, headers=city(tokens)
    )
    shown = await client.get(f"{URL}/{DUOBAO_VILLAGE}", headers=city(tokens))
    covenant = await client.get(f"{URL}/{DUOBAO_VILLAGE}/covenant", headers=city(tokens))

    assert no_covenant.status_code == 422
    assert no_covenant.json()["code"] == "GOVERNANCE_COVENANT_MISSING"
    assert current.status_code == 201
    assert current.json()["version_number"] == 2
    assert current.json()["community_name"] == "多宝测试村"
    assert twice.status_code == 409
    assert twice.json()["code"] == "GOVERNANCE_RECOGNITION_EXISTS"
    assert old.status_code == 201
    assert old.json()["version_number"] == 1
    assert after_superseded.status_code == before_adoption.status_code == 422
    assert after_superseded.json()["code"] == "GOVERNANCE_RECOGNITION_YEAR"
    assert unknown_version.status_code == 404
    assert beyond_any_version.status_code == 422  # was a 500: the column is a smallint
    assert by_township.status_code == 403
    assert [(r["area_code"], r["year"]) for r in of_2020.json()["items"]] == [
        (DUOBAO_VILLAGE, 2020)
    ]
    assert shown.json()["exemplary_covenant"] is True
    assert [r["honour"] for r in covenant.json()["recognitions"]] == ["全省优秀村规民约"]


@pytest.mark.usefixtures("divisions")
async def test_recognitions_are_listed_only_in_the_callers_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for code in (DUOBAO_VILLAGE, TUOSHI_VILLAGE):
        await register(client, tokens, code)
        await adopt(client, tokens, "2019-01-01", code)
        await client.post(
            f"{URL}/{code}/covenant/recognitions",
            json={"year": 2020, "recognised_by": "天门市民政局"},
            headers=city(tokens),
        )

    everything = await client.get("/api/v1/covenant-recognitions", headers=city(tokens))
    duobao = await client.get("/api/v1/covenant-recognitions", headers=township(tokens, DUOBAO))

    assert everything.json()["total"] == 2
    assert [r["area_code"] for r in duobao.json()["items"]] == [DUOBAO_VILLAGE]
