"""The tables of runs in each service: ``disbursement_run``, its ``disbursement_line``s and
their sums by area, ``disbursement_area_total``."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from civil_shared.runtime.database import Timestamps


class DisbursementRunMixin(Timestamps):
    """The payments of one programme for one month; at most one per (programme, period)."""

    __tablename__ = "disbursement_run"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            UniqueConstraint("programme", "period"),
            CheckConstraint("status IN ('draft', 'approved', 'paid')", name="status_known"),
        )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    programme: Mapped[str] = mapped_column(String(20))
    period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    line_count: Mapped[int] = mapped_column(default=0)
    persons: Mapped[int] = mapped_column(default=0)
    total_amount: Mapped[Decimal] = mapped_column(default=Decimal("0.00"))
    created_by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None]
    paid_by: Mapped[str | None] = mapped_column(String(200))
    paid_at: Mapped[datetime | None]


class DisbursementLineMixin:
    """One payment of a run; written only by the run's INSERT ... SELECT.

    A service adds the column(s) naming what the line pays (an enrolment, a
    grant) as part of the primary key, and names it in ``__line_reference__``.
    """

    __tablename__ = "disbursement_line"
    __audit__ = False  # a run writes thousands of lines at once; it records one bulk event
    __line_reference__: str

    @declared_attr
    def run_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            ForeignKey("disbursement_run.id", ondelete="CASCADE"), primary_key=True
        )

    payee_id_number: Mapped[str] = mapped_column(String(18))
    payee_name: Mapped[str] = mapped_column(String(100))
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    persons: Mapped[int]
    amount: Mapped[Decimal]


class DisbursementAreaTotalMixin:
    """A run's lines summed by the area (village) they were paid in; written with the lines.

    The statistics read the money of a year's runs from here: the lines of a paid run
    never change, and a year's lines are half a million rows where these are a few
    thousand.
    """

    __tablename__ = "disbursement_area_total"
    __audit__ = False  # written with the run's lines, which record one bulk event

    @declared_attr
    def run_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            ForeignKey("disbursement_run.id", ondelete="CASCADE"), primary_key=True
        )

    area_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    line_count: Mapped[int]
    persons: Mapped[int]
    amount: Mapped[Decimal]
