import uuid
from datetime import date

from sqlalchemy import CheckConstraint, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.db import Base
from civil_welfare.high_age.schemas import AllowanceStatus, StopReason


class HighAgeAllowance(Versioned, Timestamps, Base):
    """A recipient of the high-age allowance (高龄津贴); a person is on the register once.

    The tier and the amount are not stored: they follow from the ID number's birth
    date and the year's parameters for each payment month.
    """

    __tablename__ = "high_age_allowance"
    __table_args__ = (
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(r"area_code ~ '^429006[0-9]{6}$'", name="village_in_tianmen"),
        CheckConstraint(one_of("status", AllowanceStatus), name="status_known"),
        CheckConstraint(
            f"stop_reason IS NULL OR {one_of('stop_reason', StopReason)}", name="stop_reason_known"
        ),
        CheckConstraint(
            "(status = 'stopped') = (stop_reason IS NOT NULL AND stop_date IS NOT NULL"
            " AND end_period IS NOT NULL)",
            name="stopped_with_reason",
        ),
        CheckConstraint("end_period IS NULL OR end_period >= start_period", name="end_after_start"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    start_period: Mapped[str] = mapped_column(String(7))
    end_period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default=AllowanceStatus.ACTIVE.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    stop_reason: Mapped[str | None] = mapped_column(String(20))
    stop_date: Mapped[date | None]
