"""Social-work service projects: the community, the period, the budget, scoping, ETags."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_governance.db import AuditEvent
from civil_governance.divisions.models import Division
from civil_shared.testing.factories import make_credit_code
from civil_shared.types import SocialOrgType

JINGLING = "429006001"
GUANLU = "429006001911"
HONGJIAN = "429006001912"
DUOBAO_VILLAGE = "429006100911"
URL = "/api/v1/social-work-projects"
AGENCY = str(make_credit_code(org_type=SocialOrgType.SOCIAL_SERVICE_AGENCY))


@pytest.fixture
async def communities(client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession) -> None:
    for code, name, kind in (
        (GUANLU, "官路项目测试社区", "community"),
        (HONGJIAN, "鸿渐项目测试社区", "community"),
        (DUOBAO_VILLAGE, "多宝项目测试村", "village"),
    ):
        if await session.get(Division, code) is None:
            session.add(
                Division(code=code, name=name, level="village", kind=kind, parent_code=code[:9])
            )
    await session.commit()
    for code in (GUANLU, HONGJIAN, DUOBAO_VILLAGE):
        response = await client.post(
            "/api/v1/communities",
            json={"area_code": code, "population": 8000, "households": 2600},
            headers=tokens.headers("city_officer"),
        )
        assert response.status_code == 201, response.text


def city(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


def project(area_code: str = GUANLU, **extra: Any) -> dict[str, Any]:
    return {
        "area_code": area_code,
        "name": "社会心理服务试点",
        "kind": "psychological_aid",
        "pilot": True,
        "service": "疫情后居民心理疏导、个案辅导与小组活动",
        "provider_name": "天门市阳光社会工作服务中心",
        "provider_credit_code": AGENCY,
        "budget": "150000.00",
        "start_date": "2020-07-01",
        "end_date": "2021-06-30",
        **extra,
    }


async def create(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or project(), headers=city(tokens, sub="sun.qi"))


@pytest.mark.usefixtures("communities")
async def test_the_psychological_aid_pilots_are_recorded(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    guanlu = await create(client, tokens)
    hongjian = await create(client, tokens, project(HONGJIAN))
    await create(client, tokens, project(DUOBAO_VILLAGE, kind="elderly_care", pilot=False))
    pilots = await client.get(
        URL, params={"kind": "psychological_aid", "pilot": True}, headers=city(tokens)
    )

    assert guanlu.status_code == 201
    assert guanlu.headers["etag"] == '"1"'
    assert guanlu.headers["location"] == f"{URL}/{guanlu.json()['id']}"
    body = guanlu.json()
    assert body["community_name"] == "官路项目测试社区"
    assert body["budget"] == "150000.00"
    assert body["provider_credit_code"] == AGENCY
    assert body["stage"] == "finished"
    assert body["recorded_by"] == "sun.qi"
    assert hongjian.status_code == 201
    assert {p["community_name"] for p in pilots.json()["items"]} == {
        "官路项目测试社区",
        "鸿渐项目测试社区",
    }
    audit = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "social_work_project",
                AuditEvent.entity_id == body["id"],
            )
        )
    ).one()
    assert audit.actor == "sun.qi"
    assert audit.new_values is not None
    assert audit.new_values["budget"] == "150000.00"


@pytest.mark.usefixtures("communities")
@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"end_date": "2020-06-30"}, 422, "VALIDATION_FAILED"),  # ends before it starts
        ({"budget": "-1.00"}, 422, "VALIDATION_FAILED"),
        ({"budget": "10.001"}, 422, "VALIDATION_FAILED"),
        ({"provider_credit_code": "52429006MJH0000000"}, 422, "VALIDATION_FAILED"),
        ({"kind": "counselling"}, 422, "VALIDATION_FAILED"),
        ({"area_code": JINGLING}, 422, "VALIDATION_FAILED"),  # a street, not a community
        ({"area_code": "429006001999"}, 422, "GOVERNANCE_COMMUNITY_NOT_REGISTERED"),
    ],
)
async def test_invalid_projects_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, changes: dict[str, Any], status: int, code: str
) -> None:
    response = await create(client, tokens, project(**changes))
    assert response.status_code == status
    assert response.json()["code"] == code


@pytest.mark.usefixtures("communities")
async def test_a_project_is_recorded_once_per_community_name_and_start(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await create(client, tokens)
    again = await create(client, tokens)
    next_round = await create(
        client, tokens, project(start_date="2021-07-01", end_date="2022-06-30")
    )

    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_PROJECT_EXISTS"
    assert next_round.status_code == 201


@pytest.mark.usefixtures("communities")
async def test_a_project_is_replaced_with_its_etag(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}"
    fields = {k: v for k, v in project().items() if k != "area_code"}
    missing = await client.put(url, json=fields, headers=city(tokens))
    changed = await client.put(
        url,
        json={**fields, "budget": "180000.00", "end_date": "2021-12-31"},
        headers={**city(tokens), "If-Match": created.headers["etag"]},
    )
    stale = await client.put(
        url, json=fields, headers={**city(tokens), "If-Match": created.headers["etag"]}
    )
    moved = await client.put(
        url,
        json={**fields, "area_code": HONGJIAN},
        headers={**city(tokens), "If-Match": changed.headers["etag"]},
    )

    assert missing.status_code == 428
    assert changed.status_code == 200
    assert (changed.json()["budget"], changed.json()["end_date"]) == ("180000.00", "2021-12-31")
    assert changed.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert moved.status_code == 422  # the community is not part of the replacement


@pytest.mark.usefixtures("communities")
async def test_the_stage_and_the_year_follow_the_service_period(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    today = date.today()
    ongoing = await create(
        client,
        tokens,
        project(
            name="儿童关爱",
            kind="child_welfare",
            start_date=str(today - timedelta(days=30)),
            end_date=str(today + timedelta(days=30)),
        ),
    )
    planned = await create(
        client,
        tokens,
        project(
            name="为老服务",
            kind="elderly_care",
            start_date=str(today + timedelta(days=1)),
            end_date=str(today + timedelta(days=365)),
        ),
    )
    await create(client, tokens)  # 2020-07-01 – 2021-06-30

    of_2020 = await client.get(URL, params={"year": 2020}, headers=city(tokens))
    of_2021 = await client.get(URL, params={"year": 2021}, headers=city(tokens))
    of_2019 = await client.get(URL, params={"year": 2019}, headers=city(tokens))
    by_provider = await client.get(URL, params={"q": "阳光"}, headers=city(tokens))

    assert ongoing.json()["stage"] == "ongoing"
    assert planned.json()["stage"] == "planned"
    assert [p["name"] for p in of_2020.json()["items"]] == ["社会心理服务试点"]
    assert "社会心理服务试点" in [p["name"] for p in of_2021.json()["items"]]
    assert of_2019.json()["total"] == 0
    assert by_provider.json()["total"] == 3


@pytest.mark.usefixtures("communities")
async def test_projects_outside_the_area_are_neither_listed_nor_found_nor_created(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    guanlu = await create(client, tokens)
    await create(client, tokens, project(DUOBAO_VILLAGE))
    officer = tokens.headers("township_officer", area_codes=["429006100"])

    listed = await client.get(URL, headers=officer)
    read = await client.get(f"{URL}/{guanlu.json()['id']}", headers=officer)
    fields = {k: v for k, v in project().items() if k != "area_code"}
    write = await client.put(
        f"{URL}/{guanlu.json()['id']}", json=fields, headers={**officer, "If-Match": '"1"'}
    )
    outside = await client.post(URL, json=project(HONGJIAN), headers=officer)
    by_auditor = await client.post(URL, json=project(HONGJIAN), headers=tokens.headers("auditor"))

    assert [p["area_code"] for p in listed.json()["items"]] == [DUOBAO_VILLAGE]
    assert read.status_code == write.status_code == 404
    assert read.json()["code"] == "GOVERNANCE_PROJECT_NOT_FOUND"
    assert outside.status_code == 403
    assert outside.json()["code"] == "GOVERNANCE_AREA_FORBIDDEN"
    assert by_auditor.status_code == 403
