"""Queries of communities, councils and covenants; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from civil_governance.communities.models import (
    Community,
    Council,
    CouncilMeeting,
    CouncilMember,
    CovenantRecognition,
    CovenantVersion,
)
from civil_governance.communities.schemas import CouncilKind
from civil_governance.divisions.models import Division
from civil_shared.runtime.database import count_rows

Village = aliased(Division, name="village")
Township = aliased(Division, name="township")

_councils = (
    select(func.array_agg(aggregate_order_by(Council.kind, Council.kind)))
    .where(Council.area_code == Community.area_code)
    .correlate(Community)
    .scalar_subquery()
)
_council_count = (
    select(func.count())
    .where(Council.area_code == Community.area_code)
    .correlate(Community)
    .scalar_subquery()
)
_current_version = (
    select(CovenantVersion.version_number)
    .where(
        CovenantVersion.area_code == Community.area_code,
        CovenantVersion.superseded_date.is_(None),
    )
    .correlate(Community)
    .scalar_subquery()
)
_exemplary = (
    exists()
    .where(
        CovenantRecognition.version_id == CovenantVersion.id,
        CovenantVersion.area_code == Community.area_code,
    )
    .correlate(Community)
)


def three_councils_complete(complete: bool) -> ColumnElement[bool]:
    count = len(CouncilKind)
    return _council_count == count if complete else _council_count < count


def serving_on(on: date | ColumnElement[date] | InstrumentedAttribute[date]) -> ColumnElement[bool]:
    """Members in office on ``on``: started by then, term not yet ended."""
    return and_(
        CouncilMember.since <= on, or_(CouncilMember.until.is_(None), CouncilMember.until > on)
    )


def _members_serving_at_meeting() -> ColumnElement[int]:
    return (
        select(func.count())
        .where(CouncilMember.council_id == CouncilMeeting.council_id)
        .where(serving_on(CouncilMeeting.meeting_date))
        .correlate(CouncilMeeting)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class CommunityRow:
    community: Community
    name: str
    kind: str
    township_name: str
    councils: list[str]
    covenant_version: int | None
    exemplary: bool


@dataclass(frozen=True, slots=True)
class MeetingRow:
    meeting: CouncilMeeting
    members_serving: int


CommunitySelect = Select[Community, str, str, str, list[str] | None, int | None, bool]


def _community_query() -> CommunitySelect:
    return (
        select(
            Community,
            Village.name,
            Village.kind,
            Township.name,
            _councils,
            _current_version,
            _exemplary,
        )
        .join(Village, Village.code == Community.area_code)
        .join(Township, Township.code == Village.parent_code)
    )


class CommunityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- communities -------------------------------------------------------

    async def get(self, area_code: str, *, for_update: bool = False) -> Community | None:
        return await self.session.get(Community, area_code, with_for_update=for_update)

    async def division(self, code: str) -> Division | None:
        return await self.session.get(Division, code)

    async def row(self, area_code: str) -> CommunityRow | None:
        rows = await self._rows(_community_query().where(Community.area_code == area_code))
        return rows[0] if rows else None

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[CommunityRow], int]:
        query = _community_query().where(*conditions).order_by(Community.area_code)
        rows = await self._rows(query.limit(limit).offset(offset))
        return rows, await count_rows(self.session, query)

    async def _rows(
        self,
        query: CommunitySelect,
    ) -> list[CommunityRow]:
        return [
            CommunityRow(
                community=row[0],
                name=row[1],
                kind=row[2],
                township_name=row[3],
                councils=list(row[4] or []),
                covenant_version=row[5],
                exemplary=bool(row[6]),
            )
            for row in (await self.session.execute(query)).all()
        ]

    async def add(self, row: object) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    # --- councils ----------------------------------------------------------

    async def councils(self, area_code: str) -> list[Council]:
        query = select(Council).where(Council.area_code == area_code)
        councils = list((await self.session.scalars(query)).all())
        order = list(CouncilKind)
        return sorted(councils, key=lambda c: order.index(CouncilKind(c.kind)))

    async def council(
        self, area_code: str, kind: CouncilKind, *, for_update: bool = False
    ) -> Council | None:
        query = select(Council).where(Council.area_code == area_code, Council.kind == kind.value)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def members(self, council_ids: Sequence[uuid.UUID]) -> list[CouncilMember]:
        if not council_ids:
            return []
        query = (
            select(CouncilMember)
            .where(CouncilMember.council_id.in_(list(council_ids)))
            .order_by(
                CouncilMember.until.is_not(None),
                CouncilMember.role,
                CouncilMember.since,
                CouncilMember.id,
            )
        )
        return list((await self.session.scalars(query)).all())

    async def member(self, council_id: uuid.UUID, member_id: uuid.UUID) -> CouncilMember | None:
        member = await self.session.get(CouncilMember, member_id)
        return member if member is not None and member.council_id == council_id else None

    async def serving_count(
        self, council_id: uuid.UUID, on: date, *, besides: uuid.UUID | None = None
    ) -> int:
        query = select(func.count()).where(CouncilMember.council_id == council_id, serving_on(on))
        if besides is not None:
            query = query.where(CouncilMember.id != besides)
        return (await self.session.scalar(query)) or 0

    async def meeting_summary(
        self, council_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, date | None]]:
        if not council_ids:
            return {}
        query = (
            select(
                CouncilMeeting.council_id,
                func.count(),
                func.max(CouncilMeeting.meeting_date),
            )
            .where(CouncilMeeting.council_id.in_(list(council_ids)))
            .group_by(CouncilMeeting.council_id)
        )
        return {row[0]: (row[1], row[2]) for row in (await self.session.execute(query)).all()}

    async def meeting(self, council_id: uuid.UUID, meeting_id: uuid.UUID) -> MeetingRow | None:
        query = select(CouncilMeeting, _members_serving_at_meeting()).where(
            CouncilMeeting.id == meeting_id, CouncilMeeting.council_id == council_id
        )
        row = (await self.session.execute(query)).first()
        return MeetingRow(row[0], row[1]) if row is not None else None

    async def meetings(
        self,
        council_id: uuid.UUID,
        *,
        year: int | None,
        limit: int,
        offset: int,
    ) -> tuple[list[MeetingRow], int]:
        query = select(CouncilMeeting, _members_serving_at_meeting()).where(
            CouncilMeeting.council_id == council_id
        )
        if year is not None:
            query = query.where(
                CouncilMeeting.meeting_date >= date(year, 1, 1),
                CouncilMeeting.meeting_date < date(year + 1, 1, 1),
            )
        query = query.order_by(CouncilMeeting.meeting_date.desc(), CouncilMeeting.id)
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [MeetingRow(r[0], r[1]) for r in rows], await count_rows(self.session, query)

    # --- the covenant ------------------------------------------------------

    async def current_version(self, area_code: str) -> CovenantVersion | None:
        return await self.session.scalar(
            select(CovenantVersion).where(
                CovenantVersion.area_code == area_code,
                CovenantVersion.superseded_date.is_(None),
            )
        )

    async def version(self, area_code: str, number: int) -> CovenantVersion | None:
        return await self.session.scalar(
            select(CovenantVersion).where(
                CovenantVersion.area_code == area_code,
                CovenantVersion.version_number == number,
            )
        )

    async def last_version_number(self, area_code: str) -> int:
        found = await self.session.scalar(
            select(func.max(CovenantVersion.version_number)).where(
                CovenantVersion.area_code == area_code
            )
        )
        return found or 0

    async def versions(
        self, area_code: str, *, limit: int, offset: int
    ) -> tuple[list[CovenantVersion], int]:
        query = (
            select(CovenantVersion)
            .where(CovenantVersion.area_code == area_code)
            .order_by(CovenantVersion.version_number.desc())
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def recognitions_of(
        self, version_ids: Sequence[uuid.UUID]
    ) -> list[tuple[CovenantRecognition, CovenantVersion, str]]:
        if not version_ids:
            return []
        return await self._recognitions(
            self._recognition_query().where(CovenantRecognition.version_id.in_(list(version_ids)))
        )

    async def recognitions(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[tuple[CovenantRecognition, CovenantVersion, str]], int]:
        query = self._recognition_query().where(*conditions)
        rows = await self._recognitions(query.limit(limit).offset(offset))
        return rows, await count_rows(self.session, query)

    @staticmethod
    def _recognition_query() -> Select[CovenantRecognition, CovenantVersion, str]:
        return (
            select(CovenantRecognition, CovenantVersion, Village.name)
            .join(CovenantVersion, CovenantVersion.id == CovenantRecognition.version_id)
            .join(Village, Village.code == CovenantVersion.area_code)
            .order_by(
                CovenantRecognition.year.desc(),
                CovenantVersion.area_code,
                CovenantRecognition.id,
            )
        )

    async def _recognitions(
        self, query: Select[CovenantRecognition, CovenantVersion, str]
    ) -> list[tuple[CovenantRecognition, CovenantVersion, str]]:
        return [(r[0], r[1], r[2]) for r in (await self.session.execute(query)).all()]
