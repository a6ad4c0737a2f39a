"""Access to every operation of the service, enumerated from the app (see civil_cli.access).

The record table runs every route with a path parameter against records made here,
one in 多宝镇 (the township officer's) and one in 拖市镇, so a township officer's 404
outside and 200 inside are both seen on each route.
"""

import secrets
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from civil_cli import access
from civil_cli.access import DUOBAO, TUOSHI, Side, Write
from civil_cli.keys import DevKeys
from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.divisions.models import Division
from civil_shared.testing.factories import make_credit_code, make_id_number

# Operations anyone may call, with why.
PUBLIC = access.PROBES
# Writes an auditor may make, with why (none: auditors read).
AUDITOR_WRITES: dict[str, str] = {}
# A village of each township made by the test (the division tree is this service's).
VILLAGE = {DUOBAO: "429006100941", TUOSHI: "429006101941"}
ZHANGGANG = "429006102"
COVENANT = "一、爱护环境，不乱倒垃圾。二、邻里和睦，互帮互助。三、移风易俗，红白喜事从简。" * 2
TODAY = date.today()
# Records of the whole city, answered alike to every township officer, with why.
CITY_WIDE = {
    "/api/v1/divisions": "the division tree is the whole city's reference data",
    "/api/v1/working-calendar": "one working calendar for the city",
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
        client, app, tokens, "governance", AUDITOR_WRITES, PUBLIC
    )
    assert not failures, "\n".join(failures)


# --- records in two townships ---------------------------------------------------------


def adult() -> str:
    return str(make_id_number(birth_date=date(1960, 1, 1) + timedelta(secrets.randbelow(10000))))


def donation(township: str) -> dict[str, Any]:
    return {
        "donor_name": "湖北某某实业有限公司",
        "donor_kind": "organisation",
        "donation_date": "2020-02-10",
        "amount": "100000.00",
        "purpose": "epidemic",
        "receiving_body": "天门市慈善总会",
        "receipt_number": unique("TMCS-"),
        "township_code": township,
    }


def charity_project(township: str) -> dict[str, Any]:
    return {
        "name": f"{unique()}抗疫物资募集",
        "organiser": "天门市慈善总会",
        "purpose": "epidemic",
        "goal_amount": "5000000.00",
        "start_date": "2020-01-25",
        "end_date": "2020-06-30",
        "township_code": township,
    }


def organisation(township: str) -> dict[str, Any]:
    return {
        "name": f"天门市{unique()}协会",
        "org_type": "social_group",
        "credit_code": str(make_credit_code()),
        "registration_date": "2015-06-01",
        "registering_authority": "天门市民政局",
        "township_code": township,
        "legal_representative": "张三",
    }


def illegal_case(township: str) -> dict[str, Any]:
    return {
        "name": f"天门市{unique()}研究会（未登记）",
        "source": "online_check",
        "opened_date": "2020-05-10",
        "township_code": township,
        "activities": "在网络上以研究会名义招募会员",
    }


def social_work(village: str) -> dict[str, Any]:
    return {
        "area_code": village,
        "name": "社会心理服务试点",
        "kind": "psychological_aid",
        "service": "心理疏导",
        "provider_name": "天门市阳光社会工作服务中心",
        "budget": "150000.00",
        "start_date": "2020-07-01",
        "end_date": "2021-06-30",
    }


# Bodies of the records made in 多宝镇 that a PUT restates in full.
INSIDE = {
    "donation": donation(DUOBAO),
    "charity": charity_project(DUOBAO),
    "organisation": organisation(DUOBAO),
    "case": illegal_case(DUOBAO),
    "social_work": social_work(VILLAGE[DUOBAO]),
}


