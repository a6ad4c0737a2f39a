"""Queries of the left-behind elderly register; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, exists, func, literal, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber
from civil_welfare.elderly.ages import born_by
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.elderly.qualification import ELDERLY_MIN_AGE, AwayFor
from civil_welfare.parameters.by_area import AreaValues, Values
from civil_welfare.parameters.keys import ParameterKey

MIN_MONTHS = ParameterKey.LEFT_BEHIND_MIN_MONTHS_AWAY


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a part of the name."""
    try:
        return LeftBehindElder.id_number == str(IdNumber(q))
    except ValueError:
        return LeftBehindElder.name.contains(q.strip(), autoescape=True)


def qualifies_on(on: date, rule: AreaValues) -> ColumnElement[bool]:
    """SQL twin of ``qualification.qualify``: aged 60 or over, at least one child
    recorded, and every child away for work for the area's minimum months by ``on``."""

    def months(values: Values) -> ColumnElement[Any]:
        return literal(int(values[MIN_MONTHS]), Integer)

    min_months = rule.case(LeftBehindElder.area_code, months)
    child = LeftBehindElderChild
    short = or_(
        child.away_for != AwayFor.WORK.value,
        child.away_since + func.make_interval(0, min_months) > on,
    )
    return and_(
        born_by(LeftBehindElder.id_number, on, ELDERLY_MIN_AGE),
        exists().where(child.elder_id == LeftBehindElder.id),
        not_(exists().where(child.elder_id == LeftBehindElder.id, short)),
    )


class ElderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, elder_id: uuid.UUID, *, for_update: bool = False) -> LeftBehindElder | None:
        return await self.session.get(LeftBehindElder, elder_id, with_for_update=for_update)

    async def find_by_id_number(self, id_number: str) -> LeftBehindElder | None:
        return await self.session.scalar(
            select(LeftBehindElder).where(LeftBehindElder.id_number == id_number)
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[LeftBehindElder], int]:
        query = (
            select(LeftBehindElder)
            .where(*conditions)
            .order_by(LeftBehindElder.area_code, LeftBehindElder.name, LeftBehindElder.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, elder: LeftBehindElder) -> None:
        self.session.add(elder)
        await self.session.flush()

    async def replace_children(
        self, elder: LeftBehindElder, children: list[LeftBehindElderChild]
    ) -> None:
        """The old rows are deleted (each one audited) before the new are added."""
        old = list(elder.children)
        elder.children.clear()
        for child in old:
            await self.session.delete(child)
        await self.session.flush()
        elder.children.extend(children)

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, elder: LeftBehindElder) -> None:
        await self.session.delete(elder)
        await self.session.flush()
