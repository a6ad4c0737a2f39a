"""The year's figures other services read for the dashboard and the annual report.

Data is written straight into the registers (dates at the year's edges), except one
run made, approved and paid through the API; the figures are read from
``/internal/v1/stats``, city-wide and by township.
"""

import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.runtime.disbursements import sum_by_area
from civil_shared.testing.factories import make_id_number
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.funeral.models import FuneralWaiver, PublicCemetery
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.institutions.models import (
    CareInstitution,
    ClosedManagementPeriod,
    DisabledTekunResident,
)
from civil_welfare.parameters.models import WelfareParameter
from civil_welfare.subsidy_runs.models import (
    DisbursementAreaTotal,
    DisbursementLine,
    DisbursementRun,
)
from civil_welfare.visits.models import Visit
from civil_welfare.workforce.models import ChildWelfareWorker, WorkerTraining

STATS = "/internal/v1/stats"
DUOBAO = "429006100"
TUOSHI = "429006101"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
TUOSHI_OTHER_VILLAGE = "429006101002"
SERVICE = {"scopes": ["internal"]}


async def stats(
    client: httpx.AsyncClient, tokens: Tokens, year: int, area_code: str | None = None
) -> dict[str, Any]:
    params: dict[str, Any] = {"year": year}
    if area_code is not None:
        params["area_code"] = area_code
    response = await client.get(STATS, params=params, headers=tokens.headers("service", **SERVICE))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def same_as_the_year_before(
    client: httpx.AsyncClient, tokens: Tokens, year: int, area_code: str | None = None
) -> None:
    """``year``'s answer carries as ``previous`` what asking for the year before answers."""
    now = await stats(client, tokens, year, area_code)
    before = await stats(client, tokens, year - 1, area_code)
    for name in ("area_code", "by_township", "previous"):
        del before[name]
    assert now["previous"] == before


def townships(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["area_code"]: t for t in figures["by_township"]}


def subsidies(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["subsidy"]: s for s in figures["subsidies"]}


async def add(session: AsyncSession, *rows: object) -> None:
    session.add_all(rows)
    await session.flush()


# --- builders -------------------------------------------------------------------------


def elder(
    area: str,
    away_since: date,
    registered: date = date(2020, 3, 1),
    left: date | None = None,
) -> LeftBehindElder:
    return LeftBehindElder(
        id_number=str(make_id_number(birth_date=date(1950, 5, 1))),
        name="留守老人",
        area_code=area,
        living_situation="alone",
        risk_level="medium",
        worker_name="村干部",
        registered_date=registered,
        status="left" if left else "active",
        left_date=left,
        children=[
            LeftBehindElderChild(
                position=1, name="儿子", relation="son", away_for="work", away_since=away_since
            )
        ],
    )


def child_file(
    area: str,
    category: str,
    born: date,
    closed: date | None = None,
    registered: date = date(2019, 1, 1),
) -> ChildFile:
    return ChildFile(
        id_number=str(make_id_number(birth_date=born)),
        name="儿童",
        area_code=area,
        category=category,
        guardian_name="祖父",
        guardian_relation="grandparent",
        status="closed" if closed else "active",
        close_reason="situation_improved" if closed else None,
        closed_date=closed,
        registered_date=registered,
    )


def high_age(area: str, start: str, end: str | None = None, status: str = "active") -> Any:
    stopped = status == "stopped"
    return HighAgeAllowance(
        id_number=str(make_id_number(birth_date=date(1935, 1, 1))),
        name="高龄老人",
        area_code=area,
        start_period=start,
        end_period=end,
        status=status,
        stop_reason="death" if stopped else None,
        stop_date=date(2020, 12, 1) if stopped else None,
    )


def hard_up(area: str, kind: str, start: str, end: str | None = None) -> HardUpElderSubsidy:
    return HardUpElderSubsidy(
        id_number=str(make_id_number(birth_date=date(1936, 1, 1))),
        name="困难老人",
        area_code=area,
        kind=kind,
        hardship_basis="dibao",
        assessment="评估失能" if kind == "hard_up_disabled" else None,
        start_period=start,
        end_period=end,
        status="ended" if end else "active",
    )


