"""Use cases of funeral relief and cemeteries: record and correct fee waivers (one per
deceased person), total them by period; register cemeteries and move them forward."""

import uuid
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber, Period
from civil_welfare.funeral.models import FuneralWaiver, PublicCemetery
from civil_welfare.funeral.repository import (
    FuneralRepository,
    approved_between,
    cemetery_stats,
    deceased_name_or_id_number,
    waiver_totals,
)
from civil_welfare.funeral.schemas import (
    CEMETERY_TRANSITIONS,
    CemeteryCreate,
    CemeteryOut,
    CemeteryPatch,
    CemeteryStats,
    CemeteryStatus,
    FamilyProgramme,
    WaivedItem,
    WaiverCreate,
    WaiverOut,
    WaiverPatch,
    WaiverTotals,
    check_cemetery,
    check_waiver,
)
from civil_welfare.pii import audit_pii_read


def waiver_not_found(waiver_id: uuid.UUID) -> NotFound:
    return NotFound(f"殡葬救助记录 {waiver_id} 不存在", code="WELFARE_FUNERAL_WAIVER_NOT_FOUND")


def cemetery_not_found(cemetery_id: uuid.UUID) -> NotFound:
    return NotFound(f"公墓 {cemetery_id} 不存在", code="WELFARE_CEMETERY_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记", code="WELFARE_AREA_FORBIDDEN")


def already_waived(existing: FuneralWaiver | None = None) -> Conflict:
    extra: dict[str, Any] = {"waiver_id": str(existing.id)} if existing else {}
    return Conflict(
        "该逝者已享受殡葬费用减免（每名逝者只减免一次）",
        code="WELFARE_FUNERAL_WAIVER_EXISTS",
        **extra,
    )


def cemetery_name_taken(existing: PublicCemetery | None = None) -> Conflict:
    extra: dict[str, Any] = {"cemetery_id": str(existing.id)} if existing else {}
    return Conflict("该村已有同名公墓", code="WELFARE_CEMETERY_NAME_TAKEN", **extra)


def waiver_out(waiver: FuneralWaiver) -> WaiverOut:
    area = AreaCode(waiver.area_code)
    return WaiverOut(
        id=waiver.id,
        deceased_id_number=IdNumber(waiver.deceased_id_number),
        deceased_name=waiver.deceased_name,
        death_date=waiver.death_date,
        area_code=area,
        township_code=AreaCode(area[:9]),
        family_programme=FamilyProgramme(waiver.family_programme),
        items=[WaivedItem(i) for i in waiver.items],
        amount=waiver.amount,
        approved_by=waiver.approved_by,
        approved_date=waiver.approved_date,
        period=Period.of(waiver.approved_date),
        notes=waiver.notes,
        recorded_by=waiver.recorded_by,
        version=waiver.version,
    )


def cemetery_out(cemetery: PublicCemetery) -> CemeteryOut:
    status = CemeteryStatus(cemetery.status)
    area = AreaCode(cemetery.area_code)
    return CemeteryOut(
        id=cemetery.id,
        name=cemetery.name,
        area_code=area,
        township_code=AreaCode(area[:9]),
        status=status,
        allowed_statuses=list(CEMETERY_TRANSITIONS[status]),
        year_built=cemetery.year_built,
        graves_capacity=cemetery.graves_capacity,
        pilot=cemetery.pilot,
        notes=cemetery.notes,
        version=cemetery.version,
    )


