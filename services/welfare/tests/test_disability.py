"""The disabled persons' register and the two subsidies' decisions, against the database,
with the assistance service stubbed at the HTTP layer."""

from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens
from civil_shared.clients.assistance import AssistanceClient
from civil_shared.runtime.internal import RetryPolicy, ServiceTokenMissing
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber, Period
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.config import WelfareSettings
from civil_welfare.db import AuditEvent
from civil_welfare.disability.models import DisabilitySubsidyApplication
from civil_welfare.main import create_app

URL = "/api/v1/disabled-persons"
GRANTS = "/api/v1/disability-subsidy-grants"
VILLAGE = "429006100201"  # 多宝镇
OTHER_TOWNSHIP_VILLAGE = "429006101003"  # 拖市镇
TODAY = date.today()
THIS_MONTH = str(Period.of(TODAY))
A_YEAR_AGO = date(TODAY.year - 1, TODAY.month, 1)
CATEGORY_DIGITS = {
    "visual": "1",
    "hearing": "2",
    "speech": "3",
    "physical": "4",
    "intellectual": "5",
    "mental": "6",
    "multiple": "7",
}
FAST = RetryPolicy(attempts=3, budget_s=5, wait_initial_s=0.001, wait_max_s=0.001, wait_jitter_s=0)


def certificate(id_number: str, category: str, grade: int) -> str:
    return f"{id_number}{CATEGORY_DIGITS[category]}{grade}"


def person_body(
    *,
    category: str = "physical",
    grade: int = 1,
    care_need_since: date | None = A_YEAR_AGO,
    area_code: str = VILLAGE,
    name: str = "王残",
    id_number: str | None = None,
) -> dict[str, Any]:
    number = id_number or str(make_id_number(birth_date=date(1970, 5, 1)))
    return {
        "id_number": number,
        "name": name,
        "area_code": area_code,
        "certificate_number": certificate(number, category, grade),
        "category": category,
        "grade": grade,
        "care_need_since": care_need_since.isoformat() if care_need_since else None,
    }


async def register(client: httpx.AsyncClient, tokens: Tokens, **kwargs: Any) -> dict[str, Any]:
    response = await client.post(
        URL, json=person_body(**kwargs), headers=tokens.headers("city_officer", scopes=["pii:read"])
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- the assistance service, stubbed at the HTTP layer --------------------------------


class AssistanceStub:
    """Answers ``/internal/v1/persons/{id}/status`` as set per person; or fails."""

    def __init__(self) -> None:
        self.statuses: dict[str, dict[str, Any]] = {}
        #: Answers every request this way when set (an exception raised is a transport error).
        self.failure: Callable[[], httpx.Response] | None = None
        #: Answers the next requests this way, one each, before answering normally.
        self.first_failures: list[Callable[[], httpx.Response]] = []
        self.requests: list[httpx.Request] = []

    def set(self, id_number: str, **facts: Any) -> None:
        programmes = facts.pop("programmes", [])
        self.statuses[id_number] = {
            "in_dibao": False,
            "in_tekun": False,
            "household_id": None,
            "household_edge_of_dibao": None,
            **facts,
            "enrolments": [
                {"enrolment_id": "e1", "programme": p, "status": "active", "since": "2020-01"}
                for p in programmes
            ],
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failure is not None:
            return self.failure()
        if self.first_failures:
            return self.first_failures.pop(0)()
        id_number = request.url.path.split("/")[-2]
        facts = self.statuses.get(id_number) or {
            "in_dibao": False,
            "in_tekun": False,
            "household_id": None,
            "household_edge_of_dibao": None,
            "enrolments": [],
        }
        return httpx.Response(
            200,
            json={"id_number": id_number, "checked_on": request.url.params["on"], **facts},
        )


@pytest.fixture
def assistance(app: FastAPI) -> AssistanceStub:
    stub = AssistanceStub()
    settings = WelfareSettings(service_token="welfare-service-token")
    app.state.assistance = AssistanceClient.create(
        "assistance",
        "http://assistance.test",
        settings,
        transport=httpx.MockTransport(stub),
        retry=FAST,
    )
    return stub


async def apply(
    client: httpx.AsyncClient,
    tokens: Tokens,
    person_id: str,
    *,
    subsidies: list[str] | None = None,
    start_period: str = THIS_MONTH,
    role: str = "city_officer",
    **token: Any,
) -> httpx.Response:
    body: dict[str, Any] = {"start_period": start_period}
    if subsidies is not None:
        body["subsidies"] = subsidies
    return await client.post(
        f"{URL}/{person_id}/subsidy-applications", json=body, headers=tokens.headers(role, **token)
    )


def outcomes(application: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {d["subsidy"]: (d["outcome"], d["reasons"]) for d in application["decisions"]}


# --- the register --------------------------------------------------------------------


async def test_registering_a_person_masks_ids_and_computes_age_and_care_months(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = person_body(care_need_since=A_YEAR_AGO)
    created = await client.post(URL, json=body, headers=tokens.headers("city_officer"))
    assert created.status_code == 201, created.text
    out = created.json()
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"{URL}/{out['id']}"
    assert out["id_number"] == IdNumber(body["id_number"]).masked
    assert out["certificate_number"] == IdNumber(body["id_number"]).masked + "41"
    assert out["age"] == IdNumber(body["id_number"]).age_on(TODAY)
    assert out["care_need_months"] >= 12
    assert out["status"] == "active"
    assert out["active_subsidies"] == []
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.entity == "disabled_person"))
    ).all()
    assert [e.action for e in events] == ["insert"]


async def test_unmasked_reads_are_for_pii_holders_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    person = await register(client, tokens)
    shown = await client.get(
        f"{URL}/{person['id']}", headers=tokens.headers("auditor", scopes=["pii:read"])
    )
    assert shown.json()["id_number"] == person["id_number"]
    assert shown.json()["certificate_number"].startswith(person["id_number"])
    reads = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "read_pii"))).all()
    assert [(e.entity, e.entity_id) for e in reads][-1] == ("disabled_person", person["id"])


