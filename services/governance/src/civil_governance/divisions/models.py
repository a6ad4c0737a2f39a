from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps


class Division(Timestamps, Base):
    """One administrative division, identified by its 6-, 9- or 12-digit code."""

    __tablename__ = "division"
    __table_args__ = (
        CheckConstraint("code ~ '^([0-9]{6}|[0-9]{9}|[0-9]{12})$'", name="code_format"),
        CheckConstraint(
            "(parent_code IS NULL AND length(code) = 6)"
            " OR parent_code = left(code, length(code) - 3)",
            name="parent_is_prefix",
        ),
    )

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
