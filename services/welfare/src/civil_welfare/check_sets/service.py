"""The year's sets, each one SELECT over the registers (UNION ALL where several hold it)."""

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Integer, and_, cast, func, literal, or_, select, union_all
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.contracts.checks import (
    LastPaid,
    PaidAfterExit,
    ProgrammeSpell,
    RecordedDeath,
    RecordRef,
    UnderAgeAllowance,
    WelfareCheckSets,
)
from civil_shared.errors import Conflict
from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyDecision,
    DisabilitySubsidyGrant,
    DisabledPerson,
)
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.parameters.by_area import AreaValues, values_by_area
from civil_welfare.parameters.keys import ParameterKey as K
from civil_welfare.subsidy_runs.models import DisbursementLine, DisbursementRun

SERVICE = "welfare"


def _ref(resource: str, record_id: object, area_code: str | None) -> RecordRef:
    return RecordRef(
        service=SERVICE, resource=resource, record_id=str(record_id), area_code=area_code
    )


def _overlaps(start: Any, end: Any, first: str, last: str) -> sa.ColumnElement[bool]:
    return and_(start <= last, or_(end.is_(None), end >= first))


async def _area_values(session: AsyncSession, key: K, year: int) -> AreaValues | None:
    """The parameter by area, or None when the year has none (the check is then not made)."""
    try:
        return await values_by_area(session, (key,), year)
    except Conflict:
        return None


async def _spells(session: AsyncSession, first: str, last: str) -> list[ProgrammeSpell]:
    grant, person, case = DisabilitySubsidyGrant, DisabledPerson, ChildSupportCase
    grants = (
        select(
            person.id_number,
            person.name,
            grant.subsidy.label("programme"),
            grant.start_period,
            grant.end_period,
            literal("disability_subsidy_grant").label("resource"),
            grant.id.label("record_id"),
            person.area_code,
        )
        .join(person, person.id == grant.person_id)
        .where(_overlaps(grant.start_period, grant.end_period, first, last))
    )
    cases = select(
        case.id_number,
        case.name,
        case.scheme,
        case.start_period,
        case.end_period,
        literal("child_support_case"),
        case.id,
        case.area_code,
    ).where(case.status != "revoked", _overlaps(case.start_period, case.end_period, first, last))
    rows: list[Any] = list((await session.execute(union_all(grants, cases))).all())
    return [
        ProgrammeSpell(
            id_number=IdNumber(number),
            name=name,
            programme=programme,
            start_period=start,
            end_period=end,
            record=_ref(resource, record_id, area),
        )
        for number, name, programme, start, end, resource, record_id, area in rows
    ]


async def _living_without_edge(
    session: AsyncSession, year: int, first: str, last: str
) -> list[str]:
    """Living-subsidy grants that only a dibao household justifies: the area did not extend
    the subsidy to edge-of-dibao households that year, or the decision did not find the
    household to be one."""
    grant, person = DisabilitySubsidyGrant, DisabledPerson
    decision, application = DisabilitySubsidyDecision, DisabilitySubsidyApplication
    flags = await _area_values(session, K.LIVING_SUBSIDY_EDGE_OF_DIBAO, year)
    edge_allowed = (
        flags.case(person.area_code, lambda v: literal(v[K.LIVING_SUBSIDY_EDGE_OF_DIBAO] > 0))
        if flags is not None
        else literal(False)
    )
    rows = await session.scalars(
        select(grant.id)
        .join(person, person.id == grant.person_id)
        .outerjoin(decision, decision.grant_id == grant.id)
        .outerjoin(application, application.id == decision.application_id)
        .where(
            grant.subsidy == "living",
            _overlaps(grant.start_period, grant.end_period, first, last),
            or_(
                ~edge_allowed,
                application.household_edge_of_dibao.is_not(True),
            ),
        )
    )
    return [str(grant_id) for grant_id in rows]


async def _last_paid(session: AsyncSession, first: str, last: str) -> list[LastPaid]:
    line, run = DisbursementLine, DisbursementRun
    rows = await session.execute(
        select(
            line.payee_id_number,
            line.payee_name,
            run.programme,
            run.period,
            run.id,
            line.source_id,
            line.area_code,
        )
        .join(run, run.id == line.run_id)
        .where(run.status == "paid", run.period.between(first, last))
        .ext(distinct_on(line.payee_id_number, run.programme))
        .order_by(line.payee_id_number, run.programme, run.period.desc())
    )
    return [
        LastPaid(
            id_number=IdNumber(number),
            name=name,
            programme=programme,
            period=period,
            record=_ref("disbursement_line", f"{run_id}/{source_id}", area),
        )
        for number, name, programme, period, run_id, source_id, area in rows
    ]


