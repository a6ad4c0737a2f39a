"""Enrolments: one programme at a time per person, status changes, area scoping."""

from typing import Any

import httpx

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

DUOBAO_VILLAGE = "429006100201"


def enrolment(programme: str = "rural_dibao", people: int = 2, **extra: Any) -> dict[str, Any]:
    persons = [{"id_number": str(make_id_number()), "name": f"成员{i}"} for i in range(people)]
    return {
        "programme": programme,
        "area_code": DUOBAO_VILLAGE,
        "payee": persons[0],
        "people": persons,
        "monthly_amount": "520.00",
        "start_period": "2020-01",
        **extra,
    }


async def enrol(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post(
        "/api/v1/enrolments", json=body, headers=tokens.headers("city_officer")
    )


async def test_a_person_is_never_in_dibao_and_tekun_at_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:

    sent = enrolment()
    first = await enrol(client, tokens, sent)
    clash = enrolment("rural_tekun", people=1)
    clash["people"] = [sent["people"][1]]
    clash["payee"] = sent["people"][1]
    refused = await enrol(client, tokens, clash)

    assert first.status_code == 201
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "ASSISTANCE_PERSON_ALREADY_ENROLLED"
    assert problem["conflicting_enrolment_id"] == first.json()["id"]
    assert sent["people"][1]["id_number"] not in refused.text  # masked in the message


async def test_ending_an_enrolment_frees_the_person(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    sent = enrolment(people=1)
    first = await enrol(client, tokens, sent)
    ended = await client.post(
        f"/api/v1/enrolments/{first.json()['id']}/status",
        json={"status": "ended", "reason": "收入超过标准", "end_period": "2020-06"},
        headers={**tokens.headers("city_officer"), "If-Match": first.headers["etag"]},
    )
    tekun = enrolment("rural_tekun", people=1)
    tekun["people"] = sent["people"]
    tekun["payee"] = sent["payee"]
    moved = await enrol(client, tokens, tekun)

    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert ended.headers["etag"] != first.headers["etag"]
    assert moved.status_code == 201


async def test_status_changes_follow_the_rules(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await enrol(client, tokens, enrolment())
    url = f"/api/v1/enrolments/{created.json()['id']}/status"
    headers = tokens.headers("city_officer")

    no_precondition = await client.post(
        url, json={"status": "suspended", "reason": "外出务工"}, headers=headers
    )
    stale = await client.post(
        url,
        json={"status": "suspended", "reason": "外出务工"},
        headers={**headers, "If-Match": '"99"'},
    )
    ended = await client.post(
        url,
        json={"status": "ended", "reason": "死亡"},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    revived = await client.post(
        url,
        json={"status": "active", "reason": "误操作"},
        headers={**headers, "If-Match": ended.headers["etag"]},
    )
    gradual = await client.post(
        f"/api/v1/enrolments/{(await enrol(client, tokens, enrolment())).json()['id']}/status",
        json={"status": "gradual_exit", "reason": "成员就业"},
        headers={**headers, "If-Match": '"1"'},
    )

    assert no_precondition.status_code == 428
    assert stale.status_code == 412
    assert ended.status_code == 200
    assert revived.status_code == 409
    assert revived.json()["allowed"] == []
    assert revived.json()["code"] == "ASSISTANCE_INVALID_TRANSITION"
    assert gradual.status_code == 422
    assert gradual.json()["code"] == "ASSISTANCE_GRADUAL_EXIT_END"


async def test_township_officer_sees_only_its_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = await enrol(client, tokens, enrolment())
    outside = await enrol(client, tokens, enrolment(area_code="429006101001"))
    duobao = tokens.headers("township_officer", area_codes=["429006100"])

    listed = await client.get("/api/v1/enrolments", headers=duobao)
    hidden = await client.get(f"/api/v1/enrolments/{outside.json()['id']}", headers=duobao)
    refused = await client.post(
        "/api/v1/enrolments", json=enrolment(area_code="429006101001"), headers=duobao
    )

    assert [e["id"] for e in listed.json()["items"]] == [inside.json()["id"]]
    assert hidden.status_code == 404
    assert refused.status_code == 403


async def test_id_numbers_are_masked_without_pii_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = enrolment(people=1)
    created = await enrol(client, tokens, body)
    url = f"/api/v1/enrolments/{created.json()['id']}"
    masked = await client.get(url, headers=tokens.headers("auditor"))
    revealed = await client.get(url, headers=tokens.headers("auditor", scopes=["pii:read"]))
    number = body["people"][0]["id_number"]
    assert masked.json()["payee"]["id_number"] == number[:6] + "*" * 8 + number[-4:]
    assert revealed.json()["payee"]["id_number"] == number


async def test_tekun_covers_one_person(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await enrol(client, tokens, enrolment("urban_tekun", people=2))
    assert response.status_code == 422
