"""Use cases of boundary-survey training batches; each write commits exactly once."""

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.boundary_training.models import BoundaryTraining, BoundaryTrainingTownship
from civil_governance.boundary_training.repository import (
    TrainingRepository,
    attended_by,
    in_year,
    visible_training,
)
from civil_governance.boundary_training.schemas import TrainingCreate, TrainingOut
from civil_governance.divisions.repository import DivisionRepository
from civil_governance.divisions.schemas import DivisionBrief
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.types import AreaCode, AreaLevel


def training_not_found(training_id: uuid.UUID) -> NotFound:
    return NotFound(f"培训批次 {training_id} 不存在", code="GOVERNANCE_TRAINING_NOT_FOUND")


def already_recorded(existing: BoundaryTraining | None = None) -> Conflict:
    extra: dict[str, Any] = {}
    if existing is not None:
        extra["conflicting_training_id"] = str(existing.id)
    return Conflict("同一日期、地点、主题的培训已登记", code="GOVERNANCE_TRAINING_EXISTS", **extra)


def to_out(training: BoundaryTraining, names: dict[str, str]) -> TrainingOut:
    return TrainingOut(
        id=training.id,
        held_date=training.held_date,
        year=training.held_date.year,
        place=training.place,
        topic=training.topic,
        participants=training.participants,
        townships=[
            DivisionBrief(code=AreaCode(t.township_code), name=names.get(t.township_code, ""))
            for t in training.townships
        ],
        notes=training.notes,
        recorded_by=training.recorded_by,
    )


class TrainingService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = TrainingRepository(session)
        self.divisions = DivisionRepository(session)

    async def create(self, data: TrainingCreate, principal: Principal) -> TrainingOut:
        codes = sorted(str(c) for c in data.township_codes)
        if data.participants < len(codes):
            raise Unprocessable(
                f"参训人数（{data.participants}）少于参训乡镇数（{len(codes)}）",
                code="GOVERNANCE_TRAINING_PARTICIPANTS",
            )
        found = await self.divisions.get_many(codes)
        unknown = [c for c in codes if c not in found or found[c].level != AreaLevel.TOWNSHIP.value]
        if unknown:
            raise Unprocessable(
                f"乡镇（街道）代码不存在：{'、'.join(unknown)}",
                code="GOVERNANCE_TRAINING_TOWNSHIP_UNKNOWN",
            )
        existing = await self.repository.same_batch(data.held_date, data.place, data.topic)
        if existing is not None:
            raise already_recorded(existing)
        training = BoundaryTraining(
            held_date=data.held_date,
            place=data.place,
            topic=data.topic,
            participants=data.participants,
            notes=data.notes,
            recorded_by=principal.sub,
            townships=[BoundaryTrainingTownship(township_code=c) for c in codes],
        )
        async with unique_or_conflict(self.session, already_recorded()):
            await self.repository.add(training)
            await self.session.commit()
        return to_out(training, {c: d.name for c, d in found.items()})

    async def get(self, training_id: uuid.UUID, principal: Principal) -> TrainingOut:
        training = await self.repository.get(training_id)
        if training is None or not any(
            principal.sees_area(t.township_code) for t in training.townships
        ):
            raise training_not_found(training_id)
        return to_out(training, await self._names(t.township_code for t in training.townships))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        year: int | None = None,
        township: str | None = None,
    ) -> Page[TrainingOut]:
        conditions: list[ColumnElement[bool]] = [visible_training(principal)]
        if year is not None:
            conditions.append(in_year(year))
        if township is not None:
            conditions.append(attended_by(BoundaryTrainingTownship.township_code == township))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        names = await self._names(t.township_code for i in items for t in i.townships)
        return Page[TrainingOut].of([to_out(i, names) for i in items], total, page)

    async def _names(self, codes: Iterable[str]) -> dict[str, str]:
        return {c: d.name for c, d in (await self.divisions.get_many(set(codes))).items()}
