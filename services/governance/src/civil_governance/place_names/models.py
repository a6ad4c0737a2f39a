import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_governance.db import Base
from civil_governance.divisions.models import Division
from civil_governance.place_names.schemas import PlaceCategory, PlaceNameEvent
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class PlaceName(Versioned, Timestamps, Base):
    """One standard place name (标准地名) in the register."""

    __tablename__ = "place_name"
    __table_args__ = (
        # The same kind of place is not named twice within one division (地名不重名).
        UniqueConstraint("division_code", "category", "standard_name"),
        CheckConstraint(one_of("category", PlaceCategory), name="category_known"),
        CheckConstraint(
            "(approval_date IS NULL) = (approving_authority IS NULL)", name="approval_complete"
        ),
        CheckConstraint(
            "approval_document IS NULL OR approval_date IS NOT NULL", name="document_approved"
        ),
        Index("ix_place_name_pinyin_key", "pinyin_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    standard_name: Mapped[str] = mapped_column(String(100))
    pinyin: Mapped[str] = mapped_column(String(300))
    # Letters only, lower case, no tone marks: what a pinyin search compares.
    pinyin_key: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(30))
    division_code: Mapped[str] = mapped_column(
        ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    meaning: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str | None] = mapped_column(Text)
    approval_date: Mapped[date | None]
    approving_authority: Mapped[str | None] = mapped_column(String(200))
    approval_document: Mapped[str | None] = mapped_column(String(100))
    recorded_by: Mapped[str] = mapped_column(String(200))

    division: Mapped[Division] = relationship(lazy="joined", innerjoin=True)


class PlaceNameChange(Timestamps, Base):
    """A naming or renaming of a place: the name before, the name after, and why."""

    __tablename__ = "place_name_change"
    __table_args__ = (
        CheckConstraint(one_of("event", PlaceNameEvent), name="event_known"),
        CheckConstraint("(event = 'named') = (old_name IS NULL)", name="renamed_from_old"),
        CheckConstraint(
            "event = 'named' OR (event_date IS NOT NULL AND reason IS NOT NULL"
            " AND document_number IS NOT NULL AND approving_authority IS NOT NULL)",
            name="rename_documented",
        ),
        # seq 1 is the naming; renames follow in order (and two at once cannot both be n+1).
        UniqueConstraint("place_name_id", "seq"),
        CheckConstraint("(event = 'named') = (seq = 1)", name="named_first"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # RESTRICT: place names are not deleted; their history is the register's evidence.
    place_name_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("place_name.id", ondelete="RESTRICT")
    )
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(String(10))
    event_date: Mapped[date | None]
    old_name: Mapped[str | None] = mapped_column(String(100))
    old_pinyin: Mapped[str | None] = mapped_column(String(300))
    new_name: Mapped[str] = mapped_column(String(100))
    new_pinyin: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(100))
    approving_authority: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(200))
