"""Queries of quotas, workers and assessments; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.community_workers.models import (
    CommunityWorker,
    WorkerAssessment,
    WorkerQuota,
)
from civil_governance.community_workers.rules import IN_POST, WorkerPost
from civil_governance.divisions.models import Division
from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber

IN_POST_VALUES = [s.value for s in IN_POST]

#: Workers holding a post of the quota's community.
in_post_count = (
    select(func.count())
    .where(
        CommunityWorker.area_code == WorkerQuota.area_code,
        CommunityWorker.status.in_(IN_POST_VALUES),
    )
    .correlate(WorkerQuota)
    .scalar_subquery()
)


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a name substring."""
    try:
        return CommunityWorker.id_number == str(IdNumber(q))
    except ValueError:
        return CommunityWorker.name.contains(q.strip(), autoescape=True)


@dataclass(frozen=True, slots=True)
class QuotaRow:
    quota: WorkerQuota
    community_name: str
    in_post: int


class WorkerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- quotas --------------------------------------------------------------

    async def quota(self, area_code: str, *, for_update: bool = False) -> WorkerQuota | None:
        return await self.session.get(WorkerQuota, area_code, with_for_update=for_update)

    @staticmethod
    def _quota_query() -> Select[WorkerQuota, str, int]:
        return select(WorkerQuota, Division.name, in_post_count).join(
            Division, Division.code == WorkerQuota.area_code
        )

    async def quota_row(self, area_code: str) -> QuotaRow | None:
        row = (
            await self.session.execute(
                self._quota_query().where(WorkerQuota.area_code == area_code)
            )
        ).first()
        return QuotaRow(row[0], row[1], row[2]) if row is not None else None

    async def quota_page(
        self,
        conditions: Sequence[ColumnElement[bool]],
        *,
        vacant_only: bool,
        limit: int,
        offset: int,
    ) -> tuple[list[QuotaRow], int]:
        query = self._quota_query().where(*conditions)
        if vacant_only:
            query = query.where(in_post_count < WorkerQuota.quota)
        query = query.order_by(WorkerQuota.area_code)
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [QuotaRow(r[0], r[1], r[2]) for r in rows], await count_rows(self.session, query)

    async def in_post(self, area_code: str) -> int:
        found = await self.session.scalar(
            select(func.count()).where(
                CommunityWorker.area_code == area_code,
                CommunityWorker.status.in_(IN_POST_VALUES),
            )
        )
        return found or 0

    # --- workers -------------------------------------------------------------

    async def get(self, worker_id: uuid.UUID) -> CommunityWorker | None:
        return await self.session.get(CommunityWorker, worker_id)

    async def in_post_as(self, id_number: str) -> CommunityWorker | None:
        """Where this person holds a post now, if anywhere."""
        return await self.session.scalar(
            select(CommunityWorker).where(
                CommunityWorker.id_number == id_number,
                CommunityWorker.status.in_(IN_POST_VALUES),
            )
        )

    async def holder_of(
        self, area_code: str, posts: Sequence[WorkerPost], *, besides: uuid.UUID | None = None
    ) -> CommunityWorker | None:
        query = select(CommunityWorker).where(
            CommunityWorker.area_code == area_code,
            CommunityWorker.post.in_([p.value for p in posts]),
            CommunityWorker.status.in_(IN_POST_VALUES),
        )
        if besides is not None:
            query = query.where(CommunityWorker.id != besides)
        return await self.session.scalar(query.limit(1))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[tuple[CommunityWorker, str]], int]:
        query = (
            select(CommunityWorker, Division.name)
            .join(Division, Division.code == CommunityWorker.area_code)
            .where(*conditions)
            .order_by(CommunityWorker.area_code, CommunityWorker.name, CommunityWorker.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1]) for r in rows], await count_rows(self.session, query)

    async def community_name(self, area_code: str) -> str | None:
        return await self.session.scalar(select(Division.name).where(Division.code == area_code))

    async def assessments(self, worker_ids: Sequence[uuid.UUID]) -> list[WorkerAssessment]:
        if not worker_ids:
            return []
        query = (
            select(WorkerAssessment)
            .where(WorkerAssessment.worker_id.in_(list(worker_ids)))
            .order_by(WorkerAssessment.year.desc())
        )
        return list((await self.session.scalars(query)).all())

    async def assessment(self, worker_id: uuid.UUID, year: int) -> WorkerAssessment | None:
        return await self.session.scalar(
            select(WorkerAssessment).where(
                WorkerAssessment.worker_id == worker_id, WorkerAssessment.year == year
            )
        )

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
