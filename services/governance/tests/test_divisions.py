"""The division tree: Tianmen's preloaded units, new villages, the internal check."""

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.db import AuditEvent

DUOBAO = "429006100"


async def test_tianmen_township_units_are_preloaded(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(
        "/api/v1/divisions",
        params={"parent_code": "429006", "limit": 100},
        headers=tokens.headers("auditor"),
    )
    page = response.json()
    kinds = [d["kind"] for d in page["items"]]

    assert page["total"] == 28  # the report's 25 乡镇街道, two farms and 沉湖管委会
    assert kinds.count("street") == 3
    assert kinds.count("town") == 21
    assert kinds.count("township") == 1
    duobao = next(d for d in page["items"] if d["code"] == DUOBAO)
    assert duobao == {
        "code": DUOBAO,
        "name": "多宝镇",
        "level": "township",
        "kind": "town",
        "parent_code": "429006",
    }


async def test_a_village_is_added_under_its_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await client.post(
        "/api/v1/divisions",
        json={"code": "429006100201", "name": "多宝村", "kind": "village"},
        headers=tokens.headers("city_officer", sub="li.si"),
    )
    listed = await client.get(
        "/api/v1/divisions", params={"area_code": DUOBAO}, headers=tokens.headers("admin")
    )

    assert created.status_code == 201
    assert created.json()["parent_code"] == DUOBAO
    assert created.json()["level"] == "village"
    assert [d["code"] for d in listed.json()["items"]] == [DUOBAO, "429006100201"]
    audit = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "division"))).one()
    assert (audit.actor, audit.action, audit.entity_id) == ("li.si", "insert", "429006100201")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (
            {"code": "429006117001", "name": "无此镇村", "kind": "village"},
            422,
            "GOVERNANCE_DIVISION_PARENT_MISSING",
        ),
        (
            {"code": "429006100201", "name": "多宝村", "kind": "town"},
            422,
            "GOVERNANCE_DIVISION_KIND",
        ),
        ({"code": "429007", "name": "另一个市", "kind": "city"}, 422, "GOVERNANCE_DIVISION_LEVEL"),
        ({"code": DUOBAO, "name": "多宝镇", "kind": "town"}, 409, "GOVERNANCE_DIVISION_EXISTS"),
        ({"code": "4290061002", "name": "十位", "kind": "village"}, 422, "VALIDATION_FAILED"),
    ],
)
async def test_invalid_divisions_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, str], status: int, code: str
) -> None:
    response = await client.post("/api/v1/divisions", json=body, headers=tokens.headers("admin"))
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_unknown_division_is_404(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get("/api/v1/divisions/429006999", headers=tokens.headers("admin"))
    assert response.status_code == 404
    assert response.json()["code"] == "GOVERNANCE_DIVISION_NOT_FOUND"


async def test_internal_lookup_is_for_services_only(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    service = await client.get(
        f"/internal/v1/divisions/{DUOBAO}", headers=tokens.headers("service")
    )
    officer = await client.get(
        f"/internal/v1/divisions/{DUOBAO}", headers=tokens.headers("city_officer")
    )
    missing = await client.get(
        "/internal/v1/divisions/429006999", headers=tokens.headers("service")
    )

    assert service.status_code == 200
    assert service.json()["name"] == "多宝镇"
    assert officer.status_code == 403
    assert officer.json()["code"] == "AUTH_INTERNAL_ONLY"
    assert missing.status_code == 404


async def test_township_officer_cannot_change_the_tree(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.post(
        "/api/v1/divisions",
        json={"code": "429006100201", "name": "多宝村", "kind": "village"},
        headers=tokens.headers("township_officer", area_codes=[DUOBAO]),
    )
    assert response.status_code == 403
