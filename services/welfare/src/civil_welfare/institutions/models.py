"""Care institutions, their ledger of disabled tekun residents, closed-management periods."""

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, id_number_point, one_of, uuid_point
from civil_shared.runtime.versioning import Versioned
from civil_welfare.db import Base
from civil_welfare.institutions.schemas import (
    InstitutionKind,
    InstitutionStatus,
    Operator,
    SelfCareLevel,
)


class CareInstitution(Versioned, Timestamps, Base):
    """An elderly-care institution or welfare home (养老机构、福利院) in one township.

    Residents and staff are counts kept on the institution; each change moves its
    version (ETag) and is audited, so the audit trail is the counts' history.
    """

    __tablename__ = "care_institution"
    __table_args__ = (
        # A township (9 digits) or village/community (12 digits) inside Tianmen.
        CheckConstraint(r"area_code ~ '^429006([0-9]{3}|[0-9]{6})$'", name="area_in_tianmen"),
        CheckConstraint(one_of("kind", InstitutionKind), name="kind_known"),
        CheckConstraint(one_of("operator", Operator), name="operator_known"),
        CheckConstraint(one_of("status", InstitutionStatus), name="status_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("residents_count >= 0 AND staff_count >= 0", name="counts_non_negative"),
        CheckConstraint("residents_count <= capacity", name="residents_within_capacity"),
        CheckConstraint("status <> 'closed' OR residents_count = 0", name="closed_is_empty"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    operator: Mapped[str] = mapped_column(String(10))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int]
    residents_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    staff_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    status: Mapped[str] = mapped_column(
        String(20), default=InstitutionStatus.OPERATING.value, server_default="operating"
    )


class DisabledTekunResident(Versioned, Timestamps, Base):
    """An entry of the ledger of disabled tekun residents (失能特困人员台账).

    A person is on the ledger of one institution at a time: one active entry per
    ID number (partial unique index), and no two stays of one person overlap in
    time (exclusion constraint; the left date is the first day away).
    """

    __tablename__ = "disabled_tekun_resident"
    __table_args__ = (
        Index(
            "uq_disabled_tekun_resident_one_active",
            "id_number",
            unique=True,
            postgresql_where=text("left_date IS NULL"),
        ),
        ExcludeConstraint(
            (text(id_number_point("id_number")), "&&"),
            (text("daterange(admitted_date, left_date, '[)')"), "&&"),
            name="ex_disabled_tekun_resident_stays_do_not_overlap",
            using="gist",
        ),
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(one_of("self_care_level", SelfCareLevel), name="self_care_level_known"),
        CheckConstraint(
            "left_date IS NULL OR left_date >= admitted_date", name="left_after_admitted"
        ),
        CheckConstraint("(left_date IS NULL) = (left_reason IS NULL)", name="left_with_reason"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # RESTRICT: the ledger is evidence; an institution with entries is closed, not deleted.
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("care_institution.id", ondelete="RESTRICT"), index=True
    )
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(100))
    self_care_level: Mapped[str] = mapped_column(String(20))
    admitted_date: Mapped[date]
    left_date: Mapped[date | None]
    left_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class ClosedManagementPeriod(Versioned, Timestamps, Base):
    """A period of closed management (封闭管理) of one institution, e.g. in an epidemic.

    The end is null while the period lasts; both ends are days inside the period.
    Periods of one institution never overlap (exclusion constraint), so at most
    one is ongoing.
    """

    __tablename__ = "closed_management_period"
    __table_args__ = (
        ExcludeConstraint(
            (text(uuid_point("institution_id")), "&&"),
            (text("daterange(start_date, end_date, '[]')"), "&&"),
            name="ex_closed_management_period_no_overlap",
            using="gist",
        ),
        Index("ix_closed_management_period_start_date", "start_date"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint(
            "residents_inside >= 0 AND staff_inside >= 0 AND infections >= 0",
            name="counts_non_negative",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("care_institution.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    residents_inside: Mapped[int]
    staff_inside: Mapped[int]
    infections: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
