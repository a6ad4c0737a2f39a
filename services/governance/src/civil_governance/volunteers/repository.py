"""Queries of the volunteer register, activities and service records; only flushes.

The hours summary (``volunteer_hours_year``) is written here next to the
records it sums, and the statistics read it: a year's figures are one aggregate
over one row per volunteer, not over every record.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    func,
    literal,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import Integer, Numeric, SmallInteger, String, Uuid

from civil_governance.divisions.models import Division
from civil_governance.volunteers.models import (
    ServiceRecord,
    Volunteer,
    VolunteerActivity,
    VolunteerHoursArea,
    VolunteerHoursYear,
    VolunteerOrganisation,
    VolunteerRegisterArea,
    WorkingCalendarDay,
)
from civil_governance.volunteers.rules import VolunteerStatus
from civil_governance.volunteers.schemas import (
    TownshipVolunteers,
    VolunteerStats,
)
from civil_governance.volunteers.workdays import WorkingCalendar, today
from civil_shared.auth import Principal
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.scoping import area_condition
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode, AreaLevel, IdNumber

_ZERO = Decimal("0.00")

#: A record with what its answer names: the volunteer, the activity, the organisation's name.
RecordRow = tuple[ServiceRecord, Volunteer, VolunteerActivity, str]
#: An activity with its organisation's name, its records and their hours.
ActivityRow = tuple[VolunteerActivity, str, int, Decimal]


def in_year(column: InstrumentedAttribute[date], year: int) -> ColumnElement[bool]:
    # A range, not EXTRACT(YEAR ...), so an index on the date serves it.
    return (column >= date(year, 1, 1)) & (column < date(year + 1, 1, 1))


def within(column: InstrumentedAttribute[str], area_code: str | None) -> ColumnElement[bool]:
    return column.startswith(area_code, autoescape=True) if area_code else true()


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a name substring."""
    try:
        return Volunteer.id_number == str(IdNumber(q))
    except ValueError:
        return Volunteer.name.contains(q.strip(), autoescape=True)


def registered_on(on: date) -> ColumnElement[bool]:
    """Registered by ``on`` and not deregistered by then (a deregistration's date is
    the first day off the register)."""
    return (Volunteer.registered_date <= on) & or_(
        Volunteer.status == VolunteerStatus.ACTIVE.value, Volunteer.status_date > on
    )


async def load_calendar(session: AsyncSession) -> WorkingCalendar:
    """The whole working calendar: a few dozen days a year."""
    rows = (await session.execute(select(WorkingCalendarDay.day, WorkingCalendarDay.kind))).all()
    return WorkingCalendar.of((row.day, row.kind) for row in rows)


async def village_exists(session: AsyncSession, code: str) -> bool:
    found = await session.scalar(
        select(Division.code).where(
            Division.code == code, Division.level == AreaLevel.VILLAGE.value
        )
    )
    return found is not None


# --- the hours summary -------------------------------------------------------------


async def add_hours(
    session: AsyncSession,
    volunteer_id: uuid.UUID,
    year: int,
    area_code: str,
    hours: Decimal,
    records: int,
) -> None:
    """Add ``hours`` and ``records`` (either may be negative) to a volunteer's year."""
    if hours < 0 or records < 0:
        # Taking away from a row that exists (an upsert would check its CHECK on the
        # negative row it proposes to insert).
        await session.execute(
            update(VolunteerHoursYear)
            .where(VolunteerHoursYear.volunteer_id == volunteer_id, VolunteerHoursYear.year == year)
            .values(
                hours=VolunteerHoursYear.hours + hours,
                records=VolunteerHoursYear.records + records,
            )
        )
        return
    statement = insert(VolunteerHoursYear).values(
        volunteer_id=volunteer_id, year=year, area_code=area_code, hours=hours, records=records
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[VolunteerHoursYear.volunteer_id, VolunteerHoursYear.year],
            set_={
                "hours": VolunteerHoursYear.hours + statement.excluded.hours,
                "records": VolunteerHoursYear.records + statement.excluded.records,
            },
        )
    )