def support_case(
    area: str,
    scheme: str,
    kind: str | None = None,
    end: str = "2027-06",
    status: str = "active",
) -> ChildSupportCase:
    orphan = scheme == "orphan"
    return ChildSupportCase(
        scheme=scheme,
        id_number=str(make_id_number(birth_date=date(2009, 6, 1))),
        name="儿童",
        area_code=area,
        father_state="dead" if orphan else "imprisoned",
        mother_state="dead",
        orphan_kind=kind,
        institution_name="天门市儿童福利院" if kind == "institution" else None,
        guardian_name=None if orphan else "祖母",
        guardian_relation=None if orphan else "grandparent",
        assessed_date=date(2019, 12, 1),
        start_period="2020-01",
        end_period=end,
        status=status,
        end_reason="adopted" if status == "ended" else None,
        changed_date=None if status == "active" else date(2020, 11, 15),
        status_note="误登记" if status == "revoked" else None,
    )


async def disabled_grant(
    session: AsyncSession, area: str, subsidy: str, start: str, end: str | None = None
) -> None:
    # An adult's birth date of its own: one fixed date leaves 500 numbers, and the
    # grants of the whole module then collide now and then.
    born = date(1950, 1, 1) + timedelta(days=secrets.randbelow(40 * 365))
    number = str(make_id_number(birth_date=born))
    person = DisabledPerson(
        id_number=number,
        name="残疾人",
        area_code=area,
        certificate_number=f"{number}41",
        category="physical",
        grade=1,
        status="active",
    )
    await add(session, person)
    await add(
        session,
        DisabilitySubsidyGrant(
            person_id=person.id,
            subsidy=subsidy,
            start_period=start,
            end_period=end,
            status="stopped" if end else "active",
            stop_reason="停发" if end else None,
        ),
    )


async def run(
    session: AsyncSession,
    programme: str,
    period: str,
    lines: list[tuple[str, str]],
    status: str = "paid",
) -> None:
    """A run of ``(village, amount)`` lines; made as a draft, then set to ``status`` (the
    database refuses lines added to a paid run)."""
    row = DisbursementRun(programme=programme, period=period, status="draft", created_by="t")
    await add(session, row)
    await add(
        session,
        *(
            DisbursementLine(
                run_id=row.id,
                source_id=uuid.uuid4(),
                payee_id_number=str(make_id_number()),
                payee_name="领款人",
                area_code=area,
                persons=1,
                amount=Decimal(amount),
            )
            for area, amount in lines
        ),
    )
    await session.execute(sum_by_area(DisbursementLine, DisbursementAreaTotal, row.id))
    await session.execute(
        update(DisbursementRun).where(DisbursementRun.id == row.id).values(status=status)
    )


# --- the registers at the year's end ----------------------------------------------------


