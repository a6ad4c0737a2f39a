"""The person profile and the cross-programme checks at the gateway, with the services'
internal APIs stubbed at the HTTP layer: three services asked at once, masked, audited,
scoped and degraded; each conflict rule found on crafted sets and not on clean ones."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens
from civil_gateway.config import GatewaySettings
from civil_gateway.db import AuditEvent
from civil_gateway.peers import Peers
from civil_shared.auth import Principal, Role, TokenVerifier
from civil_shared.runtime.settings import ServiceSettings
from civil_shared.testing.factories import make_id_number

URLS = {
    "assistance_url": "http://assistance.internal:8001",
    "welfare_url": "http://welfare.internal:8002",
    "governance_url": "http://governance.internal:8003",
}


class Services(httpx.AsyncBaseTransport):
    """Stands in for the services' internal APIs: ``(host, path)`` answered with JSON, an
    unknown route 404, a host in ``down`` refusing connections, one in ``slow`` answering
    after ``delay`` seconds; every caller's token verified and kept."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.routes: dict[tuple[str, str], Any] = {}
        self.down: set[str] = set()
        self.slow: set[str] = set()
        self.delay = 5.0
        self.callers: list[Principal] = []
        self._verifier = TokenVerifier(jwks)

    def answer(self, service: str, path: str, body: Any) -> None:
        self.routes[(f"{service}.internal", path)] = body

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        token = request.headers["authorization"].removeprefix("Bearer ")
        self.callers.append(Principal.from_claims(self._verifier.verify(token)))
        if host in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if host in self.slow:
            await asyncio.sleep(self.delay)
        body = self.routes.get((host, request.url.path))
        if body is None:
            return httpx.Response(404, json={"code": "NOT_FOUND"})
        return httpx.Response(200, content=json.dumps(body, ensure_ascii=False).encode())


@pytest_asyncio.fixture(loop_scope="session")
async def services(
    app: FastAPI, settings: ServiceSettings, test_keys: DevKeys
) -> AsyncIterator[Services]:
    assert isinstance(settings, GatewaySettings)
    configured = settings.model_copy(
        update={**URLS, "profile_deadline_s": 0.5, "checks_deadline_s": 0.5}
    )
    app.state.settings = configured
    stub = Services(json.loads(test_keys.jwks_path.read_text()))
    clients = Peers.from_settings(configured, app.state.gateway_keys, transport=stub)
    app.state.peers = clients
    yield stub
    await clients.aclose()


def masked(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


# --- the person profile ---------------------------------------------------------------

PERSON = str(make_id_number(birth_date=date(1950, 4, 4)))
SPOUSE = str(make_id_number(birth_date=date(1952, 8, 8)))
VILLAGE = "429006100201"  # 多宝镇
OTHER_VILLAGE = "429006101001"  # 拖市镇


def record(service: str, resource: str, area: str = VILLAGE) -> dict[str, Any]:
    return {
        "service": service,
        "resource": resource,
        "record_id": f"{resource}-1",
        "label": resource,
        "area_code": area,
        "status": "active",
        "start": "2020-01",
        "end": None,
        "facts": {},
    }


def sections(number: str = PERSON, *, found: bool = True) -> dict[str, dict[str, Any]]:
    household = {
        "household_id": "h-1",
        "area_code": VILLAGE,
        "address": "多宝村三组",
        "residence_type": "rural",
        "relation": "head",
        "members": [
            {"id_number": number, "name": "张大", "relation": "head", "death_date": None},
            {"id_number": SPOUSE, "name": "李二", "relation": "spouse", "death_date": None},
        ],
    }
    return {
        "assistance": {
            "id_number": number,
            "name": "张大" if found else None,
            "records": [record("assistance", "enrolment")] if found else [],
            "household": household if found else None,
        },
        "welfare": {
            "id_number": number,
            "name": "张大" if found else None,
            "records": [record("welfare", "high_age_allowance")] if found else [],
        },
        "governance": {
            "id_number": number,
            "name": None,
            "records": [],
            "volunteer_hours": [],
            "total_hours": "0.00",
        },
    }


def serve(stub: Services, number: str = PERSON, *, found: bool = True) -> None:
    for service, body in sections(number, found=found).items():
        stub.answer(service, f"/internal/v1/persons/{number}/profile", body)


async def reads(session: AsyncSession, entity: str) -> list[AuditEvent]:
    found = await session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read_pii", AuditEvent.entity == entity)
    )
    return list(found)