async def township(maker: access.Maker, township: str) -> Side:
    """One record of every resource in the township (a village of it where records keep one)."""
    village = VILLAGE[township]
    inside = township == DUOBAO
    records = access.TownshipRecords(maker)

    line = await maker.post(
        "/api/v1/boundaries",
        {"township_a_code": township, "township_b_code": ZHANGGANG, "length_km": "12.345"},
    )
    dispute = await maker.post(
        f"/api/v1/boundaries/{line['id']}/disputes",
        {"opened_date": "2020-06-01", "description": "两镇对河滩地归属有异议"},
    )
    records.params["/api/v1/boundaries"] = {"line_id": line["id"], "dispute_id": dispute["id"]}
    await records.record(
        "/api/v1/boundary-trainings",
        {
            "held_date": "2020-09-10",
            "place": "市民政局",
            "topic": f"{township}界线联检",
            "participants": 30,
            "township_codes": [township],
        },
        param="training_id",
    )

    project = await maker.post(
        "/api/v1/charity-projects", INSIDE["charity"] if inside else charity_project(township)
    )
    records.params["/api/v1/charity-projects"] = {"project_id": project["id"]}
    gift = await maker.post(
        "/api/v1/donations", INSIDE["donation"] if inside else donation(township)
    )
    records.params["/api/v1/donations"] = {"donation_id": gift["id"]}

    await maker.post(
        "/api/v1/communities", {"area_code": village, "population": 2400, "households": 760}
    )
    community = f"/api/v1/communities/{village}"
    await maker.post(f"{community}/councils", {"kind": "council", "established_date": "2019-01-01"})
    member = await maker.post(
        f"{community}/councils/council/members",
        {"name": "张委员", "role": "member", "since": "2019-01-01"},
    )
    meeting = await maker.post(
        f"{community}/councils/council/meetings",
        {"meeting_date": "2020-03-01", "topic": "防疫", "decisions": "设卡口", "attendance": 1},
    )
    await maker.post(
        f"{community}/covenant/versions",
        {"title": "村规民约", "text": COVENANT, "adopted_date": "2019-05-01"},
    )
    records.params["/api/v1/communities"] = {
        "area_code": village,
        "kind": "council",
        "meeting_id": meeting["id"],
        "member_id": member["id"],
    }

    await maker.send("PUT", f"/api/v1/community-workers/quotas/{village}", {"quota": 7})
    worker_number = adult()
    await records.record(
        "/api/v1/community-workers",
        {
            "area_code": village,
            "id_number": worker_number,
            "name": "李书记",
            "post": "full_time_worker",
            "salary_grade": 3,
            "hired_date": "2018-03-01",
        },
        param="worker_id",
        shows=worker_number,
    )
    records.params["/api/v1/community-workers/quotas"] = {"area_code": village}

    records.params["/api/v1/divisions"] = {"code": village}

    case = await maker.post(
        "/api/v1/illegal-organisation-cases", INSIDE["case"] if inside else illegal_case(township)
    )
    records.params["/api/v1/illegal-organisation-cases"] = {"case_id": case["id"]}

    await records.record(
        "/api/v1/place-names",
        {
            "standard_name": f"{unique()}大道",
            "pinyin": "Duōbǎo Dàdào",
            "category": "road",
            "division_code": township,
        },
        param="place_id",
    )

    org = await maker.post(
        "/api/v1/social-organisations",
        INSIDE["organisation"] if inside else organisation(township),
    )
    await maker.post(
        f"/api/v1/social-organisations/{org['id']}/inspections",
        {"year": 2019, "result": "qualified"},
    )
    records.params["/api/v1/social-organisations"] = {"organisation_id": org["id"], "year": "2019"}

    work = await maker.post(
        "/api/v1/social-work-projects",
        INSIDE["social_work"] if inside else social_work(village),
    )
    records.params["/api/v1/social-work-projects"] = {"project_id": work["id"]}

    team = await records.record(
        "/api/v1/volunteer-organisations",
        {
            "name": unique("志愿服务队"),
            "kind": "volunteer_team",
            "township_code": township,
            "contact_name": "李队长",
            "contact_phone": "13800002222",
        },
        param="organisation_id",
    )
    activity = await records.record(
        "/api/v1/volunteer-activities",
        {
            "organisation_id": team["id"],
            "title": "防疫卡口值守",
            "activity_date": (TODAY - timedelta(days=1)).isoformat(),
            "place": "卡口",
            "township_code": township,
            "organiser": "李队长",
        },
        param="activity_id",
    )
    volunteer_number = adult()
    await records.record(
        "/api/v1/volunteers",
        {
            "id_number": volunteer_number,
            "name": "王志愿",
            "phone": "13900001111",
            "area_code": village,
            "registered_date": "2019-03-05",
        },
        param="volunteer_id",
        shows=volunteer_number,
    )
    record = await maker.post(
        "/api/v1/volunteer-services",
        {"id_number": volunteer_number, "activity_id": activity["id"], "hours": "3"},
    )
    records.params["/api/v1/volunteer-services"] = {"record_id": record["id"]}
    records.id_numbers["/api/v1/volunteer-services"] = volunteer_number
    return records.side()


async def add_villages(session: AsyncSession) -> None:
    for code, name, parent in (
        (VILLAGE[DUOBAO], "多宝权限测试村", DUOBAO),
        (VILLAGE[TUOSHI], "拖市权限测试村", TUOSHI),
    ):
        session.add(
            Division(code=code, name=name, level="village", kind="village", parent_code=parent)
        )
    await session.commit()


