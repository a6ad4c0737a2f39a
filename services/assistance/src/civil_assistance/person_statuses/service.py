"""``person_status`` for a whole file of persons: three queries, not three per person.

The answers are the single look-up's (``civil_assistance.persons.service``): the
enrolments in force by status, the person's household and whether it is an
edge-of-dibao household on the day, with the year's standard and factor read once
per area rather than once per household.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import String, any_, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
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

DIBAO = frozenset({"urban_dibao", "rural_dibao"})
TEKUN = frozenset({"urban_tekun", "rural_tekun"})


@dataclass
class _Policy:
    """The dibao standard and edge factor of each (programme, area), read once each."""

    session: AsyncSession
    on: date
    standards: dict[tuple[StandardProgramme, str], Decimal | None] = field(default_factory=dict)
    factors: dict[str, Decimal | None] = field(default_factory=dict)

    async def standard(self, programme: StandardProgramme, area_code: str) -> Decimal | None:
        key = (programme, area_code)
        if key not in self.standards:
            found = await find_standard_in_force(
                self.session, programme, area_code, Period.of(self.on)
            )
            self.standards[key] = None if found is None else found.monthly_amount
        return self.standards[key]

    async def factor(self, area_code: str) -> Decimal | None:
        if area_code not in self.factors:
            found = await find_parameter(
                self.session, ParameterKey.EDGE_OF_DIBAO_FACTOR, self.on.year, area_code
            )
            self.factors[area_code] = None if found is None else found.value
        return self.factors[area_code]

    async def edge_of_dibao(self, household: Household) -> bool | None:
        """As ``persons.service._edge_of_dibao``: None when it cannot be said."""
        living = living_members(household.members, self.on)
        programme = (
            StandardProgramme.URBAN_DIBAO
            if household.residence_type == "urban"
            else StandardProgramme.RURAL_DIBAO
        )
        standard = await self.standard(programme, household.area_code)
        factor = await self.factor(household.area_code)
        if not living or standard is None or factor is None:
            return None
        per_person = income_per_person(counted_incomes(living), len(living))
        return is_edge_of_dibao(per_person, standard, factor)


async def person_statuses(
    session: AsyncSession, id_numbers: Sequence[IdNumber], on: date
) -> list[PersonStatus]:
    keys = [str(i) for i in id_numbers]
    asked = any_(literal(keys, ARRAY(String)))

    enrolments: dict[str, list[Enrolment]] = defaultdict(list)
    rows = await session.execute(
        select(EnrolledPerson.id_number, Enrolment)
        .join(Enrolment, EnrolledPerson.enrolment_id == Enrolment.id)
        .where(EnrolledPerson.id_number == asked, Enrolment.status.in_(ENROLLED_STATUSES))
    )
    for id_number, enrolment in rows:
        enrolments[id_number].append(enrolment)

    households: dict[str, Household] = {}
    rows_h = await session.execute(
        select(HouseholdMember.id_number, Household)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(HouseholdMember.id_number == asked)
        .options(selectinload(Household.members).selectinload(HouseholdMember.incomes))
    )
    for id_number, found in rows_h:
        households[id_number] = found

    policy = _Policy(session, on)
    edge: dict[object, bool | None] = {}
    for one in {h.id: h for h in households.values()}.values():
        edge[one.id] = await policy.edge_of_dibao(one)

    statuses: list[PersonStatus] = []
    for id_number in id_numbers:
        held = enrolments.get(str(id_number), [])
        programmes = {e.programme for e in held}
        household = households.get(str(id_number))
        statuses.append(
            PersonStatus(
                id_number=id_number,
                enrolments=[
                    PersonEnrolment(
                        enrolment_id=str(e.id),
                        programme=e.programme,
                        status=e.status,
                        since=e.start_period,
                    )
                    for e in held
                ],
                in_dibao=bool(programmes & DIBAO),
                in_tekun=bool(programmes & TEKUN),
                household_id=str(household.id) if household else None,
                household_edge_of_dibao=edge[household.id] if household else None,
                checked_on=on,
            )
        )
    return statuses