async def test_the_profile_gathers_the_three_services_masked_without_pii_read(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, session: AsyncSession
) -> None:
    serve(services)

    response = await client.get(
        f"/api/v1/persons/{PERSON}/profile", headers=tokens.headers("city_officer")
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == []
    assert body["name"] == "张大"
    assert body["assistance"]["records"][0]["resource"] == "enrolment"
    assert body["welfare"]["records"][0]["resource"] == "high_age_allowance"
    assert body["governance"]["records"] == []
    members = body["assistance"]["household"]["members"]
    assert [body["id_number"], *(m["id_number"] for m in members)] == [
        masked(PERSON),
        masked(PERSON),
        masked(SPOUSE),
    ]
    assert PERSON not in response.text
    assert SPOUSE not in response.text
    assert await reads(session, "person_profile") == []
    # Each service asked once, with a service token the gateway signed itself.
    assert len(services.callers) == 3
    for caller in services.callers:
        assert caller.has_role(Role.SERVICE)
        assert caller.reads_pii
        assert caller.has_scope("internal")


async def test_an_unmasked_profile_is_audited_with_every_id_number_shown(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, session: AsyncSession
) -> None:
    serve(services)

    response = await client.get(
        f"/api/v1/persons/{PERSON}/profile",
        headers=tokens.headers("city_officer", sub="reader-1", scopes=["pii:read"]),
    )

    assert response.status_code == 200, response.text
    assert response.json()["id_number"] == PERSON
    assert SPOUSE in response.text
    [event] = await reads(session, "person_profile")
    assert event.actor == "reader-1"
    assert event.entity_id == PERSON
    assert event.new_values is not None
    assert event.new_values["id_numbers"] == [PERSON, SPOUSE]


async def test_a_bad_id_number_is_422_and_a_person_unknown_everywhere_404(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    unknown = str(make_id_number())
    serve(services, unknown, found=False)
    headers = tokens.headers("admin")
    wrong_check = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")

    bad = await client.get(f"/api/v1/persons/{wrong_check}/profile", headers=headers)
    missing = await client.get(f"/api/v1/persons/{unknown}/profile", headers=headers)

    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert missing.status_code == 404
    assert missing.json()["code"] == "GATEWAY_PERSON_NOT_FOUND"
    # The problem names the path it answers, with the ID number in it masked.
    masked = f"{unknown[:6]}********{unknown[-4:]}"
    assert missing.json()["instance"] == f"/api/v1/persons/{masked}/profile"
    assert unknown not in missing.text
    assert wrong_check not in bad.text


async def test_a_service_down_or_slow_leaves_its_section_out_not_the_profile(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    serve(services)
    services.down.add("welfare.internal")
    services.slow.add("governance.internal")

    started = time.monotonic()
    response = await client.get(
        f"/api/v1/persons/{PERSON}/profile", headers=tokens.headers("admin")
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == ["welfare", "governance"]
    assert body["welfare"] is None
    assert body["governance"] is None
    assert body["assistance"]["records"]
    assert elapsed < 3.0  # the 0.5 s deadline, not the slow service's 5 s


async def test_every_service_down_is_503(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    services.down.update({"assistance.internal", "welfare.internal", "governance.internal"})

    response = await client.get(
        f"/api/v1/persons/{PERSON}/profile", headers=tokens.headers("admin")
    )

    assert response.status_code == 503
    assert response.json()["code"] == "GATEWAY_PROFILE_UNAVAILABLE"


async def test_a_township_officer_sees_only_a_person_of_their_areas(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    serve(services)  # the person's records lie in 多宝镇

    own = await client.get(
        f"/api/v1/persons/{PERSON}/profile",
        headers=tokens.headers("township_officer", area_codes=["429006100"]),
    )
    other = await client.get(
        f"/api/v1/persons/{PERSON}/profile",
        headers=tokens.headers("township_officer", area_codes=["429006101"]),
    )
    integrator = await client.get(
        f"/api/v1/persons/{PERSON}/profile", headers=tokens.headers("integrator")
    )

    assert own.status_code == 200
    assert own.json()["assistance"]["household"]["area_code"] == VILLAGE
    assert other.status_code == 404
    assert other.json()["code"] == "GATEWAY_PERSON_NOT_FOUND"
    assert integrator.status_code == 403


# --- the cross-programme checks -------------------------------------------------------

SETS = "/internal/v1/checks/sets"
P = [str(make_id_number(birth_date=date(1940 + i, 1, 1 + i))) for i in range(8)]
RULES = [
    "dibao_and_tekun",
    "tekun_with_disability_subsidy",
    "orphan_and_unsupported",
    "living_subsidy_without_dibao",
    "high_age_under_age",
    "paid_after_death",
    "paid_after_exit",
]


def ref(service: str, resource: str, record_id: str, area: str = VILLAGE) -> dict[str, Any]:
    return {"service": service, "resource": resource, "record_id": record_id, "area_code": area}


def spell(
    person: int, programme: str, start: str, end: str | None, service: str = "assistance"
) -> dict[str, Any]:
    resource = "enrolment" if service == "assistance" else "grant"
    return {
        "id_number": P[person],
        "name": f"人员{person}",
        "programme": programme,
        "start_period": start,
        "end_period": end,
        "record": ref(service, resource, f"{programme}-{person}"),
    }


def check_sets(*, clean: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both services' sets for 2020: each rule broken once, or (clean) kept just so."""
    assistance = {
        "year": 2020,
        "spells": [
            spell(1, "rural_dibao", "2019-06", "2020-02" if clean else "2020-06"),
            spell(1, "rural_tekun", "2020-03", None),
            spell(2, "rural_tekun", "2020-01", "2020-04" if clean else None),
            *([spell(3, "rural_dibao", "2020-01", None)] if clean else []),
        ],
        "last_paid": [],
        "deaths": [
            {
                "id_number": P[6],
                "name": "人员6",
                "death_date": "2020-05-05" if clean else "2020-03-05",
                "record": ref("assistance", "household_member", "m-6"),
            }
        ],
        "paid_after_exit": []
        if clean
        else [
            {
                "id_number": P[7],
                "name": "人员7",
                "programme": "urban_dibao",
                "period": "2020-08",
                "ended_period": "2020-06",
                "line": ref("assistance", "disbursement_line", "run/e-7", OTHER_VILLAGE),
                "record": ref("assistance", "enrolment", "e-7", OTHER_VILLAGE),
            }
        ],
    }
    welfare = {
        "year": 2020,
        "spells": [
            spell(2, "care", "2020-05", None, "welfare"),
            spell(3, "living", "2020-02", None, "welfare"),
            spell(4, "orphan", "2020-01", "2020-04" if clean else "2020-06", "welfare"),
            spell(4, "de_facto_unsupported", "2020-05", "2028-03", "welfare"),
        ],
        "living_without_edge": ["living-3"],
        "last_paid": [
            {
                "id_number": P[6],
                "name": "人员6",
                "programme": "high_age",
                "period": "2020-05",
                "record": ref("welfare", "disbursement_line", "run/a-6"),
            }
        ],
        "deaths": [],
        "paid_after_exit": [],
        "under_age_allowances": []
        if clean
        else [
            {
                "id_number": P[5],
                "name": "人员5",
                "first_month": "2020-01",
                "age": 74,
                "min_age": 80,
                "record": ref("welfare", "high_age_allowance", "a-5"),
            }
        ],
    }
    return assistance, welfare


def serve_sets(stub: Services, *, clean: bool) -> None:
    assistance, welfare = check_sets(clean=clean)
    stub.answer("assistance", SETS, assistance)
    stub.answer("welfare", SETS, welfare)


async def conflicts(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return await client.get(
        "/api/v1/checks/conflicts", params={"year": 2020, **params}, headers=headers
    )


async def test_each_rule_is_found_on_crafted_sets(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, session: AsyncSession
) -> None:
    serve_sets(services, clean=False)

    response = await conflicts(client, tokens.headers("auditor"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == []
    assert [(r["rule"], r["evaluated"], r["findings"]) for r in body["rules"]] == [
        (rule, True, 1) for rule in RULES
    ]
    found = {f["rule"]: f for f in body["findings"]}
    assert list(found) == RULES
    expected_person = {
        "dibao_and_tekun": 1,
        "tekun_with_disability_subsidy": 2,
        "orphan_and_unsupported": 4,
        "living_subsidy_without_dibao": 3,
        "high_age_under_age": 5,
        "paid_after_death": 6,
        "paid_after_exit": 7,
    }
    for rule, person in expected_person.items():
        assert [p["id_number"] for p in found[rule]["persons"]] == [masked(P[person])], rule
        assert found[rule]["label"]
    assert found["dibao_and_tekun"]["detail"].startswith("2020-03至2020-06")
    assert [r["record_id"] for r in found["dibao_and_tekun"]["records"]] == [
        "rural_dibao-1",
        "rural_tekun-1",
    ]
    assert [(r["service"], r["resource"]) for r in found["paid_after_death"]["records"]] == [
        ("assistance", "household_member"),
        ("welfare", "disbursement_line"),
    ]
    assert all(p not in response.text for p in P)
    assert await reads(session, "conflict_checks") == []


async def test_no_rule_finds_anything_on_clean_sets(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    serve_sets(services, clean=True)

    response = await conflicts(client, tokens.headers("city_officer"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert [(r["rule"], r["evaluated"], r["findings"]) for r in body["rules"]] == [
        (rule, True, 0) for rule in RULES
    ]
    assert body["findings"] == []
    assert body["total"] == 0


async def test_findings_are_unmasked_and_audited_with_pii_read_and_narrowed_to_areas(
    client: httpx.AsyncClient, tokens: Tokens, services: Services, session: AsyncSession
) -> None:
    serve_sets(services, clean=False)

    full = await conflicts(
        client, tokens.headers("admin", sub="checker", scopes=["pii:read"]), rule="paid_after_exit"
    )
    township = await conflicts(client, tokens.headers("township_officer", area_codes=["429006100"]))
    integrator = await conflicts(client, tokens.headers("integrator"))

    assert full.status_code == 200, full.text
    assert full.json()["total"] == 1
    assert [p["id_number"] for f in full.json()["findings"] for p in f["persons"]] == [P[7]]
    [event] = await reads(session, "conflict_checks")
    assert event.actor == "checker"
    assert event.new_values is not None
    assert event.new_values["id_numbers"] == [P[7]]
    # 多宝镇's officer: every finding but the one whose records lie in 拖市镇.
    assert township.status_code == 200
    assert township.json()["total"] == len(RULES) - 1
    assert "paid_after_exit" not in {f["rule"] for f in township.json()["findings"]}
    assert integrator.status_code == 403


async def test_a_service_down_leaves_the_rules_needing_it_unevaluated(
    client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    serve_sets(services, clean=False)
    services.down.add("welfare.internal")

    response = await conflicts(client, tokens.headers("city_officer"))
    services.down.add("assistance.internal")
    neither = await conflicts(client, tokens.headers("city_officer"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == ["welfare"]
    assert [r["rule"] for r in body["rules"] if r["evaluated"]] == ["dibao_and_tekun"]
    assert [f["rule"] for f in body["findings"]] == ["dibao_and_tekun"]
    assert neither.status_code == 503
    assert neither.json()["code"] == "GATEWAY_CHECKS_UNAVAILABLE"
