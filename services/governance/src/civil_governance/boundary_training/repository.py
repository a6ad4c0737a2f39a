"""Queries of boundary-survey training batches; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.boundary_training.models import BoundaryTraining, BoundaryTrainingTownship
from civil_shared.auth import Principal
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.scoping import area_condition


def attended_by(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """A batch one of whose townships meets ``condition``."""
    return exists().where(BoundaryTrainingTownship.training_id == BoundaryTraining.id, condition)


def visible_training(principal: Principal) -> ColumnElement[bool]:
    """A township officer sees the batches its township took part in."""
    return attended_by(area_condition(BoundaryTrainingTownship.township_code, principal))


def in_year(year: int) -> ColumnElement[bool]:
    return (BoundaryTraining.held_date >= date(year, 1, 1)) & (
        BoundaryTraining.held_date < date(year + 1, 1, 1)
    )


class TrainingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, training_id: uuid.UUID) -> BoundaryTraining | None:
        return await self.session.get(BoundaryTraining, training_id)

    async def same_batch(self, held_date: date, place: str, topic: str) -> BoundaryTraining | None:
        return await self.session.scalar(
            select(BoundaryTraining).where(
                BoundaryTraining.held_date == held_date,
                BoundaryTraining.place == place,
                BoundaryTraining.topic == topic,
            )
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[BoundaryTraining], int]:
        query = (
            select(BoundaryTraining)
            .where(*conditions)
            .order_by(BoundaryTraining.held_date.desc(), BoundaryTraining.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, training: BoundaryTraining) -> None:
        self.session.add(training)
        await self.session.flush()
