import uuid

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.enrolments.models import EnrolledPerson, Enrolment
from civil_shared.runtime.database import count_rows


class EnrolmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, enrolment_id: uuid.UUID) -> Enrolment | None:
        return await self.session.get(Enrolment, enrolment_id)

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Enrolment], int]:
        query = select(Enrolment).where(*conditions).order_by(Enrolment.area_code, Enrolment.id)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def enrolled_elsewhere(self, id_numbers: list[str]) -> list[EnrolledPerson]:
        """The current enrolments of any of these people."""
        query = select(EnrolledPerson).where(
            EnrolledPerson.id_number.in_(id_numbers), EnrolledPerson.enrolled
        )
        return list((await self.session.scalars(query)).all())

    async def add(self, enrolment: Enrolment) -> Enrolment:
        self.session.add(enrolment)
        await self.session.flush()
        return enrolment

    async def set_people_enrolled(self, enrolment_id: uuid.UUID, enrolled: bool) -> None:
        await self.session.execute(
            update(EnrolledPerson)
            .where(EnrolledPerson.enrolment_id == enrolment_id)
            .values(enrolled=enrolled)
        )
