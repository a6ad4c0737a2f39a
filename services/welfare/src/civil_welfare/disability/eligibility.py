"""Who gets the two disability subsidies (残疾人两项补贴, 国发〔2015〕52号): pure rules.

- Living subsidy (困难残疾人生活补贴): the person's household is in dibao, or, where
  the parameter ``living_subsidy_edge_of_dibao`` is 1, an edge-of-dibao household.
- Care subsidy (重度残疾人护理补贴): grade 1 or 2, or grade 3 intellectual or
  mental where ``care_subsidy_grade3_mental`` is 1; and a long-term care need
  of at least ``care_need_min_months`` months.
- Neither for a person in tekun support; a child in the orphan scheme gets no
  living subsidy (but may get the care subsidy). Both can be held together.

Every reason that applies is given, not only the first, so a refusal tells the
applicant everything that stands in the way.
"""

import calendar
from dataclasses import dataclass
from datetime import date

from civil_shared.contracts.assistance import PersonStatus
from civil_shared.types import DisabilityCategory
from civil_welfare.disability.schemas import DisabilitySubsidy, RefusalReason

#: Grade 3 of these categories is covered by the care subsidy where the parameter says so.
GRADE3_CARE_CATEGORIES = frozenset({DisabilityCategory.INTELLECTUAL, DisabilityCategory.MENTAL})


def full_months(since: date, on: date) -> int:
    """Whole months from ``since`` to ``on`` (0 when ``on`` is before ``since``).

    A month is complete on the same day of a later month, or on that month's last
    day when it has no such day: from 31 August, 6 months are complete on
    28 February (29 in a leap year); from 29 February, 12 months on 28 February.
    """
    if on < since:
        return 0
    months = (on.year - since.year) * 12 + on.month - since.month
    month_days = calendar.monthrange(on.year, on.month)[1]
    if on.day < min(since.day, month_days):
        months -= 1
    return months


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """What the register knows of the person on the day of the decision."""

    category: DisabilityCategory
    grade: int
    care_need_since: date | None
    in_orphan_scheme: bool

    def care_need_months(self, on: date) -> int | None:
        """Months of long-term care need on ``on``; None for no such need."""
        if self.care_need_since is None:
            return None
        return full_months(self.care_need_since, on)


@dataclass(frozen=True, slots=True)
class AssistanceFacts:
    """What the assistance service says of the person (and the household)."""

    in_dibao: bool
    in_tekun: bool
    household_edge_of_dibao: bool | None

    @classmethod
    def of(cls, status: PersonStatus) -> "AssistanceFacts":
        return cls(
            in_dibao=status.in_dibao,
            in_tekun=status.in_tekun,
            household_edge_of_dibao=status.household_edge_of_dibao,
        )


@dataclass(frozen=True, slots=True)
class SubsidyPolicy:
    """The year's parameters for the person's area (read by the caller, never guessed)."""

    living_for_edge_of_dibao: bool
    care_for_grade3_mental: bool
    care_need_min_months: int


@dataclass(frozen=True, slots=True)
class Verdict:
    subsidy: DisabilitySubsidy
    reasons: tuple[RefusalReason, ...]

    @property
    def granted(self) -> bool:
        return not self.reasons


def living_subsidy(
    person: PersonFacts, assistance: AssistanceFacts, policy: SubsidyPolicy
) -> Verdict:
    reasons: list[RefusalReason] = []
    if not assistance.in_dibao:
        if not policy.living_for_edge_of_dibao:
            reasons.append(RefusalReason.NOT_IN_DIBAO)
        elif assistance.household_edge_of_dibao is None:
            reasons.append(RefusalReason.EDGE_OF_DIBAO_UNKNOWN)
        elif not assistance.household_edge_of_dibao:
            reasons.append(RefusalReason.NOT_IN_DIBAO_OR_EDGE)
    if assistance.in_tekun:
        reasons.append(RefusalReason.IN_TEKUN)
    if person.in_orphan_scheme:
        reasons.append(RefusalReason.IN_ORPHAN_SCHEME)
    return Verdict(DisabilitySubsidy.LIVING, tuple(reasons))


def grade_covered_by_care(category: DisabilityCategory, grade: int, policy: SubsidyPolicy) -> bool:
    if grade in (1, 2):
        return True
    return grade == 3 and policy.care_for_grade3_mental and category in GRADE3_CARE_CATEGORIES


def care_subsidy(
    person: PersonFacts, assistance: AssistanceFacts, policy: SubsidyPolicy, on: date
) -> Verdict:
    reasons: list[RefusalReason] = []
    if not grade_covered_by_care(person.category, person.grade, policy):
        reasons.append(RefusalReason.GRADE_NOT_COVERED)
    months = person.care_need_months(on)
    if months is None:
        reasons.append(RefusalReason.NO_LONG_TERM_CARE_NEED)
    elif months < policy.care_need_min_months:
        reasons.append(RefusalReason.CARE_NEED_TOO_SHORT)
    if assistance.in_tekun:
        reasons.append(RefusalReason.IN_TEKUN)
    return Verdict(DisabilitySubsidy.CARE, tuple(reasons))


def assess(
    subsidy: DisabilitySubsidy,
    person: PersonFacts,
    assistance: AssistanceFacts,
    policy: SubsidyPolicy,
    on: date,
) -> Verdict:
    """Whether ``subsidy`` is granted on ``on``, and every reason if it is not."""
    if subsidy is DisabilitySubsidy.LIVING:
        return living_subsidy(person, assistance, policy)
    return care_subsidy(person, assistance, policy, on)
