"""Use cases of the disabled persons' register; each commits exactly once."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, DisabilityCategory, IdNumber, Period
from civil_welfare.disability.eligibility import full_months
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.disability.repository import (
    DisabilityRepository,
    has_active_grant,
    name_id_or_certificate,
)
from civil_welfare.disability.schemas import (
    TRANSITIONS,
    DisabilitySubsidy,
    DisabledPersonCreate,
    DisabledPersonFields,
    DisabledPersonOut,
    GrantStatus,
    RegisterStatus,
    StatusChange,
    check_certificate,
)
from civil_welfare.pii import audit_pii_read

ENTITY = "disabled_person"


def person_not_found(person_id: uuid.UUID) -> NotFound:
    return NotFound(f"残疾人记录 {person_id} 不存在", code="WELFARE_DISABLED_PERSON_NOT_FOUND")


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外登记或迁入残疾人", code="WELFARE_AREA_FORBIDDEN")


def already_registered(existing: DisabledPerson | None = None) -> Conflict:
    return Conflict(
        "该人员或该残疾人证号已在残疾人名册中，一人只登记一次",
        code="WELFARE_DISABLED_PERSON_EXISTS",
        existing_id=str(existing.id) if existing is not None else None,
    )


def active_subsidies(person: DisabledPerson) -> list[DisabilitySubsidy]:
    held = {g.subsidy for g in person.grants if g.status == GrantStatus.ACTIVE}
    return [s for s in DisabilitySubsidy if s.value in held]


def to_out(person: DisabledPerson, today: date | None = None) -> DisabledPersonOut:
    on = today or date.today()
    id_number = IdNumber(person.id_number)
    return DisabledPersonOut(
        id=person.id,
        id_number=id_number,
        name=person.name,
        sex=id_number.sex,
        age=id_number.age_on(max(on, id_number.birth_date)),
        area_code=AreaCode(person.area_code),
        address=person.address,
        phone=person.phone,
        certificate_number=person.certificate_number,
        category=DisabilityCategory(person.category),
        grade=person.grade,
        care_need_since=person.care_need_since,
        care_need_months=(
            full_months(person.care_need_since, on) if person.care_need_since else None
        ),
        status=RegisterStatus(person.status),
        status_reason=person.status_reason,
        status_date=person.status_date,
        active_subsidies=active_subsidies(person),
        version=person.version,
    )


def stop_grant(grant: DisabilitySubsidyGrant, reason: str, end_period: Period) -> None:
    """Stop paying after ``end_period``; a grant not yet begun ends before its first month."""
    grant.status = GrantStatus.STOPPED.value
    grant.stop_reason = reason
    grant.end_period = str(max(end_period, Period(grant.start_period).previous()))


async def visible_person(
    repository: DisabilityRepository, person_id: uuid.UUID, principal: Principal
) -> DisabledPerson:
    """The person, or 404 when absent or outside the caller's areas."""
    person = await repository.get(person_id)
    missing = person_not_found(person_id)
    if person is None:
        raise missing
    ensure_visible(principal, person.area_code, missing)
    return person


