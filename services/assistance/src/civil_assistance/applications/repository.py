import uuid

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from civil_assistance.applications.models import Application
from civil_assistance.households.models import Household, HouseholdMember
from civil_shared.runtime.database import count_rows

#: An application still being handled blocks another for the same person and programme.
OPEN_STATUSES = ("submitted", "investigated", "in_notice")


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, application_id: uuid.UUID) -> Application | None:
        return await self.session.get(Application, application_id)

    async def open_for(self, id_number: str, programme: str) -> Application | None:
        return await self.session.scalar(
            select(Application).where(
                Application.applicant_id_number == id_number,
                Application.programme == programme,
                Application.status.in_(OPEN_STATUSES),
            )
        )

    async def household(self, household_id: uuid.UUID) -> Household | None:
        """The household with its members and their incomes, as the investigation reads it."""
        return await self.session.scalar(
            select(Household)
            .where(Household.id == household_id)
            .options(selectinload(Household.members).selectinload(HouseholdMember.incomes))
        )

    async def page(
        self, conditions: list[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Application], int]:
        query = (
            select(Application)
            .where(*conditions)
            .order_by(Application.application_date.desc(), Application.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, application: Application) -> Application:
        self.session.add(application)
        await self.session.flush()
        return application