async def test_registers_count_what_stands_on_31_december(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 2020's rule: every child away for work 6 months or more.
    await add(
        session,
        elder(DUOBAO_VILLAGE, date(2020, 6, 30)),  # 6 months on 30 December: counts
        elder(DUOBAO_VILLAGE, date(2020, 7, 1)),  # 6 months only on 1 January 2021
        elder(DUOBAO_VILLAGE, date(2019, 1, 1), registered=date(2021, 1, 1)),  # later
        elder(DUOBAO_VILLAGE, date(2019, 1, 1), left=date(2020, 12, 31)),  # gone by then
        elder(DUOBAO_VILLAGE, date(2019, 1, 1), left=date(2021, 1, 1)),  # still there
        elder(TUOSHI_VILLAGE, date(2019, 1, 1)),
        child_file(DUOBAO_VILLAGE, "left_behind", date(2010, 4, 1)),
        child_file(DUOBAO_VILLAGE, "both", date(2012, 4, 1)),
        child_file(DUOBAO_VILLAGE, "left_behind", date(2003, 1, 1)),  # 17 on 31 December
        child_file(DUOBAO_VILLAGE, "left_behind", date(2002, 12, 31)),  # 18 that day
        child_file(DUOBAO_VILLAGE, "left_behind", date(2021, 3, 1)),  # not yet born
        child_file(DUOBAO_VILLAGE, "left_behind", date(2010, 4, 1), registered=date(2021, 1, 4)),
        child_file(DUOBAO_VILLAGE, "hardship", date(2011, 1, 1), closed=date(2020, 12, 31)),
        child_file(DUOBAO_VILLAGE, "hardship", date(2011, 1, 1), closed=date(2021, 1, 5)),
        child_file(TUOSHI_VILLAGE, "hardship", date(2015, 1, 1)),
    )

    figures = await stats(client, tokens, 2020)

    assert figures["as_of"] == "2020-12-31"
    by = townships(figures)
    assert (figures["left_behind_elderly"], by[DUOBAO]["left_behind_elderly"]) == (3, 2)
    assert by[TUOSHI]["left_behind_elderly"] == 1
    assert (by[DUOBAO]["left_behind_children"], by[DUOBAO]["hardship_children"]) == (3, 2)
    assert (figures["left_behind_children"], figures["hardship_children"]) == (3, 3)
    assert by[TUOSHI]["left_behind_children"] == 0
    await same_as_the_year_before(client, tokens, 2021)


async def test_subsidies_count_persons_in_december_and_money_of_paid_runs_only(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add(
        session,
        high_age(DUOBAO_VILLAGE, "2020-01"),
        high_age(DUOBAO_VILLAGE, "2021-01"),  # starts after the year
        high_age(DUOBAO_VILLAGE, "2020-01", "2020-11", "stopped"),  # last paid in November
        high_age(DUOBAO_VILLAGE, "2020-01", "2020-12", "stopped"),  # paid in December
        high_age(DUOBAO_VILLAGE, "2020-01", status="suspended"),
        hard_up(TUOSHI_VILLAGE, "hard_up_high_age", "2020-05"),
        hard_up(TUOSHI_VILLAGE, "hard_up_disabled", "2020-05", "2020-12"),
        hard_up(TUOSHI_VILLAGE, "hard_up_disabled", "2020-05", "2020-11"),
        support_case(DUOBAO_VILLAGE, "orphan", "scattered"),
        support_case(DUOBAO_VILLAGE, "orphan", "scattered", status="revoked"),
        support_case(DUOBAO_VILLAGE, "orphan", "scattered", end="2020-11", status="ended"),
        support_case(TUOSHI_VILLAGE, "orphan", "institution"),
        support_case(TUOSHI_VILLAGE, "de_facto_unsupported"),
    )
    await disabled_grant(session, DUOBAO_VILLAGE, "living", "2020-01")
    await disabled_grant(session, DUOBAO_VILLAGE, "living", "2020-01", "2020-11")
    await disabled_grant(session, TUOSHI_VILLAGE, "care", "2020-12")
    await disabled_grant(session, TUOSHI_VILLAGE, "care", "2021-01")
    await run(session, "high_age", "2020-03", [(DUOBAO_VILLAGE, "100"), (TUOSHI_VILLAGE, "50")])
    await run(session, "high_age", "2020-04", [(DUOBAO_VILLAGE, "999")], status="approved")
    await run(session, "high_age", "2020-05", [(DUOBAO_VILLAGE, "999")], status="draft")
    await run(session, "high_age", "2019-12", [(DUOBAO_VILLAGE, "77")])
    await run(session, "high_age", "2021-01", [(DUOBAO_VILLAGE, "88")])
    await run(session, "disability_living", "2020-12", [(DUOBAO_VILLAGE, "50")])

    figures = await stats(client, tokens, 2020)

    paid = subsidies(figures)
    assert [s["subsidy"] for s in figures["subsidies"]] == [
        "high_age",
        "hard_up_high_age",
        "hard_up_disabled",
        "orphan_scattered",
        "orphan_institution",
        "de_facto_unsupported",
        "disability_living",
        "disability_care",
    ]
    assert paid["high_age"] == {
        "subsidy": "high_age",
        "persons": 2,
        "paid_amount": "150.00",
        "paid_person_months": 2,
    }
    assert paid["disability_living"]["paid_amount"] == "50.00"
    assert figures["paid_total"] == "200.00"
    assert {s: p["persons"] for s, p in paid.items()} == {
        "high_age": 2,
        "hard_up_high_age": 1,
        "hard_up_disabled": 1,
        "orphan_scattered": 1,
        "orphan_institution": 1,
        "de_facto_unsupported": 1,
        "disability_living": 1,
        "disability_care": 1,
    }
    assert (figures["orphans_scattered"], figures["orphans_institution"]) == (1, 1)
    assert figures["de_facto_unsupported_children"] == 1
    assert figures["high_age_allowance_persons"] == 2
    assert figures["disability_living_subsidy_persons"] == 1
    assert figures["disability_care_subsidy_persons"] == 1
    by = townships(figures)
    duobao, tuoshi = subsidies(by[DUOBAO]), subsidies(by[TUOSHI])
    assert (duobao["high_age"]["paid_amount"], tuoshi["high_age"]["paid_amount"]) == (
        "100.00",
        "50.00",
    )
    assert (by[DUOBAO]["paid_total"], by[TUOSHI]["paid_total"]) == ("150.00", "50.00")
    assert (by[DUOBAO]["orphans_scattered"], by[TUOSHI]["orphans_institution"]) == (1, 1)
    assert tuoshi["disability_care"]["persons"] == 1
    assert duobao["disability_care"] == {
        "subsidy": "disability_care",
        "persons": 0,
        "paid_amount": "0.00",
        "paid_person_months": 0,
    }
    # The year before and the year after see only their own paid runs.
    assert (await stats(client, tokens, 2019))["paid_total"] == "77.00"
    await same_as_the_year_before(client, tokens, 2021)


async def test_a_run_paid_through_the_api_is_counted_once_paid(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    for tier, value in (("1", "50"), ("2", "100"), ("3", "300")):
        response = await client.post(
            "/api/v1/parameters",
            json={
                "key": f"high_age_tier{tier}_allowance",
                "year": 2020,
                "value": value,
                "effective_date": "2020-01-01",
            },
            headers=tokens.headers("admin"),
        )
        assert response.status_code == 201, response.text
    recipient = await client.post(
        "/api/v1/high-age-allowances",
        json={
            "id_number": str(make_id_number(birth_date=date(1928, 7, 31))),
            "name": "周奶奶",
            "area_code": TUOSHI_VILLAGE,
            "start_period": "2020-01",
        },
        headers=tokens.headers("city_officer"),
    )
    assert recipient.status_code == 201, recipient.text
    made = await client.post(
        "/api/v1/disbursement-runs",
        json={"programme": "high_age", "period": "2020-07"},
        headers=tokens.headers("city_officer", sub="clerk"),
    )
    run_id = made.json()["id"]
    head = tokens.headers("admin", sub="head")
    approved = await client.post(f"/api/v1/disbursement-runs/{run_id}/approve", headers=head)
    before = await stats(client, tokens, 2020)
    paid = await client.post(f"/api/v1/disbursement-runs/{run_id}/pay", headers=head)
    after = await stats(client, tokens, 2020)

    assert (approved.status_code, paid.status_code) == (200, 200), paid.text
    assert subsidies(before)["high_age"]["paid_amount"] == "0.00"
    assert subsidies(after)["high_age"] == {
        "subsidy": "high_age",
        "persons": 1,
        "paid_amount": "100.00",  # 92 in July 2020: the second tier
        "paid_person_months": 1,
    }
    assert townships(after)[TUOSHI]["paid_total"] == "100.00"


async def test_workforce_institutions_funeral_and_cemeteries_by_township(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    def worker(role: str, area: str, appointed: date, left: date | None = None) -> Any:
        return ChildWelfareWorker(
            role=role,
            id_number=str(make_id_number(birth_date=date(1980, 1, 1))),
            name="李红",
            area_code=area,
            appointed_date=appointed,
            status="left" if left else "active",
            left_date=left,
            left_reason="调动" if left else None,
        )

    supervisor = worker("supervisor", DUOBAO, date(2019, 3, 1))  # a township's own code
    director = worker("director", DUOBAO_VILLAGE, date(2020, 5, 1))
    later = worker("director", TUOSHI_VILLAGE, date(2021, 1, 2))
    gone = worker("director", TUOSHI_VILLAGE, date(2019, 1, 1), left=date(2020, 12, 31))
    stays = worker("director", TUOSHI_OTHER_VILLAGE, date(2019, 1, 1), left=date(2021, 2, 1))
    await add(session, supervisor, director, later, gone, stays)

    def training(who: ChildWelfareWorker, on: date) -> WorkerTraining:
        return WorkerTraining(
            worker_id=who.id, training_date=on, topic="政策宣讲", hours=Decimal("4"), organiser="局"
        )

    home = CareInstitution(
        name="多宝镇敬老院",
        kind="welfare_home",
        operator="public",
        area_code=DUOBAO,  # a township-level record groups under itself
        capacity=50,
        residents_count=30,
        staff_count=8,
    )
    paused = CareInstitution(
        name="拖市镇养老院",
        kind="elderly_care_institution",
        operator="private",
        area_code=TUOSHI_VILLAGE,
        capacity=20,
        residents_count=10,
        staff_count=3,
        status="suspended",
    )
    shut = CareInstitution(
        name="拖市镇照料中心",
        kind="care_centre",
        operator="public",
        area_code=TUOSHI_VILLAGE,
        capacity=10,
        status="closed",
    )
    await add(
        session,
        training(supervisor, date(2020, 1, 1)),
        training(director, date(2019, 12, 31)),  # the year before: not trained in 2020
        training(stays, date(2020, 12, 31)),
        home,
        paused,
        shut,
    )

    def resident(left: date | None) -> DisabledTekunResident:
        return DisabledTekunResident(
            institution_id=home.id,
            id_number=str(make_id_number(birth_date=date(1940, 1, 1))),
            name="特困老人",
            self_care_level="fully_disabled",
            admitted_date=date(2019, 1, 1),
            left_date=left,
            left_reason="死亡" if left else None,
            recorded_by="t",
        )

    def closure(start: date, end: date, inside: int) -> ClosedManagementPeriod:
        return ClosedManagementPeriod(
            institution_id=home.id,
            start_date=start,
            end_date=end,
            residents_inside=inside,
            staff_inside=8,
            infections=1,
            recorded_by="t",
        )

    def waiver(area: str, died: date, approved: date, amount: str) -> FuneralWaiver:
        return FuneralWaiver(
            deceased_id_number=str(make_id_number(birth_date=date(1940, 1, 1))),
            deceased_name="逝者",
            death_date=died,
            area_code=area,
            family_programme="dibao",
            items=["cremation"],
            amount=Decimal(amount),
            approved_by="民政局",
            approved_date=approved,
            recorded_by="t",
        )

    def cemetery(area: str, name: str, status: str, built: int | None) -> PublicCemetery:
        return PublicCemetery(
            name=name, area_code=area, status=status, year_built=built, graves_capacity=100
        )

    await add(
        session,
        resident(None),
        resident(date(2020, 6, 1)),
        closure(date(2019, 1, 1), date(2019, 2, 1), 99),  # another year
        closure(date(2020, 2, 1), date(2020, 3, 31), 28),
        closure(date(2020, 12, 31), date(2021, 1, 31), 30),  # the year's latest
        waiver(DUOBAO_VILLAGE, date(2019, 12, 30), date(2020, 1, 1), "500"),
        waiver(DUOBAO_VILLAGE, date(2020, 12, 30), date(2020, 12, 31), "1000"),
        waiver(TUOSHI_VILLAGE, date(2020, 12, 30), date(2021, 1, 1), "800"),  # next year
        cemetery(DUOBAO_VILLAGE, "多宝公墓", "built", 2020),
        cemetery(TUOSHI_VILLAGE, "拖市公墓", "in_use", 2015),
        cemetery(TUOSHI_VILLAGE, "拖市新公墓", "built", 2021),  # after the year
        cemetery(DUOBAO_VILLAGE, "多宝二号公墓", "planned", None),
    )

    figures = await stats(client, tokens, 2020)

    by = townships(figures)
    duobao, tuoshi = by[DUOBAO], by[TUOSHI]
    assert (duobao["child_supervisors"], duobao["child_supervisors_trained"]) == (1, 1)
    assert (duobao["child_directors"], duobao["child_directors_trained"]) == (1, 0)
    assert (tuoshi["child_directors"], tuoshi["child_directors_trained"]) == (1, 1)
    assert (figures["child_directors"], figures["child_directors_trained"]) == (2, 1)
    assert (figures["child_supervisors"], figures["child_supervisors_trained"]) == (1, 1)
    assert (duobao["institutions"], duobao["institution_residents"]) == (1, 30)
    assert (duobao["institution_staff"], duobao["disabled_tekun_residents"]) == (8, 1)
    assert (tuoshi["institutions"], tuoshi["institution_residents"]) == (1, 10)
    assert (figures["institutions"], figures["institution_staff"]) == (2, 11)
    assert duobao["closed_management_institutions"] == 1
    assert (duobao["closed_management_residents"], duobao["closed_management_staff"]) == (30, 8)
    assert figures["closed_management_infections"] == 2
    assert (duobao["funeral_waivers"], duobao["funeral_waiver_amount"]) == (2, "1500.00")
    assert (tuoshi["funeral_waivers"], tuoshi["funeral_waiver_amount"]) == (0, "0.00")
    assert (figures["funeral_waivers"], figures["funeral_waiver_amount"]) == (2, "1500.00")
    assert (duobao["cemeteries"], duobao["cemeteries_built_in_year"]) == (1, 1)
    assert (tuoshi["cemeteries"], tuoshi["cemeteries_built_in_year"]) == (1, 0)
    assert (figures["cemeteries"], figures["cemeteries_built_in_year"]) == (2, 1)
    await same_as_the_year_before(client, tokens, 2021)


async def test_visits_made_in_the_year_and_overdue_on_31_december(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 2020's intervals: elderly monthly, children every 3 months (home visits).
    overdue_elder = elder(DUOBAO_VILLAGE, date(2019, 1, 1), registered=date(2019, 6, 1))
    visited_elder = elder(DUOBAO_VILLAGE, date(2019, 1, 1), registered=date(2019, 6, 1))
    child = child_file(TUOSHI_VILLAGE, "left_behind", date(2012, 1, 1))
    child.created_at = datetime(2020, 6, 1, 2, tzinfo=UTC)
    await add(session, overdue_elder, visited_elder, child)

    def visit(area: str, on: date, elder_id: Any = None, child_file_id: Any = None) -> Visit:
        return Visit(
            elder_id=elder_id,
            child_file_id=child_file_id,
            area_code=area,
            visit_date=on,
            kind="home_visit",
            findings="身体良好",
            visitor_name="村干部",
        )

    await add(
        session,
        visit(DUOBAO_VILLAGE, date(2019, 12, 31), overdue_elder.id),  # the year before
        visit(DUOBAO_VILLAGE, date(2020, 11, 15), overdue_elder.id),  # due 15 December
        visit(DUOBAO_VILLAGE, date(2020, 12, 20), visited_elder.id),  # due 20 January
        visit(DUOBAO_VILLAGE, date(2021, 1, 2), visited_elder.id),  # the year after
        visit(TUOSHI_VILLAGE, date(2020, 7, 1), child_file_id=child.id),  # due 1 October
    )

    figures = await stats(client, tokens, 2020)

    by = townships(figures)
    assert (by[DUOBAO]["visits_made"], by[DUOBAO]["visits_overdue"]) == (2, 1)
    assert (by[TUOSHI]["visits_made"], by[TUOSHI]["visits_overdue"]) == (1, 1)
    assert (figures["visits_made"], figures["visits_overdue"]) == (3, 2)
    narrowed = await stats(client, tokens, 2020, TUOSHI)
    assert (narrowed["visits_made"], narrowed["visits_overdue"]) == (1, 1)
    await same_as_the_year_before(client, tokens, 2021)


async def test_standards_show_growth_on_the_year_before_where_they_apply(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    def standard(key: str, year: int, area: str, value: str) -> WelfareParameter:
        return WelfareParameter(
            key=key,
            year=year,
            area_code=area,
            value=Decimal(value),
            effective_date=date(year, 1, 1),
        )

    await add(
        session,
        standard("orphan_scattered_allowance", 2021, "429006", "1300"),
        standard("orphan_scattered_allowance", 2021, DUOBAO, "1400"),
    )

    city = {s["key"]: s for s in (await stats(client, tokens, 2021))["standards"]}
    duobao = {s["key"]: s for s in (await stats(client, tokens, 2021, DUOBAO))["standards"]}
    in_2020 = {s["key"]: s for s in (await stats(client, tokens, 2020))["standards"]}

    scattered = city["orphan_scattered_allowance"]
    assert (scattered["amount"], scattered["previous_amount"]) == ("1300.00", "1260.00")
    assert (scattered["growth_pct"], scattered["label"]) == ("3.17", "散居孤儿基本生活费")
    assert duobao["orphan_scattered_allowance"]["amount"] == "1400.00"
    assert duobao["orphan_scattered_allowance"]["growth_pct"] == "11.11"
    # Unchanged in 2021: the 2020 standard stays in force, no growth.
    assert city["orphan_institution_allowance"]["amount"] == "2016.00"
    assert city["orphan_institution_allowance"]["growth_pct"] == "0.00"
    # 2019 had no standard: none to grow on; the high-age amounts are set nowhere.
    assert in_2020["disability_living_subsidy"]["amount"] == "50.00"
    assert in_2020["disability_living_subsidy"]["previous_amount"] is None
    assert in_2020["disability_living_subsidy"]["growth_pct"] is None
    assert in_2020["high_age_tier1_allowance"]["amount"] is None
    await same_as_the_year_before(client, tokens, 2021)


async def test_area_code_narrows_every_figure_to_its_township_or_village(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await add(
        session,
        elder(DUOBAO_VILLAGE, date(2019, 1, 1)),
        elder(TUOSHI_VILLAGE, date(2019, 1, 1)),
        elder("429006100202", date(2019, 1, 1)),
        high_age(DUOBAO_VILLAGE, "2020-01"),
        high_age(TUOSHI_VILLAGE, "2020-01"),
        FuneralWaiver(
            deceased_id_number=str(make_id_number(birth_date=date(1940, 1, 1))),
            deceased_name="逝者",
            death_date=date(2020, 5, 1),
            area_code=TUOSHI_VILLAGE,
            family_programme="tekun",
            items=["cremation"],
            amount=Decimal("900"),
            approved_by="民政局",
            approved_date=date(2020, 5, 2),
            recorded_by="t",
        ),
    )
    await run(session, "high_age", "2020-06", [(DUOBAO_VILLAGE, "100"), (TUOSHI_VILLAGE, "50")])

    township = await stats(client, tokens, 2020, DUOBAO)
    village = await stats(client, tokens, 2020, DUOBAO_VILLAGE)
    city = await stats(client, tokens, 2020)

    assert township["area_code"] == DUOBAO
    assert [t["area_code"] for t in township["by_township"]] == [DUOBAO]
    assert (township["left_behind_elderly"], village["left_behind_elderly"]) == (2, 1)
    assert township["high_age_allowance_persons"] == 1
    assert (township["paid_total"], township["funeral_waivers"]) == ("100.00", 0)
    assert [t["area_code"] for t in city["by_township"]] == [DUOBAO, TUOSHI]
    assert (city["left_behind_elderly"], city["paid_total"], city["funeral_waivers"]) == (
        3,
        "150.00",
        1,
    )
    outside = await client.get(
        STATS,
        params={"year": 2020, "area_code": "420100"},
        headers=tokens.headers("service", **SERVICE),
    )
    assert outside.status_code == 422


async def test_the_current_year_counts_on_today_and_a_future_year_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    today = date.today()
    this_month = f"{today:%Y-%m}"
    next_month = f"{today.year + (today.month == 12):04d}-{today.month % 12 + 1:02d}"
    await add(
        session,
        high_age(DUOBAO_VILLAGE, this_month),
        high_age(DUOBAO_VILLAGE, next_month),  # from next month: not yet
        elder(DUOBAO_VILLAGE, date(2019, 1, 1), registered=date(2020, 1, 1)),
        elder(DUOBAO_VILLAGE, date(2019, 1, 1), registered=date(2020, 1, 1), left=today),
        elder(
            DUOBAO_VILLAGE,
            date(2019, 1, 1),
            registered=date(2020, 1, 1),
            left=today + timedelta(days=1),
        ),
    )

    figures = await stats(client, tokens, today.year)
    future = await client.get(
        STATS, params={"year": today.year + 1}, headers=tokens.headers("service", **SERVICE)
    )

    assert figures["as_of"] == today.isoformat()
    assert figures["high_age_allowance_persons"] == 1
    assert figures["left_behind_elderly"] == 2
    assert (future.status_code, future.json()["code"]) == (422, "WELFARE_STATS_YEAR_IN_FUTURE")


async def test_a_year_without_the_left_behind_rule_shows_that_count_as_unknown(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # The rules' parameters are seeded from 2020: 2019 has none, and nothing is guessed.
    await add(session, elder(DUOBAO_VILLAGE, date(2018, 1, 1), registered=date(2019, 1, 1)))
    await add(session, child_file(DUOBAO_VILLAGE, "left_behind", date(2010, 4, 1)))

    in_2019 = await stats(client, tokens, 2019)
    in_2020 = await stats(client, tokens, 2020)

    assert in_2019["left_behind_elderly"] is None
    assert townships(in_2019)[DUOBAO]["left_behind_elderly"] is None
    assert in_2019["visits_overdue"] is None  # the visit intervals are seeded from 2020 too
    assert in_2019["left_behind_children"] == 1
    assert in_2020["left_behind_elderly"] == 1
    assert in_2020["visits_overdue"] == 2  # both never visited since 1 January 2019


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
