"""What the welfare service asks before it grants a subsidy: is this person in dibao or tekun?"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from civil_assistance.enrolments.models import ENROLLED_STATUSES, EnrolledPerson, Enrolment
from civil_assistance.entitlements.dibao import income_per_person, is_edge_of_dibao
from civil_assistance.households.income import counted_incomes, living_members
from civil_assistance.households.models import Household, HouseholdMember
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import find_parameter
from civil_assistance.standards.schemas import StandardProgramme
from civil_assistance.standards.service import find_standard_in_force
from civil_shared.contracts.assistance import PersonEnrolment, PersonStatus
from civil_shared.types import IdNumber, Period


async def _enrolments(session: AsyncSession, id_number: str) -> list[Enrolment]:
    query = (
        select(Enrolment)
        .join(EnrolledPerson, EnrolledPerson.enrolment_id == Enrolment.id)
        .where(EnrolledPerson.id_number == id_number, Enrolment.status.in_(ENROLLED_STATUSES))
    )
    return list((await session.scalars(query)).all())


async def _household(session: AsyncSession, id_number: str) -> Household | None:
    return await session.scalar(
        select(Household)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(HouseholdMember.id_number == id_number)
        .options(selectinload(Household.members).selectinload(HouseholdMember.incomes))
    )


async def _edge_of_dibao(session: AsyncSession, household: Household, on: date) -> bool | None:
    """None when it cannot be said: no living member, or no standard for the year."""
    living = living_members(household.members, on)
    programme = (
        StandardProgramme.URBAN_DIBAO
        if household.residence_type == "urban"
        else StandardProgramme.RURAL_DIBAO
    )
    standard = await find_standard_in_force(session, programme, household.area_code, Period.of(on))
    factor = await find_parameter(
        session, ParameterKey.EDGE_OF_DIBAO_FACTOR, on.year, household.area_code
    )
    if not living or standard is None or factor is None:
        return None
    per_person = income_per_person(counted_incomes(living), len(living))
    return is_edge_of_dibao(per_person, standard.monthly_amount, factor.value)


async def person_status(session: AsyncSession, id_number: IdNumber, on: date) -> PersonStatus:
    enrolments = await _enrolments(session, str(id_number))
    household = await _household(session, str(id_number))
    programmes = {e.programme for e in enrolments}
    return PersonStatus(
        id_number=id_number,
        enrolments=[
            PersonEnrolment(
                enrolment_id=str(e.id), programme=e.programme, status=e.status, since=e.start_period
            )
            for e in enrolments
        ],
        in_dibao=bool(programmes & {"urban_dibao", "rural_dibao"}),
        in_tekun=bool(programmes & {"urban_tekun", "rural_tekun"}),
        household_id=str(household.id) if household else None,
        household_edge_of_dibao=(
            await _edge_of_dibao(session, household, on) if household else None
        ),
        checked_on=on,
    )
