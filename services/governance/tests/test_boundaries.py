"""Township boundary lines: one line per pair, survey → verification → disputes and their
resolution, lists by township and status, and township officers seeing either side."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.db import AuditEvent

URL = "/api/v1/boundaries"
DISPUTES = "/api/v1/boundary-disputes"
DUOBAO = "429006100"
TUOSHI = "429006101"
ZHANGGANG = "429006102"


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


def officer(tokens: Tokens, township: str) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[township], sub=f"officer-{township}")


async def line(
    client: httpx.AsyncClient, tokens: Tokens, a: str = TUOSHI, b: str = DUOBAO, **extra: Any
) -> httpx.Response:
    body = {"township_a_code": a, "township_b_code": b, "length_km": "12.345", **extra}
    return await client.post(URL, json=body, headers=city(tokens))


async def survey(
    client: httpx.AsyncClient,
    tokens: Tokens,
    line_id: str,
    surveyed_date: str = "2020-04-01",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"{URL}/{line_id}/survey",
        json={"survey_batch": "2020年第一批", "surveyed_date": surveyed_date, "length_km": 12.5},
        headers=headers or city(tokens),
    )


async def verify(
    client: httpx.AsyncClient,
    tokens: Tokens,
    line_id: str,
    result: str = "passed",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {"verified_date": "2020-05-01", "team": "市界线联检组", "result": result, **extra}
    return await client.post(
        f"{URL}/{line_id}/verifications", json=body, headers=headers or city(tokens)
    )


async def dispute(
    client: httpx.AsyncClient, tokens: Tokens, line_id: str, opened: str = "2020-06-01"
) -> httpx.Response:
    return await client.post(
        f"{URL}/{line_id}/disputes",
        json={"opened_date": opened, "description": "两镇对河滩地归属有异议"},
        headers=city(tokens),
    )


async def set_dispute(
    client: httpx.AsyncClient, tokens: Tokens, line_id: str, dispute_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{URL}/{line_id}/disputes/{dispute_id}/status", json=body, headers=city(tokens)
    )


async def status_of(client: httpx.AsyncClient, tokens: Tokens, line_id: str) -> str:
    response = await client.get(f"{URL}/{line_id}", headers=city(tokens))
    return str(response.json()["survey_status"])


async def test_a_line_joins_two_townships_once_whatever_the_order(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await line(client, tokens, TUOSHI, DUOBAO)
    reversed_pair = await line(client, tokens, DUOBAO, TUOSHI)

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["townships"] == [
        {"code": DUOBAO, "name": "多宝镇"},
        {"code": TUOSHI, "name": "拖市镇"},
    ]
    assert (body["length_km"], body["survey_status"]) == ("12.345", "not_surveyed")
    assert body["allowed_actions"] == ["survey", "open_dispute"]
    assert reversed_pair.status_code == 409
    assert reversed_pair.json()["code"] == "GOVERNANCE_BOUNDARY_EXISTS"
    assert reversed_pair.json()["conflicting_line_id"] == body["id"]
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity == "boundary_line"))
    ).one()
    assert audit.action == "insert"


@pytest.mark.parametrize(
    ("a", "b", "extra", "code"),
    [
        (DUOBAO, DUOBAO, {}, "GOVERNANCE_BOUNDARY_SAME_TOWNSHIP"),
        (DUOBAO, "429006117", {}, "GOVERNANCE_BOUNDARY_TOWNSHIP_UNKNOWN"),
        (DUOBAO, "429006101001", {}, "VALIDATION_FAILED"),
        (DUOBAO, "429007101", {}, "VALIDATION_FAILED"),
        (DUOBAO, TUOSHI, {"length_km": 0}, "VALIDATION_FAILED"),
        (DUOBAO, TUOSHI, {"length_km": "1.2345"}, "VALIDATION_FAILED"),
        (DUOBAO, TUOSHI, {"survey_batch": "2020年第一批"}, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_lines_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, a: str, b: str, extra: dict[str, Any], code: str
) -> None:
    response = await line(client, tokens, a, b, **extra)

    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_a_line_surveyed_before_is_registered_as_surveyed(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await line(client, tokens, survey_batch="2019年", surveyed_date="2019-10-01")

    assert response.json()["survey_status"] == "surveyed"
    assert response.json()["allowed_actions"] == ["survey", "verify", "open_dispute"]


async def test_a_line_is_surveyed_then_verified(client: httpx.AsyncClient, tokens: Tokens) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    too_early = await verify(client, tokens, line_id)
    surveyed = await survey(client, tokens, line_id)
    before_survey = await verify(client, tokens, line_id, verified_date="2020-03-31")
    failed = await verify(client, tokens, line_id, "failed", notes="界桩位置与图不符")
    after_failure = await status_of(client, tokens, line_id)
    passed = await verify(client, tokens, line_id, verified_date="2020-05-02")
    detail = await client.get(f"{URL}/{line_id}", headers=city(tokens))

    assert too_early.status_code == 409
    assert too_early.json()["code"] == "GOVERNANCE_BOUNDARY_INVALID_TRANSITION"
    assert too_early.json()["current"] == "not_surveyed"
    assert too_early.json()["allowed"] == ["survey", "open_dispute"]
    assert surveyed.status_code == 200
    assert (surveyed.json()["survey_batch"], surveyed.json()["length_km"]) == (
        "2020年第一批",
        "12.500",
    )
    assert before_survey.status_code == 422
    assert before_survey.json()["code"] == "GOVERNANCE_BOUNDARY_VERIFICATION_DATE"
    assert failed.status_code == 201
    assert after_failure == "surveyed"
    assert passed.status_code == 201
    assert detail.json()["survey_status"] == "verified"
    assert [(v["result"], v["team"]) for v in detail.json()["verifications"]] == [
        ("passed", "市界线联检组"),
        ("failed", "市界线联检组"),
    ]


async def test_a_failed_verification_says_why(client: httpx.AsyncClient, tokens: Tokens) -> None:
    line_id = (
        await line(client, tokens, survey_batch="2019年", surveyed_date="2019-10-01")
    ).json()["id"]
    response = await verify(client, tokens, line_id, "failed")
    assert response.status_code == 422


async def test_a_new_survey_is_not_dated_before_the_last(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    await survey(client, tokens, line_id, "2020-04-01")
    earlier = await survey(client, tokens, line_id, "2020-03-01")
    resurvey = await survey(client, tokens, line_id, "2020-09-01")

    assert earlier.status_code == 422
    assert earlier.json()["code"] == "GOVERNANCE_BOUNDARY_SURVEY_DATE"
    assert resurvey.status_code == 200
    assert resurvey.json()["surveyed_date"] == "2020-09-01"


async def test_a_disputed_line_waits_for_its_disputes_to_be_resolved(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    await survey(client, tokens, line_id)
    await verify(client, tokens, line_id)
    first = await dispute(client, tokens, line_id)
    second = await dispute(client, tokens, line_id, "2020-06-15")
    blocked_verify = await verify(client, tokens, line_id)
    blocked_survey = await survey(client, tokens, line_id, "2020-07-01")
    first_id, second_id = first.json()["id"], second.json()["id"]
    mediating = await set_dispute(client, tokens, line_id, first_id, status="mediating")
    resolved_one = await set_dispute(
        client,
        tokens,
        line_id,
        first_id,
        status="resolved",
        resolution="以河道中心线为界",
        resolved_date="2020-07-01",
    )
    still = await status_of(client, tokens, line_id)
    resolved_two = await set_dispute(
        client,
        tokens,
        line_id,
        second_id,
        status="resolved",
        resolution="维持原界线",
        resolved_date="2020-07-02",
    )
    detail = await client.get(f"{URL}/{line_id}", headers=city(tokens))

    assert first.status_code == 201
    assert first.json()["status"] == "open"
    assert first.json()["allowed_statuses"] == ["mediating", "resolved"]
    assert blocked_verify.status_code == 409
    assert blocked_verify.json()["allowed"] == ["open_dispute", "resolve_dispute"]
    assert blocked_survey.status_code == 409
    assert mediating.json()["status"] == "mediating"
    assert resolved_one.json()["allowed_statuses"] == []
    assert still == "disputed"
    assert resolved_two.status_code == 200
    # settled, the line is checked again before it counts as verified
    assert detail.json()["survey_status"] == "surveyed"
    assert detail.json()["open_disputes"] == 0
    assert [d["resolution"] for d in detail.json()["disputes"]] == [
        "维持原界线",
        "以河道中心线为界",
    ]


async def test_a_line_never_surveyed_goes_back_to_not_surveyed(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    dispute_id = (await dispute(client, tokens, line_id)).json()["id"]
    await set_dispute(
        client,
        tokens,
        line_id,
        dispute_id,
        status="resolved",
        resolution="协商一致",
        resolved_date="2020-06-02",
    )
    assert await status_of(client, tokens, line_id) == "not_surveyed"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"status": "resolved"}, 422, "VALIDATION_FAILED"),
        ({"status": "mediating", "resolution": "x" * 3}, 422, "VALIDATION_FAILED"),
        (
            {"status": "resolved", "resolution": "协商一致", "resolved_date": "2020-05-31"},
            422,
            "GOVERNANCE_BOUNDARY_DISPUTE_DATE",
        ),
        ({"status": "open"}, 409, "GOVERNANCE_BOUNDARY_DISPUTE_TRANSITION"),
    ],
)
async def test_invalid_dispute_changes_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], status: int, code: str
) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    dispute_id = (await dispute(client, tokens, line_id)).json()["id"]
    response = await set_dispute(client, tokens, line_id, dispute_id, **body)

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_a_resolved_dispute_stays_resolved(client: httpx.AsyncClient, tokens: Tokens) -> None:
    line_id = (await line(client, tokens)).json()["id"]
    other_line = (await line(client, tokens, ZHANGGANG, DUOBAO)).json()["id"]
    dispute_id = (await dispute(client, tokens, line_id)).json()["id"]
    resolve = {"status": "resolved", "resolution": "协商一致", "resolved_date": "2020-06-02"}
    await set_dispute(client, tokens, line_id, dispute_id, **resolve)
    again = await set_dispute(client, tokens, line_id, dispute_id, status="mediating")
    wrong_line = await set_dispute(client, tokens, other_line, dispute_id, **resolve)

    assert again.status_code == 409
    assert again.json()["allowed"] == []
    assert wrong_line.status_code == 404
    assert wrong_line.json()["code"] == "GOVERNANCE_BOUNDARY_DISPUTE_NOT_FOUND"


async def test_lines_and_disputes_are_listed_by_township_and_status(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    duobao_tuoshi = (await line(client, tokens, DUOBAO, TUOSHI)).json()["id"]
    tuoshi_zhanggang = (await line(client, tokens, TUOSHI, ZHANGGANG)).json()["id"]
    await line(client, tokens, DUOBAO, ZHANGGANG, survey_batch="2019年", surveyed_date="2019-01-01")
    await dispute(client, tokens, tuoshi_zhanggang)

    async def ids(url: str, **params: str) -> set[str]:
        response = await client.get(url, params=params, headers=tokens.headers("auditor"))
        return {item["id"] for item in response.json()["items"]}

    duobao_lines = await ids(URL, township=DUOBAO)
    tuoshi_lines = await ids(URL, township=TUOSHI)
    disputed = await ids(URL, status="disputed")
    surveyed = await ids(URL, status="surveyed", survey_batch="2019年")
    tuoshi_disputes = await ids(DISPUTES, township=TUOSHI, status="open")
    duobao_disputes = await ids(DISPUTES, township=DUOBAO)

    assert len(duobao_lines) == 2
    assert tuoshi_lines == {duobao_tuoshi, tuoshi_zhanggang}
    assert disputed == {tuoshi_zhanggang}
    assert len(surveyed) == 1
    assert len(tuoshi_disputes) == 1
    assert duobao_disputes == set()


async def test_a_township_officer_works_on_the_lines_of_its_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    shared = (await line(client, tokens, DUOBAO, TUOSHI)).json()["id"]
    foreign = (await line(client, tokens, TUOSHI, ZHANGGANG)).json()["id"]
    await survey(client, tokens, shared)
    await dispute(client, tokens, foreign)
    duobao = officer(tokens, DUOBAO)

    listed = await client.get(URL, headers=duobao)
    disputes = await client.get(DISPUTES, headers=duobao)
    own = await client.get(f"{URL}/{shared}", headers=duobao)
    other = await client.get(f"{URL}/{foreign}", headers=duobao)
    verified = await verify(client, tokens, shared, headers=duobao)
    elsewhere = await survey(client, tokens, foreign, headers=duobao)

    assert [item["id"] for item in listed.json()["items"]] == [shared]
    assert disputes.json()["total"] == 0
    assert own.status_code == 200
    assert other.status_code == 404
    assert other.json()["code"] == "GOVERNANCE_BOUNDARY_NOT_FOUND"
    assert verified.status_code == 201
    assert verified.json()["recorded_by"] == f"officer-{DUOBAO}"
    assert elsewhere.status_code == 404
    actors = (
        await session.scalars(
            select(AuditEvent.actor).where(AuditEvent.entity == "boundary_verification")
        )
    ).all()
    assert actors == [f"officer-{DUOBAO}"]


async def test_only_the_city_registers_or_edits_lines(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await line(client, tokens)
    line_id = created.json()["id"]
    body = {"township_a_code": DUOBAO, "township_b_code": ZHANGGANG, "length_km": 3}
    by_officer = await client.post(URL, json=body, headers=officer(tokens, DUOBAO))
    edit_by_officer = await client.patch(
        f"{URL}/{line_id}",
        json={"notes": "x"},
        headers=officer(tokens, DUOBAO) | {"If-Match": '"1"'},
    )
    auditor_verifies = await verify(client, tokens, line_id, headers=tokens.headers("auditor"))
    unversioned = await client.patch(f"{URL}/{line_id}", json={"notes": "x"}, headers=city(tokens))
    edited = await client.patch(
        f"{URL}/{line_id}",
        json={"length_km": "13.1", "notes": "沿河"},
        headers=city(tokens) | {"If-Match": '"1"'},
    )
    stale = await client.patch(
        f"{URL}/{line_id}", json={"notes": "再改"}, headers=city(tokens) | {"If-Match": '"1"'}
    )

    assert by_officer.status_code == 403
    assert edit_by_officer.status_code == 403
    assert auditor_verifies.status_code == 403
    assert unversioned.status_code == 428
    assert edited.status_code == 200
    assert (edited.json()["length_km"], edited.json()["notes"]) == ("13.100", "沿河")
    assert edited.headers["etag"] == '"2"'
    assert stale.status_code == 412
