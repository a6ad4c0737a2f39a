"""Use cases of volunteering: the register, organisations, activities, service
records, certificates, the working calendar and the statistics. Each commits once."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, or_, true
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.db import AuditEvent
from civil_governance.organisations.areas import (
    outside_areas,
    township_exists,
    township_scope,
    unknown_township,
)
from civil_governance.volunteers.models import (
    ServiceRecord,
    Volunteer,
    VolunteerActivity,
    VolunteerOrganisation,
    WorkingCalendarDay,
)
from civil_governance.volunteers.repository import (
    ActivityRepository,
    ActivityRow,
    CalendarRepository,
    OrganisationRepository,
    RecordRow,
    ServiceRecordRepository,
    VolunteerRepository,
    add_hours,
    in_year,
    load_calendar,
    name_or_id_number,
    volunteer_stats,
)
from civil_governance.volunteers.rules import (
    TRANSITIONS,
    CalendarDayKind,
    OrganisationKind,
    VolunteerStatus,
)
from civil_governance.volunteers.schemas import (
    ActivityCreate,
    ActivityOut,
    ActivityPatch,
    CalendarDayOut,
    CalendarDaySet,
    CertificateOrganisation,
    OrganisationCreate,
    OrganisationOut,
    OrganisationPatch,
    ServiceRecordCreate,
    ServiceRecordOut,
    ServiceRecordPatch,
    VolunteerCertificate,
    VolunteerCreate,
    VolunteerOut,
    VolunteerPatch,
    VolunteerStats,
    VolunteerStatusChange,
)
from civil_governance.volunteers.workdays import is_late, now, today
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber

#: Who issues the certificates (志愿服务证明).
CERTIFICATE_ISSUER = "天门市民政局"


# --- errors ---------------------------------------------------------------------------


def volunteer_not_found(volunteer_id: uuid.UUID) -> NotFound:
    return NotFound(f"志愿者 {volunteer_id} 不存在", code="GOVERNANCE_VOLUNTEER_NOT_FOUND")


def organisation_not_found(organisation_id: uuid.UUID) -> NotFound:
    return NotFound(
        f"志愿服务组织 {organisation_id} 不存在", code="GOVERNANCE_VOLUNTEER_ORG_NOT_FOUND"
    )


def activity_not_found(activity_id: uuid.UUID) -> NotFound:
    return NotFound(f"志愿服务活动 {activity_id} 不存在", code="GOVERNANCE_ACTIVITY_NOT_FOUND")


def record_not_found(record_id: uuid.UUID) -> NotFound:
    return NotFound(f"服务记录 {record_id} 不存在", code="GOVERNANCE_SERVICE_RECORD_NOT_FOUND")


def already_registered(existing: Volunteer | None, principal: Principal) -> Conflict:
    # The existing registration is named only to a caller who may see it.
    extra: dict[str, Any] = (
        {"volunteer_id": str(existing.id)}
        if existing is not None and principal.sees_area(existing.area_code)
        else {}
    )
    return Conflict(
        "该身份证号已注册为志愿者，每人只能注册一次",
        code="GOVERNANCE_VOLUNTEER_EXISTS",
        **extra,
    )


def organisation_name_taken(name: str) -> Conflict:
    return Conflict(f"志愿服务组织“{name}”已登记", code="GOVERNANCE_VOLUNTEER_ORG_NAME_TAKEN")


def activity_code_taken(code: str) -> Conflict:
    return Conflict(f"活动编号 {code} 已被使用", code="GOVERNANCE_ACTIVITY_CODE_TAKEN")


def record_exists() -> Conflict:
    return Conflict(
        "该志愿者在该活动已有服务记录（同一活动每人一条），如需更正请修改原记录",
        code="GOVERNANCE_SERVICE_RECORD_EXISTS",
    )


# --- answers ---------------------------------------------------------------------------


def volunteer_out(volunteer: Volunteer) -> VolunteerOut:
    id_number = IdNumber(volunteer.id_number)
    return VolunteerOut(
        id=volunteer.id,
        id_number=id_number,
        name=volunteer.name,
        sex=id_number.sex,
        phone=volunteer.phone,
        area_code=AreaCode(volunteer.area_code),
        registered_date=volunteer.registered_date,
        skills=list(volunteer.skills),
        status=VolunteerStatus(volunteer.status),
        status_date=volunteer.status_date,
        status_reason=volunteer.status_reason,
        version=volunteer.version,
    )


def organisation_out(organisation: VolunteerOrganisation) -> OrganisationOut:
    return OrganisationOut(
        id=organisation.id,
        name=organisation.name,
        kind=OrganisationKind(organisation.kind),
        township_code=AreaCode(organisation.township_code) if organisation.township_code else None,
        contact_name=organisation.contact_name,
        contact_phone=organisation.contact_phone,
        version=organisation.version,
    )


def activity_out(row: ActivityRow, deadline: date) -> ActivityOut:
    activity, organisation_name, records, hours = row
    return ActivityOut(
        id=activity.id,
        code=activity.code,
        organisation_id=activity.organisation_id,
        organisation_name=organisation_name,
        title=activity.title,
        activity_date=activity.activity_date,
        place=activity.place,
        township_code=AreaCode(activity.township_code),
        organiser=activity.organiser,
        content=activity.content,
        entry_deadline=deadline,
        records=records,
        hours=Decimal(hours).quantize(Decimal("0.01")),
        version=activity.version,
    )


def record_out(row: RecordRow) -> ServiceRecordOut:
    record, volunteer, activity, organisation_name = row
    return ServiceRecordOut(
        id=record.id,
        volunteer_id=volunteer.id,
        volunteer_name=volunteer.name,
        id_number=IdNumber(volunteer.id_number),
        activity_id=activity.id,
        activity_code=activity.code,
        activity_title=activity.title,
        organisation_name=organisation_name,
        township_code=AreaCode(activity.township_code),
        service_date=record.service_date,
        hours=record.hours,
        entered_at=record.entered_at,
        entered_by=record.entered_by,
        entry_deadline=record.entry_deadline,
        late=record.late,
        version=record.version,
    )


def organisation_scope(principal: Principal) -> ColumnElement[bool]:
    """A township officer sees the organisations of its townships and the city's."""
    if principal.area_prefixes is None:
        return true()
    return or_(
        VolunteerOrganisation.township_code.is_(None),
        township_scope(VolunteerOrganisation.township_code, principal),
    )


