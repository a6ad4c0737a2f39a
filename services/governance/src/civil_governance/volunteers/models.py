"""The volunteer register, organisations, activities, service records, the hours
summary the statistics read, and the working calendar that dates the entries."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.db import Base
from civil_governance.volunteers.rules import (
    CalendarDayKind,
    OrganisationKind,
    VolunteerStatus,
)
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned

#: Hours of a record: NUMERIC(4,2), at most 24.00.
HoursColumn = Numeric(4, 2, asdecimal=True)
#: Hours summed: up to ten million hours a volunteer a year is room enough.
TotalHoursColumn = Numeric(12, 2, asdecimal=True)


class Volunteer(Versioned, Timestamps, Base):
    """A registered volunteer (注册志愿者): one registration per person."""

    __tablename__ = "volunteer"
    __table_args__ = (
        UniqueConstraint("id_number"),
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint("length(area_code) = 12", name="village_level"),
        CheckConstraint(one_of("status", VolunteerStatus), name="status_known"),
        CheckConstraint("status = 'active' OR status_date IS NOT NULL", name="status_dated"),
        CheckConstraint(
            "status_date IS NULL OR status_date >= registered_date",
            name="status_after_registration",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    # The village or community the volunteer registered in (12 digits).
    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    registered_date: Mapped[date]
    skills: Mapped[list[str]] = mapped_column(ARRAY(String(50)), server_default="{}")
    status: Mapped[str] = mapped_column(String(20), server_default=VolunteerStatus.ACTIVE.value)
    status_date: Mapped[date | None]
    status_reason: Mapped[str | None] = mapped_column(Text)


class VolunteerOrganisation(Versioned, Timestamps, Base):
    """An organisation that runs volunteer activities (志愿服务组织)."""

    __tablename__ = "volunteer_organisation"
    __table_args__ = (
        UniqueConstraint("name"),
        CheckConstraint(one_of("kind", OrganisationKind), name="kind_known"),
        CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9", name="township_level"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    # NULL: a city-level organisation.
    township_code: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(20))


class VolunteerActivity(Versioned, Timestamps, Base):
    """One volunteer activity: who ran it, when, where. Its code is what import files name."""

    __tablename__ = "volunteer_activity"
    __table_args__ = (
        UniqueConstraint("code"),
        # The target of the service records' (activity_id, service_date) foreign key:
        # a record's date is its activity's, kept so by the database.
        UniqueConstraint("id", "activity_date"),
        Index("ix_volunteer_activity_activity_date", "activity_date"),
        CheckConstraint("length(township_code) = 9", name="township_level"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    code: Mapped[str] = mapped_column(String(30))
    # RESTRICT: an organisation with activities stays on the books.
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("volunteer_organisation.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    activity_date: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    township_code: Mapped[str] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    organiser: Mapped[str] = mapped_column(String(100))
    content: Mapped[str | None] = mapped_column(Text)


class ServiceRecord(Versioned, Timestamps, Base):
    """Hours one volunteer served in one activity (志愿服务记录): one record per pair.

    ``late`` is decided when the record is entered (after its deadline of 10
    working days) and kept; the CHECK holds it to ``entered_at``.
    """

    __tablename__ = "volunteer_service"
    __table_args__ = (
        UniqueConstraint("volunteer_id", "activity_id"),
        ForeignKeyConstraint(
            ["activity_id", "service_date"],
            ["volunteer_activity.id", "volunteer_activity.activity_date"],
            ondelete="RESTRICT",
        ),
        Index("ix_volunteer_service_activity_id", "activity_id"),
        CheckConstraint("hours > 0 AND hours <= 24", name="hours_range"),
        CheckConstraint("entry_deadline > service_date", name="deadline_after_service"),
        CheckConstraint(
            "late = ((entered_at AT TIME ZONE 'Asia/Shanghai')::date > entry_deadline)",
            name="late_by_deadline",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # RESTRICT: hours served outlive nothing; a volunteer is deregistered, never deleted.
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteer.id", ondelete="RESTRICT"))
    activity_id: Mapped[uuid.UUID]
    service_date: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(HoursColumn)
    entered_at: Mapped[datetime]
    entered_by: Mapped[str] = mapped_column(String(200))
    entry_deadline: Mapped[date]
    late: Mapped[bool]


class VolunteerHoursYear(Base):
    """Each volunteer's hours and records in a year: what the statistics sum.

    Kept by the writes of service records (one upsert a record, one set-based
    upsert an import); ``area_code`` follows the volunteer's registration.
    """

    __tablename__ = "volunteer_hours_year"
    __table_args__ = (
        Index("ix_volunteer_hours_year_year_area_code", "year", "area_code"),
        CheckConstraint("records >= 0 AND hours >= 0", name="not_negative"),
    )

    # No foreign key: the rows are sums of service records, whose own key holds the
    # volunteer, and checking it again per row took 2 of an import's summary's 3.5 s.
    volunteer_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12))
    hours: Mapped[Decimal] = mapped_column(TotalHoursColumn)
    records: Mapped[int] = mapped_column(Integer)


class VolunteerHoursArea(Base):
    """The year's volunteers with hours, hours and records of each village: the sums of
    ``volunteer_hours_year`` by (year, area_code), which the statistics read.

    Kept by statement-level triggers on ``volunteer_hours_year`` (migration
    7a6aef1009e8): every insert, update and delete there adds the difference of
    its transition tables here, in the same statement, whichever way it was written.
    No CHECK: an upsert would test it on the negative difference it proposes.
    """

    __tablename__ = "volunteer_hours_area"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    volunteers: Mapped[int] = mapped_column(Integer)
    hours: Mapped[Decimal] = mapped_column(Numeric(14, 2, asdecimal=True))
    records: Mapped[int] = mapped_column(BigInteger)


class VolunteerRegisterArea(Base):
    """How many volunteers of a village registered in a year, and how many of them
    are deregistered with a date in a year: the register at the end of year Y is
    the joined minus the departed of the years up to Y (registration and status
    dates are never in the future, so a year is fine enough).

    Kept by statement-level triggers on ``volunteer`` (migration 7a6aef1009e8),
    like :class:`VolunteerHoursArea`; no CHECK for the same reason.
    """

    __tablename__ = "volunteer_register_area"

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    joined: Mapped[int] = mapped_column(Integer)
    departed: Mapped[int] = mapped_column(Integer)


class WorkingCalendarDay(Timestamps, Base):
    """A public holiday, or a weekend day worked in exchange for one (调休上班)."""

    __tablename__ = "working_calendar_day"
    __table_args__ = (
        CheckConstraint(one_of("kind", CalendarDayKind), name="kind_known"),
        CheckConstraint(
            "kind = 'holiday' OR extract(isodow FROM day) IN (6, 7)", name="workday_on_weekend"
        ),
    )

    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(50))
