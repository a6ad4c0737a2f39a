"""Use cases of rescue records: record a person helped, read the records."""

import uuid

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.rescue.models import RescueRecord
from civil_assistance.rescue.repository import RescueRepository, in_year
from civil_assistance.rescue.schemas import (
    HelpGiven,
    RescueCreate,
    RescueOut,
    RescueOutcome,
    RescueSex,
)
from civil_shared.auth import Principal
from civil_shared.errors import Forbidden, NotFound
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.types import AreaCode, IdNumber


def record_not_found(record_id: uuid.UUID) -> NotFound:
    return NotFound(f"救助记录 {record_id} 不存在", code="ASSISTANCE_RESCUE_NOT_FOUND")


def to_out(record: RescueRecord) -> RescueOut:
    return RescueOut(
        id=record.id,
        person_name=record.person_name,
        id_number=IdNumber(record.id_number) if record.id_number else None,
        sex=RescueSex(record.sex),
        approximate_age=record.approximate_age,
        found_date=record.found_date,
        year=record.found_date.year,
        place=record.place,
        area_code=AreaCode(record.area_code),
        help_given=[HelpGiven(h) for h in record.help_given],
        outcome=RescueOutcome(record.outcome),
        notes=record.notes,
        recorded_by=record.recorded_by,
        version=record.version,
    )


class RescueService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = RescueRepository(session)

    async def record(self, data: RescueCreate, principal: Principal) -> RescueOut:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外登记救助记录", code="ASSISTANCE_AREA_FORBIDDEN")
        record = RescueRecord(
            person_name=data.person_name,
            id_number=str(data.id_number) if data.id_number else None,
            sex=data.sex.value,
            approximate_age=data.approximate_age,
            found_date=data.found_date,
            place=data.place,
            area_code=str(data.area_code),
            help_given=[h.value for h in data.help_given],
            outcome=data.outcome.value,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        await self.repository.add(record)
        await self.session.commit()
        return to_out(record)

    async def get(self, record_id: uuid.UUID, principal: Principal) -> RescueOut:
        record = await self.repository.get(record_id)
        missing = record_not_found(record_id)
        if record is None:
            raise missing
        ensure_visible(principal, record.area_code, missing)
        return to_out(record)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        year: int | None = None,
        area_code: str | None = None,
        outcome: RescueOutcome | None = None,
    ) -> Page[RescueOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(RescueRecord.area_code, principal)]
        if year is not None:
            conditions.append(in_year(year))
        if area_code is not None:
            conditions.append(RescueRecord.area_code.startswith(area_code, autoescape=True))
        if outcome is not None:
            conditions.append(RescueRecord.outcome == outcome.value)
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[RescueOut].of([to_out(r) for r in items], total, page)
