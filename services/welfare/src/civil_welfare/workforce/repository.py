"""Queries of child directors, supervisors and their training; only flushes."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_welfare.workforce.models import ChildWelfareWorker, WorkerTraining
from civil_welfare.workforce.schemas import WorkerRole, WorkerStatus

W = ChildWelfareWorker


def trained_in(year: int) -> ColumnElement[bool]:
    """The worker has at least one training record dated in ``year``."""
    return exists().where(
        WorkerTraining.worker_id == W.id,
        WorkerTraining.training_date >= date(year, 1, 1),
        WorkerTraining.training_date < date(year + 1, 1, 1),
    )


class WorkerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, worker_id: uuid.UUID) -> ChildWelfareWorker | None:
        return await self.session.get(W, worker_id)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ChildWelfareWorker], int]:
        query = select(W).where(*conditions).order_by(W.area_code, W.appointed_date.desc(), W.id)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def active_in_area(self, role: WorkerRole, area_code: str) -> ChildWelfareWorker | None:
        return await self.session.scalar(
            select(W).where(
                W.role == role.value,
                W.area_code == area_code,
                W.status == WorkerStatus.ACTIVE.value,
            )
        )

    async def active_post_of(self, role: WorkerRole, id_number: str) -> ChildWelfareWorker | None:
        return await self.session.scalar(
            select(W).where(
                W.role == role.value,
                W.id_number == id_number,
                W.status == WorkerStatus.ACTIVE.value,
            )
        )

    async def training(self, worker_id: uuid.UUID, training_id: uuid.UUID) -> WorkerTraining | None:
        return await self.session.scalar(
            select(WorkerTraining).where(
                WorkerTraining.id == training_id, WorkerTraining.worker_id == worker_id
            )
        )

    async def active_areas(
        self, role: WorkerRole, condition: ColumnElement[bool]
    ) -> dict[str, uuid.UUID]:
        """Area code -> the active worker of ``role`` there, among the rows ``condition`` keeps."""
        rows = await self.session.execute(
            select(W.area_code, W.id).where(
                W.role == role.value, W.status == WorkerStatus.ACTIVE.value, condition
            )
        )
        return {row.area_code: row.id for row in rows}

    async def former_areas(self, role: WorkerRole, condition: ColumnElement[bool]) -> set[str]:
        """Areas that had a worker of ``role`` who left."""
        rows = await self.session.scalars(
            select(W.area_code)
            .distinct()
            .where(W.role == role.value, W.status == WorkerStatus.LEFT.value, condition)
        )
        return set(rows.all())

    async def add(self, entity: object) -> None:
        self.session.add(entity)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, entity: object) -> None:
        await self.session.delete(entity)
        await self.session.flush()


#: The counts' statement, built once per year, date and area (see Statements).
_STATEMENTS = Statements()


async def workforce_counts(
    session: AsyncSession, year: int, area_code: str | None = None, on: date | None = None
) -> list[tuple[str, str, int, int]]:
    """(township, role, active at the end of ``year``, of whom trained in ``year``).

    A worker counts when appointed by 31 December (or ``on``, a day of the year, for a
    year not yet over) and not left by then. For the statistics of issue item 10;
    set-based, one query.
    """
    year_end = on or date(year, 12, 31)

    def build() -> Select[Any]:
        township = func.left(W.area_code, 9).label("township")
        trained = func.count().filter(trained_in(year)).label("trained")
        conditions: list[ColumnElement[bool]] = [
            W.appointed_date <= year_end,
            (W.left_date.is_(None)) | (W.left_date > year_end),
        ]
        if area_code:
            conditions.append(W.area_code.startswith(area_code, autoescape=True))
        return (
            select(township, W.role, func.count().label("active"), trained)
            .where(*conditions)
            .group_by(township, W.role)
            .order_by(township, W.role)
        )

    rows = await session.execute(_STATEMENTS.get((year, year_end, area_code), build))
    return [(r.township, r.role, r.active, r.trained) for r in rows]
