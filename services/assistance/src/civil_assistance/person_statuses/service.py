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
from typing import Any

from sqlalchemy import String, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload, selectinload

from civil_assistance.enrolments.models import ENROLLED_STATUSES, EnrolledPerson, Enrolment
from civil_assistance.entitlements.dibao import income_per_person, is_edge_of_dibao
from civil_assistance.households.income import counted_incomes, living_members
from civil_assistance.households.models import Household, HouseholdMember
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.models import AssistanceParameter
from civil_assistance.parameters.service import find_parameter
from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.standards.schemas import StandardProgramme
from civil_assistance.standards.service import find_standard_in_force
from civil_shared.contracts.assistance import PersonEnrolment, PersonStatus
from civil_shared.types import AreaCode, IdNumber, Period

DIBAO = frozenset({"urban_dibao", "rural_dibao"})
TEKUN = frozenset({"urban_tekun", "rural_tekun"})


@dataclass
class _Policy:
    """The dibao standard and edge factor of each household's area, each look-up made once
    for all areas that share it.

    A look-up reads only rows set for the area's lineage (village, township, city),
    so two areas whose lineages hold the same areas with rows get the same answer:
    that set is the cache key (for most villages, the city alone).
    """

    session: AsyncSession
    on: date
    standard_areas: frozenset[str]  # areas with a standard of their own (any year)
    factor_areas: frozenset[str]  # areas with a parameter of their own (any key, year)
    standards: dict[tuple[StandardProgramme, tuple[str, ...]], Decimal | None] = field(
        default_factory=dict
    )
    factors: dict[tuple[str, ...], Decimal | None] = field(default_factory=dict)

    @classmethod
    async def read(cls, session: AsyncSession, on: date) -> "_Policy":
        standard_areas = await session.scalars(select(AssistanceStandard.area_code).distinct())
        factor_areas = await session.scalars(select(AssistanceParameter.area_code).distinct())
        return cls(session, on, frozenset(standard_areas), frozenset(factor_areas))

    @staticmethod
    def _key(area_code: str, areas: frozenset[str]) -> tuple[str, ...]:
        return tuple(str(a) for a in AreaCode(area_code).lineage if str(a) in areas)

    async def standard(self, programme: StandardProgramme, area_code: str) -> Decimal | None:
        key = (programme, self._key(area_code, self.standard_areas))
        if key not in self.standards:
            found = await find_standard_in_force(
                self.session, programme, area_code, Period.of(self.on)
            )
            self.standards[key] = None if found is None else found.monthly_amount
        return self.standards[key]

    async def factor(self, area_code: str) -> Decimal | None:
        key = self._key(area_code, self.factor_areas)
        if key not in self.factors:
            found = await find_parameter(
                self.session, ParameterKey.EDGE_OF_DIBAO_FACTOR, self.on.year, area_code
            )
            self.factors[key] = None if found is None else found.value
        return self.factors[key]

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
    # IN (SELECT unnest(...)): a hash semi-join whatever the column's type or indexes
    # (= ANY(array) compared each row with every number asked: seconds a township).
    asked = select(func.unnest(literal(keys, ARRAY(String))))

    # Columns, not entities: an enrolment's people (loaded with it) are not needed here.
    enrolments: dict[str, list[Any]] = defaultdict(list)
    rows = await session.execute(
        select(
            EnrolledPerson.id_number,
            Enrolment.id,
            Enrolment.programme,
            Enrolment.status,
            Enrolment.start_period,
        )
        .join(Enrolment, EnrolledPerson.enrolment_id == Enrolment.id)
        .where(EnrolledPerson.id_number.in_(asked), Enrolment.status.in_(ENROLLED_STATUSES))
    )
    for row in rows:
        enrolments[row.id_number].append(row)

    households: dict[str, Household] = {}
    rows_h = await session.execute(
        select(HouseholdMember.id_number, Household)
        .join(HouseholdMember, HouseholdMember.household_id == Household.id)
        .where(HouseholdMember.id_number.in_(asked))
        .options(
            selectinload(Household.members).selectinload(HouseholdMember.incomes),
            lazyload(Household.properties),
        )
    )
    for id_number, found in rows_h:
        households[id_number] = found

    policy = await _Policy.read(session, on)
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
