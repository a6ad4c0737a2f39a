import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from civil_assistance.db import Base
from civil_assistance.rescue.schemas import HelpGiven, RescueOutcome, RescueSex
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


def _array_of(column: str, values: type[HelpGiven]) -> str:
    known = ", ".join(repr(str(v)) for v in values)
    return f"{column} <@ ARRAY[{known}]::varchar[] AND cardinality({column}) >= 1"


class RescueRecord(Versioned, Timestamps, Base):
    """One vagrant or beggar helped (流浪乞讨人员救助): one person-time."""

    __tablename__ = "rescue_record"
    __table_args__ = (
        Index("ix_rescue_record_found_date", "found_date"),
        CheckConstraint(one_of("sex", RescueSex), name="sex_known"),
        CheckConstraint(one_of("outcome", RescueOutcome), name="outcome_known"),
        CheckConstraint(_array_of("help_given", HelpGiven), name="help_given_known"),
        CheckConstraint(
            "approximate_age IS NULL OR approximate_age BETWEEN 0 AND 120", name="age_range"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    person_name: Mapped[str] = mapped_column(String(100))
    # Vagrants often carry no papers: the ID number is known for some only.
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    sex: Mapped[str] = mapped_column(String(10))
    approximate_age: Mapped[int | None]
    found_date: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    help_given: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