async def _deaths(session: AsyncSession, year: int) -> list[RecordedDeath]:
    until = date(year, 12, 31)
    person, allowance = DisabledPerson, HighAgeAllowance
    case, child_file = ChildSupportCase, ChildFile
    parts = [
        select(
            person.id_number,
            person.name,
            person.status_date.label("died"),
            literal("disabled_person").label("resource"),
            person.id.label("record_id"),
            person.area_code,
        ).where(person.status == "deceased", person.status_date <= until),
        select(
            allowance.id_number,
            allowance.name,
            allowance.stop_date,
            literal("high_age_allowance"),
            allowance.id,
            allowance.area_code,
        ).where(allowance.stop_reason == "death", allowance.stop_date <= until),
        select(
            case.id_number,
            case.name,
            case.changed_date,
            literal("child_support_case"),
            case.id,
            case.area_code,
        ).where(case.end_reason == "died", case.changed_date <= until),
        select(
            child_file.id_number,
            child_file.name,
            child_file.closed_date,
            literal("child_file"),
            child_file.id,
            child_file.area_code,
        ).where(child_file.close_reason == "died", child_file.closed_date <= until),
    ]
    rows: list[Any] = list((await session.execute(union_all(*parts))).all())
    return [
        RecordedDeath(
            id_number=IdNumber(number),
            name=name,
            death_date=died,
            record=_ref(resource, record_id, area),
        )
        for number, name, died, resource, record_id, area in rows
    ]


async def _paid_after_exit(session: AsyncSession, first: str, last: str) -> list[PaidAfterExit]:
    grant, person = DisabilitySubsidyGrant, DisabledPerson
    sources = union_all(
        select(
            HighAgeAllowance.id.label("source_id"),
            HighAgeAllowance.end_period.label("end_period"),
            literal("high_age_allowance").label("resource"),
            HighAgeAllowance.area_code.label("area_code"),
        ).where(HighAgeAllowance.end_period.is_not(None)),
        select(
            HardUpElderSubsidy.id,
            HardUpElderSubsidy.end_period,
            literal("hard_up_elder_subsidy"),
            HardUpElderSubsidy.area_code,
        ).where(HardUpElderSubsidy.end_period.is_not(None)),
        select(grant.id, grant.end_period, literal("disability_subsidy_grant"), person.area_code)
        .join(person, person.id == grant.person_id)
        .where(grant.end_period.is_not(None)),
        select(
            ChildSupportCase.id,
            ChildSupportCase.end_period,
            literal("child_support_case"),
            ChildSupportCase.area_code,
        ).where(ChildSupportCase.status != "revoked"),
    ).subquery("ended")
    line, run = DisbursementLine, DisbursementRun
    rows = await session.execute(
        select(
            line.payee_id_number,
            line.payee_name,
            run.programme,
            run.period,
            sources.c.end_period,
            run.id,
            line.source_id,
            line.area_code,
            sources.c.resource,
            sources.c.area_code,
        )
        .join(run, run.id == line.run_id)
        .join(sources, sources.c.source_id == line.source_id)
        .where(
            run.status == "paid",
            run.period.between(first, last),
            run.period > sources.c.end_period,
        )
        .order_by(line.payee_id_number, run.period)
    )
    return [
        PaidAfterExit(
            id_number=IdNumber(number),
            name=name,
            programme=programme,
            period=period,
            ended_period=ended,
            line=_ref("disbursement_line", f"{run_id}/{source_id}", line_area),
            record=_ref(resource, source_id, area),
        )
        for (
            number,
            name,
            programme,
            period,
            ended,
            run_id,
            source_id,
            line_area,
            resource,
            area,
        ) in rows
    ]


async def _under_age(
    session: AsyncSession, year: int, first: str, last: str
) -> list[UnderAgeAllowance] | None:
    """Allowances in force in the year whose holder had not reached the first tier's age
    by the end of the first month of the year the allowance covered."""
    tiers = await _area_values(session, K.HIGH_AGE_TIER1_MIN_AGE, year)
    if tiers is None:
        return None
    allowance = HighAgeAllowance
    first_month = func.greatest(allowance.start_period, first)
    month_end = cast(
        func.to_date(func.concat(first_month, "-01"), "YYYY-MM-DD")
        + sa.literal_column("interval '1 month - 1 day'"),
        sa.Date,
    )
    birth = func.to_date(func.substr(allowance.id_number, 7, 8), "YYYYMMDD")
    age = cast(func.date_part("year", func.age(month_end, birth)), Integer)
    min_age = tiers.case(
        allowance.area_code,
        lambda v: cast(literal(int(v[K.HIGH_AGE_TIER1_MIN_AGE])), Integer),
    )
    inner = (
        select(
            allowance.id_number,
            allowance.name,
            first_month.label("first_month"),
            age.label("age"),
            min_age.label("min_age"),
            allowance.id,
            allowance.area_code,
        )
        .where(_overlaps(allowance.start_period, allowance.end_period, first, last))
        .subquery("in_force")
    )
    rows = await session.execute(select(inner).where(inner.c.age < inner.c.min_age))
    return [
        UnderAgeAllowance(
            id_number=IdNumber(number),
            name=name,
            first_month=month,
            age=age_then,
            min_age=minimum,
            record=_ref("high_age_allowance", record_id, area),
        )
        for number, name, month, age_then, minimum, record_id, area in rows
    ]


async def check_sets(session: AsyncSession, year: int) -> WelfareCheckSets:
    first, last = f"{year}-01", f"{year}-12"
    return WelfareCheckSets(
        year=year,
        spells=await _spells(session, first, last),
        living_without_edge=await _living_without_edge(session, year, first, last),
        last_paid=await _last_paid(session, first, last),
        deaths=await _deaths(session, year),
        paid_after_exit=await _paid_after_exit(session, first, last),
        under_age_allowances=await _under_age(session, year, first, last),
    )
