"""Access to every operation of the service, enumerated from the app (see civil_cli.access).

The record table runs every route with a path parameter against records made here,
one in 多宝镇 (the township officer's) and one in 拖市镇, so a township officer's 404
outside and 200 inside are both seen on each route.
"""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from civil_cli import access
from civil_cli.access import DUOBAO, TUOSHI, Side, Write
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens, unique
from civil_shared.clients.assistance import AssistanceClient
from civil_shared.testing.factories import make_id_number
from civil_welfare.config import WelfareSettings

# Operations anyone may call, with why.
PUBLIC = access.PROBES
# POSTs an auditor may make, with why.
AUDITOR_WRITES = {
    "POST /api/v1/high-age-allowances/preview": "a computation that stores nothing",
    "POST /api/v1/unsupported-children/qualification": "a computation that stores nothing",
}
# A village of each township, where records that keep one are kept.
VILLAGE = {DUOBAO: "429006100201", TUOSHI: "429006101001"}
# Records of the whole city, answered alike to every township officer, with why.
CITY_WIDE = {
    "/api/v1/parameters": "policy parameters hold for the city",
    "/api/v1/disbursement-runs": "a run pays a programme's month across the city",
}
TODAY = date.today()
STATUS_DATE = TODAY.isoformat()


def _disabled_person_update(inside: Side) -> dict[str, Any]:
    number = inside.id_numbers["/api/v1/disabled-persons"]
    return {
        "name": "王残",
        "area_code": VILLAGE[DUOBAO],
        "certificate_number": f"{number}41",
        "category": "physical",
        "grade": 1,
    }


