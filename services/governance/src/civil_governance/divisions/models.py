import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps
from civil_shared.runtime.versioning import Versioned


class Division(Versioned, Timestamps, Base):
    """One administrative division, identified by its 6-, 9- or 12-digit code."""

    __tablename__ = "division"
    __table_args__ = (
        CheckConstraint("code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'", name="code_format"),
        CheckConstraint(
            "(parent_code IS NULL AND length(code) = 6)"
            " OR parent_code = left(code, length(code) - 3)",
            name="parent_is_prefix",
        ),
        # 地名管理：同一上级区划内的村（社区）、乡镇不重名.
        UniqueConstraint("parent_code", "name"),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )


class DivisionChange(Timestamps, Base):
    """A rename (or change of kind, e.g. 村改居) of a division: what it was, when, why."""

    __tablename__ = "division_change"
    __table_args__ = (
        CheckConstraint("old_name <> new_name OR old_kind <> new_kind", name="something_changed"),
        # Numbered per division, in order; two changes at once cannot both be n+1.
        UniqueConstraint("division_code", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # CASCADE: a division is deleted only when it was entered by mistake; its
    # history goes with it (the audit trail keeps both).
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code", ondelete="CASCADE"))
    seq: Mapped[int]
    changed_date: Mapped[date]
    old_name: Mapped[str] = mapped_column(String(100))
    new_name: Mapped[str] = mapped_column(String(100))
    old_kind: Mapped[str] = mapped_column(String(30))
    new_kind: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    document_number: Mapped[str | None] = mapped_column(String(100))
    changed_by: Mapped[str] = mapped_column(String(200))
