"""Use cases of enrolments: enrol, look up, change status."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.enrolments.models import ENROLLED_STATUSES, EnrolledPerson, Enrolment
from civil_assistance.enrolments.repository import EnrolmentRepository
from civil_assistance.enrolments.schemas import (
    TRANSITIONS,
    EnrolmentCreate,
    EnrolmentOut,
    EnrolmentStatus,
    Person,
    Programme,
    StatusChange,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber, Period


def enrolment_not_found(enrolment_id: uuid.UUID) -> NotFound:
    return NotFound(f"保障记录 {enrolment_id} 不存在", code="ASSISTANCE_ENROLMENT_NOT_FOUND")


def to_out(enrolment: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        id=enrolment.id,
        programme=Programme(enrolment.programme),
        household_id=enrolment.household_id,
        area_code=AreaCode(enrolment.area_code),
        payee=Person(id_number=IdNumber(enrolment.payee_id_number), name=enrolment.payee_name),
        people=[
            Person(id_number=IdNumber(p.id_number), name=p.name)
            for p in sorted(enrolment.people, key=lambda p: p.id_number)
        ],
        persons=enrolment.persons,
        monthly_amount=enrolment.monthly_amount,
        start_period=Period(enrolment.start_period),
        end_period=Period(enrolment.end_period) if enrolment.end_period else None,
        status=EnrolmentStatus(enrolment.status),
        status_reason=enrolment.status_reason,
        in_poverty_alleviation=enrolment.in_poverty_alleviation,
        next_review_date=enrolment.next_review_date,
        gradual_exit_until=(
            Period(enrolment.gradual_exit_until) if enrolment.gradual_exit_until else None
        ),
        version=enrolment.version,
    )


def already_enrolled(conflicts: list[EnrolledPerson]) -> Conflict:
    first = conflicts[0]
    return Conflict(
        f"身份证号 {IdNumber(first.id_number).masked} 已在其他救助项目中保障，"
        "同一人不能同时享受低保和特困供养",
        code="ASSISTANCE_PERSON_ALREADY_ENROLLED",
        conflicting_enrolment_id=str(first.enrolment_id),
    )


async def visible_enrolment(
    repository: EnrolmentRepository, enrolment_id: uuid.UUID, principal: Principal
) -> Enrolment:
    """The enrolment, or 404 when it does not exist or lies outside the caller's areas."""
    enrolment = await repository.get(enrolment_id)
    missing = enrolment_not_found(enrolment_id)
    if enrolment is None:
        raise missing
    ensure_visible(principal, enrolment.area_code, missing)
    return enrolment


class EnrolmentService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = EnrolmentRepository(session)

    async def enrol(self, data: EnrolmentCreate, principal: Principal) -> EnrolmentOut:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外登记保障对象", code="ASSISTANCE_AREA_FORBIDDEN")
        numbers = [str(p.id_number) for p in data.people]
        conflicts = await self.repository.enrolled_elsewhere(numbers)
        if conflicts:
            raise already_enrolled(conflicts)
        enrolment = Enrolment(
            programme=data.programme.value,
            household_id=data.household_id,
            area_code=str(data.area_code),
            payee_id_number=str(data.payee.id_number),
            payee_name=data.payee.name,
            persons=len(data.people),
            monthly_amount=data.monthly_amount,
            start_period=str(data.start_period),
            status=EnrolmentStatus.ACTIVE.value,
            in_poverty_alleviation=data.in_poverty_alleviation,
            next_review_date=data.next_review_date,
            people=[EnrolledPerson(id_number=str(p.id_number), name=p.name) for p in data.people],
        )
        # The partial unique index decides between two concurrent enrolments of one person.
        race = Conflict("该对象已在其他救助项目中保障", code="ASSISTANCE_PERSON_ALREADY_ENROLLED")
        async with unique_or_conflict(self.session, race):
            await self.repository.add(enrolment)
            await self.session.commit()
        return to_out(enrolment)

    async def get(self, enrolment_id: uuid.UUID, principal: Principal) -> EnrolmentOut:
        return to_out(await self._visible(enrolment_id, principal))

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        programme: Programme | None = None,
        status: EnrolmentStatus | None = None,
        area_code: str | None = None,
    ) -> Page[EnrolmentOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(Enrolment.area_code, principal)]
        if programme is not None:
            conditions.append(Enrolment.programme == programme.value)
        if status is not None:
            conditions.append(Enrolment.status == status.value)
        if area_code is not None:
            conditions.append(Enrolment.area_code.startswith(area_code, autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[EnrolmentOut].of([to_out(e) for e in items], total, page)

    async def change_status(
        self,
        enrolment_id: uuid.UUID,
        change: StatusChange,
        expected_version: int,
        principal: Principal,
    ) -> EnrolmentOut:
        enrolment = await self._visible(enrolment_id, principal)
        check_version(enrolment.version, expected_version)
        current = EnrolmentStatus(enrolment.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"保障状态不能从“{current.value}”变为“{change.status.value}”",
                code="ASSISTANCE_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        if change.status is EnrolmentStatus.GRADUAL_EXIT and change.gradual_exit_until is None:
            raise Unprocessable("进入渐退期须给出渐退截止月份", code="ASSISTANCE_GRADUAL_EXIT_END")
        if change.status is EnrolmentStatus.ACTIVE and current is not EnrolmentStatus.ACTIVE:
            conflicts = [
                p
                for p in await self.repository.enrolled_elsewhere(
                    [p.id_number for p in enrolment.people]
                )
                if p.enrolment_id != enrolment.id
            ]
            if conflicts:
                raise already_enrolled(conflicts)
        enrolment.status = change.status.value
        enrolment.status_reason = change.reason
        enrolment.gradual_exit_until = (
            str(change.gradual_exit_until) if change.gradual_exit_until else None
        )
        if change.status is EnrolmentStatus.ENDED:
            # The year's figures count an enrolment until its last paid month.
            enrolment.end_period = str(change.end_period or Period.of(date.today()))
        await self.repository.set_people_enrolled(
            enrolment.id, change.status.value in ENROLLED_STATUSES
        )
        await self.session.commit()
        return to_out(enrolment)

    async def _visible(self, enrolment_id: uuid.UUID, principal: Principal) -> Enrolment:
        return await visible_enrolment(self.repository, enrolment_id, principal)
