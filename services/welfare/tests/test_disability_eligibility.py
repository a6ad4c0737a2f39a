"""The two disability subsidies' rule, at its boundaries (no database)."""

from datetime import date

import pytest

from civil_shared.types import DisabilityCategory
from civil_welfare.disability.eligibility import (
    AssistanceFacts,
    PersonFacts,
    SubsidyPolicy,
    assess,
    full_months,
)
from civil_welfare.disability.schemas import DisabilitySubsidy, RefusalReason

ON = date(2020, 7, 15)
SIX_MONTHS_AGO = date(2020, 1, 15)
DEFAULTS = SubsidyPolicy(
    living_for_edge_of_dibao=False, care_for_grade3_mental=False, care_need_min_months=6
)
WIDENED = SubsidyPolicy(
    living_for_edge_of_dibao=True, care_for_grade3_mental=True, care_need_min_months=6
)
DIBAO = AssistanceFacts(in_dibao=True, in_tekun=False, household_edge_of_dibao=False)
NOTHING = AssistanceFacts(in_dibao=False, in_tekun=False, household_edge_of_dibao=False)
EDGE = AssistanceFacts(in_dibao=False, in_tekun=False, household_edge_of_dibao=True)
EDGE_UNKNOWN = AssistanceFacts(in_dibao=False, in_tekun=False, household_edge_of_dibao=None)
TEKUN = AssistanceFacts(in_dibao=False, in_tekun=True, household_edge_of_dibao=None)


def person(
    grade: int = 1,
    category: DisabilityCategory = DisabilityCategory.PHYSICAL,
    care_need_since: date | None = SIX_MONTHS_AGO,
    orphan: bool = False,
) -> PersonFacts:
    return PersonFacts(
        category=category, grade=grade, care_need_since=care_need_since, in_orphan_scheme=orphan
    )


def reasons(
    subsidy: DisabilitySubsidy,
    facts: PersonFacts,
    assistance: AssistanceFacts,
    policy: SubsidyPolicy = DEFAULTS,
) -> tuple[RefusalReason, ...]:
    return assess(subsidy, facts, assistance, policy, ON).reasons


LIVING, CARE = DisabilitySubsidy.LIVING, DisabilitySubsidy.CARE


@pytest.mark.parametrize(
    ("since", "on", "months"),
    [
        (date(2020, 1, 15), date(2020, 7, 15), 6),  # the same day six months on
        (date(2020, 1, 15), date(2020, 7, 14), 5),  # one day short
        (date(2020, 1, 31), date(2020, 2, 29), 1),  # leap February's last day
        (date(2021, 1, 31), date(2021, 2, 28), 1),  # common February's last day
        (date(2021, 1, 31), date(2021, 2, 27), 0),
        (date(2019, 8, 31), date(2020, 2, 29), 6),  # from a 31st, leap year
        (date(2019, 8, 31), date(2020, 2, 28), 5),
        (date(2020, 8, 31), date(2021, 2, 28), 6),  # from a 31st, common year
        (date(2020, 2, 29), date(2021, 2, 28), 12),  # born of a leap day
        (date(2020, 2, 29), date(2021, 2, 27), 11),
        (date(2019, 12, 31), date(2020, 6, 30), 6),  # across a year end
        (date(2020, 7, 15), date(2020, 7, 15), 0),
        (date(2020, 7, 16), date(2020, 7, 15), 0),  # not yet begun
    ],
)
def test_full_months_across_month_ends_and_leap_years(since: date, on: date, months: int) -> None:
    assert full_months(since, on) == months


def test_a_disabled_member_of_a_dibao_household_gets_the_living_subsidy() -> None:
    assert reasons(LIVING, person(grade=4, care_need_since=None), DIBAO) == ()


def test_no_living_subsidy_outside_dibao() -> None:
    assert reasons(LIVING, person(), NOTHING) == (RefusalReason.NOT_IN_DIBAO,)