# How a township officer's write of each record is sent, and the answer inside.
WRITES: dict[str, Write] = {
    "DELETE /api/v1/child-directors/{worker_id}/trainings/{training_id}": Write(status=204),
    "DELETE /api/v1/child-files/{file_id}": Write(status=204),
    "DELETE /api/v1/child-supervisors/{worker_id}/trainings/{training_id}": Write(status=204),
    # 409s inside are the record's own rules, met only once found and in the area: the
    # person has a subsidy application, the elder a visit, the living subsidy is granted.
    "DELETE /api/v1/disabled-persons/{person_id}": Write(status=409),
    "DELETE /api/v1/left-behind-elderly/{elder_id}": Write(status=409),
    "DELETE /api/v1/visits/{visit_id}": Write(status=204),
    "PATCH /api/v1/care-institutions/{institution_id}": Write({"staff_count": 9}),
    "PATCH /api/v1/child-directors/{worker_id}": Write({"phone": "0728-5221234"}),
    "PATCH /api/v1/child-files/{file_id}": Write({"school": "多宝镇初级中学"}),
    "PATCH /api/v1/child-supervisors/{worker_id}": Write({"phone": "0728-5221234"}),
    "PATCH /api/v1/closed-management-periods/{period_id}": Write({"staff_inside": 9}),
    "PATCH /api/v1/disabled-tekun-residents/{entry_id}": Write({"name": "张四"}),
    "PATCH /api/v1/funeral-waivers/{waiver_id}": Write({"deceased_name": "王老爷"}),
    "PATCH /api/v1/hard-up-elderly-subsidies/{grant_id}": Write({"name": "陈老太"}),
    "PATCH /api/v1/high-age-allowances/{allowance_id}": Write({"name": "周某"}),
    "PATCH /api/v1/left-behind-elderly/{elder_id}": Write({"risk_level": "high"}),
    "PATCH /api/v1/orphans/{case_id}": Write({"name": "刘小明"}),
    "PATCH /api/v1/parameters/{parameter_id}": Write({"value": "1340"}),
    "PATCH /api/v1/public-cemeteries/{cemetery_id}": Write({"pilot": False}),
    "PATCH /api/v1/unsupported-children/{case_id}": Write({"name": "陈小华"}),
    "PATCH /api/v1/visits/{visit_id}": Write({"findings": "补记：精神状况良好"}),
    "POST /api/v1/care-institutions/{institution_id}/closed-management-periods": Write(
        {
            "start_date": "2020-06-01",
            "end_date": "2020-06-30",
            "residents_inside": 40,
            "staff_inside": 8,
        },
        status=201,
    ),
    "POST /api/v1/care-institutions/{institution_id}/disabled-tekun-residents": Write(
        {
            "id_number": str(make_id_number(birth_date=date(1941, 6, 2))),
            "name": "李四",
            "self_care_level": "fully_disabled",
            "admitted_date": "2020-04-01",
        },
        status=201,
    ),
    "POST /api/v1/child-directors/{worker_id}/leave": Write(
        {"left_date": STATUS_DATE, "reason": "辞职"}
    ),
    "POST /api/v1/child-directors/{worker_id}/trainings": Write(
        {"training_date": "2020-08-01", "topic": "儿童保护", "hours": 2, "organiser": "市局"},
        status=201,
    ),
    "POST /api/v1/child-files/{file_id}/status": Write(
        {"status": "closed", "reason": "parents_returned", "changed_date": STATUS_DATE}
    ),
    "POST /api/v1/child-supervisors/{worker_id}/leave": Write(
        {"left_date": STATUS_DATE, "reason": "辞职"}
    ),
    "POST /api/v1/child-supervisors/{worker_id}/trainings": Write(
        {"training_date": "2020-08-01", "topic": "儿童保护", "hours": 2, "organiser": "市局"},
        status=201,
    ),
    "POST /api/v1/disability-subsidy-grants/{grant_id}/stop": Write({"reason": "迁出本市"}),
    "POST /api/v1/disabled-persons/{person_id}/status": Write(
        {"status": "moved_out", "reason": "迁出本市"}
    ),
    "POST /api/v1/disabled-persons/{person_id}/subsidy-applications": Write(
        {"start_period": f"{TODAY:%Y-%m}"}, status=409
    ),
    "POST /api/v1/disabled-tekun-residents/{entry_id}/leave": Write(
        {"left_date": STATUS_DATE, "reason": "回家居住"}
    ),
    "POST /api/v1/disbursement-runs/{run_id}/approve": Write(),
    "POST /api/v1/disbursement-runs/{run_id}/pay": Write(),
    "POST /api/v1/hard-up-elderly-subsidies/{grant_id}/status": Write(
        {"status": "suspended", "reason": "外出未归"}
    ),
    "POST /api/v1/high-age-allowances/{allowance_id}/status": Write(
        {"status": "suspended", "reason": "未按期完成生存认证"}
    ),
    "POST /api/v1/left-behind-elderly/{elder_id}/status": Write(
        {"status": "left", "reason": "子女返乡就业", "status_date": STATUS_DATE}
    ),
    "POST /api/v1/orphans/{case_id}/status": Write(
        {"status": "revoked", "changed_date": STATUS_DATE, "note": "身份证号录入错误"}
    ),
    "POST /api/v1/unsupported-children/{case_id}/status": Write(
        {"status": "revoked", "changed_date": STATUS_DATE, "note": "误登记"}
    ),
    "POST /api/v1/visits/{visit_id}/follow-up-done": Write(
        {"done_date": STATUS_DATE, "result": "已协助申请"}
    ),
    "PUT /api/v1/disabled-persons/{person_id}": Write(_disabled_person_update),
}
IMPORT = "a file of many records, each checked against the caller's areas: test_imports"
# Creates not made with a body of a township, with why.
CREATES_ELSEWHERE = {
    "POST /api/v1/child-files/import": IMPORT,
    "POST /api/v1/disability-subsidy-applications/import": IMPORT,
    "POST /api/v1/disabled-persons/import": IMPORT,
    "POST /api/v1/high-age-allowances/import": IMPORT,
    "POST /api/v1/left-behind-elderly/import": IMPORT,
    "POST /api/v1/visits/import": IMPORT,
    "POST /api/v1/high-age-allowances/preview": AUDITOR_WRITES[
        "POST /api/v1/high-age-allowances/preview"
    ],
    "POST /api/v1/unsupported-children/qualification": AUDITOR_WRITES[
        "POST /api/v1/unsupported-children/qualification"
    ],
}
# Creates no township officer makes (city officers only), with what both officers get.
CITY_CREATES = {
    "POST /api/v1/disbursement-runs": (403,),
    "POST /api/v1/parameters": (403,),
}
# Creates naming a record of the township (the elder visited): not found outside, as a read.
CREATES_OF_A_RECORD = {"POST /api/v1/visits": 404}
# Lists that do not name their records by the identifiers the setup keeps, with why.
NOT_LISTED = {"/api/v1/visit-schedule": "only visits due are listed; the elder was visited today"}
# Reads that need a query, with it.
QUERIES: dict[str, dict[str, Any]] = {
    "GET /api/v1/closed-management-periods/summary": {"year": 2020},
    "GET /api/v1/funeral-waivers/totals": {"from": "2020-01", "to": "2020-12"},
    "GET /api/v1/public-cemeteries/stats": {"year": 2020},
}


