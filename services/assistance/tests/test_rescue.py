"""Vagrant and beggar rescue records: recording, listing by year, scoping, person-times."""

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.rescue.repository import rescue_stats
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Sex

DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
URL = "/api/v1/rescue-records"


def rescue(**extra: Any) -> dict[str, Any]:
    return {
        "person_name": "无名氏",
        "sex": "male",
        "approximate_age": 55,
        "found_date": "2020-12-20",
        "place": "多宝镇汽车站候车室",
        "area_code": DUOBAO_VILLAGE,
        "help_given": ["food", "shelter"],
        "outcome": "placed_in_institution",
        **extra,
    }


async def record(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json=body, headers=tokens.headers("city_officer"))


async def test_a_rescue_is_recorded_with_or_without_an_id_number(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    number = str(make_id_number(sex=Sex.FEMALE))
    unknown = await record(client, tokens, rescue())
    known = await record(
        client,
        tokens,
        rescue(
            person_name="刘某",
            id_number=number,
            sex="female",
            help_given=["food", "transport_home"],
            outcome="returned_home",
        ),
    )
    read = await client.get(
        f"{URL}/{known.json()['id']}",
        headers=tokens.headers("auditor", scopes=["pii:read"]),
    )

    assert unknown.status_code == 201
    assert unknown.json()["id_number"] is None
    assert unknown.json()["year"] == 2020
    assert unknown.json()["help_given"] == ["food", "shelter"]
    assert unknown.headers["etag"] == '"1"'
    assert known.status_code == 201
    assert read.json()["id_number"] == number
    assert read.json()["outcome"] == "returned_home"
    assert read.headers["etag"] == '"1"'


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"help_given": []}, "help_given"),
        ({"help_given": ["food", "food"]}, "救助内容不能重复"),
        ({"help_given": ["cash"]}, "help_given"),
        ({"outcome": "other"}, "备注"),
        ({"approximate_age": 130}, "approximate_age"),
        ({"found_date": "2999-01-01"}, "救助日期"),
        ({"area_code": "429006"}, "area_code"),
        ({"id_number": str(make_id_number(sex=Sex.MALE)), "sex": "female"}, "性别与身份证号不符"),
    ],
)
async def test_bad_records_are_422(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], problem: str
) -> None:
    response = await record(client, tokens, rescue(**change))

    assert response.status_code == 422
    assert problem in response.text


async def test_a_date_in_the_body_is_written_yyyy_mm_dd(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for written in (0, "20201220", "2020-12-20T00:00:00"):
        response = await record(client, tokens, rescue(found_date=written))
        assert response.status_code == 422, (written, response.text)  # 0 was 1970-01-01
        (problem,) = response.json()["errors"]
        assert problem["field"] == "found_date"
        assert "YYYY-MM-DD" in problem["message"]
    accepted = await record(client, tokens, rescue(found_date="2020-12-20"))
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["found_date"] == "2020-12-20"


async def test_records_are_listed_by_year(client: httpx.AsyncClient, tokens: Tokens) -> None:
    first_day = await record(client, tokens, rescue(found_date="2020-01-01"))
    last_day = await record(client, tokens, rescue(found_date="2020-12-31"))
    await record(client, tokens, rescue(found_date="2019-12-31"))
    await record(client, tokens, rescue(found_date="2021-01-01"))
    headers = tokens.headers("city_officer")

    in_2020 = await client.get(URL, params={"year": 2020}, headers=headers)
    everything = await client.get(URL, headers=headers)
    returned = await client.get(URL, params={"outcome": "returned_home"}, headers=headers)

    assert in_2020.json()["total"] == 2
    # Latest first.
    assert [r["id"] for r in in_2020.json()["items"]] == [
        last_day.json()["id"],
        first_day.json()["id"],
    ]
    assert everything.json()["total"] == 4
    assert returned.json()["total"] == 0


async def test_township_officers_see_only_their_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = await record(client, tokens, rescue())
    outside = await record(client, tokens, rescue(area_code=TUOSHI_VILLAGE))
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=officer)
    filtered = await client.get(
        URL, params={"area_code": "429006101"}, headers=tokens.headers("city_officer")
    )
    hidden = await client.get(f"{URL}/{outside.json()['id']}", headers=officer)
    created_outside = await client.post(URL, json=rescue(area_code=TUOSHI_VILLAGE), headers=officer)

    assert [r["id"] for r in listed.json()["items"]] == [inside.json()["id"]]
    assert [r["id"] for r in filtered.json()["items"]] == [outside.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "ASSISTANCE_RESCUE_NOT_FOUND"
    assert created_outside.status_code == 403


async def test_an_auditor_reads_but_never_writes(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await record(client, tokens, rescue())
    auditor = tokens.headers("auditor")

    refused = await client.post(URL, json=rescue(), headers=auditor)
    listed = await client.get(URL, headers=auditor)

    assert refused.status_code == 403
    assert listed.json()["total"] == 1


async def test_the_database_refuses_unknown_help(session: AsyncSession) -> None:
    with pytest.raises(IntegrityError):
        await session.execute(
            text(
                "INSERT INTO rescue_record (person_name, sex, found_date, place, area_code,"
                " help_given, outcome, recorded_by) VALUES ('无名氏', 'male', '2020-01-01',"
                " '车站', :area, ARRAY['cash']::varchar[], 'left', 'test')"
            ),
            {"area": DUOBAO_VILLAGE},
        )


async def test_person_times_in_a_year_by_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    for found in ("2020-02-01", "2020-07-15", "2020-12-31"):
        await record(client, tokens, rescue(found_date=found))
    await record(client, tokens, rescue(found_date="2020-05-05", area_code=TUOSHI_VILLAGE))
    await record(client, tokens, rescue(found_date="2019-05-05"))

    stats = await rescue_stats(session, 2020)
    duobao = await rescue_stats(session, 2020, DUOBAO)
    none = await rescue_stats(session, 2018)

    assert stats.person_times == 4
    assert {t.area_code: t.person_times for t in stats.by_township} == {
        DUOBAO: 3,
        "429006101": 1,
    }
    assert duobao.person_times == 3
    assert (none.person_times, none.by_township) == (0, [])
