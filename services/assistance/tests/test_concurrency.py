"""Concurrent requests on separate connections (``committed_app``), as two clerks would send them.

Covered elsewhere and not repeated here: one household updated with one ETag
(``test_households``), one disbursement run per month (``test_disbursements``).
"""

import asyncio
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from civil_cli.pytest_plugin import Tokens, unique
from civil_shared.testing.factories import make_id_number

VILLAGE = "429006100201"


async def count(database_url: str, sql: str, id_number: str) -> int:
    """Rows as committed, read on a connection of its own (not through the API)."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text(sql), {"n": id_number}) or 0)
    finally:
        await engine.dispose()


def person() -> dict[str, str]:
    return {"id_number": str(make_id_number()), "name": "并发"}


def enrolment(programme: str, who: dict[str, str]) -> dict[str, Any]:
    return {
        "programme": programme,
        "area_code": VILLAGE,
        "payee": who,
        "people": [who],
        "monthly_amount": "520.00",
        "start_period": "2020-01",
    }


def temporary_case(who: dict[str, str]) -> dict[str, Any]:
    return {
        **who,
        "area_code": VILLAGE,
        "kind": "emergency",
        "cause": "illness",
        "application_date": "2020-05-10",
        "description": "突发重病住院",
        "amount": "1000.00",
    }


async def test_one_person_enrolled_at_once_in_dibao_and_tekun_gets_one_enrolment(
    committed_app: FastAPI, committed_database_url: str, tokens: Tokens
) -> None:
    who = person()
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answers = await asyncio.gather(
            *(
                client.post(
                    "/api/v1/enrolments",
                    json=enrolment(programme, who),
                    headers=tokens.headers("city_officer", sub=f"clerk-{i}"),
                )
                for i, programme in enumerate(["rural_dibao", "rural_tekun"] * 3)
            )
        )

    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "ASSISTANCE_PERSON_ALREADY_ENROLLED"
    }
    assert (
        await count(
            committed_database_url,
            "SELECT count(*) FROM enrolled_person WHERE id_number = :n AND enrolled",
            who["id_number"],
        )
        == 1
    )


async def test_one_idempotency_key_sent_at_once_has_one_effect_and_one_answer(
    committed_app: FastAPI, committed_database_url: str, tokens: Tokens
) -> None:
    who = person()
    body = temporary_case(who)
    headers = {**tokens.headers("city_officer"), "Idempotency-Key": unique("concurrent-")}
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answers = await asyncio.gather(
            *(client.post("/api/v1/temporary-cases", json=body, headers=headers) for _ in range(6))
        )
        other = await client.post(
            "/api/v1/temporary-cases", json=temporary_case(person()), headers=headers
        )

    assert {a.status_code for a in answers} == {201}, [a.text for a in answers]
    # The same case in every answer (the replay is stored as JSONB: same JSON, key order aside).
    assert all(a.json() == answers[0].json() for a in answers)
    assert len({(a.headers.get("etag"), a.headers.get("location")) for a in answers}) == 1
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert (
        await count(
            committed_database_url,
            "SELECT count(*) FROM temporary_case WHERE id_number = :n",
            who["id_number"],
        )
        == 1
    )
