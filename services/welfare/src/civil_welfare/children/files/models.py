import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_welfare.children.fields import ID_NUMBER_CHECK, VILLAGE_CHECK, GuardianRelation
from civil_welfare.children.files.schemas import ChildCategory, CloseReason, FileStatus
from civil_welfare.db import Base


class ChildFile(Versioned, Timestamps, Base):
    """The file of one left-behind or hardship child (一人一档); a child has one file.

    The responsible director is referenced by ``(director_id, area_code)``: the
    database itself refuses a director of another village. Age and sex come from
    the ID number, never stored.
    """

    __tablename__ = "child_file"
    __table_args__ = (
        CheckConstraint(ID_NUMBER_CHECK, name="id_number_format"),
        CheckConstraint(VILLAGE_CHECK, name="village_in_tianmen"),
        CheckConstraint(one_of("category", ChildCategory), name="category_known"),
        CheckConstraint(one_of("guardian_relation", GuardianRelation), name="relation_known"),
        CheckConstraint(
            r"guardian_id_number IS NULL OR guardian_id_number ~ '^[0-9]{17}[0-9X]$'",
            name="guardian_id_number_format",
        ),
        CheckConstraint(one_of("status", FileStatus), name="status_known"),
        CheckConstraint(
            f"close_reason IS NULL OR {one_of('close_reason', CloseReason)}",
            name="close_reason_known",
        ),
        CheckConstraint(
            "(status = 'closed') = (close_reason IS NOT NULL AND closed_date IS NOT NULL)",
            name="closed_with_reason",
        ),
        ForeignKeyConstraint(
            ["director_id", "area_code"],
            ["child_welfare_worker.id", "child_welfare_worker.area_code"],
            ondelete="RESTRICT",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    category: Mapped[str] = mapped_column(String(20))
    guardian_name: Mapped[str] = mapped_column(String(100))
    guardian_relation: Mapped[str] = mapped_column(String(20))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_id_number: Mapped[str | None] = mapped_column(String(18))
    school: Mapped[str | None] = mapped_column(String(200))
    situation: Mapped[str | None] = mapped_column(Text)
    director_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(
        String(10), default=FileStatus.ACTIVE.value, server_default="active"
    )
    close_reason: Mapped[str | None] = mapped_column(String(30))
    closed_date: Mapped[date | None]
    #: The day the file was opened (建档日期), which may precede the platform (a paper file
    #: moved onto it); files made before it was kept have their creation day (migration
    #: 7c2b9e4f1a85).
    registered_date: Mapped[date]
    status_note: Mapped[str | None] = mapped_column(Text)
