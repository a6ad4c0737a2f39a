"""The year's sets, each one SELECT: programme spells, last paid months, deaths, paid after exit."""

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.disbursements.models import DisbursementLine, DisbursementRun
from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_assistance.households.models import Household, HouseholdMember
from civil_shared.contracts.checks import (
    AssistanceCheckSets,
    LastPaid,
    PaidAfterExit,
    ProgrammeSpell,
    RecordedDeath,
    RecordRef,
)
from civil_shared.types import IdNumber

SERVICE = "assistance"


def _ref(resource: str, record_id: object, area_code: str | None) -> RecordRef:
    return RecordRef(
        service=SERVICE, resource=resource, record_id=str(record_id), area_code=area_code
    )


async def check_sets(session: AsyncSession, year: int) -> AssistanceCheckSets:
    first, last = f"{year}-01", f"{year}-12"
    e, ep = Enrolment, EnrolledPerson

    # Everyone an enrolment covered for a month of the year (an ended enrolment
    # without a last month says nothing about when it ended: left out).
    spells = await session.execute(
        select(ep.id_number, ep.name, e.programme, e.start_period, e.end_period, e.id, e.area_code)
        .join(e, e.id == ep.enrolment_id)
        .where(
            e.start_period <= last,
            or_(e.end_period >= first, and_(e.end_period.is_(None), e.status != "ended")),
        )
        .order_by(ep.id_number, e.start_period)
    )

    line, run = DisbursementLine, DisbursementRun
    paid_in_year = and_(run.status == "paid", run.period.between(first, last))
    last_paid = await session.execute(
        select(
            line.payee_id_number,
            line.payee_name,
            run.programme,
            run.period,
            run.id,
            line.enrolment_id,
            line.area_code,
        )
        .join(run, run.id == line.run_id)
        .where(paid_in_year)
        .ext(distinct_on(line.payee_id_number, run.programme))
        .order_by(line.payee_id_number, run.programme, run.period.desc())
    )

    member = HouseholdMember
    deaths = await session.execute(
        select(member.id_number, member.name, member.death_date, member.id, Household.area_code)
        .join(Household, Household.id == member.household_id)
        .where(member.death_date <= date(year, 12, 31))
    )

    after_exit = await session.execute(
        select(
            line.payee_id_number,
            line.payee_name,
            run.programme,
            run.period,
            e.end_period,
            run.id,
            line.enrolment_id,
            line.area_code,
            e.area_code,
        )
        .join(run, run.id == line.run_id)
        .join(e, e.id == line.enrolment_id)
        .where(paid_in_year, e.end_period.is_not(None), run.period > e.end_period)
        .order_by(line.payee_id_number, run.period)
    )

    return AssistanceCheckSets(
        year=year,
        spells=[
            ProgrammeSpell(
                id_number=IdNumber(number),
                name=name,
                programme=programme,
                start_period=start,
                end_period=end,
                record=_ref("enrolment", enrolment_id, area),
            )
            for number, name, programme, start, end, enrolment_id, area in spells
        ],
        last_paid=[
            LastPaid(
                id_number=IdNumber(number),
                name=name,
                programme=programme,
                period=period,
                record=_ref("disbursement_line", f"{run_id}/{enrolment_id}", area),
            )
            for number, name, programme, period, run_id, enrolment_id, area in last_paid
        ],
        deaths=[
            RecordedDeath(
                id_number=IdNumber(number),
                name=name,
                death_date=died,
                record=_ref("household_member", member_id, area),
            )
            for number, name, died, member_id, area in deaths
        ],
        paid_after_exit=[
            PaidAfterExit(
                id_number=IdNumber(number),
                name=name,
                programme=programme,
                period=period,
                ended_period=ended,
                line=_ref("disbursement_line", f"{run_id}/{enrolment_id}", line_area),
                record=_ref("enrolment", enrolment_id, area),
            )
            for (
                number,
                name,
                programme,
                period,
                ended,
                run_id,
                enrolment_id,
                line_area,
                area,
            ) in after_exit
        ],
    )
