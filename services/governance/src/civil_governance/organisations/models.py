"""The register of social organisations, their yearly inspections, and the cases
against organisations acting without registration."""

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from civil_governance.db import Base
from civil_governance.organisations.schemas import (
    REGISTERED_ORG_TYPES,
    REGISTERED_STATUSES,
    CaseOutcome,
    CaseSource,
    InspectionResult,
    OrgStatus,
)
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned
from civil_shared.types import CIVIL_AFFAIRS_AUTHORITY


def _credit_code_matches_type() -> str:
    """GB 32100: first character 5 (civil affairs), second the kind of organisation."""
    cases = " ".join(f"WHEN '{t.value}' THEN '{t.credit_code_char}'" for t in REGISTERED_ORG_TYPES)
    return (
        f"left(credit_code, 1) = '{CIVIL_AFFAIRS_AUTHORITY}'"
        f" AND substr(credit_code, 2, 1) = CASE org_type {cases} END"
    )


_REGISTERED = ", ".join(f"'{s.value}'" for s in REGISTERED_STATUSES)


class SocialOrganisation(Versioned, Timestamps, Base):
    """One social organisation registered by civil affairs (社会组织登记)."""

    __tablename__ = "social_organisation"
    __table_args__ = (
        UniqueConstraint("credit_code"),
        # A name is held while the organisation is registered (active or suspended);
        # deregistration or revocation frees it.
        Index(
            "uq_social_organisation_registered_name",
            "name",
            unique=True,
            postgresql_where=text(f"status IN ({_REGISTERED})"),
        ),
        CheckConstraint(one_of("org_type", REGISTERED_ORG_TYPES), name="org_type_known"),
        CheckConstraint(one_of("status", OrgStatus), name="status_known"),
        CheckConstraint(_credit_code_matches_type(), name="credit_code_matches_type"),
        CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9", name="township_level"
        ),
        CheckConstraint(
            "status_date IS NULL OR status_date >= registration_date",
            name="status_after_registration",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(30), index=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    registration_date: Mapped[date]
    registering_authority: Mapped[str] = mapped_column(String(100))
    township_code: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    legal_representative: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    business_scope: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_date: Mapped[date | None]
    status_reason: Mapped[str | None] = mapped_column(Text)


class OrganisationInspection(Versioned, Timestamps, Base):
    """The yearly inspection (年检) of one organisation's work in one year."""

    __tablename__ = "social_organisation_inspection"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year"),
        Index("ix_social_organisation_inspection_year", "year"),
        CheckConstraint(one_of("result", InspectionResult), name="result_known"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint(
            "result NOT IN ('unqualified', 'not_inspected') OR notes IS NOT NULL",
            name="failure_explained",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    # RESTRICT: an inspection is part of the organisation's file and outlives nothing.
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("social_organisation.id", ondelete="RESTRICT")
    )
    year: Mapped[int]
    result: Mapped[str] = mapped_column(String(30))
    inspected_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)


class IllegalOrganisationCase(Versioned, Timestamps, Base):
    """A case against an organisation acting without registration (非法社会组织)."""

    __tablename__ = "illegal_organisation_case"
    __table_args__ = (
        Index("ix_illegal_organisation_case_outcome_date", "outcome_date"),
        CheckConstraint(one_of("source", CaseSource), name="source_known"),
        CheckConstraint(one_of("outcome", CaseOutcome), name="outcome_known"),
        CheckConstraint("source <> 'other' OR source_detail IS NOT NULL", name="other_explained"),
        CheckConstraint("(outcome IS NULL) = (outcome_date IS NULL)", name="closed_with_date"),
        CheckConstraint(
            "outcome_date IS NULL OR outcome_date >= opened_date", name="closed_after_opened"
        ),
        CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9", name="township_level"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str | None] = mapped_column(Text)
    opened_date: Mapped[date]
    township_code: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    activities: Mapped[str | None] = mapped_column(Text)
    investigation_notes: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_date: Mapped[date | None]
    outcome_notes: Mapped[str | None] = mapped_column(Text)
