"""Use cases of the high-age allowance: register, correct, suspend or stop, preview."""

import uuid
from datetime import date
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
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.high_age.repository import AllowanceRepository, name_or_id_number
from civil_welfare.high_age.rules import amounts_for, tiers_for
from civil_welfare.high_age.schemas import (
    TRANSITIONS,
    AllowanceCreate,
    AllowanceOut,
    AllowancePatch,
    AllowanceStatus,
    PreviewIn,
    PreviewOut,
    StatusChange,
    StopReason,
)
from civil_welfare.high_age.tiers import assess, first_period_at_age
from civil_welfare.pii import audit_pii_read

ENTITY = "high_age_allowance"


def allowance_not_found(allowance_id: uuid.UUID) -> NotFound:
    return NotFound(f"高龄津贴记录 {allowance_id} 不存在", code="WELFARE_HIGH_AGE_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记或迁入高龄津贴对象", code="WELFARE_AREA_FORBIDDEN")


def already_registered(existing_id: uuid.UUID | None = None) -> Conflict:
    extra: dict[str, Any] = {"existing_id": str(existing_id)} if existing_id is not None else {}
    return Conflict(
        "该老人已在高龄津贴名册中，一人只登记一次", code="WELFARE_HIGH_AGE_EXISTS", **extra
    )


def to_out(allowance: HighAgeAllowance) -> AllowanceOut:
    id_number = IdNumber(allowance.id_number)
    return AllowanceOut(
        id=allowance.id,
        id_number=id_number,
        name=allowance.name,
        sex=id_number.sex.value,
        birth_date=id_number.birth_date,
        age=id_number.age_on(date.today()),
        area_code=AreaCode(allowance.area_code),
        start_period=Period(allowance.start_period),
        end_period=Period(allowance.end_period) if allowance.end_period else None,
        status=AllowanceStatus(allowance.status),
        status_reason=allowance.status_reason,
        stop_reason=StopReason(allowance.stop_reason) if allowance.stop_reason else None,
        stop_date=allowance.stop_date,
        version=allowance.version,
    )


