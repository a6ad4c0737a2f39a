"""Use cases of care institutions: register and update them (residents and staff counts
under If-Match), keep the ledger of disabled tekun residents, record closed-management
periods, read and summarise them."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.institutions.models import (
    CareInstitution,
    ClosedManagementPeriod,
    DisabledTekunResident,
)
from civil_welfare.institutions.repository import (
    InstitutionRepository,
    closure_summary,
    institution_summary,
    name_or_id_number,
    overlaps,
    within,
)
from civil_welfare.institutions.schemas import (
    TRANSITIONS,
    ClosureCreate,
    ClosureOut,
    ClosurePatch,
    ClosureSummary,
    InstitutionCreate,
    InstitutionKind,
    InstitutionOut,
    InstitutionPatch,
    InstitutionStatus,
    InstitutionSummary,
    Operator,
    ResidentAdmit,
    ResidentLeave,
    ResidentOut,
    ResidentPatch,
    SelfCareLevel,
)
from civil_welfare.pii import audit_pii_read

#: Violations the database reports for a duplicate (unique) or an overlap (exclusion).
CONFLICT_SQLSTATES = frozenset({"23505", "23P01"})


@asynccontextmanager
async def constraint_conflict(session: AsyncSession, conflict: AppError) -> AsyncIterator[None]:
    """Turn a unique or exclusion violation inside the block into ``conflict``.

    The use case checks first, to answer the common case with a clear message; the
    constraint answers the race two concurrent requests would slip past the check.
    """
    try:
        yield
    except IntegrityError as exc:
        await session.rollback()
        if getattr(exc.orig, "sqlstate", None) in CONFLICT_SQLSTATES:
            raise conflict from exc
        raise


# --- problems ---------------------------------------------------------------------


def institution_not_found(institution_id: uuid.UUID) -> NotFound:
    return NotFound(f"机构 {institution_id} 不存在", code="WELFARE_INSTITUTION_NOT_FOUND")


def resident_not_found(entry_id: uuid.UUID) -> NotFound:
    return NotFound(f"台账记录 {entry_id} 不存在", code="WELFARE_LEDGER_ENTRY_NOT_FOUND")


def closure_not_found(period_id: uuid.UUID) -> NotFound:
    return NotFound(f"封闭管理记录 {period_id} 不存在", code="WELFARE_CLOSURE_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记机构", code="WELFARE_AREA_FORBIDDEN")


def name_taken(existing: CareInstitution | None = None) -> Conflict:
    extra: dict[str, Any] = {"institution_id": str(existing.id)} if existing else {}
    return Conflict("已有同名机构", code="WELFARE_INSTITUTION_NAME_TAKEN", **extra)


def on_ledger_elsewhere(existing: DisabledTekunResident | None = None) -> Conflict:
    extra: dict[str, Any] = {"conflicting_entry_id": str(existing.id)} if existing else {}
    return Conflict(
        "该人员已在台账上（一人同一时间只能在一个机构的台账上）；转院须先办理离院",
        code="WELFARE_LEDGER_PERSON_ON_LEDGER",
        **extra,
    )


def closure_overlaps(existing: ClosedManagementPeriod | None = None) -> Conflict:
    extra: dict[str, Any] = (
        {
            "conflicting_period_id": str(existing.id),
            "conflicting_start_date": existing.start_date.isoformat(),
            "conflicting_end_date": existing.end_date.isoformat() if existing.end_date else None,
        }
        if existing
        else {}
    )
    return Conflict(
        "与该机构已有的封闭管理期间重叠（同一机构的封闭管理期间不能重叠）",
        code="WELFARE_CLOSURE_OVERLAPS",
        **extra,
    )


# --- outputs ----------------------------------------------------------------------


def institution_out(institution: CareInstitution) -> InstitutionOut:
    status = InstitutionStatus(institution.status)
    area = AreaCode(institution.area_code)
    return InstitutionOut(
        id=institution.id,
        name=institution.name,
        kind=InstitutionKind(institution.kind),
        operator=Operator(institution.operator),
        area_code=area,
        township_code=AreaCode(area[:9]),
        address=institution.address,
        capacity=institution.capacity,
        residents_count=institution.residents_count,
        staff_count=institution.staff_count,
        vacant_beds=institution.capacity - institution.residents_count,
        status=status,
        allowed_statuses=list(TRANSITIONS[status]),
        version=institution.version,
    )


def resident_out(entry: DisabledTekunResident, institution: CareInstitution) -> ResidentOut:
    return ResidentOut(
        id=entry.id,
        institution_id=institution.id,
        institution_name=institution.name,
        area_code=AreaCode(institution.area_code),
        id_number=IdNumber(entry.id_number),
        name=entry.name,
        self_care_level=SelfCareLevel(entry.self_care_level),
        admitted_date=entry.admitted_date,
        left_date=entry.left_date,
        left_reason=entry.left_reason,
        active=entry.left_date is None,
        recorded_by=entry.recorded_by,
        version=entry.version,
    )


def closure_out(period: ClosedManagementPeriod, institution: CareInstitution) -> ClosureOut:
    return ClosureOut(
        id=period.id,
        institution_id=institution.id,
        institution_name=institution.name,
        area_code=AreaCode(institution.area_code),
        start_date=period.start_date,
        end_date=period.end_date,
        ongoing=period.end_date is None,
        residents_inside=period.residents_inside,
        staff_inside=period.staff_inside,
        infections=period.infections,
        notes=period.notes,
        recorded_by=period.recorded_by,
        version=period.version,
    )


def _move_status(institution: CareInstitution, new: InstitutionStatus) -> None:
    current = InstitutionStatus(institution.status)
    if new is current:
        return
    allowed = TRANSITIONS[current]
    if new not in allowed:
        raise Conflict(
            f"机构当前为“{current.value}”，不能变更为“{new.value}”",
            code="WELFARE_INSTITUTION_INVALID_TRANSITION",
            current=current.value,
            allowed=[s.value for s in allowed],
        )
    institution.status = new.value


class InstitutionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = InstitutionRepository(session)

    # --- institutions ---------------------------------------------------------------

    async def create(self, data: InstitutionCreate, principal: Principal) -> InstitutionOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        existing = await self.repository.named(data.name)
        if existing is not None:
            raise name_taken(existing)
        institution = CareInstitution(
            name=data.name,
            kind=data.kind.value,
            operator=data.operator.value,
            area_code=str(data.area_code),
            address=data.address,
            capacity=data.capacity,
            residents_count=data.residents_count,
            staff_count=data.staff_count,
            status=InstitutionStatus.OPERATING.value,
        )
        async with constraint_conflict(self.session, name_taken()):
            await self.repository.add(institution)
            await self.session.commit()
        return institution_out(institution)

    async def update(
        self,
        institution_id: uuid.UUID,
        patch: InstitutionPatch,
        expected_version: int,
        principal: Principal,
    ) -> InstitutionOut:
        # Locked: an admission to the ledger counts against the residents in between.
        institution = await self._visible(institution_id, principal, for_update=True)
        check_version(institution.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None and "area_code" in sent:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            institution.area_code = str(patch.area_code)
        if patch.name is not None and patch.name != institution.name:
            existing = await self.repository.named(patch.name)
            if existing is not None:
                raise name_taken(existing)
            institution.name = patch.name
        if patch.kind is not None:
            institution.kind = patch.kind.value
        if patch.operator is not None:
            institution.operator = patch.operator.value
        if "address" in sent:
            institution.address = patch.address
        for field in ("capacity", "residents_count", "staff_count"):
            value = getattr(patch, field)
            if value is not None:
                setattr(institution, field, value)
        if patch.status is not None:
            _move_status(institution, patch.status)
        await self._check_counts(institution)
        async with constraint_conflict(self.session, name_taken()):
            await self.repository.flush()
            await self.session.commit()
        return institution_out(institution)

    async def _check_counts(self, institution: CareInstitution) -> None:
        if institution.residents_count > institution.capacity:
            raise Unprocessable(
                f"入住人数（{institution.residents_count}）不能超过床位数"
                f"（{institution.capacity}）",
                code="WELFARE_INSTITUTION_OVER_CAPACITY",
            )
        if institution.status == InstitutionStatus.CLOSED and institution.residents_count > 0:
            raise Conflict(
                "机构仍有入住老人，须先妥善安置并将入住人数改为0后才能停办",
                code="WELFARE_INSTITUTION_NOT_EMPTY",
            )
        on_ledger = await self.repository.active_residents(institution.id)
        if institution.residents_count < on_ledger:
            raise Unprocessable(
                f"入住人数（{institution.residents_count}）不能少于台账上在院的失能特困人员"
                f"（{on_ledger}人）",
                code="WELFARE_INSTITUTION_RESIDENTS_BELOW_LEDGER",
                on_ledger=on_ledger,
            )

    async def get(self, institution_id: uuid.UUID, principal: Principal) -> InstitutionOut:
        return institution_out(await self._visible(institution_id, principal))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        kind: InstitutionKind | None = None,
        operator: Operator | None = None,
        status: InstitutionStatus | None = None,
        q: str | None = None,
    ) -> Page[InstitutionOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(CareInstitution.area_code, principal),
            within(area_code),
        ]
        if kind is not None:
            conditions.append(CareInstitution.kind == kind.value)
        if operator is not None:
            conditions.append(CareInstitution.operator == operator.value)
        if status is not None:
            conditions.append(CareInstitution.status == status.value)
        if q is not None and q.strip():
            conditions.append(CareInstitution.name.contains(q.strip(), autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[InstitutionOut].of([institution_out(i) for i in items], total, page)

    async def summary(self, principal: Principal, area_code: str | None) -> InstitutionSummary:
        visible = area_condition(CareInstitution.area_code, principal)
        return await institution_summary(self.session, visible, area_code)

    # --- the ledger of disabled tekun residents --------------------------------------

    async def admit(
        self, institution_id: uuid.UUID, data: ResidentAdmit, principal: Principal
    ) -> ResidentOut:
        # Locked: two admissions must not both pass the count against the residents.
        institution = await self._visible(institution_id, principal, for_update=True)
        if institution.status != InstitutionStatus.OPERATING:
            raise Conflict(
                f"机构当前为“{institution.status}”，不能登记入住",
                code="WELFARE_INSTITUTION_NOT_OPERATING",
                current=institution.status,
            )
        id_number = str(data.id_number)
        active = await self.repository.active_entry_of(id_number)
        if active is not None:
            raise on_ledger_elsewhere(active)
        earlier = await self.repository.stay_overlapping(id_number, data.admitted_date, None)
        if earlier is not None:
            raise Conflict(
                f"入住日期早于该人员上一次离院日期（{earlier.left_date}）",
                code="WELFARE_LEDGER_STAYS_OVERLAP",
                conflicting_entry_id=str(earlier.id),
            )
        on_ledger = await self.repository.active_residents(institution.id)
        if on_ledger >= institution.residents_count:
            raise Conflict(
                f"台账上在院人数（{on_ledger}）已达机构入住人数"
                f"（{institution.residents_count}）：请先更新机构入住人数",
                code="WELFARE_LEDGER_EXCEEDS_RESIDENTS",
            )
        entry = DisabledTekunResident(
            institution_id=institution.id,
            id_number=id_number,
            name=data.name,
            self_care_level=data.self_care_level.value,
            admitted_date=data.admitted_date,
            recorded_by=principal.sub,
        )
        async with constraint_conflict(self.session, on_ledger_elsewhere()):
            await self.repository.add(entry)
            await self.session.commit()
        return resident_out(entry, institution)

    async def leave(
        self,
        entry_id: uuid.UUID,
        data: ResidentLeave,
        principal: Principal,
        expected_version: int | None,
    ) -> ResidentOut:
        entry, institution = await self._visible_resident(entry_id, principal, for_update=True)
        if entry.left_date is not None:
            raise Conflict(f"该人员已于 {entry.left_date} 离院", code="WELFARE_LEDGER_ENTRY_LEFT")
        if expected_version is not None:
            check_version(entry.version, expected_version)
        if data.left_date < entry.admitted_date:
            raise Unprocessable("离院日期不能早于入住日期", code="WELFARE_LEDGER_LEFT_DATE")
        entry.left_date, entry.left_reason = data.left_date, data.reason
        await self.repository.flush()
        await self.session.commit()
        return resident_out(entry, institution)

    async def update_resident(
        self,
        entry_id: uuid.UUID,
        patch: ResidentPatch,
        expected_version: int,
        principal: Principal,
    ) -> ResidentOut:
        entry, institution = await self._visible_resident(entry_id, principal)
        check_version(entry.version, expected_version)
        if patch.name is not None:
            entry.name = patch.name
        if patch.self_care_level is not None:
            entry.self_care_level = patch.self_care_level.value
        await self.repository.flush()
        await self.session.commit()
        return resident_out(entry, institution)

    async def resident(self, entry_id: uuid.UUID, principal: Principal) -> ResidentOut:
        entry, institution = await self._visible_resident(entry_id, principal)
        await audit_pii_read(self.session, principal, "disabled_tekun_resident", [entry.id])
        return resident_out(entry, institution)

    async def residents(
        self,
        page: PageParams,
        principal: Principal,
        *,
        institution_id: uuid.UUID | None = None,
        area_code: str | None = None,
        active: bool | None = None,
        self_care_level: SelfCareLevel | None = None,
        q: str | None = None,
    ) -> Page[ResidentOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(CareInstitution.area_code, principal),
            within(area_code),
        ]
        if institution_id is not None:
            await self._visible(institution_id, principal)
            conditions.append(DisabledTekunResident.institution_id == institution_id)
        if active is not None:
            left = DisabledTekunResident.left_date.is_not(None)
            conditions.append(~left if active else left)
        if self_care_level is not None:
            conditions.append(DisabledTekunResident.self_care_level == self_care_level.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        rows, total = await self.repository.residents(
            conditions, limit=page.limit, offset=page.offset
        )
        await audit_pii_read(
            self.session, principal, "disabled_tekun_resident", [e.id for e, _ in rows]
        )
        return Page[ResidentOut].of([resident_out(e, i) for e, i in rows], total, page)

    # --- closed-management periods ---------------------------------------------------

    async def open_closure(
        self, institution_id: uuid.UUID, data: ClosureCreate, principal: Principal
    ) -> ClosureOut:
        institution = await self._visible(institution_id, principal)
        if institution.status == InstitutionStatus.CLOSED:
            raise Conflict("机构已停办，不能登记封闭管理", code="WELFARE_INSTITUTION_CLOSED")
        self._check_inside(institution, data.residents_inside)
        existing = await self.repository.closure_overlapping(
            institution.id, data.start_date, data.end_date
        )
        if existing is not None:
            raise closure_overlaps(existing)
        period = ClosedManagementPeriod(
            institution_id=institution.id,
            start_date=data.start_date,
            end_date=data.end_date,
            residents_inside=data.residents_inside,
            staff_inside=data.staff_inside,
            infections=data.infections,
            notes=data.notes,
            recorded_by=principal.sub,
        )
        async with constraint_conflict(self.session, closure_overlaps()):
            await self.repository.add(period)
            await self.session.commit()
        return closure_out(period, institution)

    async def update_closure(
        self,
        period_id: uuid.UUID,
        patch: ClosurePatch,
        expected_version: int,
        principal: Principal,
    ) -> ClosureOut:
        period, institution = await self._visible_closure(period_id, principal)
        check_version(period.version, expected_version)
        sent = patch.model_fields_set
        if patch.start_date is not None:
            period.start_date = patch.start_date
        if "end_date" in sent:
            period.end_date = patch.end_date
        for field in ("residents_inside", "staff_inside", "infections"):
            value = getattr(patch, field)
            if value is not None:
                setattr(period, field, value)
        if "notes" in sent:
            period.notes = patch.notes
        if period.end_date is not None and period.end_date < period.start_date:
            raise Unprocessable("结束日期不能早于开始日期", code="WELFARE_CLOSURE_END_DATE")
        self._check_inside(institution, period.residents_inside)
        existing = await self.repository.closure_overlapping(
            institution.id, period.start_date, period.end_date, besides=period.id
        )
        if existing is not None:
            raise closure_overlaps(existing)
        async with constraint_conflict(self.session, closure_overlaps()):
            await self.repository.flush()
            await self.session.commit()
        return closure_out(period, institution)

    @staticmethod
    def _check_inside(institution: CareInstitution, residents_inside: int) -> None:
        if residents_inside > institution.capacity:
            raise Unprocessable(
                f"封闭期间在院老人数（{residents_inside}）不能超过床位数（{institution.capacity}）",
                code="WELFARE_CLOSURE_OVER_CAPACITY",
            )

    async def closure(self, period_id: uuid.UUID, principal: Principal) -> ClosureOut:
        return closure_out(*await self._visible_closure(period_id, principal))

    async def closures(
        self,
        page: PageParams,
        principal: Principal,
        *,
        institution_id: uuid.UUID | None = None,
        area_code: str | None = None,
        ongoing: bool | None = None,
        year: int | None = None,
        on: date | None = None,
    ) -> Page[ClosureOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(CareInstitution.area_code, principal),
            within(area_code),
        ]
        if institution_id is not None:
            await self._visible(institution_id, principal)
            conditions.append(ClosedManagementPeriod.institution_id == institution_id)
        if ongoing is not None:
            open_ended = ClosedManagementPeriod.end_date.is_(None)
            conditions.append(open_ended if ongoing else ~open_ended)
        if year is not None:
            conditions.append(overlaps(date(year, 1, 1), date(year, 12, 31)))
        if on is not None:
            conditions.append(overlaps(on, on))
        rows, total = await self.repository.closures(
            conditions, limit=page.limit, offset=page.offset
        )
        return Page[ClosureOut].of([closure_out(p, i) for p, i in rows], total, page)

    async def closure_summary(
        self, year: int, principal: Principal, area_code: str | None
    ) -> ClosureSummary:
        visible = area_condition(CareInstitution.area_code, principal)
        return await closure_summary(self.session, year, visible, area_code)

    # --- loading what the caller may see -------------------------------------------

    async def _visible(
        self, institution_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> CareInstitution:
        institution = await self.repository.get(institution_id, for_update=for_update)
        missing = institution_not_found(institution_id)
        if institution is None:
            raise missing
        ensure_visible(principal, institution.area_code, missing)
        return institution

    async def _visible_resident(
        self, entry_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> tuple[DisabledTekunResident, CareInstitution]:
        row = await self.repository.resident(entry_id, for_update=for_update)
        missing = resident_not_found(entry_id)
        if row is None:
            raise missing
        ensure_visible(principal, row[1].area_code, missing)
        return row

    async def _visible_closure(
        self, period_id: uuid.UUID, principal: Principal
    ) -> tuple[ClosedManagementPeriod, CareInstitution]:
        row = await self.repository.closure(period_id)
        missing = closure_not_found(period_id)
        if row is None:
            raise missing
        ensure_visible(principal, row[1].area_code, missing)
        return row
