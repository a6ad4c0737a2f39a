"""Training batches for boundary-survey staff: who took part, the counts, and who sees them."""

from typing import Any

import httpx
import pytest

from civil_cli.pytest_plugin import Tokens

URL = "/api/v1/boundary-trainings"
DUOBAO = "429006100"
TUOSHI = "429006101"
ZHANGGANG = "429006102"


def batch(**extra: Any) -> dict[str, Any]:
    return {
        "held_date": "2020-09-10",
        "place": "市民政局三楼会议室",
        "topic": "乡镇界线联检实务",
        "participants": 30,
        "township_codes": [TUOSHI, DUOBAO],
        **extra,
    }


async def record(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> httpx.Response:
    return await client.post(URL, json=batch(**extra), headers=tokens.headers("city_officer"))


async def test_a_training_batch_is_recorded_with_its_townships(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await record(client, tokens)
    again = await record(client, tokens, participants=12)
    read = await client.get(f"{URL}/{created.json()['id']}", headers=tokens.headers("auditor"))

    assert created.status_code == 201
    body = created.json()
    assert (body["year"], body["participants"], body["recorded_by"]) == (
        2020,
        30,
        "test-city_officer",
    )
    assert body["townships"] == [
        {"code": DUOBAO, "name": "多宝镇"},
        {"code": TUOSHI, "name": "拖市镇"},
    ]
    assert read.json() == body
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_TRAINING_EXISTS"
    assert again.json()["conflicting_training_id"] == body["id"]


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"participants": 1}, "GOVERNANCE_TRAINING_PARTICIPANTS"),
        ({"township_codes": [DUOBAO, "429006117"]}, "GOVERNANCE_TRAINING_TOWNSHIP_UNKNOWN"),
        ({"township_codes": [DUOBAO, DUOBAO]}, "VALIDATION_FAILED"),
        ({"township_codes": []}, "VALIDATION_FAILED"),
        ({"township_codes": ["429006100201"]}, "VALIDATION_FAILED"),
        ({"participants": 0}, "VALIDATION_FAILED"),
        ({"held_date": "2999-01-01"}, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_batches_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, extra: dict[str, Any], code: str
) -> None:
    response = await record(client, tokens, **extra)

    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_a_date_in_the_body_is_written_yyyy_mm_dd(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for written in (0, "20200910", "2020-09-10T00:00:00"):
        response = await record(client, tokens, held_date=written)
        assert response.status_code == 422, (written, response.text)  # 0 was 1970-01-01
        (problem,) = response.json()["errors"]
        assert problem["field"] == "held_date"
        assert "YYYY-MM-DD" in problem["message"]
    accepted = await record(client, tokens, held_date="2020-09-10")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["held_date"] == "2020-09-10"


async def test_batches_are_listed_by_year_and_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await record(client, tokens)
    await record(client, tokens, held_date="2020-10-10", township_codes=[ZHANGGANG])
    await record(client, tokens, held_date="2019-10-10", township_codes=[DUOBAO])

    async def topics(**params: Any) -> list[str]:
        response = await client.get(URL, params=params, headers=tokens.headers("auditor"))
        return [b["held_date"] for b in response.json()["items"]]

    assert await topics(year=2020) == ["2020-10-10", "2020-09-10"]
    assert await topics(township=DUOBAO) == ["2020-09-10", "2019-10-10"]
    assert await topics(year=2019, township=ZHANGGANG) == []


async def test_a_township_officer_sees_the_batches_its_township_attended(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    attended = await record(client, tokens)
    elsewhere = await record(client, tokens, held_date="2020-10-10", township_codes=[ZHANGGANG])
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=duobao)
    own = await client.get(f"{URL}/{attended.json()['id']}", headers=duobao)
    other = await client.get(f"{URL}/{elsewhere.json()['id']}", headers=duobao)
    posted = await client.post(URL, json=batch(held_date="2020-11-01"), headers=duobao)

    assert [b["id"] for b in listed.json()["items"]] == [attended.json()["id"]]
    assert own.status_code == 200
    assert other.status_code == 404
    assert other.json()["code"] == "GOVERNANCE_TRAINING_NOT_FOUND"
    assert posted.status_code == 403
