"""The register of social organisations: credit code against type, names, status
changes, yearly inspections, scoping and audit."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.db import AuditEvent
from civil_governance.organisations.models import SocialOrganisation
from civil_governance.organisations.repository import organisation_stats
from civil_governance.organisations.schemas import InspectionResult
from civil_shared.testing.factories import make_credit_code
from civil_shared.types import CreditCode, SocialOrgType, credit_check_char

URL = "/api/v1/social-organisations"
DUOBAO = "429006100"
TUOSHI = "429006101"
LAST_YEAR = date.today().year - 1


def code(org_type: SocialOrgType = SocialOrgType.SOCIAL_GROUP) -> str:
    return str(make_credit_code(org_type=org_type))


def with_first_char(credit_code: str, first: str) -> str:
    """A valid code (check character recomputed) whose authority character is ``first``."""
    first17 = first + credit_code[1:17]
    return first17 + credit_check_char(first17)


def organisation(**extra: Any) -> dict[str, Any]:
    org_type = SocialOrgType(extra.get("org_type", SocialOrgType.SOCIAL_GROUP))
    return {
        "name": f"天门市{unique()}协会",
        "org_type": org_type.value,
        "credit_code": code(org_type),
        "registration_date": "2015-06-01",
        "registering_authority": "天门市民政局",
        "township_code": DUOBAO,
        "legal_representative": "张三",
        **extra,
    }


def city(tokens: Tokens, **kwargs: Any) -> dict[str, str]:
    return tokens.headers("city_officer", **kwargs)


async def register(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def change_status(
    client: httpx.AsyncClient,
    tokens: Tokens,
    created: httpx.Response,
    status: str,
    effective_date: str = "2020-06-30",
    etag: str | None = None,
) -> httpx.Response:
    return await client.post(
        f"{URL}/{created.json()['id']}/status",
        json={"status": status, "effective_date": effective_date, "reason": "理事会决议"},
        headers={**city(tokens), "If-Match": etag or created.headers["etag"]},
    )


# --- registration and the credit code ---------------------------------------------


async def test_an_organisation_is_registered_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = organisation(org_type="foundation", name="天门市慈善基金会", township_code=None)
    created = await client.post(URL, json=body, headers=city(tokens, sub="wang.wu"))
    read = await client.get(created.headers["location"], headers=tokens.headers("auditor"))

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    out = read.json()
    assert out["credit_code"] == body["credit_code"]
    assert out["org_type"] == "foundation"
    assert out["org_type_label"] == "基金会"
    assert out["status"] == "active"
    assert out["allowed_statuses"] == ["suspended", "deregistered", "revoked"]
    assert out["township_code"] is None
    assert out["last_inspection_year"] is None
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity == "social_organisation"))
    ).one()
    assert (audit.actor, audit.action, audit.entity_id) == ("wang.wu", "insert", out["id"])
    assert audit.new_values is not None
    assert audit.new_values["credit_code"] == body["credit_code"]


@pytest.mark.parametrize(
    ("org_type", "code_of", "expected", "label"),
    [
        ("foundation", SocialOrgType.SOCIAL_GROUP, "3", "基金会"),
        ("social_group", SocialOrgType.SOCIAL_SERVICE_AGENCY, "1", "社会团体"),
        ("social_service_agency", SocialOrgType.FOUNDATION, "2", "民办非企业单位"),
    ],
)
async def test_a_credit_code_of_another_type_is_422(
    client: httpx.AsyncClient,
    tokens: Tokens,
    org_type: str,
    code_of: SocialOrgType,
    expected: str,
    label: str,
) -> None:
    mismatched = code(code_of)
    response = await register(
        client, tokens, organisation(org_type=org_type, credit_code=mismatched)
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "GOVERNANCE_ORG_CREDIT_CODE_TYPE_MISMATCH"
    assert f"第2位应为“{expected}”（{label}）" in problem["detail"]
    assert f"实为“{code_of.credit_code_char}”" in problem["detail"]
    assert (problem["expected"], problem["actual"]) == (expected, code_of.credit_code_char)


async def test_a_credit_code_not_issued_by_civil_affairs_is_422(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    company = with_first_char(code(), "9")  # 9: registered by market regulation
    response = await register(client, tokens, organisation(credit_code=company))

    assert CreditCode(company)  # a valid code, only not one of ours
    assert response.status_code == 422
    assert response.json()["code"] == "GOVERNANCE_ORG_CREDIT_CODE_AUTHORITY"
    assert "第1位应为“5”" in response.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"credit_code": "51429006MJ0000000X"}, "credit_code"),  # wrong check character
        ({"credit_code": "51429006MJ00000"}, "credit_code"),  # too short
        ({"org_type": "other"}, "org_type"),  # 9: not registered by civil affairs
        ({"township_code": "429006100201"}, "township_code"),  # a village, not a township
        ({"township_code": "420100001"}, "township_code"),  # not in Tianmen
        ({"registration_date": "2999-01-01"}, "registration_date"),
        ({"name": " "}, "name"),
    ],
)
async def test_invalid_registrations_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await register(client, tokens, organisation(**change))
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_an_unknown_township_is_422(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await register(client, tokens, organisation(township_code="429006117"))
    assert response.status_code == 422
    assert response.json()["code"] == "GOVERNANCE_TOWNSHIP_UNKNOWN"


async def test_the_database_refuses_a_code_that_disagrees_with_the_type(
    session: AsyncSession,
) -> None:
    session.add(
        SocialOrganisation(
            name="绕过接口的组织",
            org_type="foundation",
            credit_code=code(SocialOrgType.SOCIAL_GROUP),
            registration_date=date(2015, 1, 1),
            registering_authority="天门市民政局",
            legal_representative="李四",
            status="active",
        )
    )
    with pytest.raises(IntegrityError, match="ck_social_organisation_credit_code_matches_type"):
        await session.flush()


# --- names and codes ---------------------------------------------------------------


async def test_a_name_is_held_while_registered_and_freed_by_deregistration(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    first = await register(client, tokens, organisation(name="天门市书法家协会"))
    clash = await register(client, tokens, organisation(name="天门市书法家协会"))
    suspended = await change_status(client, tokens, first, "suspended")
    still = await register(client, tokens, organisation(name="天门市书法家协会"))
    gone = await change_status(
        client, tokens, first, "deregistered", "2020-12-01", suspended.headers["etag"]
    )
    again = await register(client, tokens, organisation(name="天门市书法家协会"))

    assert first.status_code == 201
    assert clash.status_code == 409
    assert clash.json()["code"] == "GOVERNANCE_ORG_NAME_TAKEN"
    assert clash.json()["conflicting_organisation_id"] == first.json()["id"]
    assert suspended.status_code == 200
    assert still.status_code == 409
    assert gone.status_code == 200
    assert again.status_code == 201


async def test_a_credit_code_is_registered_once_even_after_deregistration(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = organisation()
    first = await register(client, tokens, body)
    await change_status(client, tokens, first, "deregistered")
    again = await register(client, tokens, {**body, "name": "另一个名称协会"})

    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_ORG_CREDIT_CODE_TAKEN"


# --- status ------------------------------------------------------------------------


async def test_status_changes_follow_the_rules(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await register(client, tokens, organisation())
    url = f"{URL}/{created.json()['id']}/status"
    body = {"status": "suspended", "effective_date": "2020-03-01", "reason": "年检不合格"}

    missing = await client.post(url, json=body, headers=city(tokens))
    stale = await client.post(url, json=body, headers={**city(tokens), "If-Match": '"7"'})
    suspended = await change_status(client, tokens, created, "suspended", "2020-03-01")
    twice = await change_status(
        client, tokens, created, "suspended", "2020-04-01", suspended.headers["etag"]
    )
    revoked = await change_status(
        client, tokens, created, "revoked", "2020-09-01", suspended.headers["etag"]
    )
    revived = await change_status(
        client, tokens, created, "active", "2020-10-01", revoked.headers["etag"]
    )

    assert missing.status_code == 428
    assert stale.status_code == 412
    assert suspended.status_code == 200
    assert suspended.json()["allowed_statuses"] == ["active", "deregistered", "revoked"]
    assert twice.status_code == 409
    assert twice.json()["code"] == "GOVERNANCE_ORG_INVALID_TRANSITION"
    assert twice.json()["allowed"] == ["active", "deregistered", "revoked"]
    assert revoked.status_code == 200
    assert revoked.json()["status_date"] == "2020-09-01"
    assert revived.status_code == 409
    assert revived.json()["current"] == "revoked"
    assert revived.json()["allowed"] == []


@pytest.mark.parametrize("effective_date", ["2015-05-31", "2020-02-29"])
async def test_a_status_change_cannot_predate_the_last_one(
    client: httpx.AsyncClient, tokens: Tokens, effective_date: str
) -> None:
    created = await register(client, tokens, organisation(registration_date="2015-06-01"))
    suspended = await change_status(client, tokens, created, "suspended", "2020-03-01")
    back = await change_status(
        client, tokens, created, "active", effective_date, suspended.headers["etag"]
    )
    same_day = await change_status(
        client, tokens, created, "active", "2020-03-01", suspended.headers["etag"]
    )

    assert back.status_code == 422
    assert back.json()["code"] == "GOVERNANCE_ORG_DATES"
    assert same_day.status_code == 200


# --- corrections -------------------------------------------------------------------


async def test_a_correction_rechecks_the_code_against_the_type(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = organisation()
    created = await register(client, tokens, body)
    url = f"{URL}/{created.json()['id']}"
    headers = {**city(tokens), "If-Match": created.headers["etag"]}

    mismatch = await client.put(url, json={**body, "org_type": "foundation"}, headers=headers)
    corrected_code = code(SocialOrgType.FOUNDATION)
    corrected = await client.put(
        url,
        json={**body, "org_type": "foundation", "credit_code": corrected_code},
        headers=headers,
    )
    stale = await client.put(url, json=body, headers=headers)

    assert mismatch.status_code == 422
    assert mismatch.json()["code"] == "GOVERNANCE_ORG_CREDIT_CODE_TYPE_MISMATCH"
    assert corrected.status_code == 200
    assert corrected.headers["etag"] == '"2"'
    assert corrected.json()["credit_code"] == corrected_code
    assert stale.status_code == 412
    update = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "social_organisation", AuditEvent.action == "update"
            )
        )
    ).one()
    assert update.old_values is not None
    assert update.new_values is not None
    assert update.old_values["org_type"] == "social_group"
    assert update.new_values["org_type"] == "foundation"


async def test_a_terminated_registration_is_not_corrected(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = organisation()
    created = await register(client, tokens, body)
    gone = await change_status(client, tokens, created, "deregistered")
    response = await client.put(
        f"{URL}/{created.json()['id']}",
        json={**body, "legal_representative": "王五"},
        headers={**city(tokens), "If-Match": gone.headers["etag"]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "GOVERNANCE_ORG_TERMINATED"


# --- roles and areas ---------------------------------------------------------------


async def test_registration_is_the_city_bureaus_act(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    township = await client.post(
        URL,
        json=organisation(),
        headers=tokens.headers("township_officer", area_codes=[DUOBAO]),
    )
    auditor = await client.post(URL, json=organisation(), headers=tokens.headers("auditor"))

    assert township.status_code == 403
    assert auditor.status_code == 403


async def test_township_officer_sees_only_its_townships_organisations(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    mine = await register(client, tokens, organisation(township_code=DUOBAO))
    other = await register(client, tokens, organisation(township_code=TUOSHI))
    city_level = await register(client, tokens, organisation(township_code=None))
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=officer)
    hidden = await client.get(f"{URL}/{other.json()['id']}", headers=officer)
    hidden_city = await client.get(f"{URL}/{city_level.json()['id']}", headers=officer)
    everything = await client.get(URL, headers=tokens.headers("auditor"))

    assert [o["id"] for o in listed.json()["items"]] == [mine.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "GOVERNANCE_ORG_NOT_FOUND"
    assert hidden_city.status_code == 404
    assert everything.json()["total"] == 3


async def test_lists_filter_and_search_by_name_or_credit_code(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    group = await register(client, tokens, organisation(name="天门市摄影家协会"))
    agency = organisation(
        name="天门市阳光养老服务中心", org_type="social_service_agency", township_code=TUOSHI
    )
    agency_out = await register(client, tokens, agency)
    await change_status(client, tokens, agency_out, "suspended")
    headers = tokens.headers("auditor")

    async def ids(**params: str) -> list[str]:
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    assert await ids(org_type="social_group") == [group.json()["id"]]
    assert await ids(status="suspended") == [agency_out.json()["id"]]
    assert await ids(area_code=TUOSHI) == [agency_out.json()["id"]]
    assert await ids(q="摄影") == [group.json()["id"]]
    assert await ids(q=agency["credit_code"].lower()) == [agency_out.json()["id"]]
    assert await ids(q=agency["credit_code"][:10]) == [agency_out.json()["id"]]
    assert await ids(q="不存在的名称") == []


# --- yearly inspections ------------------------------------------------------------


async def add_inspection(
    client: httpx.AsyncClient, tokens: Tokens, organisation_id: str, **body: Any
) -> httpx.Response:
    return await client.post(
        f"{URL}/{organisation_id}/inspections", json=body, headers=city(tokens)
    )


async def test_one_inspection_per_organisation_and_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, organisation(registration_date="2019-05-01"))
    org_id = created.json()["id"]

    first = await add_inspection(client, tokens, org_id, year=2019, result="qualified")
    second = await add_inspection(
        client, tokens, org_id, year=2020, result="unqualified", notes="财务制度不健全，限期整改"
    )
    again = await add_inspection(client, tokens, org_id, year=2020, result="qualified")
    read = await client.get(f"{URL}/{org_id}", headers=tokens.headers("auditor"))
    listed = await client.get(f"{URL}/{org_id}/inspections", headers=tokens.headers("auditor"))

    assert first.status_code == 201
    assert second.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "GOVERNANCE_ORG_INSPECTION_EXISTS"
    assert read.json()["last_inspection_year"] == 2020
    assert read.json()["last_inspection_result"] == "unqualified"
    assert [i["year"] for i in listed.json()] == [2020, 2019]


@pytest.mark.parametrize(
    ("year", "status"),
    [(2018, 422), (2019, 201), (LAST_YEAR, 201), (LAST_YEAR + 1, 422)],
)
async def test_inspection_years_run_from_registration_to_last_year(
    client: httpx.AsyncClient, tokens: Tokens, year: int, status: int
) -> None:
    created = await register(client, tokens, organisation(registration_date="2019-12-31"))
    response = await add_inspection(
        client, tokens, created.json()["id"], year=year, result="qualified"
    )
    assert response.status_code == status
    if status == 422:
        assert response.json()["code"] == "GOVERNANCE_ORG_INSPECTION_YEAR"


async def test_no_inspection_after_the_registration_ended(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, organisation(registration_date="2015-01-01"))
    await change_status(client, tokens, created, "deregistered", "2020-06-30")
    in_last_year = await add_inspection(
        client, tokens, created.json()["id"], year=2020, result="basically_qualified"
    )
    after = await add_inspection(
        client, tokens, created.json()["id"], year=2021, result="qualified"
    )

    assert in_last_year.status_code == 201
    assert after.status_code == 422
    assert after.json()["code"] == "GOVERNANCE_ORG_INSPECTION_YEAR"


@pytest.mark.parametrize("result", ["unqualified", "not_inspected"])
async def test_a_failed_inspection_needs_a_reason(
    client: httpx.AsyncClient, tokens: Tokens, result: str
) -> None:
    created = await register(client, tokens, organisation())
    response = await add_inspection(client, tokens, created.json()["id"], year=2020, result=result)
    assert response.status_code == 422
    assert "原因" in response.json()["detail"]


async def test_an_inspection_is_corrected_with_if_match(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, organisation())
    org_id = created.json()["id"]
    added = await add_inspection(
        client, tokens, org_id, year=2020, result="not_inspected", notes="未按期报送年检材料"
    )
    url = f"{URL}/{org_id}/inspections/2020"
    corrected = await client.put(
        url,
        json={"result": "qualified", "inspected_date": "2021-05-20"},
        headers={**city(tokens), "If-Match": added.headers["etag"]},
    )
    stale = await client.put(
        url,
        json={"result": "qualified"},
        headers={**city(tokens), "If-Match": added.headers["etag"]},
    )
    missing = await client.put(
        f"{URL}/{org_id}/inspections/2019",
        json={"result": "qualified"},
        headers={**city(tokens), "If-Match": '"1"'},
    )

    assert corrected.status_code == 200
    assert corrected.json()["result"] == "qualified"
    assert corrected.headers["etag"] == '"2"'
    assert stale.status_code == 412
    assert missing.status_code == 404
    assert missing.json()["code"] == "GOVERNANCE_ORG_INSPECTION_NOT_FOUND"


async def test_organisations_are_found_by_their_inspection_result(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    passed = await register(client, tokens, organisation())
    failed = await register(client, tokens, organisation())
    await add_inspection(client, tokens, passed.json()["id"], year=2020, result="qualified")
    await add_inspection(
        client, tokens, failed.json()["id"], year=2020, result="unqualified", notes="未开展活动"
    )
    headers = tokens.headers("auditor")

    found = await client.get(
        URL, params={"inspection_year": 2020, "inspection_result": "unqualified"}, headers=headers
    )
    no_year = await client.get(URL, params={"inspection_result": "qualified"}, headers=headers)

    assert [o["id"] for o in found.json()["items"]] == [failed.json()["id"]]
    assert no_year.status_code == 422
    assert no_year.json()["code"] == "GOVERNANCE_ORG_INSPECTION_YEAR_REQUIRED"


async def test_township_officer_cannot_record_inspections(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, organisation(township_code=DUOBAO))
    response = await client.post(
        f"{URL}/{created.json()['id']}/inspections",
        json={"year": 2020, "result": "qualified"},
        headers=tokens.headers("township_officer", area_codes=[DUOBAO]),
    )
    assert response.status_code == 403


async def test_the_year_counts_organisations_by_type_status_township_and_inspection(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    group = await register(client, tokens, organisation(registration_date="2018-03-01"))
    await register(
        client,
        tokens,
        organisation(org_type="foundation", township_code=None, registration_date="2020-12-31"),
    )
    agency = await register(
        client,
        tokens,
        organisation(
            org_type="social_service_agency", township_code=TUOSHI, registration_date="2019-01-01"
        ),
    )
    await change_status(client, tokens, agency, "revoked", "2020-10-01")
    await register(client, tokens, organisation(registration_date="2021-01-01"))  # too late
    await add_inspection(client, tokens, group.json()["id"], year=2020, result="qualified")
    await add_inspection(
        client, tokens, agency.json()["id"], year=2020, result="not_inspected", notes="未参检"
    )

    stats = await organisation_stats(session, 2020)
    duobao = await organisation_stats(session, 2020, area_code=DUOBAO)

    assert [(c.org_type.value, c.status.value, c.count) for c in stats.by_type_and_status] == [
        ("foundation", "active", 1),
        ("social_group", "active", 1),
        ("social_service_agency", "revoked", 1),
    ]
    assert [(t.township_code, t.count) for t in stats.registered_by_township] == [
        (None, 1),
        (DUOBAO, 1),
    ]
    assert stats.inspections_by_result == {
        InspectionResult.QUALIFIED: 1,
        InspectionResult.BASICALLY_QUALIFIED: 0,
        InspectionResult.UNQUALIFIED: 0,
        InspectionResult.NOT_INSPECTED: 1,
    }
    assert [(c.org_type.value, c.count) for c in duobao.by_type_and_status] == [("social_group", 1)]
