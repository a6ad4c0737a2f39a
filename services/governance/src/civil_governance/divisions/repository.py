"""Queries of the division tree; only flushes, never commits."""

from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.models import Division, DivisionChange
from civil_shared.runtime.database import count_rows


class DivisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str, *, for_update: bool = False) -> Division | None:
        return await self.session.get(Division, code, with_for_update=for_update)

    async def get_many(self, codes: Collection[str]) -> dict[str, Division]:
        if not codes:
            return {}
        rows = await self.session.scalars(select(Division).where(Division.code.in_(list(codes))))
        return {d.code: d for d in rows}

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Division], int]:
        query = select(Division).where(*conditions).order_by(Division.code)
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def subtree(self, root: str) -> list[Division]:
        """``root`` and everything under it, parents before children."""
        query = select(Division).where(Division.code.startswith(root, autoescape=True))
        return list((await self.session.scalars(query.order_by(Division.code))).all())

    async def children_counts(self, codes: Collection[str]) -> dict[str, int]:
        if not codes:
            return {}
        query = (
            select(Division.parent_code, func.count())
            .where(Division.parent_code.in_(list(codes)))
            .group_by(Division.parent_code)
        )
        return {str(parent): count for parent, count in (await self.session.execute(query)).all()}

    async def names_under(self, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """Which stored division holds each (parent code, name)."""
        if not pairs:
            return {}
        query = select(Division.parent_code, Division.name, Division.code).where(
            tuple_(Division.parent_code, Division.name).in_(list(pairs))
        )
        return {
            (str(parent), name): code
            for parent, name, code in (await self.session.execute(query)).all()
        }

    async def changes(self, code: str) -> list[DivisionChange]:
        query = (
            select(DivisionChange)
            .where(DivisionChange.division_code == code)
            .order_by(DivisionChange.seq)
        )
        return list((await self.session.scalars(query)).all())

    async def last_change(self, code: str) -> DivisionChange | None:
        changes = await self.changes(code)
        return changes[-1] if changes else None

    async def add(self, row: Division | DivisionChange) -> None:
        self.session.add(row)
        await self.session.flush()

    async def add_all(self, divisions: Sequence[Division]) -> None:
        """Shallow levels first: a new village may hang under a township of the same batch."""
        for length in (9, 12):
            level = [d for d in divisions if len(d.code) == length]
            if level:
                self.session.add_all(level)
                await self.session.flush()

    async def delete(self, division: Division) -> None:
        await self.session.delete(division)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
