"""Charity: donations of money or goods, receipts numbered once per receiving body,
totals by purpose and period (the report's 2020 figures), projects and what they raised."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.charity.repository import donation_stats
from civil_governance.db import AuditEvent

DONATIONS = "/api/v1/donations"
PROJECTS = "/api/v1/charity-projects"
DUOBAO = "429006100"
TUOSHI = "429006101"
FEDERATION = "天门市慈善总会"


def donation(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "donor_name": "湖北某某实业有限公司",
        "donor_kind": "organisation",
        "donation_date": "2020-02-10",
        "amount": "100000.00",
        "purpose": "epidemic",
        "receiving_body": FEDERATION,
        "receipt_number": unique("TMCS-"),
    }
    body.update(extra)
    return body


def goods(**extra: Any) -> dict[str, Any]:
    return donation(
        amount=None,
        goods={"description": "医用外科口罩", "quantity": 20000, "unit": "只", "value": "30000.00"},
        **extra,
    )


async def record(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], role: str = "city_officer"
) -> httpx.Response:
    return await client.post(DONATIONS, json=body, headers=tokens.headers(role))


async def totals(client: httpx.AsyncClient, headers: dict[str, str], **params: str) -> Any:
    response = await client.get(f"{DONATIONS}/totals", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# --- recording ---------------------------------------------------------------------


async def test_money_and_goods_are_recorded_with_their_value(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    money = await record(client, tokens, donation(amount="8888.88", donor_kind="person"))
    gift = await record(client, tokens, goods())
    read = await client.get(gift.headers["location"], headers=tokens.headers("auditor"))

    assert money.status_code == 201
    assert money.headers["etag"] == '"1"'
    assert money.json()["form"] == "money"
    assert (money.json()["amount"], money.json()["value"]) == ("8888.88", "8888.88")
    assert money.json()["goods"] is None
    assert gift.status_code == 201
    assert read.json()["form"] == "goods"
    assert read.json()["amount"] is None
    assert read.json()["goods"]["unit"] == "只"
    assert read.json()["goods"]["value"] == "30000.00"
    assert read.json()["value"] == "30000.00"
    audited = (
        await session.scalars(select(AuditEvent.entity_id).where(AuditEvent.entity == "donation"))
    ).all()
    assert set(audited) == {money.json()["id"], gift.json()["id"]}


@pytest.mark.parametrize(
    "change",
    [
        {"goods": {"description": "大米", "quantity": 100, "unit": "袋", "value": "5000.00"}},
        {"amount": None},
        {"amount": "0.00"},
        {"amount": "10.005"},
        {"amount": "-5.00"},
        {"purpose": "sports"},
        {"donor_kind": "company"},
        {"donation_date": "2999-01-01"},
        {"receipt_number": "TM CS 1"},
        {"township_code": "429006100201"},
    ],
)
async def test_invalid_donations_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any]
) -> None:
    response = await record(client, tokens, donation(**change))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_goods_need_a_value(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = goods()
    body["goods"]["value"] = "0.00"
    response = await record(client, tokens, body)
    assert response.status_code == 422
    assert "评估价值" in response.json()["detail"]


async def test_a_receipt_number_is_used_once_per_receiving_body(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await record(client, tokens, donation(receipt_number="2020-0001"))
    same = await record(
        client, tokens, donation(receipt_number="2020-0001", receiving_body="天门市慈善总会 ")
    )
    spaced = await record(
        client, tokens, donation(receipt_number="2020-0001", receiving_body="天门市  慈善总会")
    )
    other_body = await record(
        client, tokens, donation(receipt_number="2020-0001", receiving_body="天门市红十字会")
    )

    assert first.status_code == 201
    assert same.status_code == 409
    assert same.json()["code"] == "GOVERNANCE_DONATION_RECEIPT_EXISTS"
    assert spaced.status_code == 201  # "天门市 慈善总会" is written differently, and kept so
    assert spaced.json()["receiving_body"] == "天门市 慈善总会"
    assert other_body.status_code == 201


async def test_a_donation_is_corrected_with_if_match(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = donation(amount="1000.00")
    created = await record(client, tokens, body)
    url = f"{DONATIONS}/{created.json()['id']}"
    headers = tokens.headers("city_officer", sub="zhao.liu")

    corrected = await client.put(
        url, json={**body, "amount": "10000.00"}, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.put(url, json=body, headers={**headers, "If-Match": '"1"'})
    missing = await client.put(url, json=body, headers=headers)

    assert corrected.status_code == 200
    assert corrected.json()["value"] == "10000.00"
    assert corrected.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert missing.status_code == 428
    update = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "donation", AuditEvent.action == "update")
        )
    ).one()
    assert update.actor == "zhao.liu"
    assert (update.old_values, update.new_values) == (
        {"amount": "1000.00"},
        {"amount": "10000.00"},
    )


# --- totals ------------------------------------------------------------------------


async def test_totals_reproduce_the_reports_2020_figures(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 募集慈善资金 16216.26万元：疫情防控捐款 11126.42万元，其他捐赠款 5090.84万元.
    # The parts add up to 16217.26万, 1万 more than the report's total: totals are
    # computed, so the data holds the two parts and their sum.
    for amount, purpose, day in [
        ("100000000.00", "epidemic", "2020-01-01"),
        ("11000000.00", "epidemic", "2020-02-15"),
        ("264200.00", "epidemic", "2020-12-31"),
        ("50000000.00", "other", "2020-06-01"),
        ("908400.00", "other", "2020-11-30"),
    ]:
        created = await record(
            client, tokens, donation(amount=amount, purpose=purpose, donation_date=day)
        )
        assert created.status_code == 201
    await record(client, tokens, goods(donation_date="2020-03-01"))  # goods are valued apart
    await record(client, tokens, donation(amount="777.00", donation_date="2019-12-31"))
    await record(client, tokens, donation(amount="999.00", donation_date="2021-01-01"))

    year = await totals(
        client, tokens.headers("auditor"), **{"from": "2020-01-01", "to": "2020-12-31"}
    )
    by_purpose = {t["purpose"]: t for t in year["by_purpose"]}

    assert year["date_from"] == "2020-01-01"
    assert year["total"]["money"] == "162172600.00"
    assert year["total"]["goods_value"] == "30000.00"
    assert year["total"]["total"] == "162202600.00"
    assert year["total"]["donations"] == 6
    assert by_purpose["epidemic"]["money"] == "111264200.00"
    assert by_purpose["epidemic"]["donations"] == 4
    assert by_purpose["other"]["money"] == "50908400.00"
    assert list(by_purpose) == ["epidemic", "poverty", "education", "disaster", "other"]
    assert by_purpose["poverty"] == {
        "purpose": "poverty",
        "donations": 0,
        "money": "0.00",
        "goods_value": "0.00",
        "total": "0.00",
    }
    stats = await donation_stats(session, 2020)
    assert str(stats.total.money) == "162172600.00"
    assert [(p.purpose.value, str(p.money)) for p in stats.by_purpose if p.donations] == [
        ("epidemic", "111264200.00"),
        ("other", "50908400.00"),
    ]


async def test_totals_take_open_periods_and_refuse_reversed_ones(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await record(client, tokens, donation(amount="100.00", donation_date="2019-06-01"))
    await record(client, tokens, donation(amount="200.00", donation_date="2020-06-01"))
    headers = tokens.headers("auditor")

    since = await totals(client, headers, **{"from": "2020-01-01"})
    until = await totals(client, headers, to="2019-12-31")
    everything = await totals(client, headers)
    reversed_ = await client.get(
        f"{DONATIONS}/totals", params={"from": "2020-12-31", "to": "2020-01-01"}, headers=headers
    )

    assert since["total"]["total"] == "200.00"
    assert until["total"]["total"] == "100.00"
    assert everything["total"]["total"] == "300.00"
    assert everything["date_from"] is None
    assert reversed_.status_code == 422
    assert reversed_.json()["code"] == "GOVERNANCE_DONATION_PERIOD"


async def test_a_period_bound_must_be_written_yyyy_mm_dd(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("auditor")
    for bound in ({"to": "0"}, {"from": "20200101"}, {"to": "2020-12-31T00:00"}):
        response = await client.get(f"{DONATIONS}/totals", params=bound, headers=headers)
        assert response.status_code == 422, (bound, response.text)  # not 1970-01-01
        (problem,) = response.json()["errors"]
        assert problem["field"] == next(iter(bound))
        assert "YYYY-MM-DD" in problem["message"]


async def test_township_officers_see_their_townships_donations_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])
    mine = await client.post(
        DONATIONS,
        json=donation(amount="500.00", township_code=DUOBAO, receiving_body="多宝镇慈善工作站"),
        headers=officer,
    )
    elsewhere = await client.post(DONATIONS, json=donation(township_code=TUOSHI), headers=officer)
    city_level = await client.post(DONATIONS, json=donation(), headers=officer)
    other = await record(client, tokens, donation(amount="700.00", township_code=TUOSHI))
    await record(client, tokens, donation(amount="900.00"))

    listed = await client.get(DONATIONS, headers=officer)
    hidden = await client.get(f"{DONATIONS}/{other.json()['id']}", headers=officer)
    theirs = await totals(client, officer)
    city = await totals(client, tokens.headers("city_officer"))
    stats = await donation_stats(session, 2020)

    assert mine.status_code == 201
    assert elsewhere.status_code == 403
    assert city_level.status_code == 403
    assert [d["id"] for d in listed.json()["items"]] == [mine.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "GOVERNANCE_DONATION_NOT_FOUND"
    assert theirs["total"]["total"] == "500.00"
    assert city["total"]["total"] == "2100.00"
    assert [(t.township_code, str(t.total)) for t in stats.by_township] == [
        (None, "900.00"),
        (DUOBAO, "500.00"),
        (TUOSHI, "700.00"),
    ]


async def test_donations_are_filtered_and_searched(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = await record(
        client, tokens, donation(donor_name="刘某某", donor_kind="person", receipt_number="R-77")
    )
    gift = await record(client, tokens, goods(purpose="disaster", donation_date="2020-07-20"))
    headers = tokens.headers("auditor")

    async def ids(**params: str) -> list[str]:
        response = await client.get(DONATIONS, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()["items"]]

    assert await ids(form="goods") == [gift.json()["id"]]
    assert await ids(purpose="disaster") == [gift.json()["id"]]
    assert await ids(donor_kind="person") == [person.json()["id"]]
    assert await ids(q="刘某") == [person.json()["id"]]
    assert await ids(q="R-77") == [person.json()["id"]]
    assert await ids(**{"from": "2020-07-01"}) == [gift.json()["id"]]
    assert await ids(receiving_body="天门市红十字会") == []


# --- projects ----------------------------------------------------------------------


def project(**extra: Any) -> dict[str, Any]:
    return {
        "name": f"{unique()}抗疫物资募集",
        "organiser": FEDERATION,
        "purpose": "epidemic",
        "goal_amount": "5000000.00",
        "start_date": "2020-01-25",
        "end_date": "2020-06-30",
        **extra,
    }


async def create_project(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(PROJECTS, json=body, headers=tokens.headers("city_officer"))


async def test_a_project_shows_what_its_donations_raised(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create_project(client, tokens, project(status="active"))
    project_id = created.json()["id"]
    await record(client, tokens, donation(amount="120000.00", project_id=project_id))
    await record(client, tokens, goods(project_id=project_id, donation_date="2020-06-30"))
    await record(client, tokens, donation(amount="5.00"))  # not to the project
    read = await client.get(f"{PROJECTS}/{project_id}", headers=tokens.headers("auditor"))
    listed = await client.get(PROJECTS, headers=tokens.headers("auditor"))

    assert created.status_code == 201
    assert created.json()["raised"] == "0.00"
    assert read.json()["raised"] == "150000.00"
    assert read.json()["donations"] == 2
    assert read.json()["allowed_statuses"] == ["completed", "terminated"]
    assert listed.json()["items"][0]["raised"] == "150000.00"


@pytest.mark.parametrize(
    ("project_change", "donation_change", "code"),
    [
        ({"status": "planned"}, {}, "GOVERNANCE_DONATION_PROJECT_NOT_STARTED"),
        ({}, {"donation_date": "2020-01-24"}, "GOVERNANCE_DONATION_OUTSIDE_PROJECT_PERIOD"),
        ({}, {"donation_date": "2020-07-01"}, "GOVERNANCE_DONATION_OUTSIDE_PROJECT_PERIOD"),
        ({}, {"purpose": "education"}, "GOVERNANCE_DONATION_PURPOSE_MISMATCH"),
    ],
)
async def test_a_donation_to_a_project_fits_the_project(
    client: httpx.AsyncClient,
    tokens: Tokens,
    project_change: dict[str, Any],
    donation_change: dict[str, Any],
    code: str,
) -> None:
    created = await create_project(
        client, tokens, project(**{"status": "active", **project_change})
    )
    response = await record(
        client, tokens, donation(project_id=created.json()["id"], **donation_change)
    )
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_an_unknown_project_is_422(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await record(
        client, tokens, donation(project_id="00000000-0000-0000-0000-000000000000")
    )
    assert response.status_code == 422
    assert response.json()["code"] == "GOVERNANCE_DONATION_PROJECT_UNKNOWN"


async def test_project_status_changes_follow_the_rules(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = project(end_date=None)
    created = await create_project(client, tokens, body)
    url = f"{PROJECTS}/{created.json()['id']}"
    headers = tokens.headers("city_officer")

    skipped = await client.post(
        f"{url}/status", json={"status": "completed"}, headers={**headers, "If-Match": '"1"'}
    )
    started = await client.post(
        f"{url}/status", json={"status": "active"}, headers={**headers, "If-Match": '"1"'}
    )
    await record(
        client, tokens, donation(project_id=created.json()["id"], donation_date="2020-03-01")
    )
    too_early = await client.post(
        f"{url}/status",
        json={"status": "completed", "end_date": "2020-02-29"},
        headers={**headers, "If-Match": started.headers["etag"]},
    )
    completed = await client.post(
        f"{url}/status",
        json={"status": "completed", "end_date": "2020-03-01"},
        headers={**headers, "If-Match": started.headers["etag"]},
    )
    edited = await client.put(
        url, json=body, headers={**headers, "If-Match": completed.headers["etag"]}
    )

    assert skipped.status_code == 409
    assert skipped.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_INVALID_TRANSITION"
    assert skipped.json()["allowed"] == ["active", "terminated"]
    assert started.status_code == 200
    assert too_early.status_code == 422
    assert too_early.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_PERIOD"
    assert completed.status_code == 200
    assert completed.json()["end_date"] == "2020-03-01"
    assert completed.json()["allowed_statuses"] == []
    assert edited.status_code == 409
    assert edited.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_ENDED"


async def test_terminating_a_project_needs_a_reason(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create_project(client, tokens, project())
    response = await client.post(
        f"{PROJECTS}/{created.json()['id']}/status",
        json={"status": "terminated"},
        headers={**tokens.headers("city_officer"), "If-Match": created.headers["etag"]},
    )
    assert response.status_code == 422


async def test_a_project_period_keeps_its_donations(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = project()
    created = await create_project(client, tokens, {**body, "status": "active"})
    await record(
        client, tokens, donation(project_id=created.json()["id"], donation_date="2020-05-01")
    )
    shrunk = await client.put(
        f"{PROJECTS}/{created.json()['id']}",
        json={**body, "end_date": "2020-04-30"},
        headers={**tokens.headers("city_officer"), "If-Match": created.headers["etag"]},
    )
    assert shrunk.status_code == 422
    assert shrunk.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_PERIOD"


@pytest.mark.parametrize(
    "change",
    [
        {"goal_amount": "0.00"},
        {"end_date": "2020-01-24"},
        {"status": "completed"},
        {"purpose": "sports"},
    ],
)
async def test_invalid_projects_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any]
) -> None:
    response = await create_project(client, tokens, project(**change))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_an_organiser_names_a_project_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = project()
    first = await create_project(client, tokens, body)
    again = await create_project(client, tokens, body)
    elsewhere = await create_project(client, tokens, {**body, "organiser": "天门市红十字会"})

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_EXISTS"
    assert elsewhere.status_code == 201


async def test_township_officers_cannot_see_or_fund_other_townships_projects(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    other = await create_project(client, tokens, project(status="active", township_code=TUOSHI))
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])
    hidden = await client.get(f"{PROJECTS}/{other.json()['id']}", headers=officer)
    funded = await client.post(
        DONATIONS,
        json=donation(township_code=DUOBAO, project_id=other.json()["id"]),
        headers=officer,
    )

    assert hidden.status_code == 404
    assert hidden.json()["code"] == "GOVERNANCE_CHARITY_PROJECT_NOT_FOUND"
    assert funded.status_code == 422
    assert funded.json()["code"] == "GOVERNANCE_DONATION_PROJECT_UNKNOWN"
