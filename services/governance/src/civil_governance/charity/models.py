"""Donations received (慈善捐赠) and charity projects (慈善项目)."""

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

from civil_governance.charity.schemas import (
    DonationForm,
    DonationPurpose,
    DonorKind,
    ProjectStatus,
)
from civil_governance.db import Base
from civil_shared.runtime.database import Timestamps, one_of
from civil_shared.runtime.versioning import Versioned


class CharityProject(Versioned, Timestamps, Base):
    """A charity project raising money for one purpose over a period."""

    __tablename__ = "charity_project"
    __table_args__ = (
        UniqueConstraint("organiser", "name"),
        CheckConstraint(one_of("purpose", DonationPurpose), name="purpose_known"),
        CheckConstraint(one_of("status", ProjectStatus), name="status_known"),
        CheckConstraint("goal_amount > 0", name="goal_positive"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint(
            "status NOT IN ('completed', 'terminated') OR end_date IS NOT NULL",
            name="ended_with_date",
        ),
        CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9", name="township_level"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    name: Mapped[str] = mapped_column(String(200))
    organiser: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20))
    goal_amount: Mapped[Decimal]
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    township_code: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)


class Donation(Versioned, Timestamps, Base):
    """One donation received: money, or goods with their assessed value."""

    __tablename__ = "donation"
    __table_args__ = (
        # The receipt (捐赠票据) a receiving body issues is numbered once.
        UniqueConstraint("receiving_body", "receipt_number"),
        Index("ix_donation_donation_date_purpose", "donation_date", "purpose"),
        CheckConstraint(one_of("donor_kind", DonorKind), name="donor_kind_known"),
        CheckConstraint(one_of("form", DonationForm), name="form_known"),
        CheckConstraint(one_of("purpose", DonationPurpose), name="purpose_known"),
        CheckConstraint(
            "(form = 'money' AND amount > 0 AND goods_description IS NULL"
            " AND goods_quantity IS NULL AND goods_unit IS NULL AND goods_value IS NULL)"
            " OR (form = 'goods' AND amount IS NULL AND goods_description IS NOT NULL"
            " AND goods_quantity > 0 AND goods_unit IS NOT NULL AND goods_value > 0)",
            name="money_or_goods",
        ),
        CheckConstraint(
            "township_code IS NULL OR length(township_code) = 9", name="township_level"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    donor_name: Mapped[str] = mapped_column(String(200))
    donor_kind: Mapped[str] = mapped_column(String(20))
    donation_date: Mapped[date]
    form: Mapped[str] = mapped_column(String(10))
    amount: Mapped[Decimal | None]
    goods_description: Mapped[str | None] = mapped_column(String(500))
    goods_quantity: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    goods_unit: Mapped[str | None] = mapped_column(String(20))
    goods_value: Mapped[Decimal | None]
    purpose: Mapped[str] = mapped_column(String(20))
    purpose_note: Mapped[str | None] = mapped_column(String(500))
    receiving_body: Mapped[str] = mapped_column(String(200))
    receipt_number: Mapped[str] = mapped_column(String(50))
    township_code: Mapped[str | None] = mapped_column(
        String(9), ForeignKey("division.code", ondelete="RESTRICT"), index=True
    )
    # RESTRICT: a project with donations is ended, never deleted.
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("charity_project.id", ondelete="RESTRICT"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
