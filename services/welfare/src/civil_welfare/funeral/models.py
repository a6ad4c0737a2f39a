"""Funeral fee waivers and public cemeteries."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.db import Base
from civil_welfare.funeral.schemas import (
    BUILT_STATUSES,
    EARLIEST_YEAR,
    CemeteryStatus,
    FamilyProgramme,
    WaivedItem,
)

VILLAGE_IN_TIANMEN = r"area_code ~ '^429006[0-9]{6}$'"


def _items_known() -> str:
    known = ", ".join(repr(str(v)) for v in WaivedItem)
    return f"items <@ ARRAY[{known}]::varchar[] AND cardinality(items) >= 1"


class FuneralWaiver(Versioned, Timestamps, Base):
    """A funeral fee waiver (殡葬救助：基本殡葬服务费减免) for a dibao or tekun family.

    One per deceased person: the deceased's ID number is unique.
    """

    __tablename__ = "funeral_waiver"
    __table_args__ = (
        Index("ix_funeral_waiver_approved_date", "approved_date"),
        CheckConstraint(r"deceased_id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(VILLAGE_IN_TIANMEN, name="village_in_tianmen"),
        CheckConstraint(one_of("family_programme", FamilyProgramme), name="programme_known"),
        CheckConstraint(_items_known(), name="items_known"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("approved_date >= death_date", name="approved_after_death"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    deceased_id_number: Mapped[str] = mapped_column(String(18), unique=True)
    deceased_name: Mapped[str] = mapped_column(String(100))
    death_date: Mapped[date]
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    family_programme: Mapped[str] = mapped_column(String(10))
    items: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    amount: Mapped[Decimal]
    approved_by: Mapped[str] = mapped_column(String(100))
    approved_date: Mapped[date]
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


_BUILT = ", ".join(repr(str(s)) for s in BUILT_STATUSES)


class PublicCemetery(Versioned, Timestamps, Base):
    """A public-welfare cemetery (公益性公墓) of a village."""

    __tablename__ = "public_cemetery"
    __table_args__ = (
        UniqueConstraint("area_code", "name"),
        CheckConstraint(VILLAGE_IN_TIANMEN, name="village_in_tianmen"),
        CheckConstraint(one_of("status", CemeteryStatus), name="status_known"),
        CheckConstraint(
            f"(status IN ({_BUILT})) = (year_built IS NOT NULL)", name="built_has_year"
        ),
        CheckConstraint(f"year_built >= {EARLIEST_YEAR}", name="year_built_plausible"),
        CheckConstraint("graves_capacity > 0", name="graves_capacity_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    status: Mapped[str] = mapped_column(String(20))
    year_built: Mapped[int | None] = mapped_column(SmallInteger)
    graves_capacity: Mapped[int]
    pilot: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    notes: Mapped[str | None] = mapped_column(Text)