class FuneralService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = FuneralRepository(session)

    # --- funeral fee waivers ------------------------------------------------------

    async def record_waiver(self, data: WaiverCreate, principal: Principal) -> WaiverOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        existing = await self.repository.waiver_of(str(data.deceased_id_number))
        if existing is not None:
            # The id only for who may see it: elsewhere the waiver's place is not told.
            raise already_waived(existing if principal.sees_area(existing.area_code) else None)
        waiver = FuneralWaiver(
            deceased_id_number=str(data.deceased_id_number),
            deceased_name=data.deceased_name,
            death_date=data.death_date,
            area_code=str(data.area_code),
            family_programme=data.family_programme.value,
            items=[i.value for i in data.items],
            amount=data.amount,
            approved_by=data.approved_by,
            approved_date=data.approved_date,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        async with unique_or_conflict(self.session, already_waived()):
            await self.repository.add(waiver)
            await self.session.commit()
        return waiver_out(waiver)

    async def correct_waiver(
        self,
        waiver_id: uuid.UUID,
        patch: WaiverPatch,
        expected_version: int,
        principal: Principal,
    ) -> WaiverOut:
        waiver = await self._visible_waiver(waiver_id, principal)
        check_version(waiver.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            waiver.area_code = str(patch.area_code)
        if patch.deceased_name is not None:
            waiver.deceased_name = patch.deceased_name
        if patch.death_date is not None:
            waiver.death_date = patch.death_date
        if patch.family_programme is not None:
            waiver.family_programme = patch.family_programme.value
        if patch.items is not None:
            waiver.items = [i.value for i in patch.items]
        if patch.amount is not None:
            waiver.amount = patch.amount
        if patch.approved_by is not None:
            waiver.approved_by = patch.approved_by
        if patch.approved_date is not None:
            waiver.approved_date = patch.approved_date
        if "notes" in sent:
            waiver.notes = patch.notes
        try:
            check_waiver(
                waiver.amount,
                waiver.death_date,
                waiver.approved_date,
                IdNumber(waiver.deceased_id_number),
            )
        except ValueError as exc:
            raise Unprocessable(str(exc), code="WELFARE_FUNERAL_WAIVER_INVALID") from None
        await self.repository.flush()
        await self.session.commit()
        return waiver_out(waiver)

    async def waiver(self, waiver_id: uuid.UUID, principal: Principal) -> WaiverOut:
        waiver = await self._visible_waiver(waiver_id, principal)
        await audit_pii_read(self.session, principal, "funeral_waiver", [waiver.id])
        return waiver_out(waiver)

    async def waivers(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        family_programme: FamilyProgramme | None = None,
        from_period: Period | None = None,
        to_period: Period | None = None,
        q: str | None = None,
    ) -> Page[WaiverOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(FuneralWaiver.area_code, principal)]
        if area_code is not None:
            conditions.append(FuneralWaiver.area_code.startswith(area_code, autoescape=True))
        if family_programme is not None:
            conditions.append(FuneralWaiver.family_programme == family_programme.value)
        if from_period is not None or to_period is not None:
            first = from_period or Period("2000-01")
            last = to_period or Period("2100-12")
            conditions.append(approved_between(first, last))
        if q is not None and q.strip():
            conditions.append(deceased_name_or_id_number(q))
        items, total = await self.repository.waivers(
            conditions, limit=page.limit, offset=page.offset
        )
        await audit_pii_read(self.session, principal, "funeral_waiver", [w.id for w in items])
        return Page[WaiverOut].of([waiver_out(w) for w in items], total, page)

    async def totals(
        self, first: Period, last: Period, principal: Principal, area_code: str | None
    ) -> WaiverTotals:
        if last < first:
            raise Unprocessable("截止月份不能早于起始月份", code="WELFARE_PERIOD_RANGE")
        visible = area_condition(FuneralWaiver.area_code, principal)
        return await waiver_totals(self.session, first, last, visible, area_code)

    async def _visible_waiver(self, waiver_id: uuid.UUID, principal: Principal) -> FuneralWaiver:
        waiver = await self.repository.waiver(waiver_id)
        missing = waiver_not_found(waiver_id)
        if waiver is None:
            raise missing
        ensure_visible(principal, waiver.area_code, missing)
        return waiver

    # --- public cemeteries --------------------------------------------------------

    async def register_cemetery(self, data: CemeteryCreate, principal: Principal) -> CemeteryOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        existing = await self.repository.cemetery_named(str(data.area_code), data.name)
        if existing is not None:
            raise cemetery_name_taken(existing)
        cemetery = PublicCemetery(
            name=data.name,
            area_code=str(data.area_code),
            status=data.status.value,
            year_built=data.year_built,
            graves_capacity=data.graves_capacity,
            pilot=data.pilot,
            notes=data.notes,
        )
        async with unique_or_conflict(self.session, cemetery_name_taken()):
            await self.repository.add(cemetery)
            await self.session.commit()
        return cemetery_out(cemetery)

    async def update_cemetery(
        self,
        cemetery_id: uuid.UUID,
        patch: CemeteryPatch,
        expected_version: int,
        principal: Principal,
    ) -> CemeteryOut:
        cemetery = await self._visible_cemetery(cemetery_id, principal)
        check_version(cemetery.version, expected_version)
        sent = patch.model_fields_set
        if patch.status is not None and patch.status.value != cemetery.status:
            current = CemeteryStatus(cemetery.status)
            allowed = CEMETERY_TRANSITIONS[current]
            if patch.status not in allowed:
                raise Conflict(
                    f"公墓当前为“{current.value}”，不能变更为“{patch.status.value}”",
                    code="WELFARE_CEMETERY_INVALID_TRANSITION",
                    current=current.value,
                    allowed=[s.value for s in allowed],
                )
            cemetery.status = patch.status.value
        if "year_built" in sent:
            cemetery.year_built = patch.year_built
        if patch.name is not None and patch.name != cemetery.name:
            existing = await self.repository.cemetery_named(cemetery.area_code, patch.name)
            if existing is not None:
                raise cemetery_name_taken(existing)
            cemetery.name = patch.name
        if patch.graves_capacity is not None:
            cemetery.graves_capacity = patch.graves_capacity
        if patch.pilot is not None:
            cemetery.pilot = patch.pilot
        if "notes" in sent:
            cemetery.notes = patch.notes
        try:
            check_cemetery(CemeteryStatus(cemetery.status), cemetery.year_built)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="WELFARE_CEMETERY_INVALID") from None
        async with unique_or_conflict(self.session, cemetery_name_taken()):
            await self.repository.flush()
            await self.session.commit()
        return cemetery_out(cemetery)

    async def cemetery(self, cemetery_id: uuid.UUID, principal: Principal) -> CemeteryOut:
        return cemetery_out(await self._visible_cemetery(cemetery_id, principal))

    async def cemeteries(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: CemeteryStatus | None = None,
        pilot: bool | None = None,
        year_built: int | None = None,
        q: str | None = None,
    ) -> Page[CemeteryOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(PublicCemetery.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(PublicCemetery.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(PublicCemetery.status == status.value)
        if pilot is not None:
            conditions.append(PublicCemetery.pilot.is_(pilot))
        if year_built is not None:
            conditions.append(PublicCemetery.year_built == year_built)
        if q is not None and q.strip():
            conditions.append(PublicCemetery.name.contains(q.strip(), autoescape=True))
        items, total = await self.repository.cemeteries(
            conditions, limit=page.limit, offset=page.offset
        )
        return Page[CemeteryOut].of([cemetery_out(c) for c in items], total, page)

    async def cemetery_stats(
        self, year: int, principal: Principal, area_code: str | None
    ) -> CemeteryStats:
        visible = area_condition(PublicCemetery.area_code, principal)
        return await cemetery_stats(self.session, year, visible, area_code)

    async def _visible_cemetery(
        self, cemetery_id: uuid.UUID, principal: Principal
    ) -> PublicCemetery:
        cemetery = await self.repository.cemetery(cemetery_id)
        missing = cemetery_not_found(cemetery_id)
        if cemetery is None:
            raise missing
        ensure_visible(principal, cemetery.area_code, missing)
        return cemetery
