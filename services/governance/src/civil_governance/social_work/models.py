import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.db import Base
from civil_governance.social_work.schemas import ProjectKind
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class SocialWorkProject(Versioned, Timestamps, Base):
    """A social-work service the bureau buys for one community, for a period."""

    __tablename__ = "social_work_project"
    __table_args__ = (
        UniqueConstraint("area_code", "name", "start_date"),
        CheckConstraint(one_of("kind", ProjectKind), name="kind_known"),
        CheckConstraint("end_date >= start_date", name="end_after_start"),
        CheckConstraint("budget >= 0", name="budget_non_negative"),
        CheckConstraint(
            r"provider_credit_code IS NULL OR provider_credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'",
            name="credit_code_format",
        ),
        Index("ix_social_work_project_period", "start_date", "end_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    area_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("community.area_code", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    pilot: Mapped[bool] = mapped_column(server_default=text("false"))
    service: Mapped[str] = mapped_column(Text)
    provider_name: Mapped[str] = mapped_column(String(200))
    provider_credit_code: Mapped[str | None] = mapped_column(String(18))
    budget: Mapped[Decimal]
    start_date: Mapped[date]
    end_date: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(200))