def can_see_organisation(organisation: VolunteerOrganisation, principal: Principal) -> bool:
    return organisation.township_code is None or principal.sees_area(organisation.township_code)


async def audit_reveal(
    session: AsyncSession, principal: Principal, volunteer_ids: list[uuid.UUID]
) -> None:
    """Unmasked ID numbers shown to a pii:read holder are themselves an audited event."""
    if not principal.reads_pii or not volunteer_ids:
        return
    await record_event(
        session,
        AuditEvent,
        action=AuditAction.READ_PII,
        entity="volunteer",
        entity_id=str(volunteer_ids[0]) if len(volunteer_ids) == 1 else None,
        new_values={"volunteers": sorted({str(v) for v in volunteer_ids})},
    )
    await session.commit()


# --- volunteers --------------------------------------------------------------------------


class VolunteerService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = VolunteerRepository(session)
        self.records = ServiceRecordRepository(session)

    async def register(self, data: VolunteerCreate, principal: Principal) -> VolunteerOut:
        if not principal.sees_area(data.area_code):
            raise Forbidden("不能在管辖区域以外注册志愿者", code="GOVERNANCE_AREA_FORBIDDEN")
        if data.registered_date < data.id_number.birth_date:
            raise Unprocessable("注册日期不能早于出生日期", code="GOVERNANCE_VOLUNTEER_DATE")
        await self._ensure_village(data.area_code)
        existing = await self.repository.by_id_number(str(data.id_number))
        if existing is not None:
            raise already_registered(existing, principal)
        volunteer = Volunteer(
            id_number=str(data.id_number),
            name=data.name,
            phone=data.phone,
            area_code=str(data.area_code),
            registered_date=data.registered_date,
            skills=list(data.skills),
            status=VolunteerStatus.ACTIVE.value,
        )
        # The unique ID number decides between two registrations at once.
        async with unique_or_conflict(self.session, already_registered(None, principal)):
            await self.repository.add(volunteer)
            await self.session.commit()
        return volunteer_out(volunteer)

    async def get(self, volunteer_id: uuid.UUID, principal: Principal) -> VolunteerOut:
        volunteer = await self.visible(volunteer_id, principal)
        await audit_reveal(self.session, principal, [volunteer.id])
        return volunteer_out(volunteer)

    async def listing(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        status: VolunteerStatus | None = None,
        skill: str | None = None,
        q: str | None = None,
    ) -> Page[VolunteerOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(Volunteer.area_code, principal)]
        if area_code is not None:
            conditions.append(Volunteer.area_code.startswith(area_code, autoescape=True))
        if status is not None:
            conditions.append(Volunteer.status == status.value)
        if skill is not None and skill.strip():
            conditions.append(Volunteer.skills.contains([skill.strip()]))
        if q is not None and q.strip():
            conditions.append(name_or_id_number(q))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_reveal(self.session, principal, [v.id for v in items])
        return Page[VolunteerOut].of([volunteer_out(v) for v in items], total, page)

    async def update(
        self, volunteer_id: uuid.UUID, patch: VolunteerPatch, expected: int, principal: Principal
    ) -> VolunteerOut:
        volunteer = await self.visible(volunteer_id, principal, for_update=True)
        check_version(volunteer.version, expected)
        if patch.area_code is not None and patch.area_code != volunteer.area_code:
            if not principal.sees_area(patch.area_code):
                raise Forbidden(
                    "不能迁入管辖区域以外的村（社区）", code="GOVERNANCE_AREA_FORBIDDEN"
                )
            await self._ensure_village(patch.area_code)
            volunteer.area_code = str(patch.area_code)
            await self.repository.move_hours(volunteer.id, volunteer.area_code)
        if patch.name is not None:
            volunteer.name = patch.name
        if patch.phone is not None:
            volunteer.phone = patch.phone
        if patch.skills is not None:
            volunteer.skills = list(patch.skills)
        await self.repository.flush()
        await self.session.commit()
        return volunteer_out(volunteer)

    async def change_status(
        self,
        volunteer_id: uuid.UUID,
        change: VolunteerStatusChange,
        expected: int,
        principal: Principal,
    ) -> VolunteerOut:
        volunteer = await self.visible(volunteer_id, principal, for_update=True)
        check_version(volunteer.version, expected)
        current = VolunteerStatus(volunteer.status)
        allowed = TRANSITIONS[current]
        if change.status not in allowed:
            raise Conflict(
                f"志愿者状态不能从“{current.value}”变为“{change.status.value}”",
                code="GOVERNANCE_VOLUNTEER_INVALID_TRANSITION",
                current=current.value,
                allowed=[s.value for s in allowed],
            )
        since = volunteer.status_date or volunteer.registered_date
        if change.effective_date < since:
            raise Unprocessable(
                f"生效日期不能早于 {since}（注册或上次状态变更）",
                code="GOVERNANCE_VOLUNTEER_STATUS_DATE",
            )
        if change.status is VolunteerStatus.DEREGISTERED:
            served = await self.records.certificate(volunteer.id, change.effective_date, None)
            if served:
                last = max(row[5] for row in served)
                raise Unprocessable(
                    f"该志愿者在 {last} 仍有服务记录，注销日期应晚于最后一次服务",
                    code="GOVERNANCE_VOLUNTEER_STATUS_DATE",
                )
        volunteer.status = change.status.value
        volunteer.status_date = change.effective_date
        volunteer.status_reason = change.reason
        await self.repository.flush()
        await self.session.commit()
        return volunteer_out(volunteer)

    async def certificate(
        self,
        volunteer_id: uuid.UUID,
        principal: Principal,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> tuple[VolunteerCertificate, list[RecordRow]]:
        """The certificate, and the records it sums (for the spreadsheet's detail sheet)."""
        if date_from is not None and date_to is not None and date_from > date_to:
            raise Unprocessable("证明期间的起始日期不能晚于截止日期", code="GOVERNANCE_PERIOD")
        volunteer = await self.visible(volunteer_id, principal)
        by_organisation = await self.records.certificate(volunteer.id, date_from, date_to)
        records = await self.records.records_between(volunteer.id, date_from, date_to)
        first = min((row[4] for row in by_organisation), default=None)
        last = max((row[5] for row in by_organisation), default=None)
        certificate = VolunteerCertificate(
            volunteer_id=volunteer.id,
            name=volunteer.name,
            id_number=IdNumber(volunteer.id_number),
            registered_date=volunteer.registered_date,
            area_code=AreaCode(volunteer.area_code),
            period_from=date_from or first,
            period_to=date_to or last,
            total_hours=sum((row[3] for row in by_organisation), Decimal("0.00")),
            records=sum(row[2] for row in by_organisation),
            organisations=[
                CertificateOrganisation(organisation_id=oid, name=name, records=n, hours=hours)
                for oid, name, n, hours, _, _ in by_organisation
            ],
            issuer=CERTIFICATE_ISSUER,
            issued_date=today(),
        )
        await audit_reveal(self.session, principal, [volunteer.id])
        return certificate, records

    async def visible(
        self, volunteer_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> Volunteer:
        volunteer = await self.repository.get(volunteer_id, for_update=for_update)
        missing = volunteer_not_found(volunteer_id)
        if volunteer is None:
            raise missing
        ensure_visible(principal, volunteer.area_code, missing)
        return volunteer

    async def _ensure_village(self, code: str) -> None:
        if not await self.repository.village_exists(code):
            raise Unprocessable(
                f"村（社区）代码 {code} 不在行政区划中", code="GOVERNANCE_VILLAGE_UNKNOWN"
            )


# --- organisations -------------------------------------------------------------------------


class OrganisationService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = OrganisationRepository(session)

    async def create(self, data: OrganisationCreate, principal: Principal) -> OrganisationOut:
        if not principal.sees_area(data.township_code):
            raise outside_areas()
        if data.township_code is not None and not await township_exists(
            self.session, data.township_code
        ):
            raise unknown_township(data.township_code)
        if await self.repository.named(data.name) is not None:
            raise organisation_name_taken(data.name)
        organisation = VolunteerOrganisation(
            name=data.name,
            kind=data.kind.value,
            township_code=str(data.township_code) if data.township_code else None,
            contact_name=data.contact_name,
            contact_phone=data.contact_phone,
        )
        async with unique_or_conflict(self.session, organisation_name_taken(data.name)):
            await self.repository.add(organisation)
            await self.session.commit()
        return organisation_out(organisation)

    async def get(self, organisation_id: uuid.UUID, principal: Principal) -> OrganisationOut:
        return organisation_out(await self.visible(organisation_id, principal))

    async def listing(
        self,
        page: PageParams,
        principal: Principal,
        *,
        township_code: str | None = None,
        kind: OrganisationKind | None = None,
        q: str | None = None,
    ) -> Page[OrganisationOut]:
        conditions: list[ColumnElement[bool]] = [organisation_scope(principal)]
        if township_code is not None:
            conditions.append(
                VolunteerOrganisation.township_code.startswith(township_code, autoescape=True)
            )
        if kind is not None:
            conditions.append(VolunteerOrganisation.kind == kind.value)
        if q is not None and q.strip():
            conditions.append(VolunteerOrganisation.name.contains(q.strip(), autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[OrganisationOut].of([organisation_out(o) for o in items], total, page)

    async def update(
        self,
        organisation_id: uuid.UUID,
        patch: OrganisationPatch,
        expected: int,
        principal: Principal,
    ) -> OrganisationOut:
        organisation = await self.visible(organisation_id, principal)
        if not principal.sees_area(organisation.township_code):
            raise outside_areas()  # a township officer reads the city's organisations only
        check_version(organisation.version, expected)
        if patch.name is not None and patch.name != organisation.name:
            if await self.repository.named(patch.name, besides=organisation.id) is not None:
                raise organisation_name_taken(patch.name)
            organisation.name = patch.name
        if patch.kind is not None:
            organisation.kind = patch.kind.value
        if patch.contact_name is not None:
            organisation.contact_name = patch.contact_name
        if patch.contact_phone is not None:
            organisation.contact_phone = patch.contact_phone
        async with unique_or_conflict(self.session, organisation_name_taken(organisation.name)):
            await self.repository.flush()
            await self.session.commit()
        return organisation_out(organisation)

    async def visible(
        self, organisation_id: uuid.UUID, principal: Principal
    ) -> VolunteerOrganisation:
        organisation = await self.repository.get(organisation_id)
        if organisation is None or not can_see_organisation(organisation, principal):
            raise organisation_not_found(organisation_id)
        return organisation


# --- activities --------------------------------------------------------------------------------


class ActivityService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ActivityRepository(session)
        self.organisations = OrganisationRepository(session)

    async def create(self, data: ActivityCreate, principal: Principal) -> ActivityOut:
        if not principal.sees_area(data.township_code):
            raise outside_areas()
        organisation = await self.organisations.get(data.organisation_id)
        if organisation is None or not can_see_organisation(organisation, principal):
            raise Unprocessable(
                f"志愿服务组织 {data.organisation_id} 不存在",
                code="GOVERNANCE_VOLUNTEER_ORG_UNKNOWN",
            )
        if not await township_exists(self.session, data.township_code):
            raise unknown_township(data.township_code)
        code = data.code or await self.repository.next_code(data.activity_date.year)
        if await self.repository.by_code(code) is not None:
            raise activity_code_taken(code)
        activity = VolunteerActivity(
            code=code,
            organisation_id=organisation.id,
            title=data.title,
            activity_date=data.activity_date,
            place=data.place,
            township_code=str(data.township_code),
            organiser=data.organiser,
            content=data.content,
        )
        async with unique_or_conflict(self.session, activity_code_taken(code)):
            await self.repository.add(activity)
            out = await self._out(activity.id)
            await self.session.commit()
        return out

    async def get(self, activity_id: uuid.UUID, principal: Principal) -> ActivityOut:
        activity = await self.visible(activity_id, principal)
        return await self._out(activity.id)

    async def listing(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        organisation_id: uuid.UUID | None = None,
        year: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        q: str | None = None,
    ) -> Page[ActivityOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(VolunteerActivity.township_code, principal)
        ]
        if area_code is not None:
            conditions.append(
                VolunteerActivity.township_code.startswith(area_code[:9], autoescape=True)
            )
        if organisation_id is not None:
            conditions.append(VolunteerActivity.organisation_id == organisation_id)
        if year is not None:
            conditions.append(in_year(VolunteerActivity.activity_date, year))
        if date_from is not None:
            conditions.append(VolunteerActivity.activity_date >= date_from)
        if date_to is not None:
            conditions.append(VolunteerActivity.activity_date <= date_to)
        if q is not None and q.strip():
            text = q.strip()
            conditions.append(
                or_(
                    VolunteerActivity.code == text,
                    VolunteerActivity.title.contains(text, autoescape=True),
                )
            )
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        calendar = await load_calendar(self.session)
        items = [activity_out(row, calendar.entry_deadline(row[0].activity_date)) for row in rows]
        return Page[ActivityOut].of(items, total, page)

    async def update(
        self, activity_id: uuid.UUID, patch: ActivityPatch, expected: int, principal: Principal
    ) -> ActivityOut:
        activity = await self.visible(activity_id, principal, for_update=True)
        check_version(activity.version, expected)
        if patch.activity_date is not None and patch.activity_date != activity.activity_date:
            # The records carry the activity's date and their deadlines were counted from it.
            if await self.repository.has_records(activity.id):
                raise Conflict(
                    "该活动已有服务记录，不能修改活动日期",
                    code="GOVERNANCE_ACTIVITY_HAS_RECORDS",
                )
            activity.activity_date = patch.activity_date
        for name in ("title", "place", "organiser"):
            value = getattr(patch, name)
            if value is not None:
                setattr(activity, name, value)
        if "content" in patch.model_fields_set:
            activity.content = patch.content
        await self.repository.flush()
        out = await self._out(activity.id)
        await self.session.commit()
        return out

    async def visible(
        self, activity_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> VolunteerActivity:
        activity = await self.repository.get(activity_id, for_update=for_update)
        missing = activity_not_found(activity_id)
        if activity is None:
            raise missing
        ensure_visible(principal, activity.township_code, missing)
        return activity

    async def _out(self, activity_id: uuid.UUID) -> ActivityOut:
        row = await self.repository.row(activity_id)
        assert row is not None
        calendar = await load_calendar(self.session)
        return activity_out(row, calendar.entry_deadline(row[0].activity_date))


# --- service records -------------------------------------------------------------------------


def served_problem(volunteer: Volunteer, activity_date: date) -> str | None:
    """Why this volunteer cannot have served on ``activity_date``, or None."""
    if activity_date < volunteer.registered_date:
        return f"活动日期 {activity_date} 早于该志愿者的注册日期 {volunteer.registered_date}"
    if (
        volunteer.status == VolunteerStatus.DEREGISTERED
        and volunteer.status_date is not None
        and activity_date >= volunteer.status_date
    ):
        return f"该志愿者已于 {volunteer.status_date} 注销"
    return None


class ServiceRecordService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ServiceRecordRepository(session)
        self.volunteers = VolunteerRepository(session)
        self.activities = ActivityService(session)

    async def create(self, data: ServiceRecordCreate, principal: Principal) -> ServiceRecordOut:
        activity = await self.activities.visible(data.activity_id, principal)
        entered_at = now()
        if activity.activity_date > today():
            raise Unprocessable(
                "活动尚未开展（活动日期晚于今天），不能登记服务时长",
                code="GOVERNANCE_ACTIVITY_NOT_HELD",
            )
        # Held: the hours go to the volunteer's village and must fall in their service.
        volunteer = await self.volunteers.by_id_number(str(data.id_number), for_share=True)
        if volunteer is None:
            raise Unprocessable(
                "该身份证号未注册为志愿者，请先注册", code="GOVERNANCE_VOLUNTEER_NOT_REGISTERED"
            )
        problem = served_problem(volunteer, activity.activity_date)
        if problem is not None:
            raise Unprocessable(problem, code="GOVERNANCE_VOLUNTEER_NOT_SERVING")
        if await self.repository.of(volunteer.id, activity.id) is not None:
            raise record_exists()
        deadline = (await load_calendar(self.session)).entry_deadline(activity.activity_date)
        record = ServiceRecord(
            volunteer_id=volunteer.id,
            activity_id=activity.id,
            service_date=activity.activity_date,
            hours=data.hours,
            entered_at=entered_at,
            entered_by=principal.sub,
            entry_deadline=deadline,
            late=is_late(entered_at, deadline),
        )
        async with unique_or_conflict(self.session, record_exists()):
            await self.repository.add(record)
            await add_hours(
                self.session,
                volunteer.id,
                record.service_date.year,
                volunteer.area_code,
                record.hours,
                1,
            )
            row = await self.repository.get(record.id)
            await self.session.commit()
        assert row is not None
        return record_out(row)

    async def get(self, record_id: uuid.UUID, principal: Principal) -> ServiceRecordOut:
        row = await self._visible(record_id, principal)
        await audit_reveal(self.session, principal, [row[1].id])
        return record_out(row)

    async def listing(
        self,
        page: PageParams,
        principal: Principal,
        *,
        volunteer_id: uuid.UUID | None = None,
        id_number: str | None = None,
        activity_id: uuid.UUID | None = None,
        organisation_id: uuid.UUID | None = None,
        area_code: str | None = None,
        year: int | None = None,
        late: bool | None = None,
    ) -> Page[ServiceRecordOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(VolunteerActivity.township_code, principal)
        ]
        if volunteer_id is not None:
            conditions.append(ServiceRecord.volunteer_id == volunteer_id)
        if id_number is not None:
            conditions.append(Volunteer.id_number == id_number)
        if activity_id is not None:
            conditions.append(ServiceRecord.activity_id == activity_id)
        if organisation_id is not None:
            conditions.append(VolunteerActivity.organisation_id == organisation_id)
        if area_code is not None:
            conditions.append(
                VolunteerActivity.township_code.startswith(area_code[:9], autoescape=True)
            )
        if year is not None:
            conditions.append(in_year(ServiceRecord.service_date, year))
        if late is not None:
            conditions.append(ServiceRecord.late.is_(late))
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        await audit_reveal(self.session, principal, [row[1].id for row in rows])
        return Page[ServiceRecordOut].of([record_out(row) for row in rows], total, page)

    async def correct(
        self,
        record_id: uuid.UUID,
        patch: ServiceRecordPatch,
        expected: int,
        principal: Principal,
    ) -> ServiceRecordOut:
        """A correction of the hours; the record keeps its entry time and late flag."""
        record, volunteer, _, _ = await self._visible(record_id, principal, for_update=True)
        check_version(record.version, expected)
        delta = patch.hours - record.hours
        record.hours = patch.hours
        await self.repository.flush()
        if delta:
            await add_hours(
                self.session,
                volunteer.id,
                record.service_date.year,
                volunteer.area_code,
                delta,
                0,
            )
        row = await self.repository.get(record.id)
        await self.session.commit()
        assert row is not None
        return record_out(row)

    async def delete(self, record_id: uuid.UUID, expected: int, principal: Principal) -> None:
        record, volunteer, _, _ = await self._visible(record_id, principal, for_update=True)
        check_version(record.version, expected)
        await add_hours(
            self.session,
            volunteer.id,
            record.service_date.year,
            volunteer.area_code,
            -record.hours,
            -1,
        )
        await self.repository.delete(record)
        await self.session.commit()

    async def _visible(
        self, record_id: uuid.UUID, principal: Principal, *, for_update: bool = False
    ) -> RecordRow:
        row = await self.repository.get(record_id, for_update=for_update)
        missing = record_not_found(record_id)
        if row is None:
            raise missing
        ensure_visible(principal, row[2].township_code, missing)
        return row


# --- working calendar ---------------------------------------------------------------------------


class CalendarService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = CalendarRepository(session)

    async def days(self, year: int | None) -> list[CalendarDayOut]:
        return [CalendarDayOut.model_validate(d) for d in await self.repository.days(year)]

    async def set(self, day: date, data: CalendarDaySet) -> tuple[CalendarDayOut, bool]:
        """Create or replace the entry of ``day``; (the entry, whether it was created)."""
        if data.kind is CalendarDayKind.WORKDAY and day.weekday() < 5:
            raise Unprocessable(
                "调休上班日只能是周六或周日（工作日本来就上班）",
                code="GOVERNANCE_CALENDAR_WORKDAY_NOT_WEEKEND",
            )
        row = await self.repository.get(day)
        created = row is None
        if row is None:
            row = WorkingCalendarDay(day=day, kind=data.kind.value, name=data.name)
            await self.repository.add(row)
        else:
            row.kind, row.name = data.kind.value, data.name
            await self.repository.flush()
        await self.session.commit()
        return CalendarDayOut.model_validate(row), created

    async def delete(self, day: date) -> None:
        row = await self.repository.get(day)
        if row is None:
            raise NotFound(f"{day} 不在工作日历中", code="GOVERNANCE_CALENDAR_DAY_NOT_FOUND")
        await self.repository.delete(row)
        await self.session.commit()


# --- statistics --------------------------------------------------------------------------------


class StatsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stats(self, year: int, area_code: str | None, principal: Principal) -> VolunteerStats:
        return await volunteer_stats(
            self.session,
            year,
            area_code,
            principal=principal if principal.area_prefixes is not None else None,
        )
