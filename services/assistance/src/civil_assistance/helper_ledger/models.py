import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_assistance.helper_ledger.schemas import BeneficiaryReason, HelperRole
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class HelperAssignment(Versioned, Timestamps, Base):
    """A named helper (帮扶人) for one vulnerable beneficiary, from start to end."""

    __tablename__ = "helper_assignment"
    __table_args__ = (
        # One active helper per beneficiary: a new helper means ending the old one first.
        Index(
            "uq_helper_assignment_one_active",
            "id_number",
            unique=True,
            postgresql_where=text("end_date IS NULL"),
        ),
        CheckConstraint(one_of("reason", BeneficiaryReason), name="reason_known"),
        CheckConstraint(one_of("helper_role", HelperRole), name="helper_role_known"),
        CheckConstraint("reason <> 'other' OR reason_note IS NOT NULL", name="other_explained"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("(end_date IS NULL) = (end_reason IS NULL)", name="ended_with_reason"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    reason: Mapped[str] = mapped_column(String(30))
    reason_note: Mapped[str | None] = mapped_column(Text)
    has_phone: Mapped[bool] = mapped_column(default=False)
    helper_name: Mapped[str] = mapped_column(String(100))
    helper_phone: Mapped[str] = mapped_column(String(20))
    helper_role: Mapped[str] = mapped_column(String(30))
    helper_relation: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)


class HelperVisit(Timestamps, Base):
    """One visit of the helper to the beneficiary (走访记录)."""

    __tablename__ = "helper_visit"
    __table_args__ = (Index("ix_helper_visit_assignment_date", "assignment_id", "visit_date"),)

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # RESTRICT: the visit log is the ledger's evidence and outlives nothing it records.
    assignment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("helper_assignment.id", ondelete="RESTRICT")
    )
    visit_date: Mapped[date]
    findings: Mapped[str] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
