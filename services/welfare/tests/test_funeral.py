"""Funeral relief: one fee waiver per deceased person, its rules, corrections under If-Match,
totals by period, township and programme, area scoping and masked ID numbers."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number
from civil_welfare.db import AuditEvent
from civil_welfare.funeral.repository import FuneralRepository

DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI = "429006101"
TUOSHI_VILLAGE = "429006101001"
URL = "/api/v1/funeral-waivers"


def waiver(**extra: Any) -> dict[str, Any]:
    return {
        "deceased_id_number": str(make_id_number(birth_date=date(1938, 2, 3))),
        "deceased_name": "王大爷",
        "death_date": "2020-05-02",
        "area_code": DUOBAO_VILLAGE,
        "family_programme": "dibao",
        "items": ["transport", "cremation", "urn"],
        "amount": "1130.00",
        "approved_by": "市民政局社会事务科 刘明",
        "approved_date": "2020-05-06",
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def record(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> httpx.Response:
    return await client.post(URL, json=waiver(**extra), headers=city(tokens))


async def test_a_deceased_person_gets_one_waiver(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = waiver()
    first = await client.post(URL, json=body, headers=city(tokens))
    again = await client.post(URL, json={**body, "family_programme": "tekun"}, headers=city(tokens))

    assert first.status_code == 201
    assert first.headers["etag"] == '"1"'
    out = first.json()
    assert out["amount"] == "1130.00"
    assert out["period"] == "2020-05"
    assert out["township_code"] == DUOBAO
    assert out["recorded_by"] == "test-city_officer"
    assert out["deceased_id_number"] != body["deceased_id_number"]  # masked
    assert out["deceased_id_number"].endswith(body["deceased_id_number"][-4:])
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_FUNERAL_WAIVER_EXISTS"
    assert again.json()["waiver_id"] == out["id"]
    audited = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity == "funeral_waiver", AuditEvent.action == "insert"
        )
    )
    assert audited is not None
    assert audited.new_values is not None
    assert audited.new_values["amount"] == "1130.00"


async def test_the_database_holds_one_waiver_per_deceased_in_a_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = waiver()
    await client.post(URL, json=body, headers=city(tokens))

    async def none(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(FuneralRepository, "waiver_of", none)
    raced = await client.post(URL, json=body, headers=city(tokens))
    listed = await client.get(URL, params={"q": body["deceased_id_number"]}, headers=city(tokens))

    assert raced.status_code == 409
    assert raced.json()["code"] == "WELFARE_FUNERAL_WAIVER_EXISTS"
    assert listed.json()["total"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"approved_date": "2020-05-01"}, "body"),  # the day before the death
        ({"amount": "0"}, "body"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"death_date": "1938-02-02"}, "body"),  # before the birth
        ({"death_date": (date.today() + timedelta(days=1)).isoformat()}, "death_date"),
        ({"area_code": DUOBAO}, "area_code"),  # a village is required
        ({"area_code": "420100100001"}, "area_code"),
        ({"items": []}, "items"),
        ({"items": ["urn", "urn"]}, "items"),
        ({"items": ["banquet"]}, "items.0"),
        ({"family_programme": "edge_of_dibao"}, "family_programme"),
        ({"deceased_id_number": "429006193802031234"}, "deceased_id_number"),
    ],
)
async def test_invalid_waivers_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await record(client, tokens, **change)

    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


async def test_a_date_in_the_body_is_written_yyyy_mm_dd(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for written in (0, "20200506", "2020-05-06T00:00:00"):
        response = await record(client, tokens, approved_date=written)
        assert response.status_code == 422, (written, response.text)  # 0 was 1970-01-01
        (problem,) = response.json()["errors"]
        assert problem["field"] == "approved_date"
        assert "YYYY-MM-DD" in problem["message"]
    accepted = await record(client, tokens, approved_date="2020-05-06")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["approved_date"] == "2020-05-06"


async def test_a_waiver_approved_on_the_day_of_death_is_accepted(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await record(client, tokens, approved_date="2020-05-02")

    assert response.status_code == 201


async def test_a_waiver_approved_before_2000_is_refused_and_nothing_is_written(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # Counted in its approval month, and months start in 2000: it was saved, then a 500,
    # and every list page holding it a 500 after.
    old = await record(client, tokens, death_date="1999-05-02", approved_date="1999-05-06")
    created = (await record(client, tokens)).json()
    moved = await client.patch(
        f"{URL}/{created['id']}",
        json={"death_date": "1999-05-02", "approved_date": "1999-05-06"},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    listed = await client.get(URL, headers=city(tokens))

    assert old.status_code == 422
    assert "2000年" in old.text
    assert moved.status_code == 422
    assert moved.json()["code"] == "WELFARE_FUNERAL_WAIVER_INVALID"
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()["items"]] == [created["id"]]


async def test_a_waiver_is_corrected_under_if_match_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = (await record(client, tokens)).json()
    url = f"{URL}/{created['id']}"

    missing = await client.patch(url, json={"amount": "1200"}, headers=city(tokens))
    corrected = await client.patch(
        url,
        json={"amount": "1200", "items": ["transport", "cremation", "urn", "ash_storage"]},
        headers={**city(tokens), "If-Match": '"1"'},
    )
    stale = await client.patch(
        url, json={"amount": "1300"}, headers={**city(tokens), "If-Match": '"1"'}
    )
    before_death = await client.patch(
        url, json={"approved_date": "2020-04-30"}, headers={**city(tokens), "If-Match": '"2"'}
    )
    key_change = await client.patch(
        url,
        json={"deceased_id_number": str(make_id_number())},
        headers={**city(tokens), "If-Match": '"2"'},
    )

    assert missing.status_code == 428
    assert corrected.status_code == 200
    assert corrected.json()["amount"] == "1200.00"
    assert corrected.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert before_death.status_code == 422
    assert before_death.json()["code"] == "WELFARE_FUNERAL_WAIVER_INVALID"
    assert key_change.status_code == 422
    update = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == created["id"], AuditEvent.action == "update"
        )
    )
    assert update is not None
    assert update.old_values is not None
    assert update.old_values["amount"] == "1130.00"


async def test_totals_by_period_township_month_and_programme(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    recorded = [
        await record(client, tokens, approved_date="2020-01-01", death_date="2019-12-30"),
        await record(
            client, tokens, approved_date="2020-01-31", death_date="2020-01-20", amount="870.50"
        ),
        await record(
            client,
            tokens,
            approved_date="2020-12-31",
            death_date="2020-12-28",
            area_code=TUOSHI_VILLAGE,
            family_programme="tekun",
            amount="2000",
        ),
        await record(client, tokens, approved_date="2021-01-01", death_date="2020-12-31"),
        await record(client, tokens, approved_date="2019-12-31", death_date="2019-12-30"),
    ]
    assert {r.status_code for r in recorded} == {201}

    totals = await client.get(
        f"{URL}/totals", params={"from": "2020-01", "to": "2020-12"}, headers=city(tokens)
    )
    january = await client.get(
        f"{URL}/totals", params={"from": "2020-01", "to": "2020-01"}, headers=city(tokens)
    )
    scoped = await client.get(
        f"{URL}/totals",
        params={"from": "2020-01", "to": "2020-12"},
        headers=tokens.headers("township_officer", area_codes=[TUOSHI]),
    )
    backwards = await client.get(
        f"{URL}/totals", params={"from": "2020-12", "to": "2020-01"}, headers=city(tokens)
    )

    body = totals.json()
    assert (body["cases"], body["amount"]) == (3, "4000.50")
    assert body["by_township"] == [
        {"area_code": DUOBAO, "cases": 2, "amount": "2000.50"},
        {"area_code": TUOSHI, "cases": 1, "amount": "2000.00"},
    ]
    assert body["by_month"] == [
        {"period": "2020-01", "cases": 2, "amount": "2000.50"},
        {"period": "2020-12", "cases": 1, "amount": "2000.00"},
    ]
    assert body["by_programme"] == [
        {"family_programme": "dibao", "cases": 2, "amount": "2000.50"},
        {"family_programme": "tekun", "cases": 1, "amount": "2000.00"},
    ]
    assert (january.json()["cases"], january.json()["amount"]) == (2, "2000.50")
    assert (scoped.json()["cases"], scoped.json()["amount"]) == (1, "2000.00")
    assert [t["area_code"] for t in scoped.json()["by_township"]] == [TUOSHI]
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "WELFARE_PERIOD_RANGE"


async def test_totals_of_an_empty_period_are_zero(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(
        f"{URL}/totals", params={"from": "2015-01", "to": "2015-12"}, headers=city(tokens)
    )

    assert response.status_code == 200
    assert (response.json()["cases"], response.json()["amount"]) == (0, "0.00")
    assert response.json()["by_township"] == []


async def test_waivers_are_listed_searched_and_scoped(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    mine = (await record(client, tokens, deceased_name="赵桂兰")).json()
    theirs = (
        await record(client, tokens, area_code=TUOSHI_VILLAGE, approved_date="2020-08-01")
    ).json()
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])
    revealing = tokens.headers("township_officer", area_codes=[DUOBAO], scopes=["pii:read"])

    scoped = await client.get(URL, params={"limit": 500}, headers=officer)
    hidden = await client.get(f"{URL}/{theirs['id']}", headers=officer)
    hidden_write = await client.patch(
        f"{URL}/{theirs['id']}", json={"amount": "1"}, headers={**officer, "If-Match": '"1"'}
    )
    elsewhere = await client.post(URL, json=waiver(area_code=TUOSHI_VILLAGE), headers=officer)
    auditor = await client.post(URL, json=waiver(), headers=tokens.headers("auditor"))
    by_name = await client.get(URL, params={"q": "桂兰"}, headers=city(tokens))
    by_months = await client.get(
        URL, params={"from": "2020-06", "to": "2020-12"}, headers=city(tokens)
    )
    unmasked = await client.get(f"{URL}/{mine['id']}", headers=revealing)

    assert [w["id"] for w in scoped.json()["items"]] == [mine["id"]]
    assert hidden.status_code == hidden_write.status_code == 404
    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "WELFARE_AREA_FORBIDDEN"
    assert auditor.status_code == 403
    assert [w["id"] for w in by_name.json()["items"]] == [mine["id"]]
    assert [w["id"] for w in by_months.json()["items"]] == [theirs["id"]]
    assert "*" not in unmasked.json()["deceased_id_number"]
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert [(r.entity, r.entity_id) for r in reads] == [("funeral_waiver", mine["id"])]
