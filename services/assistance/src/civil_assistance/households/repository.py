"""Queries of households; only flushes, never commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.applications.models import Application
from civil_assistance.enrolments.models import ENROLLED_STATUSES, EnrolledPerson, Enrolment
from civil_assistance.households.models import Household, HouseholdMember
from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A member matches a full ID number exactly, anything else as a name substring."""
    try:
        condition = HouseholdMember.id_number == str(IdNumber(q))
    except ValueError:
        condition = HouseholdMember.name.contains(q.strip(), autoescape=True)
    return exists().where(HouseholdMember.household_id == Household.id, condition)


def in_enrolment(programme: str | None, status: str | None) -> ColumnElement[bool]:
    """The household has an enrolment of this programme and/or status.

    Dibao enrolments name the household; a tekun enrolment may name only the
    person, so a household also matches through one of its members.
    """
    conditions: list[ColumnElement[bool]] = []
    if programme is not None:
        conditions.append(Enrolment.programme == programme)
    if status is not None:
        conditions.append(Enrolment.status == status)
    through_member = (
        select(EnrolledPerson.enrolment_id)
        .join(HouseholdMember, HouseholdMember.id_number == EnrolledPerson.id_number)
        .where(HouseholdMember.household_id == Household.id)
        .correlate(Household)  # two levels down: auto-correlation stops at the EXISTS
    )
    return exists().where(
        *conditions,
        or_(Enrolment.household_id == Household.id, Enrolment.id.in_(through_member)),
    )


class HouseholdRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, household_id: uuid.UUID) -> Household | None:
        return await self.session.get(Household, household_id)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Household], int]:
        query = select(Household).where(*conditions).order_by(Household.area_code, Household.id)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def households_of(
        self, id_numbers: Sequence[str], *, besides: uuid.UUID | None = None
    ) -> dict[str, uuid.UUID]:
        """Which household each of these persons already belongs to."""
        if not id_numbers:
            return {}
        query = select(HouseholdMember.id_number, HouseholdMember.household_id).where(
            HouseholdMember.id_number.in_(list(id_numbers))
        )
        if besides is not None:
            query = query.where(HouseholdMember.household_id != besides)
        rows = (await self.session.execute(query)).all()
        return {row.id_number: row.household_id for row in rows}

    async def is_enrolled(self, household_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(Enrolment.id)
            .where(
                Enrolment.household_id == household_id,
                Enrolment.status.in_(ENROLLED_STATUSES),
            )
            .limit(1)
        )
        return found is not None

    async def has_records(self, household_id: uuid.UUID) -> bool:
        """Whether an application or an enrolment (of any status) names the household."""
        return bool(
            await self.session.scalar(
                select(
                    exists().where(Application.household_id == household_id)
                    | exists().where(Enrolment.household_id == household_id)
                )
            )
        )

    async def add(self, household: Household) -> Household:
        self.session.add(household)
        await self.session.flush()
        return household

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, household: Household) -> None:
        await self.session.delete(household)
        await self.session.flush()
