"""Use cases of the hard-up elderly subsidies: grant, correct, suspend or end, read."""

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
from civil_welfare.elderly.qualification import ELDERLY_MIN_AGE
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.hard_up_elderly.repository import GrantRepository, name_or_id_number
from civil_welfare.hard_up_elderly.schemas import (
    TRANSITIONS,
    GrantCreate,
    GrantOut,
    GrantPatch,
    GrantStatus,
    GrantStatusChange,
    HardshipBasis,
    SubsidyKind,
)
from civil_welfare.high_age.rules import tiers_for
from civil_welfare.high_age.tiers import age_in_period, first_period_at_age
from civil_welfare.pii import audit_pii_read

ENTITY = "hard_up_elder_subsidy"


def grant_not_found(grant_id: uuid.UUID) -> NotFound:
    return NotFound(f"补贴记录 {grant_id} 不存在", code="WELFARE_HARD_UP_GRANT_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外发放或迁入补贴", code="WELFARE_AREA_FORBIDDEN")


def already_granted(kind: SubsidyKind, existing_id: uuid.UUID | None = None) -> Conflict:
    extra: dict[str, Any] = {"existing_id": str(existing_id)} if existing_id is not None else {}
    return Conflict(
        f"该老人已有未终止的{kind.label}，同一补贴不能重复发放",
        code="WELFARE_HARD_UP_GRANT_EXISTS",
        **extra,
    )


def to_out(grant: HardUpElderSubsidy) -> GrantOut:
    id_number = IdNumber(grant.id_number)
    return GrantOut(
        id=grant.id,
        id_number=id_number,
        name=grant.name,
        birth_date=id_number.birth_date,
        age=id_number.age_on(date.today()),
        area_code=AreaCode(grant.area_code),
        kind=SubsidyKind(grant.kind),
        hardship_basis=HardshipBasis(grant.hardship_basis),
        hardship_note=grant.hardship_note,
        assessment=grant.assessment,
        start_period=Period(grant.start_period),
        end_period=Period(grant.end_period) if grant.end_period else None,
        status=GrantStatus(grant.status),
        status_reason=grant.status_reason,
        version=grant.version,
    )


class GrantService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = GrantRepository(session)

    async def get(self, grant_id: uuid.UUID, principal: Principal) -> GrantOut:
        grant = await self._visible(grant_id, principal)
        await audit_pii_read(self.session, principal, ENTITY, [grant.id])
        return to_out(grant)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        kind: SubsidyKind | None = None,
        status: GrantStatus | None = None,
        q: str | None = None,
    ) -> Page[GrantOut]:
        grant = HardUpElderSubsidy
        conditions: list[ColumnElement[bool]] = [area_condition(grant.area_code, principal)]
        if area_code is not None:
            conditions.append(grant.area_code.startswith(area_code, autoescape=True))
        if kind is not None:
            conditions.append(grant.kind == kind.value)
        if status is not None:
            conditions.append(grant.status == status.value)
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, ENTITY, [r.id for r in items])
        return Page[GrantOut].of([to_out(g) for g in items], total, page)

    async def grant(self, data: GrantCreate, principal: Principal) -> GrantOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        await self._ensure_old_enough(data)
        existing = await self.repository.open_grant(str(data.id_number), data.kind.value)
        if existing is not None:
            raise already_granted(data.kind, existing.id)
        grant = HardUpElderSubsidy(
            id_number=str(data.id_number),
            name=data.name,
            area_code=str(data.area_code),
            kind=data.kind.value,
            hardship_basis=data.hardship_basis.value,
            hardship_note=data.hardship_note,
            assessment=data.assessment,
            start_period=str(data.start_period),
            status=GrantStatus.ACTIVE.value,
        )
        # The partial unique index decides between two concurrent grants of one kind.
        async with unique_or_conflict(self.session, already_granted(data.kind)):
            await self.repository.add(grant)
            await self.session.commit()
        return to_out(grant)

    async def update(
        self, grant_id: uuid.UUID, patch: GrantPatch, expected_version: int, principal: Principal
    ) -> GrantOut:
        grant = await self._visible(grant_id, principal)
        check_version(grant.version, expected_version)
        sent = patch.model_fields_set
        if patch.area_code is not None:
            if not principal.sees_area(patch.area_code):
                raise outside_areas()
            grant.area_code = str(patch.area_code)
        if patch.name is not None:
            grant.name = patch.name
        if patch.hardship_basis is not None:
            grant.hardship_basis = patch.hardship_basis.value
        if "hardship_note" in sent:
            grant.hardship_note = patch.hardship_note
        if "assessment" in sent:
            grant.assessment = patch.assessment
        if grant.hardship_basis == HardshipBasis.OTHER and not grant.hardship_note:
            raise Unprocessable("经济困难认定依据为“其他”时须说明", code="WELFARE_HARD_UP_BASIS")
        if grant.kind == SubsidyKind.HARD_UP_DISABLED and not grant.assessment:
            raise Unprocessable("失能老人补贴须填写失能评估结论", code="WELFARE_HARD_UP_ASSESSMENT")
        await self.session.commit()
        return to_out(grant)

    async def change_status(
        self,
        grant_id: uuid.UUID,
        change: GrantStatusChange,
        expected_version: int,
        principal: Principal,
    ) -> GrantOut:
        grant = await self._visible(grant_id, principal)
        check_version(grant.version, expected_version)
        current = GrantStatus(grant.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"补贴状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_HARD_UP_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if change.end_period is not None:
            if change.end_period < grant.start_period:
                raise Unprocessable(
                    f"最后发放月份不能早于起始月份 {grant.start_period}",
                    code="WELFARE_HARD_UP_PERIOD",
                )
            grant.end_period = str(change.end_period)
        grant.status = change.status.value
        grant.status_reason = change.reason
        await self.session.commit()
        return to_out(grant)

    async def _ensure_old_enough(self, data: GrantCreate) -> None:
        """High-age: the first high-age tier's age (parameter); disabled: 60 (statute) —
        each reached by the last day of the start month."""
        birth, start = data.id_number.birth_date, data.start_period
        if start.last_day < birth:
            raise Unprocessable("起始月份早于出生日期", code="WELFARE_HARD_UP_PERIOD")
        if data.kind is SubsidyKind.HARD_UP_HIGH_AGE:
            tiers = await tiers_for(self.session, start.year, str(data.area_code))
            min_age = tiers.min_ages[0]
        else:
            min_age = ELDERLY_MIN_AGE
        age = age_in_period(birth, start)
        if age < min_age:
            first = first_period_at_age(birth, min_age)
            raise Unprocessable(
                f"不符合{data.kind.label}条件：至 {start} 月末（{start.last_day}）年满{age}周岁，"
                f"未满{min_age}周岁；自 {first} 起符合年龄条件",
                code="WELFARE_HARD_UP_TOO_YOUNG",
                age=age,
                min_age=min_age,
                first_eligible_period=str(first),
            )

    async def _visible(self, grant_id: uuid.UUID, principal: Principal) -> HardUpElderSubsidy:
        grant = await self.repository.get(grant_id)
        missing = grant_not_found(grant_id)
        if grant is None:
            raise missing
        ensure_visible(principal, grant.area_code, missing)
        return grant
