import uuid

from sqlalchemy import CheckConstraint, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.db import Base
from civil_welfare.hard_up_elderly.schemas import GrantStatus, HardshipBasis, SubsidyKind


class HardUpElderSubsidy(Versioned, Timestamps, Base):
    """A grant of one of the two subsidies for economically hard-up elderly to one person.

    A person holds at most one grant of each kind that has not ended; the amount is
    the year's parameter for the kind, not stored.
    """

    __tablename__ = "hard_up_elder_subsidy"
    __table_args__ = (
        Index(
            "uq_hard_up_elder_subsidy_one_open",
            "id_number",
            "kind",
            unique=True,
            postgresql_where=text("status <> 'ended'"),
        ),
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(r"area_code ~ '^429006[0-9]{6}$'", name="village_in_tianmen"),
        CheckConstraint(one_of("kind", SubsidyKind), name="kind_known"),
        CheckConstraint(one_of("hardship_basis", HardshipBasis), name="basis_known"),
        CheckConstraint(
            "hardship_basis <> 'other' OR hardship_note IS NOT NULL", name="other_explained"
        ),
        CheckConstraint(
            "kind <> 'hard_up_disabled' OR assessment IS NOT NULL", name="disabled_assessed"
        ),
        CheckConstraint(one_of("status", GrantStatus), name="status_known"),
        CheckConstraint("(status = 'ended') = (end_period IS NOT NULL)", name="ended_with_end"),
        CheckConstraint("end_period IS NULL OR end_period >= start_period", name="end_after_start"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    hardship_basis: Mapped[str] = mapped_column(String(20))
    hardship_note: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[str | None] = mapped_column(Text)
    start_period: Mapped[str] = mapped_column(String(7))
    end_period: Mapped[str | None] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(10), default=GrantStatus.ACTIVE.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
