"""Queries of child files; only flushes, never commits."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import count_rows
from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import FileStatus
from civil_welfare.db import AuditEvent
from civil_welfare.workforce.models import ChildWelfareWorker


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a part of the name."""
    try:
        return ChildFile.id_number == str(IdNumber(q))
    except ValueError:
        return ChildFile.name.contains(q.strip(), autoescape=True)


class ChildFileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, file_id: uuid.UUID) -> ChildFile | None:
        return await self.session.get(ChildFile, file_id)

    async def by_id_number(self, id_number: str) -> ChildFile | None:
        return await self.session.scalar(select(ChildFile).where(ChildFile.id_number == id_number))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ChildFile], int]:
        query = (
            select(ChildFile)
            .where(*conditions)
            .order_by(ChildFile.area_code, ChildFile.name, ChildFile.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def workers(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, ChildWelfareWorker]:
        if not ids:
            return {}
        rows = await self.session.scalars(
            select(ChildWelfareWorker).where(ChildWelfareWorker.id.in_(ids))
        )
        return {w.id: w for w in rows}

    async def add(self, child_file: ChildFile) -> None:
        self.session.add(child_file)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, child_file: ChildFile) -> None:
        await self.session.delete(child_file)
        await self.session.flush()


async def _set_director(
    session: AsyncSession,
    condition: ColumnElement[bool],
    director_id: uuid.UUID | None,
    why: str,
) -> int:
    """Point the files ``condition`` keeps at ``director_id``, moving their versions (ETags),
    in one statement recorded as one audit event."""
    changed = (
        (
            await session.execute(
                update(ChildFile)
                .where(condition)
                .values(
                    director_id=director_id, version=ChildFile.version + 1, updated_at=func.now()
                )
                .returning(ChildFile.id),
                execution_options={"synchronize_session": "fetch"},
            )
        )
        .scalars()
        .all()
    )
    if changed:
        await record_event(
            session,
            AuditEvent,
            action=AuditAction.BULK,
            entity=ChildFile.__tablename__,
            new_values={
                "director_id": director_id,
                "why": why,
                "child_files": sorted(str(i) for i in changed),
            },
        )
    return len(changed)


async def release_director(session: AsyncSession, director_id: uuid.UUID) -> int:
    """A director left: the files they were responsible for have no director until the
    village's next director is appointed."""
    return await _set_director(
        session, ChildFile.director_id == director_id, None, f"儿童主任 {director_id} 离任"
    )


async def assign_director(session: AsyncSession, director: ChildWelfareWorker) -> int:
    """A director was appointed: the village's active files without one are theirs."""
    return await _set_director(
        session,
        (ChildFile.area_code == director.area_code)
        & ChildFile.director_id.is_(None)
        & (ChildFile.status == FileStatus.ACTIVE.value),
        director.id,
        f"儿童主任 {director.id} 到任",
    )
