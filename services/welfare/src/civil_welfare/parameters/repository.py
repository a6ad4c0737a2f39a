from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_welfare.parameters.models import WelfareParameter


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
    ) -> tuple[list[WelfareParameter], int]:
        conditions = []
        if key is not None:
            conditions.append(WelfareParameter.key == key)
        if year is not None:
            conditions.append(WelfareParameter.year == year)
        if area_code is not None:
            conditions.append(WelfareParameter.area_code.startswith(area_code))
        query = (
            select(WelfareParameter)
            .where(*conditions)
            .order_by(
                WelfareParameter.year.desc(), WelfareParameter.key, WelfareParameter.area_code
            )
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def exists(self, *, key: str, year: int, area_code: str) -> bool:
        found = await self.session.scalar(
            select(WelfareParameter.id).where(
                WelfareParameter.key == key,
                WelfareParameter.year == year,
                WelfareParameter.area_code == area_code,
            )
        )
        return found is not None

    async def add(self, parameter: WelfareParameter) -> WelfareParameter:
        self.session.add(parameter)
        await self.session.flush()
        return parameter
