"""The year's figures other services read for the dashboard and the annual report.

Records are written straight into the registers (dates on 31 December and 1 January),
volunteers and their hours through the API; the figures are read from
``/internal/v1/stats``, city-wide and by township.
"""

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from civil_cli.pytest_plugin import Tokens, unique
from civil_governance.boundaries.models import BoundaryLine
from civil_governance.boundary_training.models import BoundaryTraining, BoundaryTrainingTownship
from civil_governance.charity.models import Donation
from civil_governance.communities.models import (
    Community,
    Council,
    CouncilMeeting,
    CovenantVersion,
)
from civil_governance.divisions.models import Division
from civil_governance.organisations.models import IllegalOrganisationCase, SocialOrganisation
from civil_governance.volunteers.workdays import today
from civil_shared.testing.factories import make_credit_code, make_id_number
from civil_shared.types import SocialOrgType

STATS = "/internal/v1/stats"
SERVICE = {"scopes": ["internal"]}

JINGLING = "429006001"  # 竟陵街道
DUOBAO = "429006100"  # 多宝镇
TUOSHI = "429006101"  # 拖市镇
ZHANGGANG = "429006102"  # 张港镇
JIANGHU = "429006450"  # 蒋湖农场
CHENHU = "429006452"  # 沉湖管委会
JINGLING_COMMUNITY = "429006001931"
DUOBAO_VILLAGE = "429006100931"
DUOBAO_OTHER_VILLAGE = "429006100932"
TUOSHI_VILLAGE = "429006101931"
JIANGHU_VILLAGE = "429006450931"


async def stats(
    client: httpx.AsyncClient, tokens: Tokens, year: int, area_code: str | None = None
) -> dict[str, Any]:
    response = await get(client, tokens, year, area_code)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def get(
    client: httpx.AsyncClient, tokens: Tokens, year: int, area_code: str | None = None
) -> httpx.Response:
    params: dict[str, Any] = {"year": year}
    if area_code is not None:
        params["area_code"] = area_code
    return await client.get(STATS, params=params, headers=tokens.headers("service", **SERVICE))


def townships(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["area_code"]: t for t in figures["by_township"]}


def of(figures: dict[str, Any], name: str) -> dict[str, Any]:
    """``name`` of the city and of each township that has some."""
    found = {"city": figures[name]}
    for code, township in townships(figures).items():
        if township[name] not in (0, "0", "0.00"):
            found[code] = township[name]
    return found


async def same_as_the_year_before(
    client: httpx.AsyncClient, tokens: Tokens, year: int, area_code: str | None = None
) -> None:
    """``year``'s answer carries as ``previous`` what asking for the year before answers."""
    now = await stats(client, tokens, year, area_code)
    before = await stats(client, tokens, year - 1, area_code)
    for name in ("area_code", "by_township", "previous"):
        del before[name]
    assert now["previous"] == before


async def add(session: AsyncSession, *rows: object) -> None:
    session.add_all(rows)
    await session.flush()


async def villages(session: AsyncSession) -> None:
    for code, name, kind in (
        (JINGLING_COMMUNITY, "统计测试社区", "community"),
        (DUOBAO_VILLAGE, "统计测试一村", "village"),
        (DUOBAO_OTHER_VILLAGE, "统计测试二村", "village"),
        (TUOSHI_VILLAGE, "统计测试三村", "village"),
        (JIANGHU_VILLAGE, "统计测试分场", "village"),
    ):
        if await session.get(Division, code) is None:
            session.add(
                Division(code=code, name=name, level="village", kind=kind, parent_code=code[:9])
            )
    await session.flush()


def community(area_code: str, pilot_year: int | None = None) -> Community:
    return Community(area_code=area_code, population=1200, households=400, pilot_year=pilot_year)


def council(area_code: str, kind: str, established: date) -> Council:
    return Council(id=uuid.uuid4(), area_code=area_code, kind=kind, established_date=established)


def meeting(council_id: uuid.UUID, on: date) -> CouncilMeeting:
    return CouncilMeeting(
        council_id=council_id,
        meeting_date=on,
        topic="村道维修",
        decisions="同意维修",
        attendance=7,
        recorded_by="t",
    )


def covenant(
    area_code: str, number: int, adopted: date, superseded: date | None = None
) -> CovenantVersion:
    return CovenantVersion(
        area_code=area_code,
        version_number=number,
        title="村规民约",
        text="第一条 ……",
        adopted_date=adopted,
        superseded_date=superseded,
        recorded_by="t",
    )


