import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_shared.runtime.database import Timestamps


class DisbursementRun(Timestamps, Base):
    """The payments of one programme for one month; at most one per (programme, period)."""

    __tablename__ = "disbursement_run"
    __table_args__ = (
        UniqueConstraint("programme", "period"),
        CheckConstraint("status IN ('draft', 'approved', 'paid')", name="status_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    programme: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    line_count: Mapped[int] = mapped_column(default=0)
    persons: Mapped[int] = mapped_column(default=0)
    total_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    created_by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    paid_by: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None]


class DisbursementLine(Base):
    """One payment of a run; written only by the run's INSERT ... SELECT."""

    __tablename__ = "disbursement_line"
    __audit__ = False  # a run writes thousands of lines at once; it records one bulk event

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("disbursement_run.id", ondelete="CASCADE"), primary_key=True
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    household_id: Mapped[uuid.UUID | None]
    payee_id_number: Mapped[str] = mapped_column(String(18))
    payee_name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    persons: Mapped[int]
    amount: Mapped[Decimal]