async def test_every_operation_refuses_anonymous_and_forged_tokens(
    client: httpx.AsyncClient, app: FastAPI, test_keys: DevKeys
) -> None:
    failures = await access.refused_without_a_valid_token(client, app, test_keys, PUBLIC)
    assert not failures, "\n".join(failures)


async def test_an_auditor_reads_everything_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    auditor = tokens.headers("auditor")
    failures = await access.auditor_reads_but_never_writes(client, app, auditor, AUDITOR_WRITES)
    assert not failures, "\n".join(failures)


async def test_an_integrator_reads_only_what_its_scopes_grant(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens
) -> None:
    failures = await access.integrator_reads_by_its_scopes(
        client, app, tokens, "welfare", AUDITOR_WRITES, PUBLIC
    )
    assert not failures, "\n".join(failures)


# --- records in two townships ---------------------------------------------------------


def _assistance_says_dibao(request: httpx.Request) -> httpx.Response:
    id_number = request.url.path.split("/")[-2]
    return httpx.Response(
        200,
        json={
            "id_number": id_number,
            "checked_on": request.url.params["on"],
            "in_dibao": True,
            "in_tekun": False,
            "household_id": None,
            "household_edge_of_dibao": None,
            "enrolments": [
                {
                    "enrolment_id": "e1",
                    "programme": "rural_dibao",
                    "status": "active",
                    "since": "2020-01",
                }
            ],
        },
    )