class AllowanceService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = AllowanceRepository(session)

    # --- reads -------------------------------------------------------------

    async def get(self, allowance_id: uuid.UUID, principal: Principal) -> AllowanceOut:
        allowance = await self._visible(allowance_id, principal)
        await audit_pii_read(self.session, principal, ENTITY, [allowance.id])
        return to_out(allowance)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: AllowanceStatus | None = None,
        q: str | None = None,
    ) -> Page[AllowanceOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(HighAgeAllowance.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(HighAgeAllowance.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(HighAgeAllowance.status == status.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, ENTITY, [r.id for r in items])
        return Page[AllowanceOut].of([to_out(a) for a in items], total, page)

    async def preview(self, data: PreviewIn) -> PreviewOut:
        """The tier and amount of a person for a month; the amount only when eligible,
        and then a 409 ``WELFARE_PARAMETER_MISSING`` if that year's amount is unset."""
        birth = data.id_number.birth_date
        if data.period.last_day < birth:
            raise Unprocessable("发放月份早于出生日期", code="WELFARE_HIGH_AGE_PERIOD")
        area = str(data.area_code)
        tiers = await tiers_for(self.session, data.period.year, area)
        found = assess(birth, data.period, tiers)
        if found.tier is not None:
            amounts = await amounts_for(self.session, data.period.year, area)
            found = assess(birth, data.period, tiers, amounts)
        return PreviewOut(
            period=data.period,
            birth_date=birth,
            age_on=found.on,
            age=found.age,
            eligible=found.tier is not None,
            tier=found.tier,
            tier_label=found.tier_label,
            tier_min_ages=list(tiers.min_ages),
            monthly_amount=found.monthly_amount,
            first_eligible_period=first_period_at_age(birth, tiers.min_ages[0]),
            explanation=found.explanation,
        )

    # --- writes ------------------------------------------------------------

    async def register(self, data: AllowanceCreate, principal: Principal) -> AllowanceOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        await self._ensure_eligible(data.id_number, data.start_period, str(data.area_code))
        existing = await self.repository.find_by_id_number(str(data.id_number))
        if existing is not None:
            raise already_registered(existing.id)
        allowance = HighAgeAllowance(
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            start_period=str(data.start_period),
            status=AllowanceStatus.ACTIVE.value,
        )
        async with unique_or_conflict(self.session, already_registered()):
            await self.repository.add(allowance)
            await self.session.commit()
        return to_out(allowance)

    async def update(
        self,
        allowance_id: uuid.UUID,
        patch: AllowancePatch,
        expected_version: int,
        principal: Principal,
    ) -> AllowanceOut:
        allowance = await self._visible(allowance_id, principal)
        check_version(allowance.version, expected_version)
        if patch.name is not None:
            allowance.name = patch.name
        if patch.area_code is not None:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            allowance.area_code = str(patch.area_code)
        if patch.start_period is not None:
            start = patch.start_period
            if allowance.end_period is not None and start > allowance.end_period:
                raise Unprocessable(
                    f"起始月份不能晚于最后发放月份 {allowance.end_period}",
                    code="WELFARE_HIGH_AGE_PERIOD",
                )
            await self._ensure_eligible(IdNumber(allowance.id_number), start, allowance.area_code)
            allowance.start_period = str(start)
        await self.session.commit()
        return to_out(allowance)

    async def change_status(
        self,
        allowance_id: uuid.UUID,
        change: StatusChange,
        expected_version: int,
        principal: Principal,
    ) -> AllowanceOut:
        allowance = await self._visible(allowance_id, principal)
        check_version(allowance.version, expected_version)
        current = AllowanceStatus(allowance.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"高龄津贴状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_HIGH_AGE_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        allowance.status = change.status.value
        allowance.status_reason = change.reason
        if change.status is AllowanceStatus.STOPPED:
            # Both required by StatusChange for a stop.
            assert change.stop_date is not None
            assert change.stop_reason is not None
            if change.stop_date < IdNumber(allowance.id_number).birth_date:
                raise Unprocessable("终止日期不能早于出生日期", code="WELFARE_HIGH_AGE_STOP_DATE")
            # The month of the event is still paid (停发自次月起) unless told otherwise.
            end = change.end_period or Period.of(change.stop_date)
            if end < allowance.start_period:
                raise Unprocessable(
                    f"最后发放月份 {end} 早于起始月份 {allowance.start_period}；"
                    "从未发放的误登记请更正起始月份或联系管理员",
                    code="WELFARE_HIGH_AGE_PERIOD",
                )
            allowance.stop_reason = change.stop_reason.value
            allowance.stop_date = change.stop_date
            allowance.end_period = str(end)
        await self.session.commit()
        return to_out(allowance)

    # --- helpers -----------------------------------------------------------

    async def _ensure_eligible(self, id_number: IdNumber, start: Period, area_code: str) -> None:
        """422 unless the person reaches the first tier's age by the end of ``start``."""
        if start.last_day < id_number.birth_date:
            raise Unprocessable("起始月份早于出生日期", code="WELFARE_HIGH_AGE_PERIOD")
        tiers = await tiers_for(self.session, start.year, area_code)
        found = assess(id_number.birth_date, start, tiers)
        if found.tier is None:
            first = first_period_at_age(id_number.birth_date, tiers.min_ages[0])
            raise Unprocessable(
                f"不符合高龄津贴条件：{found.explanation}",
                code="WELFARE_HIGH_AGE_NOT_ELIGIBLE",
                age=found.age,
                min_age=tiers.min_ages[0],
                first_eligible_period=str(first),
            )

    async def _visible(self, allowance_id: uuid.UUID, principal: Principal) -> HighAgeAllowance:
        allowance = await self.repository.get(allowance_id)
        missing = allowance_not_found(allowance_id)
        if allowance is None:
            raise missing
        ensure_visible(principal, allowance.area_code, missing)
        return allowance
