import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps
from civil_welfare.db import Base


class WelfareParameter(Timestamps, Base):
    """The value of one parameter for one year and area (the city, or a township)."""

    __tablename__ = "welfare_parameter"
    __table_args__ = (
        UniqueConstraint("key", "year", "area_code"),
        CheckConstraint("value >= 0", name="value_non_negative"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    key: Mapped[str] = mapped_column(String(60))
    year: Mapped[int]
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    effective_date: Mapped[date]
    source: Mapped[str | None] = mapped_column(Text)