async def city_records(maker: access.Maker) -> dict[str, dict[str, str]]:
    await maker.send(
        "PUT", "/api/v1/working-calendar/2020-10-10", {"kind": "workday", "name": "国庆调休"}, 200
    )
    return {"/api/v1/working-calendar": {"day": "2020-10-10"}}


def restated(key: str, **changes: Any) -> dict[str, Any]:
    """A PUT's full body: the 多宝镇 record as made, with ``changes``."""
    return {**INSIDE[key], **changes}


STATUS_DATE = TODAY.isoformat()
# How a township officer's write of each record is sent, and the answer inside.
WRITES: dict[str, Write] = {
    "DELETE /api/v1/divisions/{code}": Write(),
    "DELETE /api/v1/volunteer-services/{record_id}": Write(status=204),
    "DELETE /api/v1/working-calendar/{day}": Write(),
    "PATCH /api/v1/boundaries/{line_id}": Write({"length_km": "12.4"}, officers=403),
    "PATCH /api/v1/communities/{area_code}": Write({"population": 2500}),
    "PATCH /api/v1/communities/{area_code}/councils/{kind}/meetings/{meeting_id}": Write(
        {"topic": "防疫部署会"}
    ),
    "PATCH /api/v1/communities/{area_code}/councils/{kind}/members/{member_id}": Write(
        {"role": "vice_chair"}
    ),
    "PATCH /api/v1/community-workers/{worker_id}": Write({"salary_grade": 4}),
    "PATCH /api/v1/divisions/{code}": Write(
        {"name": "多宝新村", "changed_date": "2020-06-01", "reason": "更名"}
    ),
    "PATCH /api/v1/place-names/{place_id}": Write({"meaning": "以所在镇命名"}, officers=403),
    "PATCH /api/v1/volunteer-activities/{activity_id}": Write({"place": "二号卡口"}),
    "PATCH /api/v1/volunteer-organisations/{organisation_id}": Write({"contact_name": "王队长"}),
    "PATCH /api/v1/volunteer-services/{record_id}": Write({"hours": "4"}),
    "PATCH /api/v1/volunteers/{volunteer_id}": Write({"phone": "13900002222"}),
    "POST /api/v1/boundaries/{line_id}/disputes": Write(
        {"opened_date": "2020-07-01", "description": "两镇对渠道归属有异议"}, status=201
    ),
    "POST /api/v1/boundaries/{line_id}/disputes/{dispute_id}/status": Write(
        {"status": "mediating"}
    ),
    "POST /api/v1/boundaries/{line_id}/survey": Write(
        # The dispute made the line version 2 and puts it out of surveying (409 inside).
        {"survey_batch": "2020年第一批", "surveyed_date": "2020-04-01", "length_km": 12.5},
        if_match='"2"',
        status=409,
    ),
    "POST /api/v1/boundaries/{line_id}/verifications": Write(
        {"verified_date": "2020-05-01", "team": "市界线联检组", "result": "passed"},
        if_match='"2"',
        status=409,  # a disputed line is not verified: met only once found and in the area
    ),
    "POST /api/v1/charity-projects/{project_id}/status": Write({"status": "active"}),
    "POST /api/v1/communities/{area_code}/councils": Write(
        {"kind": "supervision_committee", "established_date": "2019-01-01"}, status=201
    ),
    "POST /api/v1/communities/{area_code}/councils/{kind}/meetings": Write(
        {"meeting_date": "2020-04-01", "topic": "复工", "decisions": "撤卡口", "attendance": 1},
        status=201,
    ),
    "POST /api/v1/communities/{area_code}/councils/{kind}/members": Write(
        {"name": "李委员", "role": "member", "since": "2020-01-01"}, status=201
    ),
    "POST /api/v1/communities/{area_code}/covenant/recognitions": Write(
        {"year": 2020, "recognised_by": "天门市民政局"}, officers=403
    ),
    "POST /api/v1/communities/{area_code}/covenant/versions": Write(
        {"title": "村规民约（修订）", "text": COVENANT, "adopted_date": "2020-05-01"}, status=201
    ),
    "POST /api/v1/community-workers/{worker_id}/assessments": Write(
        {"year": 2019, "result": "competent"}, status=201
    ),
    "POST /api/v1/community-workers/{worker_id}/status": Write(
        {"status": "on_leave", "effective_date": STATUS_DATE, "reason": "病假"}
    ),
    "POST /api/v1/illegal-organisation-cases/{case_id}/outcome": Write(
        {"outcome": "dispersed", "outcome_date": "2020-06-01", "outcome_notes": "已约谈负责人"}
    ),
    "POST /api/v1/place-names/{place_id}/renames": Write(
        {
            "new_name": f"{unique()}路",
            "new_pinyin": "Bǎoxīng Lù",
            "renamed_date": "2020-05-10",
            "reason": "与城区道路重名",
            "document_number": "天政函〔2020〕31号",
            "approving_authority": "天门市人民政府",
        },
        officers=403,
    ),
    "POST /api/v1/social-organisations/{organisation_id}/inspections": Write(
        {"year": 2020, "result": "qualified"}, officers=403
    ),
    "POST /api/v1/social-organisations/{organisation_id}/status": Write(
        {"status": "suspended", "effective_date": "2020-06-30", "reason": "年检不合格"},
        officers=403,
    ),
    "POST /api/v1/volunteers/{volunteer_id}/status": Write(
        {"status": "deregistered", "effective_date": STATUS_DATE, "reason": "本人申请"}
    ),
    "PUT /api/v1/charity-projects/{project_id}": Write(
        restated("charity", goal_amount="6000000.00")
    ),
    "PUT /api/v1/communities/{area_code}/pilot": Write({"pilot_year": 2020}, officers=403),
    "PUT /api/v1/community-workers/quotas/{area_code}": Write({"quota": 8}, officers=403),
    "PUT /api/v1/donations/{donation_id}": Write(restated("donation", amount="120000.00")),
    "PUT /api/v1/illegal-organisation-cases/{case_id}": Write(restated("case", source="report")),
    "PUT /api/v1/social-organisations/{organisation_id}": Write(
        restated("organisation", legal_representative="李四"), officers=403
    ),
    "PUT /api/v1/social-organisations/{organisation_id}/inspections/{year}": Write(
        {"result": "basically_qualified"}, officers=403
    ),
    "PUT /api/v1/social-work-projects/{project_id}": Write(
        {k: v for k, v in restated("social_work", budget="160000.00").items() if k != "area_code"}
    ),
    "PUT /api/v1/working-calendar/{day}": Write({"kind": "workday", "name": "国庆调休"}),
}
IMPORT = "a file of many records, each checked against the caller's areas"
# Creates not made with a body of a township, with why.
CREATES_ELSEWHERE = {
    "POST /api/v1/divisions": "the division tree is the city's, kept by its officers",
    "POST /api/v1/divisions/batch": "the division tree is the city's, kept by its officers",
    "POST /api/v1/volunteer-services/import": IMPORT,
    "POST /api/v1/volunteers/import": IMPORT,
}
# Creates no township officer makes (city officers only), with what both officers get.
CITY_CREATES = {
    "POST /api/v1/boundaries": (403,),
    "POST /api/v1/boundary-trainings": (403,),
    "POST /api/v1/communities": (403,),
    "POST /api/v1/place-names": (403,),
    "POST /api/v1/social-organisations": (403,),
}
# Creates naming records of the township (the activity, the volunteer): not found outside.
CREATES_OF_A_RECORD = {"POST /api/v1/volunteer-services": 404}
# Lists that do not name their records by the identifiers the setup keeps, with why.
NOT_LISTED = {
    "/api/v1/communities": "listed by area code; the identifiers are its meetings' and members'"
}
# Reads that need a query, with it.
QUERIES: dict[str, dict[str, Any]] = {"GET /api/v1/volunteer-stats": {"year": 2020}}


TABLES = access.Tables(
    writes=WRITES,
    city_wide=CITY_WIDE,
    auditor_writes=AUDITOR_WRITES,
    creates_elsewhere=CREATES_ELSEWHERE,
    city_creates=CITY_CREATES,
    pii_list="/api/v1/volunteers",
    queries=QUERIES,
    not_listed=NOT_LISTED,
    creates_of_a_record=CREATES_OF_A_RECORD,
)


async def test_every_record_route_by_every_role_inside_and_outside_the_area(
    client: httpx.AsyncClient,
    app: FastAPI,
    tokens: Tokens,
    session: AsyncSession,
    db_connection: AsyncConnection,
) -> None:
    await add_villages(session)
    records = await access.records_in_both_townships(client, tokens, township, city_records)
    failures = await access.every_role_in_both_townships(
        client, app, tokens, "governance", records, TABLES, access.savepoints(db_connection)
    )
    assert not failures, "\n".join(failures)
