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
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.boundaries.schemas import DisputeStatus, SurveyStatus, VerificationResult
from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class BoundaryLine(Versioned, Timestamps, Base):
    """The boundary line between two township-level units (乡镇行政区域界线)."""

    __tablename__ = "boundary_line"
    __table_args__ = (
        # Stored in code order, so the unordered pair is unique as an ordered one.
        UniqueConstraint("township_a_code", "township_b_code"),
        CheckConstraint("township_a_code < township_b_code", name="townships_ordered"),
        CheckConstraint(
            "length(township_a_code) = 9 AND length(township_b_code) = 9",
            name="townships_are_township_level",
        ),
        CheckConstraint("length_km > 0", name="length_positive"),
        CheckConstraint(one_of("survey_status", SurveyStatus), name="survey_status_known"),
        CheckConstraint("(survey_batch IS NULL) = (surveyed_date IS NULL)", name="survey_complete"),
        CheckConstraint(
            "survey_status NOT IN ('surveyed', 'verified') OR surveyed_date IS NOT NULL",
            name="surveyed_has_survey",
        ),
        Index("ix_boundary_line_township_b_code", "township_b_code"),
        Index("ix_boundary_line_survey_status", "survey_status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # The unique constraint's index leads with township_a_code: it serves that side.
    township_a_code: Mapped[str] = mapped_column(ForeignKey("division.code", ondelete="RESTRICT"))
    township_b_code: Mapped[str] = mapped_column(ForeignKey("division.code", ondelete="RESTRICT"))
    length_km: Mapped[Decimal] = mapped_column(Numeric(9, 3))
    survey_status: Mapped[str] = mapped_column(String(20), default=SurveyStatus.NOT_SURVEYED.value)
    survey_batch: Mapped[str | None] = mapped_column(String(50))
    surveyed_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class BoundaryVerification(Timestamps, Base):
    """One check of a line in the field by a verification team (界线核查)."""

    __tablename__ = "boundary_verification"
    __table_args__ = (
        CheckConstraint(one_of("result", VerificationResult), name="result_known"),
        Index("ix_boundary_verification_line", "line_id", "verified_date"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("boundary_line.id", ondelete="RESTRICT"))
    verified_date: Mapped[date]
    team: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))


class BoundaryDispute(Versioned, Timestamps, Base):
    """A dispute over a line (界线争议), from its opening to its resolution."""

    __tablename__ = "boundary_dispute"
    __table_args__ = (
        CheckConstraint(one_of("status", DisputeStatus), name="status_known"),
        CheckConstraint(
            "(status = 'resolved') = (resolved_date IS NOT NULL)"
            " AND (status = 'resolved') = (resolution IS NOT NULL)",
            name="resolved_with_resolution",
        ),
        CheckConstraint(
            "resolved_date IS NULL OR resolved_date >= opened_date", name="resolved_after_opened"
        ),
        Index("ix_boundary_dispute_line", "line_id", "opened_date"),
        Index("ix_boundary_dispute_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("boundary_line.id", ondelete="RESTRICT"))
    opened_date: Mapped[date]
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DisputeStatus.OPEN.value)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_date: Mapped[date | None]
    recorded_by: Mapped[str] = mapped_column(String(200))
