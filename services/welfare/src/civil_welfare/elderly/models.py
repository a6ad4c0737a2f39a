import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.db import Base
from civil_welfare.elderly.qualification import AwayFor
from civil_welfare.elderly.schemas import ChildRelation, ElderStatus, LivingSituation, RiskLevel


class LeftBehindElder(Versioned, Timestamps, Base):
    """One rural left-behind elder (农村留守老人) on the register; a person is on it once.

    Age, sex and whether the person still qualifies are computed, never stored. The
    version also moves when the children change, so one ETag guards the whole record.
    """

    __tablename__ = "left_behind_elder"
    __table_args__ = (
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(r"area_code ~ '^429006[0-9]{6}$'", name="village_in_tianmen"),
        CheckConstraint(one_of("living_situation", LivingSituation), name="living_known"),
        CheckConstraint(
            "living_situation <> 'other' OR living_note IS NOT NULL", name="other_explained"
        ),
        CheckConstraint(one_of("risk_level", RiskLevel), name="risk_known"),
        CheckConstraint(one_of("status", ElderStatus), name="status_known"),
        CheckConstraint("(status = 'left') = (left_date IS NOT NULL)", name="left_with_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    living_situation: Mapped[str] = mapped_column(String(20))
    living_note: Mapped[str | None] = mapped_column(Text)
    risk_level: Mapped[str] = mapped_column(String(10), index=True)
    worker_name: Mapped[str] = mapped_column(String(100))
    worker_username: Mapped[str | None] = mapped_column(String(200), index=True)
    worker_phone: Mapped[str | None] = mapped_column(String(20))
    registered_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=ElderStatus.ACTIVE.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    left_date: Mapped[date | None]

    children: Mapped[list["LeftBehindElderChild"]] = relationship(
        back_populates="elder",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="LeftBehindElderChild.position",
    )


class LeftBehindElderChild(Base):
    """A child (or other supporter) of a left-behind elder: away or not, where, since when."""

    __tablename__ = "left_behind_elder_child"
    __table_args__ = (
        CheckConstraint(one_of("relation", ChildRelation), name="relation_known"),
        CheckConstraint(one_of("away_for", AwayFor), name="away_for_known"),
        CheckConstraint("(away_for = 'not_away') = (away_since IS NULL)", name="away_with_since"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    elder_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("left_behind_elder.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(20))
    away_for: Mapped[str] = mapped_column(String(10))
    whereabouts: Mapped[str | None] = mapped_column(String(200))
    away_since: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(20))

    elder: Mapped[LeftBehindElder] = relationship(back_populates="children")
