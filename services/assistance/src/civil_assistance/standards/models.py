import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_assistance.standards.schemas import StandardProgramme, StandardUnit
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class AssistanceStandard(Versioned, Timestamps, Base):
    """One standard of one programme for one year and area."""

    __tablename__ = "assistance_standard"
    __table_args__ = (
        UniqueConstraint("programme", "year", "area_code"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint(one_of("programme", StandardProgramme), name="programme_known"),
        CheckConstraint(one_of("unit", StandardUnit), name="unit_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    programme: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    amount: Mapped[Decimal]
    unit: Mapped[str] = mapped_column(String(20))
    effective_date: Mapped[date]