_ADD_HOURS_BULK = text(
    """
    INSERT INTO volunteer_hours_year AS y (volunteer_id, year, area_code, hours, records)
    SELECT * FROM unnest(:volunteer_ids, :years, :area_codes, :hours, :records)
    ORDER BY 1, 2
    ON CONFLICT (volunteer_id, year) DO UPDATE
    SET hours = y.hours + excluded.hours, records = y.records + excluded.records
    """
).bindparams(
    bindparam("volunteer_ids", type_=ARRAY(Uuid())),
    bindparam("years", type_=ARRAY(SmallInteger())),
    bindparam("area_codes", type_=ARRAY(String())),
    bindparam("hours", type_=ARRAY(Numeric(12, 2))),
    bindparam("records", type_=ARRAY(Integer())),
)


async def add_hours_bulk(
    session: AsyncSession,
    volunteer_ids: Sequence[uuid.UUID],
    years: Sequence[int],
    area_codes: Sequence[str],
    hours: Sequence[Decimal],
    records: Sequence[int],
) -> None:
    """The same for many (volunteer, year) at once: one statement, in key order (two
    imports touching the same volunteers lock them in the same order)."""
    if volunteer_ids:
        await session.execute(
            _ADD_HOURS_BULK,
            {
                "volunteer_ids": list(volunteer_ids),
                "years": list(years),
                "area_codes": list(area_codes),
                "hours": list(hours),
                "records": list(records),
            },
        )


#: The statistics' statements for no principal, built once per year and area (see
#: Statements); a principal's are built per call.
_STATEMENTS = Statements()


async def volunteer_stats(
    session: AsyncSession,
    year: int,
    area_code: str | None = None,
    *,
    principal: Principal | None = None,
) -> VolunteerStats:
    """Registered volunteers (at the end of ``year``, today for the current year),
    volunteers with hours, hours and records in ``year``: in the city (or within
    ``area_code``) and by township of the volunteer's registration.

    Two small queries by village, summed to townships here, over the sums the
    triggers keep: ``volunteer_register_area`` (joined minus departed of the
    years up to ``year``) and ``volunteer_hours_area`` (the year's hours), never
    over the register or the million records themselves. :func:`registered_on`
    says the same of one volunteer. With a ``principal``, only its areas count.
    """
    on = min(date(year, 12, 31), today())
    figures: dict[str, dict[str, Any]] = {}

    def slot(village: str) -> dict[str, Any]:
        township = figures.get(village[:9])
        if township is None:
            township = figures[village[:9]] = {
                "volunteers_registered": 0,
                "volunteers_with_hours": 0,
                "service_hours": _ZERO,
                "records": 0,
            }
        return township

    def build() -> tuple[Any, Any]:
        registered = (
            select(
                VolunteerRegisterArea.area_code,
                func.sum(VolunteerRegisterArea.joined - VolunteerRegisterArea.departed),
            )
            .where(
                VolunteerRegisterArea.year <= on.year,
                within(VolunteerRegisterArea.area_code, area_code),
                area_condition(VolunteerRegisterArea.area_code, principal) if principal else true(),
            )
            .group_by(VolunteerRegisterArea.area_code)
        )
        served = select(
            VolunteerHoursArea.area_code,
            VolunteerHoursArea.volunteers,
            VolunteerHoursArea.hours,
            VolunteerHoursArea.records,
        ).where(
            VolunteerHoursArea.year == year,
            VolunteerHoursArea.records > 0,
            within(VolunteerHoursArea.area_code, area_code),
            area_condition(VolunteerHoursArea.area_code, principal) if principal else true(),
        )
        return registered, served

    registered, served = _STATEMENTS.get((on.year, year, area_code), build, keep=principal is None)
    for village, n in (await session.execute(registered)).all():
        if n:
            slot(village)["volunteers_registered"] += n
    for village, volunteers, hours, records in (await session.execute(served)).all():
        township = slot(village)
        township["volunteers_with_hours"] += volunteers
        township["service_hours"] += hours
        township["records"] += records

    by_township = [
        TownshipVolunteers(area_code=AreaCode(code), **values)
        for code, values in sorted(figures.items())
    ]
    return VolunteerStats(
        year=year,
        area_code=AreaCode(area_code) if area_code else None,
        on=on,
        volunteers_registered=sum(t.volunteers_registered for t in by_township),
        volunteers_with_hours=sum(t.volunteers_with_hours for t in by_township),
        service_hours=sum((t.service_hours for t in by_township), _ZERO),
        records=sum(t.records for t in by_township),
        by_township=by_township,
    )


