"""What assistance holds of one person: household, enrolments, temporary assistance."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_assistance.households.models import Household, HouseholdMember
from civil_assistance.temporary.models import TemporaryCase
from civil_shared.contracts.persons import (
    AssistancePersonProfile,
    HouseholdMemberRef,
    HouseholdRef,
    ProfileRecord,
)
from civil_shared.types import IdNumber

SERVICE = "assistance"
PROGRAMME_LABELS = {
    "urban_dibao": "城市最低生活保障",
    "rural_dibao": "农村最低生活保障",
    "urban_tekun": "城市特困人员救助供养",
    "rural_tekun": "农村特困人员救助供养",
}


async def person_profile(session: AsyncSession, id_number: IdNumber) -> AssistancePersonProfile:
    number = str(id_number)
    household = await session.scalar(
        select(Household)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(HouseholdMember.id_number == number)
        .options(selectinload(Household.members))
    )
    enrolments = (
        await session.execute(
            select(Enrolment, EnrolledPerson.name)
            .join(EnrolledPerson, EnrolledPerson.enrolment_id == Enrolment.id)
            .where(EnrolledPerson.id_number == number)
            .order_by(Enrolment.start_period)
        )
    ).all()
    cases = (
        await session.scalars(
            select(TemporaryCase)
            .where(TemporaryCase.id_number == number)
            .order_by(TemporaryCase.application_date)
        )
    ).all()

    names: list[str] = []
    household_ref = None
    if household is not None:
        me = next(m for m in household.members if m.id_number == number)
        names.append(me.name)
        household_ref = HouseholdRef(
            household_id=str(household.id),
            area_code=household.area_code,
            address=household.address,
            residence_type=household.residence_type,
            relation=me.relation,
            members=[
                HouseholdMemberRef(
                    id_number=IdNumber(m.id_number),
                    name=m.name,
                    relation=m.relation,
                    death_date=m.death_date,
                )
                for m in household.members
            ],
        )
    records = (
        [
            ProfileRecord(
                service=SERVICE,
                resource="household",
                record_id=str(household.id),
                label="家庭",
                area_code=household.area_code,
                facts={"members": len(household.members)},
            )
        ]
        if household is not None
        else []
    )
    for enrolment, name in enrolments:
        names.append(name)
        records.append(
            ProfileRecord(
                service=SERVICE,
                resource="enrolment",
                record_id=str(enrolment.id),
                label=PROGRAMME_LABELS.get(enrolment.programme, enrolment.programme),
                area_code=enrolment.area_code,
                status=enrolment.status,
                start=enrolment.start_period,
                end=enrolment.end_period,
                facts={
                    "programme": enrolment.programme,
                    "monthly_amount": enrolment.monthly_amount,
                    "persons": enrolment.persons,
                    "payee": enrolment.payee_id_number == number,
                },
            )
        )
    for case in cases:
        names.append(case.name)
        records.append(
            ProfileRecord(
                service=SERVICE,
                resource="temporary_case",
                record_id=str(case.id),
                label="临时救助",
                area_code=case.area_code,
                status=case.status,
                start=case.application_date.isoformat(),
                facts={"kind": case.kind, "cause": case.cause, "amount": case.amount},
            )
        )
    return AssistancePersonProfile(
        id_number=id_number,
        name=names[0] if names else None,
        household=household_ref,
        records=records,
    )
