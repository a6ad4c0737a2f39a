"""The disabled persons' register, the subsidy applications with their decisions, the grants."""

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_shared.types import DisabilityCategory
from civil_welfare.db import Base
from civil_welfare.disability.schemas import (
    DisabilitySubsidy,
    GrantStatus,
    Outcome,
    RefusalReason,
    RegisterStatus,
)

_CATEGORY_DIGIT = " ".join(
    f"WHEN '{category.value}' THEN '{category.certificate_digit}'"
    for category in DisabilityCategory
)


def _array_of(column: str, values: type[RefusalReason]) -> str:
    known = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} <@ ARRAY[{known}]::varchar[]"


class DisabledPerson(Versioned, Timestamps, Base):
    """A person on the register of disabled persons (残疾人), once per ID number."""

    __tablename__ = "disabled_person"
    __table_args__ = (
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(r"area_code ~ '^429006[0-9]{6}$'", name="village_in_tianmen"),
        CheckConstraint(one_of("category", DisabilityCategory), name="category_known"),
        CheckConstraint("grade BETWEEN 1 AND 4", name="grade_range"),
        CheckConstraint(one_of("status", RegisterStatus), name="status_known"),
        # 第二代残疾人证号: ID number, category digit, grade digit.
        CheckConstraint(
            "left(certificate_number, 18) = id_number"
            f" AND substr(certificate_number, 19, 1) = CASE category {_CATEGORY_DIGIT} END"
            " AND substr(certificate_number, 20, 1) = grade::text",
            name="certificate_matches",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    certificate_number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int] = mapped_column(SmallInteger)
    care_need_since: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=RegisterStatus.ACTIVE.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    status_date: Mapped[date | None]

    grants: Mapped[list["DisabilitySubsidyGrant"]] = relationship(
        back_populates="person", lazy="selectin", order_by="DisabilitySubsidyGrant.start_period"
    )


class DisabilitySubsidyApplication(Timestamps, Base):
    """One application for one or both subsidies, decided at once, with the facts it was
    decided on: the register's and the assistance service's answer that day."""

    __tablename__ = "disability_subsidy_application"
    __table_args__ = (
        CheckConstraint(one_of("category", DisabilityCategory), name="category_known"),
        CheckConstraint("grade BETWEEN 1 AND 4", name="grade_range"),
        CheckConstraint("NOT (in_dibao AND in_tekun)", name="not_dibao_and_tekun"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disabled_person.id", ondelete="RESTRICT"), index=True
    )
    start_period: Mapped[str] = mapped_column(String(7))
    decided_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    grade: Mapped[int] = mapped_column(SmallInteger)
    care_need_months: Mapped[int | None]
    in_orphan_scheme: Mapped[bool]
    in_dibao: Mapped[bool]
    in_tekun: Mapped[bool]
    household_edge_of_dibao: Mapped[bool | None]
    assistance_programmes: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    assistance_checked_on: Mapped[date]
    notes: Mapped[str | None] = mapped_column(Text)

    decisions: Mapped[list["DisabilitySubsidyDecision"]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="DisabilitySubsidyDecision.subsidy",
    )


class DisabilitySubsidyGrant(Versioned, Timestamps, Base):
    """A subsidy being paid (or paid until ``end_period``) to one person.

    The amount is not stored: each month pays the year's parameter for the
    person's area. At most one active grant of each subsidy per person.
    """

    __tablename__ = "disability_subsidy_grant"
    __table_args__ = (
        CheckConstraint(one_of("subsidy", DisabilitySubsidy), name="subsidy_known"),
        CheckConstraint(one_of("status", GrantStatus), name="status_known"),
        CheckConstraint("(status = 'active') = (end_period IS NULL)", name="end_when_stopped"),
        CheckConstraint(
            "(status = 'stopped') = (stop_reason IS NOT NULL)", name="reason_when_stopped"
        ),
        Index(
            "uq_disability_subsidy_grant_one_active",
            "person_id",
            "subsidy",
            unique=True,
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_disability_subsidy_grant_payable", "subsidy", "start_period", "end_period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disabled_person.id", ondelete="RESTRICT"), index=True
    )
    subsidy: Mapped[str] = mapped_column(String(10))
    start_period: Mapped[str] = mapped_column(String(7))
    end_period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default=GrantStatus.ACTIVE.value)
    stop_reason: Mapped[str | None] = mapped_column(Text)

    person: Mapped[DisabledPerson] = relationship(back_populates="grants", lazy="joined")


class DisabilitySubsidyDecision(Base):
    """The decision on one subsidy of an application: granted (with its grant) or refused
    with every reason."""

    __tablename__ = "disability_subsidy_decision"
    __table_args__ = (
        UniqueConstraint("application_id", "subsidy"),
        CheckConstraint(one_of("subsidy", DisabilitySubsidy), name="subsidy_known"),
        CheckConstraint(one_of("outcome", Outcome), name="outcome_known"),
        CheckConstraint(_array_of("reasons", RefusalReason), name="reasons_known"),
        CheckConstraint(
            "(outcome = 'granted') = (cardinality(reasons) = 0)", name="reasons_when_refused"
        ),
        CheckConstraint(
            "(outcome = 'granted') = (grant_id IS NOT NULL)", name="grant_when_granted"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disability_subsidy_application.id", ondelete="CASCADE"), index=True
    )
    subsidy: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    grant_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("disability_subsidy_grant.id", ondelete="RESTRICT"), unique=True
    )

    application: Mapped[DisabilitySubsidyApplication] = relationship(back_populates="decisions")
