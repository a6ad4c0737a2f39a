"""Queries of support cases (orphans and de facto unsupported children); only flushes."""

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import AppError
from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.schemas import CaseStatus

C = ChildSupportCase
EXCLUSION_VIOLATION = "23P01"


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a part of the name."""
    try:
        return C.id_number == str(IdNumber(q))
    except ValueError:
        return C.name.contains(q.strip(), autoescape=True)


def covering(period: str) -> ColumnElement[bool]:
    """The case covers the month ``period`` (and was not revoked)."""
    return (
        (C.status != CaseStatus.REVOKED.value)
        & (C.start_period <= period)
        & (C.end_period >= period)
    )


@asynccontextmanager
async def overlap_or_conflict(session: AsyncSession, conflict: AppError) -> AsyncIterator[None]:
    """The exclusion constraint's refusal (a concurrent case of the same child) as ``conflict``."""
    try:
        yield
    except IntegrityError as exc:
        await session.rollback()
        if getattr(exc.orig, "sqlstate", None) == EXCLUSION_VIOLATION:
            raise conflict from exc
        raise


class SupportCaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, case_id: uuid.UUID) -> ChildSupportCase | None:
        return await self.session.get(C, case_id)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ChildSupportCase], int]:
        query = select(C).where(*conditions).order_by(C.area_code, C.name, C.id)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def overlapping(
        self, id_number: str, start: str, end: str, *, besides: uuid.UUID | None = None
    ) -> ChildSupportCase | None:
        """A non-revoked case of the child covering any month from ``start`` to ``end``."""
        query = select(C).where(
            C.id_number == id_number,
            C.status != CaseStatus.REVOKED.value,
            C.start_period <= end,
            C.end_period >= start,
        )
        if besides is not None:
            query = query.where(C.id != besides)
        return await self.session.scalar(query.order_by(C.start_period).limit(1))

    async def add(self, case: ChildSupportCase) -> None:
        self.session.add(case)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
