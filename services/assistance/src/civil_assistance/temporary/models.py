import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_assistance.temporary.schemas import TemporaryCause, TemporaryKind, TemporaryStatus
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class TemporaryCase(Versioned, Timestamps, Base):
    """One temporary-assistance case (临时救助), from application to payment.

    The standard and multiples in force when the case was applied for are kept on
    the case, so its limits do not move if a parameter is corrected later.
    """

    __tablename__ = "temporary_case"
    __table_args__ = (
        # One case per cause per person per year; a rejected case does not count.
        Index(
            "uq_temporary_case_person_cause_year",
            "id_number",
            "cause",
            "year",
            unique=True,
            postgresql_where=text("status <> 'rejected'"),
        ),
        Index("ix_temporary_case_year_status", "year", "status"),
        CheckConstraint(one_of("kind", TemporaryKind), name="kind_known"),
        CheckConstraint(one_of("cause", TemporaryCause), name="cause_known"),
        CheckConstraint(one_of("status", TemporaryStatus), name="status_known"),
        CheckConstraint("year = EXTRACT(YEAR FROM application_date)", name="year_of_application"),
        CheckConstraint("amount > 0 AND standard_monthly > 0", name="amount_positive"),
        CheckConstraint(
            "amount <= standard_monthly * max_multiple OR major_hardship",
            name="within_max_multiple",
        ),
        CheckConstraint(
            "NOT major_hardship OR major_hardship_reason IS NOT NULL", name="major_hardship_reason"
        ),
        CheckConstraint(
            "kind <> 'spending' OR income_per_person_yearly < average_disposable_income",
            name="spending_income_below_average",
        ),
        CheckConstraint(
            "status <> 'township_approved' OR amount <= standard_monthly * township_limit_multiple",
            name="township_within_limit",
        ),
        CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_with_reason"
        ),
        CheckConstraint("(status = 'paid') = (paid_at IS NOT NULL)", name="paid_once"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    cause: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    application_date: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal]
    multiple: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    standard_monthly: Mapped[Decimal]
    max_multiple: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    township_limit_multiple: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    income_per_person_yearly: Mapped[Decimal | None]
    average_disposable_income: Mapped[Decimal | None]
    major_hardship: Mapped[bool] = mapped_column(default=False)
    major_hardship_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=TemporaryStatus.APPLIED.value)
    created_by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    rejected_by: Mapped[str | None] = mapped_column(String(200))
    rejected_at: Mapped[datetime | None]
    paid_by: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None]