# --- repositories ------------------------------------------------------------------------


class VolunteerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, volunteer_id: uuid.UUID, *, for_update: bool = False) -> Volunteer | None:
        return await self.session.get(Volunteer, volunteer_id, with_for_update=for_update)

    async def by_id_number(self, id_number: str, *, for_share: bool = False) -> Volunteer | None:
        """``for_share``: held until the transaction ends, so that a concurrent move to
        another village or a deregistration waits for what this one writes of the
        volunteer's service (and this one sees theirs, or waits)."""
        query = select(Volunteer).where(Volunteer.id_number == id_number)
        if for_share:
            query = query.with_for_update(read=True)
        return await self.session.scalar(query)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Volunteer], int]:
        query = (
            select(Volunteer)
            .where(*conditions)
            .order_by(Volunteer.area_code, Volunteer.name, Volunteer.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def village_exists(self, code: str) -> bool:
        return await village_exists(self.session, code)

    async def move_hours(self, volunteer_id: uuid.UUID, area_code: str) -> None:
        """The summary follows a volunteer who moves to another village."""
        await self.session.execute(
            update(VolunteerHoursYear)
            .where(VolunteerHoursYear.volunteer_id == volunteer_id)
            .values(area_code=area_code)
        )

    async def add(self, volunteer: Volunteer) -> None:
        self.session.add(volunteer)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


class OrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, organisation_id: uuid.UUID) -> VolunteerOrganisation | None:
        return await self.session.get(VolunteerOrganisation, organisation_id)

    async def named(
        self, name: str, *, besides: uuid.UUID | None = None
    ) -> VolunteerOrganisation | None:
        query = select(VolunteerOrganisation).where(VolunteerOrganisation.name == name)
        if besides is not None:
            query = query.where(VolunteerOrganisation.id != besides)
        return await self.session.scalar(query.limit(1))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[VolunteerOrganisation], int]:
        query = (
            select(VolunteerOrganisation)
            .where(*conditions)
            .order_by(
                VolunteerOrganisation.township_code.nulls_first(),
                VolunteerOrganisation.name,
                VolunteerOrganisation.id,
            )
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(self, organisation: VolunteerOrganisation) -> None:
        self.session.add(organisation)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


_records_of_activity = (
    select(func.count())
    .where(ServiceRecord.activity_id == VolunteerActivity.id)
    .correlate(VolunteerActivity)
    .scalar_subquery()
)
_hours_of_activity = (
    select(func.coalesce(func.sum(ServiceRecord.hours), 0))
    .where(ServiceRecord.activity_id == VolunteerActivity.id)
    .correlate(VolunteerActivity)
    .scalar_subquery()
)


class ActivityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, activity_id: uuid.UUID, *, for_update: bool = False
    ) -> VolunteerActivity | None:
        return await self.session.get(VolunteerActivity, activity_id, with_for_update=for_update)

    async def by_code(self, code: str) -> VolunteerActivity | None:
        return await self.session.scalar(
            select(VolunteerActivity).where(VolunteerActivity.code == code)
        )

    def _query(self) -> Select[VolunteerActivity, str, int, Decimal]:
        return select(
            VolunteerActivity, VolunteerOrganisation.name, _records_of_activity, _hours_of_activity
        ).join(VolunteerOrganisation, VolunteerOrganisation.id == VolunteerActivity.organisation_id)

    async def row(self, activity_id: uuid.UUID) -> ActivityRow | None:
        found = (
            await self.session.execute(self._query().where(VolunteerActivity.id == activity_id))
        ).first()
        return (found[0], found[1], found[2], found[3]) if found is not None else None

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ActivityRow], int]:
        query = (
            self._query()
            .where(*conditions)
            .order_by(VolunteerActivity.activity_date.desc(), VolunteerActivity.code)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows], await count_rows(self.session, query)

    async def has_records(self, activity_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(literal(1)).where(ServiceRecord.activity_id == activity_id).limit(1)
        )
        return found is not None

    async def next_code(self, year: int) -> str:
        number = await self.session.scalar(text("SELECT nextval('volunteer_activity_code_seq')"))
        return f"HD{year}{number:06d}"

    async def add(self, activity: VolunteerActivity) -> None:
        self.session.add(activity)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


class ServiceRecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _query() -> Select[ServiceRecord, Volunteer, VolunteerActivity, str]:
        return (
            select(ServiceRecord, Volunteer, VolunteerActivity, VolunteerOrganisation.name)
            .join(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
            .join(VolunteerActivity, VolunteerActivity.id == ServiceRecord.activity_id)
            .join(
                VolunteerOrganisation,
                VolunteerOrganisation.id == VolunteerActivity.organisation_id,
            )
        )

    async def get(self, record_id: uuid.UUID, *, for_update: bool = False) -> RecordRow | None:
        query = self._query().where(ServiceRecord.id == record_id)
        if for_update:
            query = query.with_for_update(of=ServiceRecord)
        found = (await self.session.execute(query)).first()
        return (found[0], found[1], found[2], found[3]) if found is not None else None

    async def of(self, volunteer_id: uuid.UUID, activity_id: uuid.UUID) -> ServiceRecord | None:
        return await self.session.scalar(
            select(ServiceRecord).where(
                ServiceRecord.volunteer_id == volunteer_id,
                ServiceRecord.activity_id == activity_id,
            )
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[RecordRow], int]:
        query = (
            self._query()
            .where(*conditions)
            .order_by(ServiceRecord.service_date.desc(), ServiceRecord.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows], await count_rows(self.session, query)

    async def add(self, record: ServiceRecord) -> None:
        self.session.add(record)
        await self.session.flush()

    async def delete(self, record: ServiceRecord) -> None:
        await self.session.delete(record)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    async def certificate(
        self, volunteer_id: uuid.UUID, date_from: date | None, date_to: date | None
    ) -> list[tuple[uuid.UUID, str, int, Decimal, date, date]]:
        """Per organisation: id, name, records, hours, first and last service date."""
        conditions: list[ColumnElement[bool]] = [ServiceRecord.volunteer_id == volunteer_id]
        if date_from is not None:
            conditions.append(ServiceRecord.service_date >= date_from)
        if date_to is not None:
            conditions.append(ServiceRecord.service_date <= date_to)
        query = (
            select(
                VolunteerOrganisation.id,
                VolunteerOrganisation.name,
                func.count(),
                func.sum(ServiceRecord.hours),
                func.min(ServiceRecord.service_date),
                func.max(ServiceRecord.service_date),
            )
            .join(VolunteerActivity, VolunteerActivity.id == ServiceRecord.activity_id)
            .join(
                VolunteerOrganisation,
                VolunteerOrganisation.id == VolunteerActivity.organisation_id,
            )
            .where(*conditions)
            .group_by(VolunteerOrganisation.id, VolunteerOrganisation.name)
            .order_by(func.sum(ServiceRecord.hours).desc(), VolunteerOrganisation.name)
        )
        rows = (await self.session.execute(query)).all()
        return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    async def records_between(
        self, volunteer_id: uuid.UUID, date_from: date | None, date_to: date | None
    ) -> list[RecordRow]:
        conditions: list[ColumnElement[bool]] = [ServiceRecord.volunteer_id == volunteer_id]
        if date_from is not None:
            conditions.append(ServiceRecord.service_date >= date_from)
        if date_to is not None:
            conditions.append(ServiceRecord.service_date <= date_to)
        query = (
            self._query()
            .where(*conditions)
            .order_by(ServiceRecord.service_date, VolunteerActivity.code)
        )
        rows = (await self.session.execute(query)).all()
        return [(r[0], r[1], r[2], r[3]) for r in rows]


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def days(self, year: int | None) -> list[WorkingCalendarDay]:
        query = select(WorkingCalendarDay).order_by(WorkingCalendarDay.day)
        if year is not None:
            query = query.where(in_year(WorkingCalendarDay.day, year))
        return list((await self.session.scalars(query)).all())

    async def get(self, day: date) -> WorkingCalendarDay | None:
        return await self.session.get(WorkingCalendarDay, day)

    async def add(self, row: WorkingCalendarDay) -> None:
        self.session.add(row)
        await self.session.flush()

    async def delete(self, row: WorkingCalendarDay) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
