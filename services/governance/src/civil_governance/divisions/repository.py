from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.models import Division
from civil_shared.runtime.database import count_rows


class DivisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> Division | None:
        return await self.session.get(Division, code)

    async def list(
        self,
        *,
        parent_code: str | None,
        level: str | None,
        area_code: str | None,
        name: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Division], int]:
        conditions = []
        if parent_code is not None:
            conditions.append(Division.parent_code == parent_code)
        if level is not None:
            conditions.append(Division.level == level)
        if area_code is not None:
            conditions.append(Division.code.startswith(area_code))
        if name:
            conditions.append(Division.name.contains(name, autoescape=True))
        query = select(Division).where(*conditions).order_by(Division.code)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, division: Division) -> Division:
        self.session.add(division)
        await self.session.flush()
        return division
