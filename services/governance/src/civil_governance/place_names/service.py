"""Use cases of the place-name register; each write commits exactly once.

Names change only through a rename, which keeps the old name with its date,
reason, document number and approving authority; the first entry of every
place's history is its naming.
"""

import uuid
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.repository import DivisionRepository
from civil_governance.divisions.schemas import DivisionBrief
from civil_governance.place_names.models import PlaceName, PlaceNameChange
from civil_governance.place_names.pinyin import pinyin_key
from civil_governance.place_names.repository import PlaceNameRepository, matches
from civil_governance.place_names.schemas import (
    PlaceCategory,
    PlaceNameChangeOut,
    PlaceNameCreate,
    PlaceNameDetail,
    PlaceNameEvent,
    PlaceNameOut,
    PlaceNamePatch,
    PlaceNameRename,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


def place_not_found(place_id: uuid.UUID) -> NotFound:
    return NotFound(f"地名 {place_id} 不存在", code="GOVERNANCE_PLACE_NAME_NOT_FOUND")


def name_taken(name: str, division_code: str, holder: uuid.UUID | None = None) -> Conflict:
    extra: dict[str, Any] = {"conflicting_place_name_id": str(holder)} if holder is not None else {}
    return Conflict(
        f"区划 {division_code} 内已有同类地名“{name}”",
        code="GOVERNANCE_PLACE_NAME_EXISTS",
        **extra,
    )


def to_out(place: PlaceName, changes: list[PlaceNameChange]) -> PlaceNameOut:
    return PlaceNameOut(
        id=place.id,
        standard_name=place.standard_name,
        pinyin=place.pinyin,
        category=PlaceCategory(place.category),
        division=DivisionBrief(code=AreaCode(place.division.code), name=place.division.name),
        meaning=place.meaning,
        origin=place.origin,
        approval_date=place.approval_date,
        approving_authority=place.approving_authority,
        approval_document=place.approval_document,
        former_names=[c.old_name for c in changes if c.old_name is not None],
        version=place.version,
    )


def to_detail(place: PlaceName, changes: list[PlaceNameChange]) -> PlaceNameDetail:
    return PlaceNameDetail(
        **to_out(place, changes).model_dump(),
        history=[PlaceNameChangeOut.model_validate(c) for c in changes],
    )


class PlaceNameService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = PlaceNameRepository(session)
        self.divisions = DivisionRepository(session)

    # --- reads -------------------------------------------------------------

    async def get(self, place_id: uuid.UUID, principal: Principal) -> PlaceNameDetail:
        place = await self._visible(place_id, principal)
        return to_detail(place, (await self.repository.changes([place.id])).get(place.id, []))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        q: str | None = None,
        category: PlaceCategory | None = None,
        area_code: str | None = None,
    ) -> Page[PlaceNameOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(PlaceName.division_code, principal)]
        if q is not None and q.strip():
            conditions.append(matches(q))
        if category is not None:
            conditions.append(PlaceName.category == category.value)
        if area_code is not None:
            conditions.append(PlaceName.division_code.startswith(area_code, autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        changes = await self.repository.changes([p.id for p in items])
        return Page[PlaceNameOut].of([to_out(p, changes.get(p.id, [])) for p in items], total, page)

    # --- writes ------------------------------------------------------------

    async def create(self, data: PlaceNameCreate, principal: Principal) -> PlaceNameDetail:
        division_code = str(data.division_code)
        await self._ensure_division(division_code)
        holder = await self.repository.holder(
            division_code, data.category.value, data.standard_name
        )
        if holder is not None:
            raise name_taken(data.standard_name, division_code, holder.id)
        place = PlaceName(
            standard_name=data.standard_name,
            pinyin=data.pinyin,
            pinyin_key=pinyin_key(data.pinyin),
            category=data.category.value,
            division_code=division_code,
            meaning=data.meaning,
            origin=data.origin,
            approval_date=data.approval_date,
            approving_authority=data.approving_authority,
            approval_document=data.approval_document,
            recorded_by=principal.sub,
        )
        async with unique_or_conflict(self.session, name_taken(data.standard_name, division_code)):
            await self.repository.add(place)
            naming = PlaceNameChange(
                place_name_id=place.id,
                seq=1,
                event=PlaceNameEvent.NAMED.value,
                event_date=data.approval_date,
                new_name=data.standard_name,
                new_pinyin=data.pinyin,
                document_number=data.approval_document,
                approving_authority=data.approving_authority,
                recorded_by=principal.sub,
            )
            await self.repository.add(naming)
            await self.session.commit()
        await self.session.refresh(place, ["division"])
        return to_detail(place, [naming])

    async def update(
        self,
        place_id: uuid.UUID,
        patch: PlaceNamePatch,
        expected_version: int,
        principal: Principal,
    ) -> PlaceNameDetail:
        place = await self._visible(place_id, principal)
        check_version(place.version, expected_version)
        sent = patch.model_fields_set
        if patch.division_code is not None and patch.division_code != place.division_code:
            await self._ensure_division(str(patch.division_code))
            place.division_code = str(patch.division_code)
        if patch.category is not None:
            place.category = patch.category.value
        if patch.pinyin is not None:
            place.pinyin, place.pinyin_key = patch.pinyin, pinyin_key(patch.pinyin)
        for field in ("meaning", "origin"):
            if field in sent:
                setattr(place, field, getattr(patch, field))
        if {"division_code", "category"} & sent:
            holder = await self.repository.holder(
                place.division_code, place.category, place.standard_name
            )
            if holder is not None and holder.id != place.id:
                raise name_taken(place.standard_name, place.division_code, holder.id)
        async with unique_or_conflict(
            self.session, name_taken(place.standard_name, place.division_code)
        ):
            await self.repository.flush()
            await self.session.commit()
        return await self._reloaded(place)

    async def rename(
        self,
        place_id: uuid.UUID,
        data: PlaceNameRename,
        expected_version: int,
        principal: Principal,
    ) -> PlaceNameDetail:
        place = await self._visible(place_id, principal)
        check_version(place.version, expected_version)
        if data.new_name == place.standard_name:
            raise Unprocessable(
                "新名称与现名称相同；只改拼音请修改地名信息",
                code="GOVERNANCE_PLACE_NAME_UNCHANGED",
            )
        history = (await self.repository.changes([place.id])).get(place.id, [])
        dates = [c.event_date for c in history if c.event_date is not None]
        if dates and data.renamed_date < max(dates):
            raise Unprocessable(
                f"更名日期不能早于现名称的批准日期（{max(dates)}）",
                code="GOVERNANCE_PLACE_NAME_RENAME_DATE",
            )
        holder = await self.repository.holder(place.division_code, place.category, data.new_name)
        if holder is not None:
            raise name_taken(data.new_name, place.division_code, holder.id)
        rename = PlaceNameChange(
            place_name_id=place.id,
            seq=len(history) + 1,
            event=PlaceNameEvent.RENAMED.value,
            event_date=data.renamed_date,
            old_name=place.standard_name,
            old_pinyin=place.pinyin,
            new_name=data.new_name,
            new_pinyin=data.new_pinyin,
            reason=data.reason,
            document_number=data.document_number,
            approving_authority=data.approving_authority,
            recorded_by=principal.sub,
        )
        place.standard_name = data.new_name
        place.pinyin, place.pinyin_key = data.new_pinyin, pinyin_key(data.new_pinyin)
        place.approval_date = data.renamed_date
        place.approving_authority = data.approving_authority
        place.approval_document = data.document_number
        if data.meaning is not None:
            place.meaning = data.meaning
        async with unique_or_conflict(self.session, name_taken(data.new_name, place.division_code)):
            # The versioned UPDATE first: a concurrent rename with the same ETag is a 412.
            await self.repository.flush()
            await self.repository.add(rename)
            await self.session.commit()
        return to_detail(place, [*history, rename])

    # --- helpers -----------------------------------------------------------

    async def _ensure_division(self, code: str) -> None:
        if await self.divisions.get(code) is None:
            raise Unprocessable(
                f"区划代码 {code} 不存在", code="GOVERNANCE_PLACE_NAME_DIVISION_UNKNOWN"
            )

    async def _reloaded(self, place: PlaceName) -> PlaceNameDetail:
        await self.session.refresh(place, ["division"])
        return to_detail(place, (await self.repository.changes([place.id])).get(place.id, []))

    async def _visible(self, place_id: uuid.UUID, principal: Principal) -> PlaceName:
        place = await self.repository.get(place_id)
        missing = place_not_found(place_id)
        if place is None:
            raise missing
        ensure_visible(principal, place.division_code, missing)
        return place
