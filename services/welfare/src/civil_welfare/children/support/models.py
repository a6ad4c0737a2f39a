import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Index, SmallInteger, String, Text, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.runtime.database import Timestamps, id_number_point, one_of
from civil_shared.runtime.versioning import Versioned
from civil_shared.types import DisabilityCategory
from civil_welfare.children.fields import ID_NUMBER_CHECK, VILLAGE_CHECK, GuardianRelation
from civil_welfare.children.orphans.schemas import OrphanKind
from civil_welfare.children.support.schemas import CaseStatus, EndReason, Scheme
from civil_welfare.children.unsupported.qualification import ParentState
from civil_welfare.db import Base

PERIOD = r"'^[0-9]{4}-(0[1-9]|1[0-2])$'"


def month_number(column: str) -> str:
    """SQL: a ``YYYY-MM`` period as a count of months, for integer ranges."""
    return f"(left({column}, 4)::integer * 12 + right({column}, 2)::integer)"


#: The months a case covers, first and last included.
MONTHS_COVERED = f"int4range({month_number('start_period')}, {month_number('end_period')}, '[]')"


def _parent_checks(parent: str) -> list[CheckConstraint]:
    state = f"{parent}_state"
    category, grade = f"{parent}_disability_category", f"{parent}_disability_grade"
    since = f"{parent}_out_of_contact_since"
    return [
        CheckConstraint(one_of(state, ParentState), name=f"{parent}_state_known"),
        CheckConstraint(
            f"{category} IS NULL OR {one_of(category, DisabilityCategory)}",
            name=f"{parent}_disability_category_known",
        ),
        CheckConstraint(f"{grade} BETWEEN 1 AND 4", name=f"{parent}_disability_grade_range"),
        CheckConstraint(
            f"({state} = 'disabled') = ({category} IS NOT NULL AND {grade} IS NOT NULL)"
            f" AND ({category} IS NULL) = ({grade} IS NULL)",
            name=f"{parent}_disability_when_disabled",
        ),
        CheckConstraint(
            f"({state} = 'out_of_contact') = ({since} IS NOT NULL)",
            name=f"{parent}_since_when_out_of_contact",
        ),
    ]


class ChildSupportCase(Versioned, Timestamps, Base):
    """A child supported as an orphan (孤儿) or as de facto unsupported (事实无人抚养儿童).

    Both schemes live in this one table so that one exclusion constraint holds the
    rule for every writer: a child is in at most one (non-revoked) case for any
    month, so never an orphan and de facto unsupported at once, nor paid twice.
    ``end_period`` is always set: the month the child turns 18, or the last month
    paid when the case ended earlier.
    """

    __tablename__ = "child_support_case"
    __table_args__ = (
        ExcludeConstraint(
            (text(id_number_point("id_number")), "&&"),
            (text(MONTHS_COVERED), "&&"),
            name="ex_child_support_case_one_case_a_month",
            using="gist",
            where=text("status <> 'revoked'"),
        ),
        CheckConstraint(ID_NUMBER_CHECK, name="id_number_format"),
        CheckConstraint(VILLAGE_CHECK, name="village_in_tianmen"),
        CheckConstraint(one_of("scheme", Scheme), name="scheme_known"),
        CheckConstraint(one_of("status", CaseStatus), name="status_known"),
        CheckConstraint(
            f"end_reason IS NULL OR {one_of('end_reason', EndReason)}", name="end_reason_known"
        ),
        CheckConstraint(
            "(status = 'ended') = (end_reason IS NOT NULL)"
            " AND (status = 'active') = (changed_date IS NULL)",
            name="ended_with_reason",
        ),
        CheckConstraint(
            f"guardian_relation IS NULL OR {one_of('guardian_relation', GuardianRelation)}",
            name="guardian_relation_known",
        ),
        CheckConstraint(
            "(guardian_name IS NULL) = (guardian_relation IS NULL)", name="guardian_complete"
        ),
        CheckConstraint(
            r"guardian_id_number IS NULL OR guardian_id_number ~ '^[0-9]{17}[0-9X]$'",
            name="guardian_id_number_format",
        ),
        CheckConstraint(f"start_period ~ {PERIOD} AND end_period ~ {PERIOD}", name="periods"),
        CheckConstraint("end_period >= start_period", name="end_after_start"),
        *_parent_checks("father"),
        *_parent_checks("mother"),
        CheckConstraint(
            f"orphan_kind IS NULL OR {one_of('orphan_kind', OrphanKind)}", name="orphan_kind_known"
        ),
        CheckConstraint(
            "(orphan_kind IS NOT DISTINCT FROM 'institution') = (institution_name IS NOT NULL)",
            name="institution_named",
        ),
        # An orphan: both parents dead or missing, a kind, nothing to deduct.
        CheckConstraint(
            "scheme <> 'orphan' OR (orphan_kind IS NOT NULL"
            " AND father_state IN ('dead', 'missing') AND mother_state IN ('dead', 'missing')"
            " AND other_support_monthly = 0)",
            name="orphan_fields",
        ),
        CheckConstraint(
            "scheme <> 'de_facto_unsupported'"
            " OR (orphan_kind IS NULL AND guardian_name IS NOT NULL)",
            name="unsupported_fields",
        ),
        CheckConstraint("other_support_monthly >= 0", name="other_support_non_negative"),
        Index("ix_child_support_case_payable", "scheme", "status", "start_period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(
        primary_key=True, server_default=text("gen_random_uuid()")
    )
    scheme: Mapped[str] = mapped_column(String(30))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    area_code: Mapped[str] = mapped_column(String(12), index=True)

    father_state: Mapped[str] = mapped_column(String(30))
    father_disability_category: Mapped[str | None] = mapped_column(String(20))
    father_disability_grade: Mapped[int | None] = mapped_column(SmallInteger)
    father_out_of_contact_since: Mapped[date | None]
    mother_state: Mapped[str] = mapped_column(String(30))
    mother_disability_category: Mapped[str | None] = mapped_column(String(20))
    mother_disability_grade: Mapped[int | None] = mapped_column(SmallInteger)
    mother_out_of_contact_since: Mapped[date | None]

    orphan_kind: Mapped[str | None] = mapped_column(String(20))
    institution_name: Mapped[str | None] = mapped_column(String(200))
    #: What the child already gets from dibao, tekun or the disability living subsidy
    #: each month (de facto unsupported only): the allowance is the difference.
    other_support_monthly: Mapped[Decimal] = mapped_column(
        default=Decimal("0.00"), server_default=text("0")
    )
    other_support_note: Mapped[str | None] = mapped_column(Text)

    guardian_name: Mapped[str | None] = mapped_column(String(100))
    guardian_relation: Mapped[str | None] = mapped_column(String(20))
    guardian_phone: Mapped[str | None] = mapped_column(String(20))
    guardian_id_number: Mapped[str | None] = mapped_column(String(18))

    situation: Mapped[str | None] = mapped_column(Text)
    assessed_date: Mapped[date]
    start_period: Mapped[str] = mapped_column(String(7))
    end_period: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(
        String(10), default=CaseStatus.ACTIVE.value, server_default="active"
    )
    end_reason: Mapped[str | None] = mapped_column(String(30))
    changed_date: Mapped[date | None]
    status_note: Mapped[str | None] = mapped_column(Text)
