"""Subsidies for hard-up high-age and disabled elderly: who may have them, one open grant
per person and kind, ending, scoping; the monthly lines with each kind's amount."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import AppError
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period
from civil_welfare.db import AuditEvent
from civil_welfare.hard_up_elderly.payable import (
    hard_up_disabled_lines,
    hard_up_high_age_lines,
    payable_lines,
    payable_lines_of,
)
from civil_welfare.hard_up_elderly.schemas import SubsidyKind

URL = "/api/v1/hard-up-elderly-subsidies"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"


def grant(
    kind: str = "hard_up_high_age", birth: date = date(1935, 3, 1), **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "陈奶奶",
        "area_code": DUOBAO_VILLAGE,
        "kind": kind,
        "hardship_basis": "dibao",
        "start_period": "2020-01",
    }
    if kind == "hard_up_disabled":
        body["assessment"] = "经评估为重度失能"
    return {**body, **extra}


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def give(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def end(
    client: httpx.AsyncClient, tokens: Tokens, created: httpx.Response, end_period: str
) -> httpx.Response:
    return await client.post(
        f"{URL}/{created.json()['id']}/status",
        json={"status": "ended", "reason": "家庭经济状况好转", "end_period": end_period},
        headers={**city(tokens), "If-Match": created.headers["etag"]},
    )


async def set_amount(client: httpx.AsyncClient, tokens: Tokens, key: str, value: str) -> None:
    response = await client.post(
        "/api/v1/parameters",
        json={"key": key, "year": 2020, "value": value, "effective_date": "2020-01-01"},
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 201, response.text


async def test_one_open_grant_per_person_and_kind(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = grant()
    first = await give(client, tokens, body)
    same_kind = await give(client, tokens, {**body, "start_period": "2020-03"})
    other_kind = await give(
        client,
        tokens,
        {**body, "kind": "hard_up_disabled", "assessment": "经评估为中度失能"},
    )

    assert first.status_code == 201
    assert first.headers["etag"] == '"1"'
    assert first.json()["status"] == "active"
    assert first.json()["id_number"].startswith("429006********")
    assert same_kind.status_code == 409
    assert same_kind.json()["code"] == "WELFARE_HARD_UP_GRANT_EXISTS"
    assert same_kind.json()["existing_id"] == first.json()["id"]
    assert other_kind.status_code == 201
    inserted = (
        await session.scalars(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == "insert", AuditEvent.entity == "hard_up_elder_subsidy"
            )
        )
    ).all()
    assert sorted(str(i) for i in inserted) == sorted([first.json()["id"], other_kind.json()["id"]])


async def test_an_ended_grant_may_be_given_again(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = grant()
    first = await give(client, tokens, body)
    ended = await end(client, tokens, first, "2020-06")
    again = await give(client, tokens, {**body, "start_period": "2020-10"})
    reopen = await client.post(
        f"{URL}/{first.json()['id']}/status",
        json={"status": "active", "reason": "误操作"},
        headers={**city(tokens), "If-Match": ended.headers["etag"]},
    )

    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["end_period"]) == ("ended", "2020-06")
    assert again.status_code == 201
    assert reopen.status_code == 409
    assert reopen.json()["allowed"] == []


async def test_high_age_needs_the_first_tiers_age_and_disabled_needs_60(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # 79 at the end of July 2020, 80 from August.
    too_young = await give(client, tokens, grant(birth=date(1940, 8, 1), start_period="2020-07"))
    just = await give(client, tokens, grant(birth=date(1940, 8, 1), start_period="2020-08"))
    disabled_59 = await give(
        client, tokens, grant("hard_up_disabled", birth=date(1961, 1, 1), start_period="2020-12")
    )
    disabled_60 = await give(
        client, tokens, grant("hard_up_disabled", birth=date(1960, 12, 31), start_period="2020-12")
    )

    assert too_young.status_code == 422
    assert too_young.json()["code"] == "WELFARE_HARD_UP_TOO_YOUNG"
    assert too_young.json()["first_eligible_period"] == "2020-08"
    assert "经济困难高龄老人补贴" in too_young.json()["detail"]
    assert just.status_code == 201
    assert disabled_59.status_code == 422
    assert disabled_59.json()["min_age"] == 60
    assert disabled_60.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**grant("hard_up_disabled"), "assessment": None}, "body"),
        (grant(hardship_basis="other"), "body"),
        (grant(area_code=DUOBAO), "area_code"),
        (grant(kind="hard_up"), "kind"),
    ],
)
async def test_incomplete_grants_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], field: str
) -> None:
    refused = await give(client, tokens, body)

    assert refused.status_code == 422
    assert field in [e["field"] for e in refused.json()["errors"]]


async def test_corrections_need_the_etag_and_keep_the_rules(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await give(client, tokens, grant("hard_up_disabled"))
    url = f"{URL}/{created.json()['id']}"
    headers = city(tokens)

    unassessed = await client.patch(
        url, json={"assessment": None}, headers={**headers, "If-Match": '"1"'}
    )
    changed = await client.patch(
        url,
        json={"hardship_basis": "tekun", "name": "陈老太"},
        headers={**headers, "If-Match": '"1"'},
    )
    stale = await client.patch(url, json={"name": "陈某"}, headers={**headers, "If-Match": '"1"'})

    assert unassessed.status_code == 422
    assert unassessed.json()["code"] == "WELFARE_HARD_UP_ASSESSMENT"
    assert changed.status_code == 200
    assert (changed.json()["hardship_basis"], changed.json()["name"]) == ("tekun", "陈老太")
    assert changed.headers["etag"] == '"2"'
    assert stale.status_code == 412


async def test_township_officers_see_and_write_only_their_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    elsewhere = await give(client, tokens, grant(area_code=TUOSHI_VILLAGE, name="拖市人"))
    await give(client, tokens, grant(name="多宝人"))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    hidden = await client.get(f"{URL}/{elsewhere.json()['id']}", headers=duobao)
    listed = await client.get(URL, headers=duobao)
    outside = await client.post(URL, json=grant(area_code=TUOSHI_VILLAGE), headers=duobao)
    auditor = await client.post(URL, json=grant(), headers=tokens.headers("auditor"))
    by_kind = await client.get(URL, params={"kind": "hard_up_disabled"}, headers=city(tokens))

    assert hidden.status_code == 404
    assert hidden.json()["code"] == "WELFARE_HARD_UP_GRANT_NOT_FOUND"
    assert [g["name"] for g in listed.json()["items"]] == ["多宝人"]
    assert outside.status_code == 403
    assert auditor.status_code == 403
    assert by_kind.json()["items"] == []


async def test_the_lines_pay_each_kinds_amount_within_the_periods(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_amount(client, tokens, "hard_up_high_age_subsidy", "100")
    await set_amount(client, tokens, "hard_up_disabled_elderly_subsidy", "200")
    both = grant()
    high_age = await give(client, tokens, both)
    disabled = await give(
        client, tokens, {**both, "kind": "hard_up_disabled", "assessment": "重度失能"}
    )
    ended = await give(client, tokens, grant(name="已终止"))
    await end(client, tokens, ended, "2020-05")
    suspended = await give(client, tokens, grant(name="暂停"))
    await client.post(
        f"{URL}/{suspended.json()['id']}/status",
        json={"status": "suspended", "reason": "外出未归"},
        headers={**city(tokens), "If-Match": suspended.headers["etag"]},
    )
    later = await give(client, tokens, grant(name="九月起", start_period="2020-09"))

    async def paid(period: str, kind: SubsidyKind | None = None) -> dict[str, Decimal]:
        query = (
            await payable_lines(session, Period(period))
            if kind is None
            else await payable_lines_of(session, Period(period), kind)
        )
        return {str(row.source_id): row.amount for row in (await session.execute(query)).all()}

    assert await paid("2020-05") == {
        high_age.json()["id"]: Decimal("100.00"),
        disabled.json()["id"]: Decimal("200.00"),
        ended.json()["id"]: Decimal("100.00"),
    }
    assert await paid("2020-06") == {
        high_age.json()["id"]: Decimal("100.00"),
        disabled.json()["id"]: Decimal("200.00"),
    }
    assert await paid("2020-09", SubsidyKind.HARD_UP_HIGH_AGE) == {
        high_age.json()["id"]: Decimal("100.00"),
        later.json()["id"]: Decimal("100.00"),
    }
    high_age_only = await session.execute(await hard_up_high_age_lines(session, Period("2020-06")))
    assert [str(r.source_id) for r in high_age_only] == [high_age.json()["id"]]
    row = (await session.execute(await hard_up_disabled_lines(session, Period("2020-06")))).one()
    assert row._mapping == {
        "source_id": uuid.UUID(disabled.json()["id"]),
        "payee_id_number": both["id_number"],
        "payee_name": "陈奶奶",
        "area_code": DUOBAO_VILLAGE,
        "amount": Decimal("200.00"),
    }


async def test_the_lines_need_the_amount_of_a_kind_being_paid(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_amount(client, tokens, "hard_up_high_age_subsidy", "100")
    await give(client, tokens, grant())

    # No disabled grant to pay: its unset amount does not stop the high-age lines.
    rows = (await session.execute(await payable_lines(session, Period("2020-07")))).all()
    await give(client, tokens, grant("hard_up_disabled"))
    with pytest.raises(AppError) as missing:
        await payable_lines(session, Period("2020-07"))

    assert len(rows) == 1
    assert missing.value.code == "WELFARE_PARAMETER_MISSING"
    assert missing.value.extra["key"] == "hard_up_disabled_elderly_subsidy"