class DisabledPersonService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = DisabilityRepository(session)

    async def register(self, data: DisabledPersonCreate, principal: Principal) -> DisabledPersonOut:
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        for existing in (
            await self.repository.by_id_number(str(data.id_number)),
            await self.repository.by_certificate(data.certificate_number),
        ):
            if existing is not None:
                raise already_registered(existing)
        person = DisabledPerson(
            id_number=str(data.id_number),
            status=RegisterStatus.ACTIVE.value,
            grants=[],
        )
        self._apply(person, data)
        async with unique_or_conflict(self.session, already_registered()):
            await self.repository.add(person)
            await self.session.commit()
        return to_out(person)

    async def get(self, person_id: uuid.UUID, principal: Principal) -> DisabledPersonOut:
        person = await visible_person(self.repository, person_id, principal)
        await audit_pii_read(self.session, principal, ENTITY, [person.id])
        return to_out(person)

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        category: DisabilityCategory | None = None,
        grade: int | None = None,
        status: RegisterStatus | None = None,
        care_need: bool | None = None,
        subsidy: DisabilitySubsidy | None = None,
        q: str | None = None,
    ) -> Page[DisabledPersonOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(DisabledPerson.area_code, principal)
        ]
        if area_code is not None:
            conditions.append(DisabledPerson.area_code.startswith(area_code, autoescape=True))
        if category is not None:
            conditions.append(DisabledPerson.category == category.value)
        if grade is not None:
            conditions.append(DisabledPerson.grade == grade)
        if status is not None:
            conditions.append(DisabledPerson.status == status.value)
        if care_need is not None:
            conditions.append(
                DisabledPerson.care_need_since.is_not(None)
                if care_need
                else DisabledPerson.care_need_since.is_(None)
            )
        if subsidy is not None:
            conditions.append(has_active_grant(subsidy.value))
        if q:
            conditions.append(name_id_or_certificate(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_pii_read(self.session, principal, ENTITY, [p.id for p in items])
        today = date.today()
        return Page[DisabledPersonOut].of([to_out(p, today) for p in items], total, page)

    async def update(
        self,
        person_id: uuid.UUID,
        data: DisabledPersonFields,
        expected_version: int,
        principal: Principal,
    ) -> DisabledPersonOut:
        person = await visible_person(self.repository, person_id, principal)
        check_version(person.version, expected_version)
        if not principal.sees_area(data.area_code):
            raise outside_areas()
        try:
            check_certificate(data.certificate_number, person.id_number, data.category, data.grade)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="WELFARE_DISABILITY_CERTIFICATE_INVALID") from None
        other = await self.repository.by_certificate(data.certificate_number)
        if other is not None and other.id != person.id:
            raise already_registered(other)
        self._apply(person, data)
        async with unique_or_conflict(self.session, already_registered()):
            await self.repository.flush()
            await self.session.commit()
        return to_out(person)

    async def change_status(
        self,
        person_id: uuid.UUID,
        change: StatusChange,
        expected_version: int,
        principal: Principal,
    ) -> DisabledPersonOut:
        """Move the entry to a new status; leaving the register stops every active grant
        after the month of the change (paid for that month, not after)."""
        person = await visible_person(self.repository, person_id, principal)
        check_version(person.version, expected_version)
        current = RegisterStatus(person.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"残疾人记录状态不能从“{current.value}”变为“{change.status.value}”",
                code="WELFARE_DISABLED_PERSON_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        person.status = change.status.value
        person.status_reason = change.reason
        person.status_date = change.status_date
        if change.status is not RegisterStatus.ACTIVE:
            for grant in person.grants:
                if grant.status == GrantStatus.ACTIVE:
                    stop_grant(
                        grant, f"人员状态变更：{change.reason}", Period.of(change.status_date)
                    )
        await self.repository.flush()
        await self.session.commit()
        return to_out(person)

    async def delete(
        self, person_id: uuid.UUID, expected_version: int, principal: Principal
    ) -> None:
        """Remove an entry made by mistake; one with subsidy applications stays (change its
        status instead), since its decisions and payments refer to it."""
        person = await visible_person(self.repository, person_id, principal)
        check_version(person.version, expected_version)
        if await self.repository.has_applications(person.id):
            raise Conflict(
                "该人员已有补贴申请记录，不能删除；如已死亡、迁出或证件注销，请变更其状态",
                code="WELFARE_DISABLED_PERSON_HAS_APPLICATIONS",
            )
        await self.repository.delete(person)
        await self.session.commit()

    @staticmethod
    def _apply(person: DisabledPerson, data: DisabledPersonFields) -> None:
        person.name = data.name
        person.area_code = str(data.area_code)
        person.address = data.address
        person.phone = data.phone
        person.certificate_number = data.certificate_number
        person.category = data.category.value
        person.grade = data.grade
        person.care_need_since = data.care_need_since