async def township(maker: access.Maker, township: str) -> Side:
    """One record of every resource in the township (a village of it where records keep one)."""
    village = VILLAGE[township]
    records = access.TownshipRecords(maker)

    institution = await maker.post(
        "/api/v1/care-institutions",
        {
            "name": unique("福利院"),
            "kind": "welfare_home",
            "operator": "public",
            "area_code": township,
            "capacity": 60,
            "residents_count": 40,
            "staff_count": 8,
        },
    )
    inst = f"/api/v1/care-institutions/{institution['id']}"
    closure = await maker.post(
        f"{inst}/closed-management-periods",
        {
            "start_date": "2020-01-24",
            "end_date": "2020-03-31",
            "residents_inside": 40,
            "staff_inside": 8,
            "infections": 0,
        },
    )
    resident_number = access.person(date(1940, 5, 1))
    resident = await maker.post(
        f"{inst}/disabled-tekun-residents",
        {
            "id_number": resident_number,
            "name": "张三",
            "self_care_level": "fully_disabled",
            "admitted_date": "2020-03-01",
        },
    )
    records.params["/api/v1/care-institutions"] = {"institution_id": institution["id"]}
    records.params["/api/v1/closed-management-periods"] = {"period_id": closure["id"]}
    records.params["/api/v1/disabled-tekun-residents"] = {"entry_id": resident["id"]}
    records.id_numbers["/api/v1/disabled-tekun-residents"] = resident_number

    # A director serves a village, a supervisor a township.
    for kind, area in (("child-directors", village), ("child-supervisors", township)):
        number = access.person(date(1980, 3, 3))
        worker = await maker.post(
            f"/api/v1/{kind}",
            {
                "id_number": number,
                "name": "李红",
                "phone": "13907280001",
                "area_code": area,
                "appointed_date": "2019-03-01",
            },
        )
        training = await maker.post(
            f"/api/v1/{kind}/{worker['id']}/trainings",
            {"training_date": "2020-07-01", "topic": "政策", "hours": 2, "organiser": "市局"},
        )
        records.params[f"/api/v1/{kind}"] = {
            "worker_id": worker["id"],
            "training_id": training["id"],
        }
        records.id_numbers[f"/api/v1/{kind}"] = number

    child_number = access.person(TODAY - timedelta(days=365 * 9))
    await records.record(
        "/api/v1/child-files",
        {
            "id_number": child_number,
            "name": "王小明",
            "area_code": village,
            "category": "left_behind",
            "guardian": {"name": "王大爷", "relation": "grandparent"},
        },
        param="file_id",
        shows=child_number,
    )

    disabled_number = access.person(date(1970, 5, 1))
    disabled = await maker.post(
        "/api/v1/disabled-persons",
        {
            "id_number": disabled_number,
            "name": "王残",
            "area_code": village,
            "certificate_number": f"{disabled_number}41",
            "category": "physical",
            "grade": 1,
            "care_need_since": date(TODAY.year - 1, TODAY.month, 1).isoformat(),
        },
    )
    await maker.post(
        f"/api/v1/disabled-persons/{disabled['id']}/subsidy-applications",
        {"start_period": f"{TODAY:%Y-%m}"},
    )
    grants = await maker.client.get(
        "/api/v1/disability-subsidy-grants",
        params={"person_id": disabled["id"]},
        headers=maker.headers,
    )
    records.params["/api/v1/disabled-persons"] = {"person_id": disabled["id"]}
    records.params["/api/v1/disability-subsidy-grants"] = {
        "grant_id": grants.json()["items"][0]["id"]
    }
    records.id_numbers["/api/v1/disabled-persons"] = disabled_number

    waiver_number = access.person(date(1938, 2, 3))
    await records.record(
        "/api/v1/funeral-waivers",
        {
            "deceased_id_number": waiver_number,
            "deceased_name": "王大爷",
            "death_date": "2020-05-02",
            "area_code": village,
            "family_programme": "dibao",
            "items": ["transport", "cremation", "urn"],
            "amount": "1130.00",
            "approved_by": "市民政局社会事务科 刘明",
            "approved_date": "2020-05-06",
        },
        param="waiver_id",
        shows=waiver_number,
    )

    hard_up_number = access.person(date(1935, 3, 1))
    await records.record(
        "/api/v1/hard-up-elderly-subsidies",
        {
            "id_number": hard_up_number,
            "name": "陈奶奶",
            "area_code": village,
            "kind": "hard_up_high_age",
            "hardship_basis": "dibao",
            "start_period": "2020-01",
        },
        param="grant_id",
        shows=hard_up_number,
    )

    high_age_number = access.person(date(1935, 3, 1))
    await records.record(
        "/api/v1/high-age-allowances",
        {
            "id_number": high_age_number,
            "name": "周奶奶",
            "area_code": village,
            "start_period": "2020-01",
        },
        param="allowance_id",
        shows=high_age_number,
    )

    elder_number = access.person(date(1948, 5, 6))
    elder = await records.record(
        "/api/v1/left-behind-elderly",
        {
            "id_number": elder_number,
            "name": "张老汉",
            "area_code": village,
            "living_situation": "with_spouse",
            "risk_level": "medium",
            "responsible_worker": {"name": "李主任", "phone": "13800000001"},
            "children": [
                {
                    "name": "张大",
                    "relation": "son",
                    "away_for": "work",
                    "whereabouts": "广东省东莞市",
                    "away_since": "2019-01-01",
                }
            ],
        },
        param="elder_id",
    )
    records.params["/api/v1/visit-schedule"] = {
        "subject_kind": "elderly",
        "subject_id": elder["id"],
    }
    records.id_numbers["/api/v1/left-behind-elderly"] = elder_number

    await records.record(
        "/api/v1/visits",
        {
            "subject_kind": "elderly",
            "subject_id": elder["id"],
            "visit_date": STATUS_DATE,
            "kind": "home_visit",
            "findings": "身体状况良好",
            "follow_up": {
                "action": "协助申请临时救助",
                "due_date": (TODAY + timedelta(days=20)).isoformat(),
            },
        },
        param="visit_id",
    )

    guardian = {"name": "刘奶奶", "relation": "grandparent", "phone": "13807280002"}
    orphan_number = access.person(date(2010, 5, 6))
    await records.record(
        "/api/v1/orphans",
        {
            "id_number": orphan_number,
            "name": "刘小军",
            "area_code": village,
            "kind": "scattered",
            "father_state": "dead",
            "mother_state": "missing",
            "guardian": guardian,
            "assessed_date": "2020-02-10",
            "start_period": "2020-03",
        },
        param="case_id",
        shows=orphan_number,
    )

    unsupported_number = access.person(date(2012, 9, 1))
    await records.record(
        "/api/v1/unsupported-children",
        {
            "id_number": unsupported_number,
            "name": "陈小花",
            "area_code": village,
            "father": {"state": "imprisoned"},
            "mother": {"state": "dead"},
            "guardian": guardian,
            "assessed_date": "2020-07-15",
            "start_period": "2020-08",
        },
        param="case_id",
        shows=unsupported_number,
    )

    await records.record(
        "/api/v1/public-cemeteries",
        {
            "name": unique("公益性公墓"),
            "area_code": village,
            "status": "in_use",
            "year_built": 2018,
            "graves_capacity": 800,
            "pilot": True,
        },
        param="cemetery_id",
    )
    return records.side()


