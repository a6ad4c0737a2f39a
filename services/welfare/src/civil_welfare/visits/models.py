import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.children.fields import VILLAGE_CHECK
from civil_welfare.db import Base
from civil_welfare.visits.schemas import VisitKind


class Visit(Versioned, Timestamps, Base):
    """One visit (探访记录) of a left-behind elder or of a child with a file.

    The subject is one of two foreign keys, exactly one set (the database refuses none or
    both); RESTRICT keeps the log as long as its subject. ``area_code`` is the subject's
    village on the day the visit was recorded: where the visit was made, so the year's
    visits by township do not move when a person moves later.

    A subject's visit of one kind on one day is recorded once (the two partial unique
    indexes): a round book uploaded again, or a visit entered twice, must not count
    twice in the year's visits. A phone call and a home visit on one day are two visits
    (only the home visit counts for a child's round).
    """

    __tablename__ = "visit"
    __table_args__ = (
        CheckConstraint("num_nonnulls(elder_id, child_file_id) = 1", name="one_subject"),
        CheckConstraint(VILLAGE_CHECK, name="village_in_tianmen"),
        CheckConstraint(one_of("kind", VisitKind), name="kind_known"),
        CheckConstraint(
            "(follow_up_action IS NULL) = (follow_up_due_date IS NULL)",
            name="follow_up_with_due_date",
        ),
        CheckConstraint(
            "follow_up_due_date IS NULL OR follow_up_due_date >= visit_date",
            name="follow_up_due_after_visit",
        ),
        CheckConstraint(
            "(follow_up_done_date IS NULL) = (follow_up_result IS NULL)",
            name="follow_up_done_with_result",
        ),
        CheckConstraint(
            "follow_up_done_date IS NULL"
            " OR (follow_up_action IS NOT NULL AND follow_up_done_date >= visit_date)",
            name="follow_up_done_after_visit",
        ),
        Index("ix_visit_elder_date", "elder_id", "visit_date"),
        Index("ix_visit_child_file_date", "child_file_id", "visit_date"),
        Index(
            "uq_visit_elder_date_kind",
            "elder_id",
            "visit_date",
            "kind",
            unique=True,
            postgresql_where=text("elder_id IS NOT NULL"),
        ),
        Index(
            "uq_visit_child_file_date_kind",
            "child_file_id",
            "visit_date",
            "kind",
            unique=True,
            postgresql_where=text("child_file_id IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    elder_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("left_behind_elder.id", ondelete="RESTRICT")
    )
    child_file_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("child_file.id", ondelete="RESTRICT")
    )
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    visit_date: Mapped[date] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    findings: Mapped[str] = mapped_column(Text)
    visitor_name: Mapped[str] = mapped_column(String(100))
    visitor_username: Mapped[str | None] = mapped_column(String(200), index=True)
    follow_up_action: Mapped[str | None] = mapped_column(Text)
    follow_up_due_date: Mapped[date | None]
    follow_up_done_date: Mapped[date | None]
    follow_up_result: Mapped[str | None] = mapped_column(Text)
