"""Households, their members, the members' incomes and the households' property."""

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civil_assistance.db import Base
from civil_assistance.households.enums import (
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    PropertyKind,
    Relation,
    ResidenceType,
    check_in,
)
from civil_shared.runtime.database import Timestamps
from civil_shared.runtime.versioning import Versioned
from civil_shared.types import DisabilityCategory


class Household(Versioned, Timestamps, Base):
    """A household (家庭) in one township or village of Tianmen.

    Its version also moves when a member changes, so one ETag guards the whole family.
    """

    __tablename__ = "household"
    __table_args__ = (
        # A township (9 digits) or village/community (12 digits) inside Tianmen.
        CheckConstraint(r"area_code ~ '^429006([0-9]{3}|[0-9]{6})$'", name="area_in_tianmen"),
        CheckConstraint(check_in("residence_type", ResidenceType), name="residence_type_known"),
        CheckConstraint(check_in("income_stability", IncomeStability), name="stability_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    area_code: Mapped[str] = mapped_column(String(12), index=True)
    address: Mapped[str] = mapped_column(String(200))
    residence_type: Mapped[str] = mapped_column(String(10))
    income_stability: Mapped[str] = mapped_column(String(10))
    in_poverty_alleviation: Mapped[bool] = mapped_column(
        default=False, server_default=text("false")
    )

    members: Mapped[list["HouseholdMember"]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="HouseholdMember.id_number",
    )
    properties: Mapped[list["HouseholdProperty"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="HouseholdProperty.kind"
    )


class HouseholdMember(Timestamps, Base):
    """A person of a household; a person (ID number) belongs to one household at most."""

    __tablename__ = "household_member"
    __table_args__ = (
        CheckConstraint(r"id_number ~ '^[0-9]{17}[0-9X]$'", name="id_number_format"),
        CheckConstraint(check_in("relation", Relation), name="relation_known"),
        CheckConstraint(check_in("employment_status", EmploymentStatus), name="employment_known"),
        CheckConstraint(
            f"disability_category IS NULL OR {check_in('disability_category', DisabilityCategory)}",
            name="disability_category_known",
        ),
        CheckConstraint("disability_grade BETWEEN 1 AND 4", name="disability_grade_range"),
        CheckConstraint(
            "(disability_category IS NULL) = (disability_grade IS NULL)",
            name="disability_category_with_grade",
        ),
        # At most one head per household; the service keeps it at exactly one.
        Index(
            "uq_household_member_one_head",
            "household_id",
            unique=True,
            postgresql_where=text("relation = 'head'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    id_number: Mapped[str] = mapped_column(CHAR(18), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(20))
    employment_status: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(20))
    disability_category: Mapped[str | None] = mapped_column(String(20))
    disability_grade: Mapped[int | None] = mapped_column(SmallInteger)
    death_date: Mapped[date | None]

    household: Mapped[Household] = relationship(back_populates="members")
    incomes: Mapped[list["MemberIncome"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MemberIncome.kind"
    )


class MemberIncome(Base):
    """One kind of a member's monthly income; one row per kind."""

    __tablename__ = "member_income"
    __table_args__ = (
        UniqueConstraint("member_id", "kind"),
        CheckConstraint(check_in("kind", IncomeKind), name="kind_known"),
        CheckConstraint("monthly_amount >= 0", name="amount_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("household_member.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(30))
    monthly_amount: Mapped[Decimal]


class HouseholdProperty(Base):
    """A property declaration of a household (家庭财产申报)."""

    __tablename__ = "household_property"
    __table_args__ = (
        CheckConstraint(check_in("kind", PropertyKind), name="kind_known"),
        CheckConstraint("value >= 0", name="value_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    household_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal]
