"""The gateway in front of the real services, in one process.

The governance service runs on a database of its own, migrated by its real
migrations; the gateway reaches it (and the other two, for their documents)
through httpx's ASGI transport instead of the network. Everything else is the
real thing: the services verify the caller's token the gateway passes on,
scope by area, and answer with their own problems.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from civil_assistance.config import AssistanceSettings
from civil_assistance.main import create_app as create_assistance_app
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens
from civil_gateway.config import GatewaySettings
from civil_gateway.main import create_app as create_gateway_app
from civil_gateway.routing.upstreams import Upstreams
from civil_governance.config import GovernanceSettings
from civil_governance.main import create_app as create_governance_app
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.settings import asyncpg_url
from civil_welfare.config import WelfareSettings
from civil_welfare.main import create_app as create_welfare_app

TRAININGS = "/api/v1/governance/boundary-trainings"
DUOBAO = "429006100"
TUOSHI = "429006101"
ZHANGGANG = "429006102"


class _ByHost(httpx.AsyncBaseTransport):
    """Each service's app behind its host name, as the network would route it."""

    def __init__(self, apps: dict[str, FastAPI]) -> None:
        self._transports = {host: httpx.ASGITransport(app=app) for host, app in apps.items()}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transports[request.url.host].handle_async_request(request)


@pytest.fixture(scope="module")
def governance_database(create_database: Callable[[str], str]) -> str:
    url = create_database("gateway_routing_governance")
    upgrade("civil_governance", url)
    return asyncpg_url(url)


@pytest_asyncio.fixture(loop_scope="session")
async def gateway(governance_database: str, test_keys: DevKeys) -> AsyncIterator[httpx.AsyncClient]:
    keys: dict[str, Any] = {"jwks_file": test_keys.jwks_path, "log_format": "console"}
    governance = create_governance_app(GovernanceSettings(database_url=governance_database, **keys))
    engine = create_async_engine(governance_database, poolclass=NullPool)
    bind_database(governance, engine, create_sessionmaker(engine))
    services = {
        "assistance": create_assistance_app(AssistanceSettings(**keys)),
        "welfare": create_welfare_app(WelfareSettings(**keys)),
        "governance": governance,
    }
    settings = GatewaySettings(
        jwks_file=test_keys.jwks_path,
        log_format="console",
        assistance_url="http://assistance.internal",
        welfare_url="http://welfare.internal",
        governance_url="http://governance.internal",
    )
    app = create_gateway_app(settings)
    app.state.upstreams = Upstreams.from_settings(
        settings,
        transport=_ByHost({f"{name}.internal": service for name, service in services.items()}),
    )
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
        ) as client:
            yield client
    finally:
        await app.state.upstreams.aclose()
        await engine.dispose()


def _batch(held_date: str, *townships: str) -> dict[str, Any]:
    return {
        "held_date": held_date,
        "place": "市民政局三楼会议室",
        "topic": "乡镇界线联检实务",
        "participants": 30,
        "township_codes": list(townships),
    }


async def test_a_record_is_created_and_read_back_through_the_gateway(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await gateway.post(
        TRAININGS,
        json=_batch("2020-09-10", TUOSHI, DUOBAO),
        headers={**tokens.headers("city_officer"), "X-Request-ID": "e2e-create-1"},
    )
    read = await gateway.get(created.headers["location"], headers=tokens.headers("auditor"))
    listed = await gateway.get(
        TRAININGS, params={"township": DUOBAO, "year": 2020}, headers=tokens.headers("auditor")
    )

    assert created.status_code == 201
    assert created.headers["x-request-id"] == "e2e-create-1"
    body = created.json()
    assert body["recorded_by"] == "test-city_officer"  # the caller's token reached the service
    assert created.headers["location"] == f"{TRAININGS}/{body['id']}"
    assert read.status_code == 200
    assert read.json() == body
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]


async def test_the_services_rules_answer_through_the_gateway(
    gateway: httpx.AsyncClient, tokens: Tokens
) -> None:
    elsewhere = await gateway.post(
        TRAININGS, json=_batch("2020-10-10", ZHANGGANG), headers=tokens.headers("city_officer")
    )
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    cross_area = await gateway.get(f"{TRAININGS}/{elsewhere.json()['id']}", headers=duobao)
    auditor_write = await gateway.post(
        TRAININGS, json=_batch("2020-11-01", DUOBAO), headers=tokens.headers("auditor")
    )
    anonymous = await gateway.get(TRAININGS)
    invalid = await gateway.get(TRAININGS, params={"year": 1999}, headers=duobao)

    assert elsewhere.status_code == 201
    assert (cross_area.status_code, cross_area.json()["code"]) == (
        404,
        "GOVERNANCE_TRAINING_NOT_FOUND",
    )
    assert auditor_write.status_code == 403
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "AUTH_REQUIRED")
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert invalid.status_code == 422  # the query string reached the service as sent


async def test_the_merged_document_holds_every_service_and_every_reference_resolves(
    gateway: httpx.AsyncClient,
) -> None:
    document = (await gateway.get("/openapi.json")).json()

    paths = document["paths"]
    assert "/api/v1/me" in paths
    assert "/api/v1/assistance/households" in paths
    assert "/api/v1/governance/boundary-trainings" in paths
    assert [p for p in paths if p.startswith("/api/v1/welfare/")]
    assert "x-unavailable-services" not in document
    assert not [p for p in paths if p.startswith(("/internal", "/api/v1/governance/internal"))]

    components = document["components"]
    refs: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    refs.append(value)
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(document)
    assert refs
    for ref in set(refs):
        section, name = ref.removeprefix("#/components/").split("/", 1)
        assert name in components[section], ref
    operation_ids = [
        operation["operationId"]
        for item in paths.values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    assert len(operation_ids) == len(set(operation_ids))
    trainings = paths["/api/v1/governance/boundary-trainings"]["post"]
    assert trainings["tags"] == ["基层治理服务 · 乡镇界线"]
