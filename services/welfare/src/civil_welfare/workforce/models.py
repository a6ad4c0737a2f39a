"""Child directors and supervisors (one table, by role) and their training records."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.children.fields import ID_NUMBER_CHECK, TOWNSHIP_CHECK, VILLAGE_CHECK
from civil_welfare.db import Base
from civil_welfare.workforce.schemas import WorkerRole, WorkerStatus

_ACTIVE = text("status = 'active'")


class ChildWelfareWorker(Versioned, Timestamps, Base):
    """A child director (of one village or community) or supervisor (of one township).

    One active director per village and one active supervisor per township, held by
    partial unique indexes; a person holds one active post of each role at most. A
    worker never moves: a new post is a new appointment, so ``area_code`` is fixed and
    child files can reference ``(id, area_code)`` to name only their own village's
    director.
    """

    __tablename__ = "child_welfare_worker"
    __table_args__ = (
        CheckConstraint(one_of("role", WorkerRole), name="role_known"),
        CheckConstraint(one_of("status", WorkerStatus), name="status_known"),
        CheckConstraint(ID_NUMBER_CHECK, name="id_number_format"),
        CheckConstraint(
            f"(role = 'director' AND {VILLAGE_CHECK})"
            f" OR (role = 'supervisor' AND {TOWNSHIP_CHECK})",
            name="area_fits_role",
        ),
        CheckConstraint("(status = 'left') = (left_date IS NOT NULL)", name="left_with_date"),
        CheckConstraint("left_date IS NULL OR left_date >= appointed_date", name="left_after"),
        UniqueConstraint("id", "area_code"),
        Index(
            "uq_child_welfare_worker_one_per_area",
            "role",
            "area_code",
            unique=True,
            postgresql_where=_ACTIVE,
        ),
        Index(
            "uq_child_welfare_worker_one_post_per_person",
            "role",
            "id_number",
            unique=True,
            postgresql_where=_ACTIVE,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    role: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    appointed_date: Mapped[date]
    status: Mapped[str] = mapped_column(
        String(10), default=WorkerStatus.ACTIVE.value, server_default="active"
    )
    left_date: Mapped[date | None]
    left_reason: Mapped[str | None] = mapped_column(Text)

    trainings: Mapped[list["WorkerTraining"]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by=lambda: [WorkerTraining.training_date.desc(), WorkerTraining.topic],
    )


class WorkerTraining(Timestamps, Base):
    """One training a director or supervisor attended (培训记录): date, topic, hours, organiser."""

    __tablename__ = "child_welfare_training"
    __table_args__ = (
        UniqueConstraint("worker_id", "training_date", "topic"),
        CheckConstraint("hours > 0 AND hours <= 200", name="hours_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    worker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("child_welfare_worker.id", ondelete="CASCADE"), index=True
    )
    training_date: Mapped[date] = mapped_column(index=True)
    topic: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    organiser: Mapped[str] = mapped_column(String(200))
