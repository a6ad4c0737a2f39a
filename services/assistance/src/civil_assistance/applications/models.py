import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_shared.runtime.database import Timestamps
from civil_shared.runtime.versioning import Versioned


class Application(Versioned, Timestamps, Base):
    """One application for dibao or tekun, from submission to decision."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(
            "investigator_1 IS NULL OR investigator_1 <> investigator_2",
            name="two_investigators",
        ),
        Index(
            "uq_application_open",
            "applicant_id_number",
            "programme",
            unique=True,
            postgresql_where=text("status IN ('submitted', 'investigated', 'in_notice')"),
        ),
        CheckConstraint(
            "status IN ('submitted', 'investigated', 'in_notice', 'approved', 'rejected',"
            " 'withdrawn')",
            name="status_known",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    programme: Mapped[str] = mapped_column(String(20))
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household.id", ondelete="RESTRICT"), index=True
    )
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    applicant_name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    application_date: Mapped[date]
    staff_related: Mapped[bool] = mapped_column(default=False)
    staff_relation: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")

    visit_date: Mapped[date | None]
    investigator_1: Mapped[str | None] = mapped_column(String(100))
    investigator_2: Mapped[str | None] = mapped_column(String(100))
    county_visited: Mapped[bool] = mapped_column(default=False)
    visit_findings: Mapped[str | None] = mapped_column(Text)
    members: Mapped[int | None]
    income_per_person: Mapped[Decimal | None]
    standard_monthly: Mapped[Decimal | None]
    eligible: Mapped[bool | None]
    reasons: Mapped[list[Any] | None] = mapped_column(JSONB)
    monthly_amount: Mapped[Decimal | None]
    self_care_level: Mapped[str | None] = mapped_column(String(20))

    notice_start_date: Mapped[date | None]
    notice_end_date: Mapped[date | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    enrolment_id: Mapped[uuid.UUID | None]
