"""Cases against illegal social organisations: opening, closing once, scoping, and the
yearly counts (the report: 3 dispersed in 2020)."""

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.organisations.repository import organisation_stats

URL = "/api/v1/illegal-organisation-cases"
DUOBAO = "429006100"
TUOSHI = "429006101"


def case(**extra: Any) -> dict[str, Any]:
    return {
        "name": "天门市国学研究会（未登记）",
        "source": "online_check",
        "opened_date": "2020-05-10",
        "township_code": DUOBAO,
        "activities": "在网络上以研究会名义招募会员、收取会费",
        **extra,
    }


async def open_case(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], role: str = "city_officer"
) -> httpx.Response:
    return await client.post(URL, json=body, headers=tokens.headers(role))


async def close(
    client: httpx.AsyncClient,
    tokens: Tokens,
    opened: httpx.Response,
    outcome: str,
    outcome_date: str,
) -> httpx.Response:
    return await client.post(
        f"{URL}/{opened.json()['id']}/outcome",
        json={"outcome": outcome, "outcome_date": outcome_date, "outcome_notes": "已约谈负责人"},
        headers={**tokens.headers("city_officer"), "If-Match": opened.headers["etag"]},
    )


async def test_a_case_is_opened_and_closed_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    opened = await open_case(client, tokens, case())
    closed = await close(client, tokens, opened, "dispersed", "2020-06-15")
    again = await client.post(
        f"{URL}/{opened.json()['id']}/outcome",
        json={"outcome": "banned", "outcome_date": "2020-07-01"},
        headers={**tokens.headers("city_officer"), "If-Match": closed.headers["etag"]},
    )
    edited = await client.put(
        f"{URL}/{opened.json()['id']}",
        json=case(investigation_notes="补充材料"),
        headers={**tokens.headers("city_officer"), "If-Match": closed.headers["etag"]},
    )

    assert opened.status_code == 201
    assert opened.json()["closed"] is False
    assert opened.json()["outcome"] is None
    assert closed.status_code == 200
    assert closed.json()["outcome"] == "dispersed"
    assert closed.json()["closed"] is True
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_ILLEGAL_CASE_CLOSED"
    assert edited.status_code == 409


async def test_investigation_notes_are_updated_with_if_match(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    opened = await open_case(client, tokens, case())
    url = f"{URL}/{opened.json()['id']}"
    body = case(investigation_notes="经核查，该组织未在民政部门登记")
    updated = await client.put(
        url, json=body, headers={**tokens.headers("city_officer"), "If-Match": '"1"'}
    )
    stale = await client.put(
        url, json=body, headers={**tokens.headers("city_officer"), "If-Match": '"1"'}
    )
    missing = await client.put(url, json=body, headers=tokens.headers("city_officer"))

    assert updated.status_code == 200
    assert updated.json()["investigation_notes"] == "经核查，该组织未在民政部门登记"
    assert updated.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert missing.status_code == 428


async def test_an_outcome_cannot_predate_the_case(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    opened = await open_case(client, tokens, case(opened_date="2020-05-10"))
    before = await close(client, tokens, opened, "dispersed", "2020-05-09")
    same_day = await close(client, tokens, opened, "dispersed", "2020-05-10")

    assert before.status_code == 422
    assert before.json()["code"] == "GOVERNANCE_ILLEGAL_CASE_DATES"
    assert same_day.status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "other"}, "body"),  # "other" needs source_detail
        ({"source": "rumour"}, "source"),
        ({"opened_date": "2999-01-01"}, "opened_date"),
        ({"township_code": "429006100201"}, "township_code"),
    ],
)
async def test_invalid_cases_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await open_case(client, tokens, case(**change))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_township_officers_work_on_cases_of_their_own_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])
    mine = await client.post(URL, json=case(), headers=officer)
    elsewhere = await client.post(URL, json=case(township_code=TUOSHI), headers=officer)
    city_level = await client.post(URL, json=case(township_code=None), headers=officer)
    other = await open_case(client, tokens, case(township_code=TUOSHI))
    hidden = await client.get(f"{URL}/{other.json()['id']}", headers=officer)
    listed = await client.get(URL, headers=officer)
    auditor = await open_case(client, tokens, case(), role="auditor")

    assert mine.status_code == 201
    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "GOVERNANCE_AREA_FORBIDDEN"
    assert city_level.status_code == 403
    assert hidden.status_code == 404
    assert [c["id"] for c in listed.json()["items"]] == [mine.json()["id"]]
    assert auditor.status_code == 403


async def test_cases_are_listed_by_outcome_and_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    still_open = await open_case(client, tokens, case(name="某某慈善会"))
    dispersed = await open_case(client, tokens, case(name="某某联谊会"))
    await close(client, tokens, dispersed, "dispersed", "2020-08-01")
    headers = tokens.headers("auditor")

    async def ids(**params: str) -> list[str]:
        response = await client.get(URL, params=params, headers=headers)
        return [c["id"] for c in response.json()["items"]]

    assert await ids(closed="false") == [still_open.json()["id"]]
    assert await ids(outcome="dispersed") == [dispersed.json()["id"]]
    assert await ids(closed_year="2020") == [dispersed.json()["id"]]
    assert await ids(closed_year="2021") == []
    assert await ids(q="联谊") == [dispersed.json()["id"]]


async def test_the_year_counts_the_organisations_dispersed_in_it(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # The report: 劝散未经登记公开展活动的非法社会组织3家 (2020).
    for name, township, closed_on in [
        ("天门市某某读书会", DUOBAO, "2020-04-20"),
        ("天门市某某养生协会", TUOSHI, "2020-09-01"),
        ("天门市某某老乡会", None, "2020-12-31"),
    ]:
        opened = await open_case(
            client, tokens, case(name=name, township_code=township, opened_date="2020-03-01")
        )
        await close(client, tokens, opened, "dispersed", closed_on)
    next_year = await open_case(client, tokens, case(opened_date="2020-11-01"))
    await close(client, tokens, next_year, "dispersed", "2021-01-01")
    banned = await open_case(client, tokens, case(opened_date="2020-02-01"))
    await close(client, tokens, banned, "banned", "2020-02-20")
    await open_case(client, tokens, case(opened_date="2020-10-01"))  # still open

    year = await organisation_stats(session, 2020)
    duobao = await organisation_stats(session, 2020, area_code=DUOBAO)

    assert year.illegal_dispersed == 3
    assert {o.outcome.value: o.count for o in year.illegal_cases_by_outcome} == {
        "banned": 1,
        "dispersed": 3,
    }
    assert duobao.illegal_dispersed == 1
