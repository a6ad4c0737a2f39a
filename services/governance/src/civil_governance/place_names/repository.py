"""Queries of the place-name register; only flushes, never commits."""

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.place_names.models import PlaceName, PlaceNameChange
from civil_governance.place_names.pinyin import looks_like_pinyin, pinyin_key
from civil_shared.runtime.database import count_rows


def matches(q: str) -> ColumnElement[bool]:
    """A place whose name, pinyin (tone marks and spaces ignored) or a former name holds ``q``."""
    text = q.strip()
    conditions: list[ColumnElement[bool]] = [
        PlaceName.standard_name.contains(text, autoescape=True),
        exists().where(
            PlaceNameChange.place_name_id == PlaceName.id,
            PlaceNameChange.old_name.contains(text, autoescape=True),
        ),
    ]
    key = pinyin_key(text)
    if key and looks_like_pinyin(text):
        conditions.append(PlaceName.pinyin_key.contains(key, autoescape=True))
    return or_(*conditions)


class PlaceNameRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, place_id: uuid.UUID) -> PlaceName | None:
        return await self.session.get(PlaceName, place_id)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[PlaceName], int]:
        query = (
            select(PlaceName)
            .where(*conditions)
            .order_by(PlaceName.division_code, PlaceName.pinyin_key, PlaceName.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def holder(self, division_code: str, category: str, name: str) -> PlaceName | None:
        """The place already registered under this name, type and division."""
        return await self.session.scalar(
            select(PlaceName).where(
                PlaceName.division_code == division_code,
                PlaceName.category == category,
                PlaceName.standard_name == name,
            )
        )

    async def changes(
        self, place_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[PlaceNameChange]]:
        """Each place's naming and renamings, earliest first."""
        if not place_ids:
            return {}
        query = (
            select(PlaceNameChange)
            .where(PlaceNameChange.place_name_id.in_(list(place_ids)))
            .order_by(PlaceNameChange.place_name_id, PlaceNameChange.seq)
        )
        found: dict[uuid.UUID, list[PlaceNameChange]] = defaultdict(list)
        for change in await self.session.scalars(query):
            found[change.place_name_id].append(change)
        return found

    async def add(self, row: PlaceName | PlaceNameChange) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
