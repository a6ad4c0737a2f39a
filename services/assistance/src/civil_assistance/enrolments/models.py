import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_assistance.db import Base
from civil_shared.runtime.database import Timestamps
from civil_shared.runtime.versioning import Versioned

#: Statuses in which the person counts as enrolled (and is paid, but for suspended).
ENROLLED_STATUSES = ("active", "suspended", "gradual_exit")
#: Statuses a disbursement run pays.
PAID_STATUSES = ("active", "gradual_exit")


class Enrolment(Versioned, Timestamps, Base):
    """One household in dibao, or one person in tekun, with its monthly amount."""

    __tablename__ = "enrolment"
    __table_args__ = (
        CheckConstraint("monthly_amount >= 0", name="amount_non_negative"),
        CheckConstraint("persons >= 1", name="persons_positive"),
        CheckConstraint("end_period IS NULL OR end_period >= start_period", name="end_after_start"),
        CheckConstraint(
            "status IN ('active', 'suspended', 'gradual_exit', 'ended')", name="status_known"
        ),
        Index("ix_enrolment_payable", "programme", "status", "start_period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    programme: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household.id", ondelete="RESTRICT"), index=True
    )
    payee_id_number: Mapped[str] = mapped_column(String(18), index=True)
    payee_name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    persons: Mapped[int]
    monthly_amount: Mapped[Decimal]
    start_period: Mapped[str] = mapped_column(String(7))
    end_period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_reason: Mapped[str | None] = mapped_column(Text)
    in_poverty_alleviation: Mapped[bool] = mapped_column(default=False)
    next_review_date: Mapped[date | None] = mapped_column(index=True)
    gradual_exit_until: Mapped[str | None] = mapped_column(String(7))

    people: Mapped[list["EnrolledPerson"]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan", lazy="selectin"
    )


class EnrolledPerson(Base):
    """A person covered by an enrolment.

    ``enrolled`` mirrors the enrolment's status so that one partial unique index
    holds the rule "never in dibao and tekun at the same time" for every writer.
    """

    __tablename__ = "enrolled_person"
    __table_args__ = (
        Index(
            "uq_enrolled_person_one_enrolment",
            "id_number",
            unique=True,
            postgresql_where=text("enrolled"),
        ),
    )

    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    enrolled: Mapped[bool] = mapped_column(default=True)

    enrolment: Mapped[Enrolment] = relationship(back_populates="people")
