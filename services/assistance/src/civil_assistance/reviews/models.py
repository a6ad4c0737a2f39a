import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_shared.runtime.database import Timestamps


class EnrolmentReview(Timestamps, Base):
    """One review of an enrolment and what it decided."""

    __tablename__ = "enrolment_review"

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), index=True
    )
    review_date: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(20))
    findings: Mapped[str] = mapped_column(Text)
    income_stability: Mapped[str] = mapped_column(String(20))
    working_age_members: Mapped[int]
    previous_amount: Mapped[Decimal]
    monthly_amount: Mapped[Decimal]
    next_review_date: Mapped[date | None]
    reviewed_by: Mapped[str] = mapped_column(String(200))