async def test_a_person_is_registered_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = person_body()
    first = await client.post(URL, json=body, headers=tokens.headers("city_officer"))
    again = await client.post(
        URL, json={**body, "name": "重复"}, headers=tokens.headers("city_officer")
    )
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_DISABLED_PERSON_EXISTS"
    assert again.json()["existing_id"] == first.json()["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"certificate_number": "X"}, "certificate_number"),
        ({"category": "other"}, "category"),
        ({"grade": 5}, "grade"),
        ({"area_code": "429006100"}, "area_code"),  # a township, not a village
        ({"area_code": "420100001001"}, "area_code"),  # outside Tianmen
        ({"care_need_since": "2999-01-01"}, "care_need_since"),
    ],
)
async def test_invalid_entries_are_refused_field_by_field(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await client.post(
        URL, json={**person_body(), **change}, headers=tokens.headers("city_officer")
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_the_certificate_number_must_name_the_holder_category_and_grade(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = person_body(category="mental", grade=2)
    wrong_grade = {**body, "certificate_number": certificate(body["id_number"], "mental", 3)}
    someone_else = {
        **body,
        "certificate_number": certificate(str(make_id_number()), "mental", 2),
    }
    for bad in (wrong_grade, someone_else):
        response = await client.post(URL, json=bad, headers=tokens.headers("city_officer"))
        assert response.status_code == 422
        assert "残疾人证号" in response.json()["detail"]


async def test_township_officers_see_and_write_only_their_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    duobao = tokens.headers("township_officer", area_codes=["429006100"])
    mine_body = person_body(name="多宝人")
    mine = await client.post(URL, json=mine_body, headers=duobao)
    outside = await client.post(
        URL, json=person_body(area_code=OTHER_TOWNSHIP_VILLAGE), headers=duobao
    )
    theirs = await register(client, tokens, area_code=OTHER_TOWNSHIP_VILLAGE)
    listed = await client.get(URL, headers=duobao)
    assert mine.status_code == 201
    assert outside.status_code == 403
    assert [p["id"] for p in listed.json()["items"]] == [mine.json()["id"]]
    assert (await client.get(f"{URL}/{theirs['id']}", headers=duobao)).status_code == 404
    moved = await client.put(
        f"{URL}/{mine.json()['id']}",
        json={k: v for k, v in mine_body.items() if k != "id_number"}
        | {"area_code": OTHER_TOWNSHIP_VILLAGE},
        headers={**duobao, "If-Match": '"1"'},
    )
    assert moved.status_code == 403
    assert moved.json()["code"] == "WELFARE_AREA_FORBIDDEN"


async def test_auditors_cannot_write(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(URL, json=person_body(), headers=tokens.headers("auditor"))
    assert response.status_code == 403


async def test_an_update_needs_the_current_etag(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    person = await register(client, tokens, category="physical", grade=2)
    headers = tokens.headers("city_officer")
    update = {
        k: v
        for k, v in person_body(category="physical", grade=1, id_number=person["id_number"]).items()
        if k != "id_number"
    }
    missing = await client.put(f"{URL}/{person['id']}", json=update, headers=headers)
    done = await client.put(
        f"{URL}/{person['id']}", json=update, headers={**headers, "If-Match": '"1"'}
    )
    stale = await client.put(
        f"{URL}/{person['id']}", json=update, headers={**headers, "If-Match": '"1"'}
    )
    assert missing.status_code == 428
    assert done.status_code == 200, done.text
    assert (done.json()["grade"], done.headers["ETag"]) == (1, '"2"')
    assert stale.status_code == 412
    events = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "disabled_person", AuditEvent.action == "update"
            )
        )
    ).all()
    assert [(e.old_values or {}).get("grade") for e in events] == [2]


async def test_an_update_keeps_the_certificate_consistent(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = await register(client, tokens, category="physical", grade=2)
    update = {
        k: v
        for k, v in person_body(category="physical", grade=1, id_number=person["id_number"]).items()
        if k != "id_number"
    } | {"certificate_number": certificate(person["id_number"], "physical", 2)}
    response = await client.put(
        f"{URL}/{person['id']}",
        json=update,
        headers={**tokens.headers("city_officer"), "If-Match": '"1"'},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "WELFARE_DISABILITY_CERTIFICATE_INVALID"


async def test_lists_filter_and_search(client: httpx.AsyncClient, tokens: Tokens) -> None:
    blind = await register(client, tokens, category="visual", grade=1, name="张明")
    mental = await register(
        client, tokens, category="mental", grade=3, care_need_since=None, name="李强"
    )
    elsewhere = await register(client, tokens, area_code=OTHER_TOWNSHIP_VILLAGE, name="赵六")
    headers = tokens.headers("city_officer")

    async def ids(**params: Any) -> list[str]:
        response = await client.get(URL, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return sorted(p["id"] for p in response.json()["items"])

    assert await ids(category="visual") == [blind["id"]]
    assert await ids(grade=3) == [mental["id"]]
    assert await ids(care_need="false") == [mental["id"]]
    assert await ids(area_code="429006101") == [elsewhere["id"]]
    assert await ids(q="张") == [blind["id"]]
    assert await ids(q=mental["id_number"]) == [mental["id"]]
    assert await ids(q=elsewhere["certificate_number"]) == [elsewhere["id"]]
    assert await ids(status="deceased") == []


async def test_deleting_an_entry_made_by_mistake(client: httpx.AsyncClient, tokens: Tokens) -> None:
    person = await register(client, tokens)
    headers = tokens.headers("city_officer")
    deleted = await client.delete(f"{URL}/{person['id']}", headers={**headers, "If-Match": '"1"'})
    assert deleted.status_code == 204
    assert (await client.get(f"{URL}/{person['id']}", headers=headers)).status_code == 404


# --- decisions -------------------------------------------------------------------------


async def test_a_severely_disabled_member_of_a_dibao_household_gets_both_subsidies(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=1)
    assistance.set(person["id_number"], in_dibao=True, programmes=["rural_dibao"])

    response = await apply(client, tokens, person["id"])

    assert response.status_code == 201, response.text
    application = response.json()
    assert outcomes(application) == {"living": ("granted", []), "care": ("granted", [])}
    assert application["assistance"]["in_dibao"] is True
    assert application["assistance"]["programmes"] == ["rural_dibao"]
    assert application["care_need_months"] >= 12
    request = assistance.requests[0]
    assert request.url.path == f"/internal/v1/persons/{person['id_number']}/status"
    assert request.url.params["on"] == TODAY.isoformat()
    assert request.headers["Authorization"] == "Bearer welfare-service-token"
    shown = await client.get(f"{URL}/{person['id']}", headers=tokens.headers("city_officer"))
    assert shown.json()["active_subsidies"] == ["living", "care"]
    grants = await client.get(
        GRANTS, params={"person_id": person["id"]}, headers=tokens.headers("city_officer")
    )
    assert {(g["subsidy"], g["start_period"], g["status"]) for g in grants.json()["items"]} == {
        ("living", THIS_MONTH, "active"),
        ("care", THIS_MONTH, "active"),
    }


async def test_outside_dibao_the_living_subsidy_is_refused_with_its_reason(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=4, care_need_since=None)
    response = await apply(client, tokens, person["id"])
    application = response.json()
    assert outcomes(application) == {
        "living": ("refused", ["not_in_dibao"]),
        "care": ("refused", ["grade_not_covered", "no_long_term_care_need"]),
    }
    living = next(d for d in application["decisions"] if d["subsidy"] == "living")
    assert living["reason_text"] == "家庭未享受最低生活保障"
    assert living["grant_id"] is None
    history = await client.get(
        f"{URL}/{person['id']}/subsidy-applications", headers=tokens.headers("auditor")
    )
    assert history.json()["total"] == 1


async def test_a_tekun_person_gets_neither(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=1)
    assistance.set(person["id_number"], in_tekun=True, programmes=["rural_tekun"])
    application = (await apply(client, tokens, person["id"])).json()
    assert outcomes(application) == {
        "living": ("refused", ["not_in_dibao", "in_tekun"]),
        "care": ("refused", ["in_tekun"]),
    }


async def test_the_parameters_widen_the_subsidies(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    for key in ("living_subsidy_edge_of_dibao", "care_subsidy_grade3_mental"):
        created = await client.post(
            "/api/v1/parameters",
            json={
                "key": key,
                "year": TODAY.year,
                "value": "1",
                "effective_date": f"{TODAY.year}-01-01",
            },
            headers=tokens.headers("city_officer"),
        )
        assert created.status_code == 201, created.text
    person = await register(client, tokens, category="intellectual", grade=3)
    assistance.set(person["id_number"], household_edge_of_dibao=True)
    application = (await apply(client, tokens, person["id"])).json()
    assert outcomes(application) == {"living": ("granted", []), "care": ("granted", [])}


async def test_a_care_need_shorter_than_the_minimum_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=2, care_need_since=TODAY)
    application = (await apply(client, tokens, person["id"], subsidies=["care"])).json()
    assert outcomes(application) == {"care": ("refused", ["care_need_too_short"])}
    assert application["care_need_months"] == 0


def refused() -> httpx.Response:
    raise httpx.ConnectError("connection refused")


def too_slow() -> httpx.Response:
    raise httpx.ReadTimeout("no answer in time")


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (refused, "unreachable"),
        (too_slow, "timeout"),
        (lambda: httpx.Response(500, json={"code": "INTERNAL_ERROR"}), "server_error"),
        (lambda: httpx.Response(503), "server_error"),
    ],
    ids=["unreachable", "timeout", "500", "503"],
)
async def test_when_assistance_cannot_answer_nothing_is_decided(
    client: httpx.AsyncClient,
    tokens: Tokens,
    assistance: AssistanceStub,
    session: AsyncSession,
    failure: Callable[[], httpx.Response],
    kind: str,
) -> None:
    person = await register(client, tokens)
    assistance.failure = failure

    response = await apply(client, tokens, person["id"])

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "WELFARE_ASSISTANCE_UNAVAILABLE"
    assert problem["failure"] == kind
    assert "无法核实其低保、特困状态" in problem["detail"]
    assert response.headers["Retry-After"] == "30"
    assert len(assistance.requests) == FAST.attempts
    recorded = await session.scalars(
        select(DisabilitySubsidyApplication.id).where(
            DisabilitySubsidyApplication.person_id == person["id"]
        )
    )
    assert recorded.all() == []


async def test_a_passing_5xx_is_retried_and_the_decision_made(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.set(person["id_number"], in_dibao=True)
    assistance.first_failures = [refused, lambda: httpx.Response(502)]
    response = await apply(client, tokens, person["id"], subsidies=["living"])
    assert response.status_code == 201, response.text
    assert outcomes(response.json()) == {"living": ("granted", [])}
    assert len(assistance.requests) == 3


async def test_a_rejected_service_token_is_a_503_for_the_administrator(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.failure = lambda: httpx.Response(403, json={"code": "AUTH_INTERNAL_ONLY"})
    response = await apply(client, tokens, person["id"])
    assert response.status_code == 503
    assert response.json()["failure"] == "rejected"
    assert "Retry-After" not in response.headers
    assert len(assistance.requests) == 1


async def test_without_an_assistance_url_decisions_are_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = await register(client, tokens)
    response = await apply(client, tokens, person["id"])
    assert response.status_code == 503
    assert response.json()["code"] == "WELFARE_ASSISTANCE_UNAVAILABLE"
    assert response.json()["failure"] == "not_configured"


async def test_a_subsidy_being_paid_is_not_applied_for_again(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.set(person["id_number"], in_dibao=True)
    first = await apply(client, tokens, person["id"], subsidies=["living"])
    asked = len(assistance.requests)
    again = await apply(client, tokens, person["id"])
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_SUBSIDY_ALREADY_GRANTED"
    assert again.json()["grant_id"] == first.json()["decisions"][0]["grant_id"]
    assert len(assistance.requests) == asked  # refused before asking


async def test_no_back_dated_start_and_no_decision_for_someone_off_the_register(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    past = await apply(client, tokens, person["id"], start_period=str(Period.of(TODAY).previous()))
    assert past.status_code == 422
    assert past.json()["code"] == "WELFARE_SUBSIDY_START_IN_PAST"
    await client.post(
        f"{URL}/{person['id']}/status",
        json={"status": "moved_out", "reason": "迁往武汉市"},
        headers={**tokens.headers("city_officer"), "If-Match": '"1"'},
    )
    gone = await apply(client, tokens, person["id"])
    assert gone.status_code == 409
    assert gone.json()["code"] == "WELFARE_DISABLED_PERSON_NOT_ACTIVE"


async def test_decisions_are_staff_acts_within_their_areas(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, area_code=OTHER_TOWNSHIP_VILLAGE)
    auditor = await apply(client, tokens, person["id"], role="auditor")
    outside = await apply(
        client, tokens, person["id"], role="township_officer", area_codes=["429006100"]
    )
    assert auditor.status_code == 403
    assert outside.status_code == 404
    assert assistance.requests == []


async def test_stopping_a_grant_records_the_reason_and_last_month(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.set(person["id_number"], in_dibao=True)
    next_month = str(Period.of(TODAY).next())
    decided = await apply(client, tokens, person["id"], subsidies=["living"])
    grant_id = decided.json()["decisions"][0]["grant_id"]
    headers = tokens.headers("city_officer")
    url = f"{GRANTS}/{grant_id}/stop"
    body = {"reason": "家庭退出低保", "end_period": next_month}

    stale = await client.post(url, json=body, headers={**headers, "If-Match": '"9"'})
    stopped = await client.post(url, json=body, headers={**headers, "If-Match": '"1"'})
    again = await client.post(url, json=body, headers={**headers, "If-Match": '"2"'})

    assert stale.status_code == 412
    assert stopped.status_code == 200, stopped.text
    assert (stopped.json()["status"], stopped.json()["end_period"]) == ("stopped", next_month)
    assert stopped.json()["stop_reason"] == "家庭退出低保"
    assert again.status_code == 409
    assert again.json()["allowed"] == []
    listed = await client.get(
        GRANTS, params={"status": "active", "person_id": person["id"]}, headers=headers
    )
    assert listed.json()["total"] == 0
    paid_later = await client.get(
        GRANTS,
        params={"paid_in": str(Period(next_month).next()), "person_id": person["id"]},
        headers=headers,
    )
    assert paid_later.json()["total"] == 0


async def test_leaving_the_register_stops_the_grants_after_that_month(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=1)
    assistance.set(person["id_number"], in_dibao=True)
    await apply(client, tokens, person["id"])
    headers = tokens.headers("city_officer")
    died = await client.post(
        f"{URL}/{person['id']}/status",
        json={"status": "deceased", "reason": "病故", "status_date": TODAY.isoformat()},
        headers={**headers, "If-Match": '"1"'},
    )
    revived = await client.post(
        f"{URL}/{person['id']}/status",
        json={"status": "active", "reason": "误报"},
        headers={**headers, "If-Match": died.headers["ETag"]},
    )
    assert died.status_code == 200, died.text
    assert died.json()["active_subsidies"] == []
    assert revived.status_code == 409
    assert revived.json()["allowed"] == []
    grants = await client.get(GRANTS, params={"person_id": person["id"]}, headers=headers)
    assert {(g["status"], g["end_period"]) for g in grants.json()["items"]} == {
        ("stopped", THIS_MONTH)
    }
    kept = await client.delete(f"{URL}/{person['id']}", headers={**headers, "If-Match": '"2"'})
    assert kept.status_code == 409
    assert kept.json()["code"] == "WELFARE_DISABLED_PERSON_HAS_APPLICATIONS"


# --- the client's lifespan -----------------------------------------------------------


async def test_the_app_opens_its_assistance_client_at_start_and_closes_it_at_stop(
    test_keys: DevKeys, service_database_url: str
) -> None:
    settings = WelfareSettings(
        database_url=service_database_url,
        jwks_file=test_keys.jwks_path,
        assistance_url="http://assistance.test",
        service_token="t",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        assert isinstance(app.state.assistance, AssistanceClient)
    assert app.state.assistance is None

    unconfigured = create_app(settings.model_copy(update={"assistance_url": None}))
    async with unconfigured.router.lifespan_context(unconfigured):
        assert getattr(unconfigured.state, "assistance", None) is None


async def test_a_url_without_a_token_stops_the_start(
    test_keys: DevKeys, service_database_url: str
) -> None:
    settings = WelfareSettings(
        database_url=service_database_url,
        jwks_file=test_keys.jwks_path,
        assistance_url="http://assistance.test",
    )
    app = create_app(settings)
    with pytest.raises(ServiceTokenMissing):
        async with app.router.lifespan_context(app):
            pass


async def test_a_repeated_application_with_its_idempotency_key_is_decided_once(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.set(person["id_number"], in_dibao=True)
    url = f"{URL}/{person['id']}/subsidy-applications"
    headers = {**tokens.headers("city_officer"), "Idempotency-Key": "apply-0001-living"}
    body = {"subsidies": ["living"], "start_period": THIS_MONTH}

    first = await client.post(url, json=body, headers=headers)
    again = await client.post(url, json=body, headers=headers)
    other = await client.post(url, json={**body, "notes": "另一请求"}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert len(assistance.requests) == 1
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_the_monthly_runs_pay_each_granted_subsidy(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens, grade=1)
    assistance.set(person["id_number"], in_dibao=True)
    await apply(client, tokens, person["id"])
    totals = {}
    for programme in ("disability_living", "disability_care"):
        run = await client.post(
            "/api/v1/disbursement-runs",
            json={"programme": programme, "period": THIS_MONTH},
            headers=tokens.headers("city_officer"),
        )
        assert run.status_code == 201, run.text
        totals[programme] = (run.json()["line_count"], run.json()["total_amount"])
    assert totals == {"disability_living": (1, "50.00"), "disability_care": (1, "100.00")}


async def orphan_case(
    session: AsyncSession, id_number: str, *, status: str = "active", end_period: str
) -> None:
    session.add(
        ChildSupportCase(
            scheme="orphan",
            id_number=id_number,
            name="小孤",
            area_code=VILLAGE,
            father_state="dead",
            mother_state="dead",
            orphan_kind="scattered",
            assessed_date=date(2020, 1, 10),
            start_period="2020-02",
            end_period=end_period,
            status=status,
            end_reason=None if status != "ended" else "other",
            changed_date=None if status == "active" else TODAY,
        )
    )
    await session.commit()


async def test_an_orphan_child_gets_the_care_subsidy_but_not_the_living_subsidy(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub, session: AsyncSession
) -> None:
    child = str(make_id_number(birth_date=date(TODAY.year - 10, 3, 1)))
    await orphan_case(session, child, end_period=f"{TODAY.year + 8}-03")
    person = await register(client, tokens, id_number=child, grade=2)
    assistance.set(child, in_dibao=True)

    application = (await apply(client, tokens, person["id"])).json()

    assert application["in_orphan_scheme"] is True
    assert outcomes(application) == {
        "living": ("refused", ["in_orphan_scheme"]),
        "care": ("granted", []),
    }


@pytest.mark.parametrize(
    ("status", "end_period"),
    [("revoked", f"{TODAY.year + 8}-03"), ("ended", str(Period.of(TODAY).previous()))],
    ids=["revoked", "ended-before-start"],
)
async def test_a_revoked_or_past_orphan_case_does_not_count(
    client: httpx.AsyncClient,
    tokens: Tokens,
    assistance: AssistanceStub,
    session: AsyncSession,
    status: str,
    end_period: str,
) -> None:
    child = str(make_id_number(birth_date=date(TODAY.year - 10, 3, 1)))
    await orphan_case(session, child, status=status, end_period=end_period)
    person = await register(client, tokens, id_number=child, grade=4, care_need_since=None)
    assistance.set(child, in_dibao=True)
    application = (await apply(client, tokens, person["id"], subsidies=["living"])).json()
    assert application["in_orphan_scheme"] is False
    assert outcomes(application) == {"living": ("granted", [])}