def test_edge_of_dibao_counts_only_where_the_parameter_says_so() -> None:
    assert reasons(LIVING, person(), EDGE) == (RefusalReason.NOT_IN_DIBAO,)
    assert reasons(LIVING, person(), EDGE, WIDENED) == ()
    assert reasons(LIVING, person(), NOTHING, WIDENED) == (RefusalReason.NOT_IN_DIBAO_OR_EDGE,)


def test_an_unknown_edge_of_dibao_is_not_guessed() -> None:
    assert reasons(LIVING, person(), EDGE_UNKNOWN, WIDENED) == (
        RefusalReason.EDGE_OF_DIBAO_UNKNOWN,
    )


def test_tekun_gets_neither_subsidy() -> None:
    severe = person(grade=1)
    assert RefusalReason.IN_TEKUN in reasons(LIVING, severe, TEKUN)
    assert reasons(CARE, severe, TEKUN) == (RefusalReason.IN_TEKUN,)


def test_an_orphan_gets_the_care_subsidy_but_not_the_living_subsidy() -> None:
    orphan = person(grade=2, orphan=True)
    assert reasons(LIVING, orphan, DIBAO) == (RefusalReason.IN_ORPHAN_SCHEME,)
    assert reasons(CARE, orphan, DIBAO) == ()


@pytest.mark.parametrize("grade", [1, 2])
def test_care_subsidy_for_grades_1_and_2_of_any_category(grade: int) -> None:
    for category in DisabilityCategory:
        assert reasons(CARE, person(grade=grade, category=category), NOTHING) == ()


@pytest.mark.parametrize(
    ("grade", "category", "policy", "covered"),
    [
        (3, DisabilityCategory.INTELLECTUAL, DEFAULTS, False),
        (3, DisabilityCategory.MENTAL, DEFAULTS, False),
        (3, DisabilityCategory.INTELLECTUAL, WIDENED, True),
        (3, DisabilityCategory.MENTAL, WIDENED, True),
        (3, DisabilityCategory.PHYSICAL, WIDENED, False),
        (3, DisabilityCategory.MULTIPLE, WIDENED, False),
        (4, DisabilityCategory.MENTAL, WIDENED, False),
    ],
)
def test_grade_3_intellectual_or_mental_only_where_the_parameter_says_so(
    grade: int, category: DisabilityCategory, policy: SubsidyPolicy, covered: bool
) -> None:
    found = reasons(CARE, person(grade=grade, category=category), NOTHING, policy)
    assert found == (() if covered else (RefusalReason.GRADE_NOT_COVERED,))


def test_care_need_must_have_lasted_the_minimum_months() -> None:
    assert reasons(CARE, person(care_need_since=date(2020, 1, 15)), NOTHING) == ()
    assert reasons(CARE, person(care_need_since=date(2020, 1, 16)), NOTHING) == (
        RefusalReason.CARE_NEED_TOO_SHORT,
    )
    stricter = SubsidyPolicy(
        living_for_edge_of_dibao=False, care_for_grade3_mental=False, care_need_min_months=7
    )
    assert reasons(CARE, person(care_need_since=date(2020, 1, 15)), NOTHING, stricter) == (
        RefusalReason.CARE_NEED_TOO_SHORT,
    )


def test_no_care_subsidy_without_a_long_term_care_need() -> None:
    assert reasons(CARE, person(care_need_since=None), DIBAO) == (
        RefusalReason.NO_LONG_TERM_CARE_NEED,
    )


def test_every_reason_is_given_not_only_the_first() -> None:
    assert reasons(CARE, person(grade=4, care_need_since=None), TEKUN) == (
        RefusalReason.GRADE_NOT_COVERED,
        RefusalReason.NO_LONG_TERM_CARE_NEED,
        RefusalReason.IN_TEKUN,
    )
    assert reasons(LIVING, person(orphan=True), TEKUN) == (
        RefusalReason.NOT_IN_DIBAO,
        RefusalReason.IN_TEKUN,
        RefusalReason.IN_ORPHAN_SCHEME,
    )


def test_both_subsidies_can_be_held_together() -> None:
    severe = person(grade=1)
    assert assess(LIVING, severe, DIBAO, DEFAULTS, ON).granted
    assert assess(CARE, severe, DIBAO, DEFAULTS, ON).granted
