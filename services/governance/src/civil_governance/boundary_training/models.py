import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps


class BoundaryTraining(Timestamps, Base):
    """One training batch for the townships' boundary-survey staff (界线勘测人员培训)."""

    __tablename__ = "boundary_training"
    __table_args__ = (
        # The same session entered twice is one batch.
        UniqueConstraint("held_date", "place", "topic"),
        CheckConstraint("participants > 0", name="participants_positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    held_date: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(200))
    participants: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))

    townships: Mapped[list["BoundaryTrainingTownship"]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="BoundaryTrainingTownship.township_code",
    )


class BoundaryTrainingTownship(Base):
    """A township whose staff took part in a training batch."""

    __tablename__ = "boundary_training_township"
    __table_args__ = (CheckConstraint("length(township_code) = 9", name="township_level"),)

    training_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("boundary_training.id", ondelete="CASCADE"), primary_key=True
    )
    township_code: Mapped[str] = mapped_column(
        ForeignKey("division.code", ondelete="RESTRICT"), primary_key=True, index=True
    )
