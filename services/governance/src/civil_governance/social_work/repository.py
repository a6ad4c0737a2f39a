"""Queries of social-work projects; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.models import Division
from civil_governance.social_work.models import SocialWorkProject
from civil_shared.runtime.database import count_rows


def runs_in_year(year: int) -> ColumnElement[bool]:
    """Projects whose service period overlaps the calendar year."""
    return (SocialWorkProject.start_date <= date(year, 12, 31)) & (
        SocialWorkProject.end_date >= date(year, 1, 1)
    )


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, project_id: uuid.UUID) -> SocialWorkProject | None:
        return await self.session.get(SocialWorkProject, project_id)

    async def duplicate(
        self, area_code: str, name: str, start_date: date, *, besides: uuid.UUID | None = None
    ) -> SocialWorkProject | None:
        query = select(SocialWorkProject).where(
            SocialWorkProject.area_code == area_code,
            SocialWorkProject.name == name,
            SocialWorkProject.start_date == start_date,
        )
        if besides is not None:
            query = query.where(SocialWorkProject.id != besides)
        return await self.session.scalar(query)

    async def community_name(self, area_code: str) -> str | None:
        return await self.session.scalar(select(Division.name).where(Division.code == area_code))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[tuple[SocialWorkProject, str]], int]:
        query = (
            select(SocialWorkProject, Division.name)
            .join(Division, Division.code == SocialWorkProject.area_code)
            .where(*conditions)
            .order_by(
                SocialWorkProject.start_date.desc(),
                SocialWorkProject.area_code,
                SocialWorkProject.id,
            )
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1]) for r in rows], await count_rows(self.session, query)

    async def add(self, project: SocialWorkProject) -> None:
        self.session.add(project)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
