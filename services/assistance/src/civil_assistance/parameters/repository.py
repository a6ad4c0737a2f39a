import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.parameters.models import AssistanceParameter
from civil_shared.runtime.database import count_rows


class ParameterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(
        self,
        *,
        key: str | None,
        year: int | None,
        area_code: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[AssistanceParameter], int]:
        conditions = []
        if key is not None:
            conditions.append(AssistanceParameter.key == key)
        if year is not None:
            conditions.append(AssistanceParameter.year == year)
        if area_code is not None:
            conditions.append(AssistanceParameter.area_code.startswith(area_code, autoescape=True))
        query = (
            select(AssistanceParameter)
            .where(*conditions)
            .order_by(
                AssistanceParameter.year.desc(),
                AssistanceParameter.key,
                AssistanceParameter.area_code,
            )
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def get(self, parameter_id: uuid.UUID) -> AssistanceParameter | None:
        return await self.session.get(AssistanceParameter, parameter_id)

    async def applicable(
        self, *, key: str, year: int, area_codes: Sequence[str]
    ) -> AssistanceParameter | None:
        """The latest year up to ``year`` that has a value, then the most specific area."""
        return await self.session.scalar(
            select(AssistanceParameter)
            .where(
                AssistanceParameter.key == key,
                AssistanceParameter.year <= year,
                AssistanceParameter.area_code.in_(area_codes),
            )
            .order_by(
                AssistanceParameter.year.desc(),
                func.length(AssistanceParameter.area_code).desc(),
            )
            .limit(1)
        )

    async def exists(self, *, key: str, year: int, area_code: str) -> bool:
        found = await self.session.scalar(
            select(AssistanceParameter.id).where(
                AssistanceParameter.key == key,
                AssistanceParameter.year == year,
                AssistanceParameter.area_code == area_code,
            )
        )
        return found is not None

    async def add(self, parameter: AssistanceParameter) -> AssistanceParameter:
        self.session.add(parameter)
        await self.session.flush()
        return parameter
