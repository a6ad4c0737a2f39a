"""Access to every operation of the service, enumerated from the app (see civil_cli.access).

The record table runs every route with a path parameter against records made here,
one in 多宝镇 (the township officer's) and one in 拖市镇, so a township officer's 404
outside and 200 inside are both seen on each route.
"""

from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from civil_cli import access
from civil_cli.access import DUOBAO, TUOSHI, Side, Write
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

# Operations anyone may call, with why.
PUBLIC = access.PROBES
# Writes an auditor may make, with why (none: auditors read).
AUDITOR_WRITES: dict[str, str] = {}
# A village of each township, where its records are kept.
VILLAGE = {DUOBAO: "429006100201", TUOSHI: "429006101001"}
# Records of the whole city, answered alike to every township officer, with why.
CITY_WIDE = {
    "/api/v1/parameters": "policy parameters hold for the city",
    "/api/v1/standards": "published standards: a township officer needs the city's",
    "/api/v1/disbursement-runs": "a run pays a programme's month across the city",
}
TODAY = date.today()
STATUS_DATE = TODAY.isoformat()
# Temporary cases are decided and paid by the bureau's staff, not an integrating system.
STAFF_ONLY = 403


def _new_member() -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=date(1990, 1, 1))),
        "name": "王新",
        "relation": "child",
        "employment_status": "employed",
    }


# How a township officer's write of each record is sent, and the answer inside. The
# application is as submitted and the temporary case as applied: 409s inside are the
# record's own state machine, met only once found and in the area.
WRITES: dict[str, Write] = {
    "DELETE /api/v1/households/{household_id}": Write(status=409),
    "DELETE /api/v1/households/{household_id}/members/{member_id}": Write(),
    "PATCH /api/v1/households/{household_id}/members/{member_id}": Write({"name": "王五"}),
    "PATCH /api/v1/parameters/{parameter_id}": Write({"value": "10"}),
    "PATCH /api/v1/standards/{standard_id}": Write({"amount": "700"}, officers=403),
    "POST /api/v1/applications/{application_id}/approve": Write(
        {"decision_date": STATUS_DATE}, status=409
    ),
    "POST /api/v1/applications/{application_id}/investigation": Write(
        {
            # The year of the visit picks the standard: the seeded 2020 ones.
            "visit_date": "2020-03-05",
            "investigators": ["王五", "赵六"],
            "findings": "入户核实家庭成员及收入",
        }
    ),
    "POST /api/v1/applications/{application_id}/notice": Write(
        {"start_date": STATUS_DATE}, status=409
    ),
    "POST /api/v1/applications/{application_id}/reject": Write(
        {"decision_date": STATUS_DATE, "reason": "家庭收入超过标准"}
    ),
    "POST /api/v1/applications/{application_id}/withdraw": Write({"decision_date": STATUS_DATE}),
    "POST /api/v1/disbursement-runs/{run_id}/approve": Write(),
    "POST /api/v1/disbursement-runs/{run_id}/pay": Write(),
    "POST /api/v1/enrolments/{enrolment_id}/reviews": Write(
        {
            "review_date": STATUS_DATE,
            "outcome": "continue",
            "findings": "家庭情况无变化",
            "income_stability": "stable",
            "working_age_members": 0,
        },
        status=201,
    ),
    "POST /api/v1/enrolments/{enrolment_id}/status": Write(
        {"status": "suspended", "reason": "外出未归"}
    ),
    "POST /api/v1/helper-ledger/assignments/{assignment_id}/end": Write(
        {"end_date": STATUS_DATE, "reason": "更换帮扶人"}, if_match=None
    ),
    "POST /api/v1/helper-ledger/assignments/{assignment_id}/visits": Write(
        {"visit_date": STATUS_DATE, "findings": "身体状况良好"}, status=201, if_match=None
    ),
    "POST /api/v1/households/{household_id}/members": Write(_new_member(), status=201),
    "POST /api/v1/temporary-cases/{case_id}/approve": Write(if_match=None, integrator=STAFF_ONLY),
    "POST /api/v1/temporary-cases/{case_id}/pay": Write(
        if_match=None, status=409, integrator=STAFF_ONLY
    ),
    "POST /api/v1/temporary-cases/{case_id}/reject": Write(
        {"reason": "家庭情况不符合条件"}, if_match=None, integrator=STAFF_ONLY
    ),
    "PUT /api/v1/households/{household_id}": Write(
        {
            "area_code": VILLAGE[DUOBAO],
            "address": "多宝镇新华村3组12号",
            "residence_type": "rural",
            "income_stability": "unstable",
            "properties": [],
        }
    ),
}
IMPORT = "a file of many records, each checked against the caller's areas: test_*_import"
# Creates not made with a body of a township, with why.
CREATES_ELSEWHERE = {
    "POST /api/v1/enrolments/import": IMPORT,
    "POST /api/v1/helper-ledger/assignments/import": IMPORT,
    "POST /api/v1/households/import": IMPORT,
    "POST /api/v1/temporary-cases/import": IMPORT,
}
# Creates no township officer makes (city officers only), with what both officers get.
CITY_CREATES = {
    "POST /api/v1/disbursement-runs": (403,),
    "POST /api/v1/parameters": (403,),
    "POST /api/v1/standards": (403,),
}
# Reads that need a query, with it.
QUERIES: dict[str, dict[str, Any]] = {
    "GET /api/v1/standards/in-force": {
        "programme": "urban_dibao",
        "area_code": DUOBAO,
        "period": "2020-05",
    },
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
        client, app, tokens, "assistance", AUDITOR_WRITES, PUBLIC
    )
    assert not failures, "\n".join(failures)


# --- records in two townships ---------------------------------------------------------


