import uuid
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from civil_assistance.standards.models import AssistanceStandard
from civil_shared.runtime.database import count_rows

StandardRow = tuple[AssistanceStandard, Decimal | None]


class StandardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def with_previous() -> Select[AssistanceStandard, Decimal | None]:
        """Each standard with the amount of the same programme and area the year before."""
        previous = aliased(AssistanceStandard)
        return select(AssistanceStandard, previous.amount).outerjoin(
            previous,
            and_(
                previous.programme == AssistanceStandard.programme,
                previous.area_code == AssistanceStandard.area_code,
                previous.year == AssistanceStandard.year - 1,
            ),
        )

    async def list(
        self,
        *,
        year: int | None,
        programme: str | None,
        area_code: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[StandardRow], int]:
        conditions = []
        if year is not None:
            conditions.append(AssistanceStandard.year == year)
        if programme is not None:
            conditions.append(AssistanceStandard.programme == programme)
        if area_code is not None:
            conditions.append(AssistanceStandard.area_code.startswith(area_code, autoescape=True))
        query = (
            self.with_previous()
            .where(*conditions)
            .order_by(
                AssistanceStandard.year.desc(),
                AssistanceStandard.programme,
                AssistanceStandard.area_code,
            )
            .limit(limit)
            .offset(offset)
        )
        rows = [(row[0], row[1]) for row in (await self.session.execute(query)).all()]
        return rows, await count_rows(self.session, query)

    async def get_with_previous(self, standard_id: uuid.UUID) -> StandardRow | None:
        row = (
            await self.session.execute(
                self.with_previous().where(AssistanceStandard.id == standard_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def in_force(
        self, *, programme: str, year: int, area_codes: Sequence[str]
    ) -> StandardRow | None:
        """The year's standard of the most specific of ``area_codes`` that has one."""
        row = (
            await self.session.execute(
                self.with_previous()
                .where(
                    AssistanceStandard.programme == programme,
                    AssistanceStandard.year == year,
                    AssistanceStandard.area_code.in_(area_codes),
                )
                .order_by(func.length(AssistanceStandard.area_code).desc())
                .limit(1)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def exists(self, *, programme: str, year: int, area_code: str) -> bool:
        found = await self.session.scalar(
            select(AssistanceStandard.id).where(
                AssistanceStandard.programme == programme,
                AssistanceStandard.year == year,
                AssistanceStandard.area_code == area_code,
            )
        )
        return found is not None

    async def add(self, standard: AssistanceStandard) -> AssistanceStandard:
        self.session.add(standard)
        await self.session.flush()
        return standard