def organisation(
    township: str | None,
    org_type: SocialOrgType,
    registered: date,
    status: str = "active",
    status_date: date | None = None,
) -> SocialOrganisation:
    return SocialOrganisation(
        name=unique("统计测试协会"),
        org_type=org_type.value,
        credit_code=str(make_credit_code(org_type=org_type)),
        registration_date=registered,
        registering_authority="天门市民政局",
        township_code=township,
        legal_representative="张会长",
        status=status,
        status_date=status_date,
        status_reason=None if status == "active" else "测试",
    )


def case(township: str | None, outcome: str | None, closed: date | None) -> Any:
    return IllegalOrganisationCase(
        name=unique("非法组织"),
        source="inspection",
        opened_date=date(2019, 6, 1),
        township_code=township,
        outcome=outcome,
        outcome_date=closed,
    )


def donation(township: str | None, purpose: str, on: date, amount: str) -> Donation:
    goods = purpose == "other"
    return Donation(
        donor_name="爱心企业",
        donor_kind="organisation",
        donation_date=on,
        form="goods" if goods else "money",
        amount=None if goods else Decimal(amount),
        goods_description="口罩" if goods else None,
        goods_quantity=Decimal(100) if goods else None,
        goods_unit="箱" if goods else None,
        goods_value=Decimal(amount) if goods else None,
        purpose=purpose,
        receiving_body="天门市慈善会",
        receipt_number=unique("R"),
        township_code=township,
    )


def line(
    a: str, b: str, status: str = "not_surveyed", surveyed: date | None = None
) -> BoundaryLine:
    return BoundaryLine(
        township_a_code=a,
        township_b_code=b,
        length_km=Decimal("12.5"),
        survey_status=status,
        survey_batch="2020-1" if surveyed else None,
        surveyed_date=surveyed,
        recorded_by="t",
    )


def training(on: date, *codes: str) -> BoundaryTraining:
    return BoundaryTraining(
        held_date=on,
        place=unique("市民政局会议室"),
        topic="勘界业务培训",
        participants=30,
        recorded_by="t",
        townships=[BoundaryTrainingTownship(township_code=code) for code in codes],
    )


# --- township-level units -------------------------------------------------------------