async def township(maker: access.Maker, code: str) -> Side:
    """One record of every resource in the township (in a village of it)."""
    village = VILLAGE[code]
    records = access.TownshipRecords(maker)

    head_number = access.person(date(1950, 5, 1))
    household = await maker.post(
        "/api/v1/households",
        {
            "area_code": village,
            "address": "新华村3组12号",
            "residence_type": "rural",
            "income_stability": "stable",
            "members": [
                {
                    "id_number": head_number,
                    "name": "王大",
                    "relation": "head",
                    "employment_status": "unemployed",
                },
                {
                    "id_number": access.person(date(2010, 7, 1)),
                    "name": "王小",
                    "relation": "child",
                    "employment_status": "student",
                },
            ],
        },
    )
    child = next(m for m in household["members"] if m["relation"] == "child")
    records.params["/api/v1/households"] = {
        "household_id": household["id"],
        "member_id": child["id"],
    }
    records.id_numbers["/api/v1/households"] = head_number

    await records.record(
        "/api/v1/applications",
        {
            "programme": "rural_dibao",
            "household_id": household["id"],
            "applicant": {"id_number": head_number, "name": "王大"},
            "area_code": village,
            "application_date": "2020-03-01",
        },
        param="application_id",
        shows=head_number,
    )

    payee = {"id_number": access.person(date(1945, 3, 1)), "name": "李老"}
    await records.record(
        "/api/v1/enrolments",
        {
            "programme": "rural_dibao",
            "area_code": village,
            "payee": payee,
            "people": [payee],
            "monthly_amount": "520.00",
            "start_period": "2020-01",
        },
        param="enrolment_id",
        shows=payee["id_number"],
    )

    case_number = access.person(date(1970, 2, 1))
    await records.record(
        "/api/v1/temporary-cases",
        {
            "id_number": case_number,
            "name": "张三",
            "area_code": village,
            "kind": "emergency",
            "cause": "illness",
            "application_date": "2020-05-10",
            "description": "突发重病住院，家中无力支付",
            "amount": "1000.00",
        },
        param="case_id",
        shows=case_number,
    )

    helped_number = access.person(date(1940, 8, 1))
    assignment = await maker.post(
        "/api/v1/helper-ledger/assignments",
        {
            "id_number": helped_number,
            "name": "赵婆婆",
            "area_code": village,
            "reason": "dispersed_tekun",
            "helper_name": "村主任",
            "helper_phone": "13907280001",
            "helper_role": "village_cadre",
            "start_date": "2020-01-01",
        },
    )
    await maker.post(
        f"/api/v1/helper-ledger/assignments/{assignment['id']}/visits",
        {"visit_date": "2020-02-01", "findings": "生活自理"},
    )
    records.params["/api/v1/helper-ledger/assignments"] = {"assignment_id": assignment["id"]}
    records.id_numbers["/api/v1/helper-ledger/assignments"] = helped_number

    rescued_number = access.person(date(1966, 4, 4))
    await records.record(
        "/api/v1/rescue-records",
        {
            "person_name": "流浪人员",
            "id_number": rescued_number,
            "sex": "unknown",
            "found_date": "2020-06-01",
            "place": "汽车站候车室",
            "area_code": village,
            "help_given": ["food", "transport_home"],
            "outcome": "returned_home",
        },
        param="record_id",
        shows=rescued_number,
    )
    return records.side()


async def city_records(maker: access.Maker) -> dict[str, dict[str, str]]:
    # A year no seed reaches: the city's records are the test's own.
    parameter = await maker.post(
        "/api/v1/parameters",
        {
            "key": "public_notice_days",
            "year": 2031,
            "value": "7",
            "effective_date": "2031-01-01",
        },
    )
    standard = await maker.post(
        "/api/v1/standards",
        {
            "programme": "urban_dibao",
            "year": 2031,
            "amount": "690",
            "unit": "per_month",
            "effective_date": "2031-01-01",
        },
    )
    # Both townships' enrolments are paid in it.
    run = await maker.post(
        "/api/v1/disbursement-runs", {"programme": "rural_dibao", "period": "2020-07"}
    )
    return {
        "/api/v1/parameters": {"parameter_id": parameter["id"]},
        "/api/v1/standards": {"standard_id": standard["id"]},
        "/api/v1/disbursement-runs": {"run_id": run["id"]},
    }


TABLES = access.Tables(
    writes=WRITES,
    city_wide=CITY_WIDE,
    auditor_writes=AUDITOR_WRITES,
    creates_elsewhere=CREATES_ELSEWHERE,
    city_creates=CITY_CREATES,
    pii_list="/api/v1/enrolments",
    queries=QUERIES,
)


async def test_every_record_route_by_every_role_inside_and_outside_the_area(
    client: httpx.AsyncClient, app: FastAPI, tokens: Tokens, db_connection: AsyncConnection
) -> None:
    records = await access.records_in_both_townships(client, tokens, township, city_records)
    failures = await access.every_role_in_both_townships(
        client, app, tokens, "assistance", records, TABLES, access.savepoints(db_connection)
    )
    who = access.roles(tokens, "assistance")
    inside = records.inside
    # The run pays both enrolments: its lines and export, scanned in the table, name them.
    run = f"/api/v1/disbursement-runs/{inside.params['/api/v1/disbursement-runs']['run_id']}"
    for part in ("lines", "export"):
        paid = await client.get(f"{run}/{part}", headers=who.pii_reader)
        assert inside.id_numbers["/api/v1/enrolments"] in paid.text, part
    # And every list to the officer inside, whose township's enrolment it would show.
    failures += await access.no_unmasked_id_numbers(client, app, who.inside)
    assert not failures, "\n".join(failures)