async def city_records(maker: access.Maker) -> dict[str, dict[str, str]]:
    parameter = await maker.post(
        "/api/v1/parameters",
        {
            "key": "orphan_scattered_allowance",
            "year": 2021,
            "value": "1330",
            "effective_date": "2021-01-01",
        },
    )
    # The 2020 orphan standard is seeded (the report's 1,260 yuan): the run needs no parameter.
    run = await maker.post(
        "/api/v1/disbursement-runs", {"programme": "orphan_scattered", "period": "2020-07"}
    )
    return {
        "/api/v1/parameters": {"parameter_id": parameter["id"]},
        "/api/v1/disbursement-runs": {"run_id": run["id"]},
    }


@pytest.fixture
def townships(app: FastAPI) -> None:
    app.state.assistance = AssistanceClient.create(
        "assistance",
        "http://assistance.test",
        WelfareSettings(service_token="welfare-service-token"),
        transport=httpx.MockTransport(_assistance_says_dibao),
    )


TABLES = access.Tables(
    writes=WRITES,
    city_wide=CITY_WIDE,
    auditor_writes=AUDITOR_WRITES,
    creates_elsewhere=CREATES_ELSEWHERE,
    city_creates=CITY_CREATES,
    pii_list="/api/v1/orphans",
    queries=QUERIES,
    not_listed=NOT_LISTED,
    creates_of_a_record=CREATES_OF_A_RECORD,
)


@pytest.mark.usefixtures("townships")
async def test_every_record_route_by_every_role_inside_and_outside_the_area(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens, db_connection: AsyncConnection
) -> None:
    records = await access.records_in_both_townships(client, tokens, township, city_records)
    failures = await access.every_role_in_both_townships(
        client, app, tokens, "welfare", records, TABLES, access.savepoints(db_connection)
    )
    assert not failures, "\n".join(failures)