async def test_the_report_counts_25_township_units_and_the_register_28(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    figures = await stats(client, tokens, 2020)
    farm = await stats(client, tokens, 2020, JIANGHU)
    town = await stats(client, tokens, 2020, DUOBAO)

    assert (figures["township_units"], figures["township_units_all"]) == (25, 28)
    by = townships(figures)
    assert len(by) == 28
    assert sorted(code for code, t in by.items() if not t["in_report_count"]) == [
        JIANGHU,
        "429006451",
        CHENHU,
    ]
    assert (by[JINGLING]["name"], by[JINGLING]["kind"]) == ("竟陵街道", "street")
    assert (by[CHENHU]["name"], by[CHENHU]["kind"]) == ("沉湖管委会", "management_committee")
    # Every unit has its row, zeros where nothing is recorded.
    assert by[DUOBAO]["communities_rural"] == 0
    assert by[DUOBAO]["volunteer_hours"] == "0.00"
    assert (farm["township_units"], farm["township_units_all"]) == (0, 1)
    assert (town["township_units"], town["township_units_all"]) == (1, 1)
    assert [t["area_code"] for t in town["by_township"]] == [DUOBAO]


# --- communities, councils, covenants ---------------------------------------------------


async def test_communities_pilots_councils_meetings_and_covenants_at_the_years_edges(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await villages(session)
    await add(
        session,
        community(JINGLING_COMMUNITY),
        community(DUOBAO_VILLAGE, pilot_year=2020),
        community(DUOBAO_OTHER_VILLAGE, pilot_year=2021),
        community(TUOSHI_VILLAGE, pilot_year=2019),
        community(JIANGHU_VILLAGE),
    )
    duobao_consultation = council(DUOBAO_VILLAGE, "consultation_council", date(2019, 3, 1))
    tuoshi_consultation = council(TUOSHI_VILLAGE, "consultation_council", date(2019, 5, 1))
    await add(
        session,
        duobao_consultation,
        council(DUOBAO_VILLAGE, "council", date(2020, 6, 1)),
        # The third on 31 December: complete at the end of 2020.
        council(DUOBAO_VILLAGE, "supervision_committee", date(2020, 12, 31)),
        council(DUOBAO_OTHER_VILLAGE, "consultation_council", date(2020, 1, 1)),
        council(DUOBAO_OTHER_VILLAGE, "council", date(2020, 1, 1)),
        # The third on 1 January 2021: complete only in 2021.
        council(DUOBAO_OTHER_VILLAGE, "supervision_committee", date(2021, 1, 1)),
        tuoshi_consultation,
    )
    await add(
        session,
        meeting(duobao_consultation.id, date(2019, 12, 31)),
        meeting(duobao_consultation.id, date(2020, 1, 1)),
        meeting(duobao_consultation.id, date(2020, 12, 31)),
        meeting(duobao_consultation.id, date(2021, 1, 1)),
        meeting(tuoshi_consultation.id, date(2020, 7, 1)),
        covenant(DUOBAO_VILLAGE, 1, date(2019, 12, 31), superseded=date(2020, 1, 1)),
        covenant(DUOBAO_VILLAGE, 2, date(2020, 1, 1), superseded=date(2021, 1, 1)),
        covenant(DUOBAO_VILLAGE, 3, date(2021, 1, 1)),
        covenant(TUOSHI_VILLAGE, 1, date(2020, 12, 31)),
    )

    in_2019 = await stats(client, tokens, 2019)
    in_2020 = await stats(client, tokens, 2020)
    in_2021 = await stats(client, tokens, 2021)

    assert of(in_2020, "communities_urban") == {"city": 1, JINGLING: 1}
    assert of(in_2020, "communities_rural") == {"city": 4, DUOBAO: 2, TUOSHI: 1, JIANGHU: 1}
    assert [of(f, "pilots") for f in (in_2019, in_2020, in_2021)] == [
        {"city": 1, TUOSHI: 1},
        {"city": 2, DUOBAO: 1, TUOSHI: 1},
        {"city": 3, DUOBAO: 2, TUOSHI: 1},
    ]
    assert [of(f, "councils") for f in (in_2019, in_2020, in_2021)] == [
        {"city": 2, DUOBAO: 1, TUOSHI: 1},
        {"city": 6, DUOBAO: 5, TUOSHI: 1},
        {"city": 7, DUOBAO: 6, TUOSHI: 1},
    ]
    assert [of(f, "communities_with_three_councils") for f in (in_2019, in_2020, in_2021)] == [
        {"city": 0},
        {"city": 1, DUOBAO: 1},
        {"city": 2, DUOBAO: 2},
    ]
    assert [of(f, "council_meetings") for f in (in_2019, in_2020, in_2021)] == [
        {"city": 1, DUOBAO: 1},
        {"city": 3, DUOBAO: 2, TUOSHI: 1},
        {"city": 1, DUOBAO: 1},
    ]
    assert [of(f, "covenants_adopted") for f in (in_2019, in_2020, in_2021)] == [
        {"city": 1, DUOBAO: 1},
        {"city": 2, DUOBAO: 1, TUOSHI: 1},
        {"city": 1, DUOBAO: 1},
    ]
    await same_as_the_year_before(client, tokens, 2021)


# --- organisations, illegal organisations, donations ----------------------------------------


async def test_organisations_cases_and_donations_with_city_level_records(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    group, agency, foundation = (
        SocialOrgType.SOCIAL_GROUP,
        SocialOrgType.SOCIAL_SERVICE_AGENCY,
        SocialOrgType.FOUNDATION,
    )
    await add(
        session,
        organisation(DUOBAO, group, date(2020, 12, 31)),
        organisation(DUOBAO, foundation, date(2021, 1, 1)),  # registered after 2020
        organisation(DUOBAO, group, date(2018, 3, 1), "deregistered", date(2020, 10, 1)),
        organisation(TUOSHI, agency, date(2019, 4, 1), "suspended", date(2020, 2, 1)),
        organisation(None, group, date(2020, 5, 1)),  # registered at city level
        case(DUOBAO, "dispersed", date(2020, 12, 31)),
        case(DUOBAO, "dispersed", date(2021, 1, 1)),
        case(DUOBAO, "dispersed", date(2019, 12, 31)),
        case(None, "dispersed", date(2020, 3, 1)),
        case(TUOSHI, "banned", date(2020, 1, 1)),
        case(TUOSHI, "transferred", date(2020, 8, 1)),
        case(TUOSHI, None, None),  # still under investigation
        donation(DUOBAO, "epidemic", date(2020, 12, 31), "100.00"),
        donation(DUOBAO, "epidemic", date(2021, 1, 1), "7.00"),
        donation(DUOBAO, "epidemic", date(2019, 12, 31), "9.00"),
        donation(TUOSHI, "other", date(2020, 1, 1), "50.50"),
        donation(None, "epidemic", date(2020, 2, 1), "1000.00"),
    )

    figures = await stats(client, tokens, 2020)
    duobao = await stats(client, tokens, 2020, DUOBAO)

    # The city-level organisation, case and donation count in the city only.
    assert of(figures, "organisations") == {"city": 3, DUOBAO: 1, TUOSHI: 1}
    by_type = {(o["org_type"], o["status"]): o["count"] for o in figures["organisations_by_type"]}
    assert len(by_type) == 12
    assert {k: n for k, n in by_type.items() if n} == {
        ("social_group", "active"): 2,
        ("social_group", "deregistered"): 1,
        ("social_service_agency", "suspended"): 1,
    }
    assert of(figures, "illegal_dispersed") == {"city": 2, DUOBAO: 1}
    assert of(figures, "illegal_banned") == {"city": 1, TUOSHI: 1}
    assert of(figures, "donation_amount") == {"city": "1150.50", DUOBAO: "100.00", TUOSHI: "50.50"}
    donations = {d["purpose"]: (d["count"], d["amount"]) for d in figures["donations"]}
    assert donations == {
        "epidemic": (2, "1100.00"),
        "poverty": (0, "0.00"),
        "education": (0, "0.00"),
        "disaster": (0, "0.00"),
        "other": (1, "50.50"),
    }

    assert (duobao["organisations"], duobao["illegal_dispersed"]) == (1, 1)
    assert duobao["illegal_banned"] == 0
    assert duobao["donation_amount"] == "100.00"
    assert {
        (o["org_type"], o["status"]): o["count"]
        for o in duobao["organisations_by_type"]
        if o["count"]
    } == {("social_group", "active"): 1, ("social_group", "deregistered"): 1}
    assert {d["purpose"]: d["count"] for d in duobao["donations"] if d["count"]} == {"epidemic": 1}
    await same_as_the_year_before(client, tokens, 2021)


# --- boundaries and training ------------------------------------------------------------


async def test_boundary_lines_count_once_for_the_city_and_under_both_townships(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add(
        session,
        line(DUOBAO, TUOSHI, "surveyed", date(2020, 12, 31)),
        line(DUOBAO, ZHANGGANG, "verified", date(2020, 5, 1)),
        line(TUOSHI, ZHANGGANG, "surveyed", date(2021, 1, 1)),  # surveyed after 2020
        line(JINGLING, DUOBAO),
        line(TUOSHI, JIANGHU, "disputed", date(2020, 3, 1)),  # under dispute: not settled
        training(date(2020, 12, 31), DUOBAO, TUOSHI),
        training(date(2020, 1, 1), DUOBAO),
        training(date(2021, 1, 1), TUOSHI),
        training(date(2019, 12, 31), JINGLING),
    )

    in_2020 = await stats(client, tokens, 2020)
    in_2021 = await stats(client, tokens, 2021)
    duobao = await stats(client, tokens, 2020, DUOBAO)
    tuoshi = await stats(client, tokens, 2020, TUOSHI)

    assert (in_2020["boundary_lines"], in_2020["boundary_lines_surveyed"]) == (5, 2)
    assert in_2021["boundary_lines_surveyed"] == 3
    by = townships(in_2020)
    assert {
        code: (t["boundary_lines"], t["boundary_lines_surveyed"])
        for code, t in by.items()
        if t["boundary_lines"]
    } == {JINGLING: (1, 0), DUOBAO: (3, 2), TUOSHI: (3, 1), ZHANGGANG: (2, 1), JIANGHU: (1, 0)}
    assert (in_2020["boundary_training_batches"], in_2020["boundary_training_townships"]) == (2, 2)
    assert {
        code: t["boundary_training_batches"]
        for code, t in by.items()
        if t["boundary_training_batches"]
    } == {DUOBAO: 2, TUOSHI: 1}
    assert (in_2021["boundary_training_batches"], in_2021["boundary_training_townships"]) == (1, 1)

    assert (duobao["boundary_lines"], duobao["boundary_lines_surveyed"]) == (3, 2)
    assert (duobao["boundary_training_batches"], duobao["boundary_training_townships"]) == (2, 1)
    assert [
        (t["area_code"], t["boundary_lines"], t["boundary_training_batches"])
        for t in duobao["by_township"]
    ] == [(DUOBAO, 3, 2)]
    assert (tuoshi["boundary_lines"], tuoshi["boundary_training_batches"]) == (3, 1)
    await same_as_the_year_before(client, tokens, 2021)


# --- volunteers -----------------------------------------------------------------------------


async def post(client: httpx.AsyncClient, tokens: Tokens, url: str, body: Any) -> dict[str, Any]:
    response = await client.post(url, json=body, headers=tokens.headers("city_officer"))
    assert response.status_code == 201, response.text
    return dict(response.json())


async def volunteer(
    client: httpx.AsyncClient, tokens: Tokens, area_code: str, registered: date
) -> dict[str, Any]:
    body = {
        "id_number": str(make_id_number(birth_date=date(1985, 3, 1))),
        "name": "王志愿",
        "phone": "13900001111",
        "area_code": area_code,
        "registered_date": registered.isoformat(),
        "skills": [],
    }
    response = await client.post(
        "/api/v1/volunteers", json=body, headers=tokens.headers("city_officer")
    )
    assert response.status_code == 201, response.text
    # The answer's ID number is masked.
    return {**response.json(), "id_number": body["id_number"], "etag": response.headers["etag"]}


async def test_volunteers_on_the_register_at_year_end_and_the_years_hours(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await villages(session)
    await session.commit()
    team = await post(
        client,
        tokens,
        "/api/v1/volunteer-organisations",
        {
            "name": unique("统计测试志愿服务队"),
            "kind": "volunteer_team",
            "township_code": DUOBAO,
            "contact_name": "李队长",
            "contact_phone": "13800002222",
        },
    )

    async def activity(on: date) -> str:
        body = {
            "organisation_id": team["id"],
            "title": "防疫卡口值守",
            "activity_date": on.isoformat(),
            "place": "多宝镇卡口",
            "township_code": DUOBAO,
            "organiser": "李队长",
        }
        return str((await post(client, tokens, "/api/v1/volunteer-activities", body))["id"])

    new_year_eve, new_year = await activity(date(2020, 12, 31)), await activity(date(2021, 1, 1))
    v1 = await volunteer(client, tokens, DUOBAO_VILLAGE, date(2020, 12, 31))
    v2 = await volunteer(client, tokens, TUOSHI_VILLAGE, date(2021, 1, 1))
    v3 = await volunteer(client, tokens, DUOBAO_VILLAGE, date(2019, 1, 1))
    v4 = await volunteer(client, tokens, DUOBAO_OTHER_VILLAGE, date(2019, 1, 1))
    for who, what, hours in (
        (v1, new_year_eve, "3.50"),
        (v3, new_year_eve, "2.00"),
        (v1, new_year, "4.00"),
        (v2, new_year, "1.50"),
    ):
        await post(
            client,
            tokens,
            "/api/v1/volunteer-services",
            {"id_number": who["id_number"], "activity_id": what, "hours": hours},
        )
    # Off the register from 1 January 2021 (still there on 31 December) and from
    # 31 December 2020 (gone by the year's end).
    for who, effective in ((v3, date(2021, 1, 1)), (v4, date(2020, 12, 31))):
        response = await client.post(
            f"/api/v1/volunteers/{who['id']}/status",
            json={
                "status": "deregistered",
                "effective_date": effective.isoformat(),
                "reason": "本人申请",
            },
            headers={**tokens.headers("city_officer"), "If-Match": who["etag"]},
        )
        assert response.status_code == 200, response.text

    in_2020 = await stats(client, tokens, 2020)
    in_2021 = await stats(client, tokens, 2021)
    tuoshi = await stats(client, tokens, 2021, TUOSHI)

    assert of(in_2020, "volunteers_registered") == {"city": 2, DUOBAO: 2}
    assert of(in_2020, "volunteers_with_hours") == {"city": 2, DUOBAO: 2}
    assert of(in_2020, "volunteer_hours") == {"city": "5.50", DUOBAO: "5.50"}
    assert of(in_2021, "volunteers_registered") == {"city": 2, DUOBAO: 1, TUOSHI: 1}
    assert of(in_2021, "volunteers_with_hours") == {"city": 2, DUOBAO: 1, TUOSHI: 1}
    assert of(in_2021, "volunteer_hours") == {"city": "5.50", DUOBAO: "4.00", TUOSHI: "1.50"}
    assert (tuoshi["volunteers_registered"], tuoshi["volunteer_hours"]) == (1, "1.50")
    await same_as_the_year_before(client, tokens, 2021)


# --- scope, year, the way it is computed --------------------------------------------------


async def test_area_code_narrows_to_one_township_and_refuses_what_is_no_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await villages(session)
    await add(
        session,
        community(DUOBAO_VILLAGE, pilot_year=2020),
        community(TUOSHI_VILLAGE, pilot_year=2020),
        organisation(None, SocialOrgType.SOCIAL_GROUP, date(2020, 5, 1)),
    )

    whole = await stats(client, tokens, 2020, "429006")
    duobao = await stats(client, tokens, 2020, DUOBAO)
    village = await get(client, tokens, 2020, DUOBAO_VILLAGE)
    unknown = await get(client, tokens, 2020, "429006999")
    outside = await get(client, tokens, 2020, "420100")

    # 天门市 itself is the whole city, city-level records included.
    assert (whole["area_code"], whole["pilots"], whole["organisations"]) == (None, 2, 1)
    assert len(whole["by_township"]) == 28
    assert (duobao["area_code"], duobao["pilots"], duobao["organisations"]) == (DUOBAO, 1, 0)
    assert (village.status_code, village.json()["code"]) == (422, "GOVERNANCE_STATS_AREA_LEVEL")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "GOVERNANCE_TOWNSHIP_UNKNOWN")
    assert outside.status_code == 422


async def test_the_current_year_counts_on_today_and_a_future_year_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    now = today()
    await villages(session)
    await add(
        session,
        community(DUOBAO_VILLAGE),
        council(DUOBAO_VILLAGE, "consultation_council", date(now.year, 1, 1)),
    )

    figures = await stats(client, tokens, now.year)
    future = await get(client, tokens, now.year + 1)

    assert figures["as_of"] == now.isoformat()
    assert figures["councils"] == 1
    assert (future.status_code, future.json()["code"]) == (422, "GOVERNANCE_STATS_YEAR_IN_FUTURE")
    assert (await stats(client, tokens, 2020))["as_of"] == "2020-12-31"


@pytest.fixture
def statements(db_connection: AsyncConnection) -> Iterator[list[str]]:
    """The SQL statements the test's connection runs."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    target = db_connection.sync_connection
    assert target is not None
    event.listen(target, "before_cursor_execute", record)
    yield seen
    event.remove(target, "before_cursor_execute", record)


async def test_the_figures_are_a_handful_of_aggregates_whatever_the_number_of_townships(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, statements: list[str]
) -> None:
    await villages(session)
    await add(session, community(DUOBAO_VILLAGE), community(TUOSHI_VILLAGE))
    statements.clear()

    await stats(client, tokens, 2020)

    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    # The township list, two unions of counts (both years at once), and for each of the
    # two years organisations (4), donations (2), volunteers (2): 19, the same for 2
    # townships or 28; a loop over townships would be 28 or more.
    assert len(selects) <= 19, selects


async def test_only_platform_services_read_the_statistics(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    params = {"year": 2020}
    service = await client.get(STATS, params=params, headers=tokens.headers("service"))
    integrator = await client.get(
        STATS, params=params, headers=tokens.headers("integrator", **SERVICE)
    )
    refused = [
        await client.get(STATS, params=params, headers=tokens.headers(role))
        for role in ("city_officer", "auditor", "integrator")
    ]
    township = await client.get(
        STATS, params=params, headers=tokens.headers("township_officer", area_codes=[DUOBAO])
    )
    anonymous = await client.get(STATS, params=params)

    assert (service.status_code, integrator.status_code) == (200, 200)
    assert [r.status_code for r in (*refused, township)] == [403] * 4
    assert {r.json()["code"] for r in (*refused, township)} == {"AUTH_INTERNAL_ONLY"}
    assert anonymous.status_code == 401
