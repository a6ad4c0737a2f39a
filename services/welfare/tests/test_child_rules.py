"""The pure rules of the children's schemes: de facto unsupported qualification (table-driven),
whole months out of contact, turning 18, and the growth of a standard."""

from datetime import date
from decimal import Decimal

import pytest

from civil_shared.testing.factories import make_id_number
from civil_shared.types import DisabilityCategory, Period
from civil_welfare.children.majority import eighteenth_birthday, is_minor_on, last_minor_period
from civil_welfare.children.orphans.standards import growth_pct, standard_years
from civil_welfare.children.unsupported.qualification import (
    Outcome,
    ParentSituation,
    ParentState,
    is_severely_disabled,
    qualify,
    unable_to_care,
    whole_months,
)

S = ParentState
ON = date(2020, 7, 15)
MIN = 6

NORMAL = ParentSituation(S.NORMAL)
DEAD = ParentSituation(S.DEAD)
MISSING = ParentSituation(S.MISSING)
ILL = ParentSituation(S.SERIOUSLY_ILL)
PRISON = ParentSituation(S.IMPRISONED)
REHAB = ParentSituation(S.COMPULSORY_REHABILITATION)
DETAINED = ParentSituation(S.DETAINED)
LOST_6 = ParentSituation(S.OUT_OF_CONTACT, out_of_contact_since=date(2020, 1, 15))
LOST_5 = ParentSituation(S.OUT_OF_CONTACT, out_of_contact_since=date(2020, 1, 16))


def disabled(category: DisabilityCategory, grade: int) -> ParentSituation:
    return ParentSituation(S.DISABLED, disability_category=category, disability_grade=grade)


PHYSICAL_2 = disabled(DisabilityCategory.PHYSICAL, 2)
PHYSICAL_3 = disabled(DisabilityCategory.PHYSICAL, 3)
MENTAL_4 = disabled(DisabilityCategory.MENTAL, 4)
INTELLECTUAL_3 = disabled(DisabilityCategory.INTELLECTUAL, 3)
VISUAL_1 = disabled(DisabilityCategory.VISUAL, 1)
HEARING_4 = disabled(DisabilityCategory.HEARING, 4)


@pytest.mark.parametrize(
    ("father", "mother", "outcome"),
    [
        # Both parents unable to care, in any combination of the states.
        (ILL, PRISON, Outcome.QUALIFIES),
        (REHAB, DETAINED, Outcome.QUALIFIES),
        (PHYSICAL_2, LOST_6, Outcome.QUALIFIES),
        (MENTAL_4, INTELLECTUAL_3, Outcome.QUALIFIES),
        (VISUAL_1, ILL, Outcome.QUALIFIES),
        # One dead or missing, the other unable.
        (DEAD, PRISON, Outcome.QUALIFIES),
        (MENTAL_4, MISSING, Outcome.QUALIFIES),
        (DEAD, LOST_6, Outcome.QUALIFIES),
        # One dead or missing, the other able to care: not unsupported.
        (DEAD, NORMAL, Outcome.NOT_QUALIFIED),
        (NORMAL, MISSING, Outcome.NOT_QUALIFIED),
        # One unable, the other normal: the normal parent supports the child.
        (PRISON, NORMAL, Outcome.NOT_QUALIFIED),
        (NORMAL, ILL, Outcome.NOT_QUALIFIED),
        # Disability that is not severe: grade 3-4 of a physical or sensory category.
        (PHYSICAL_3, PRISON, Outcome.NOT_QUALIFIED),
        (DEAD, HEARING_4, Outcome.NOT_QUALIFIED),
        # Out of contact one day short of six months.
        (DEAD, LOST_5, Outcome.NOT_QUALIFIED),
        (LOST_5, LOST_6, Outcome.NOT_QUALIFIED),
        # Both gone: an orphan, not de facto unsupported.
        (DEAD, DEAD, Outcome.ORPHAN),
        (MISSING, DEAD, Outcome.ORPHAN),
        (NORMAL, NORMAL, Outcome.NOT_QUALIFIED),
    ],
)
def test_qualification_rule(
    father: ParentSituation, mother: ParentSituation, outcome: Outcome
) -> None:
    result = qualify(father, mother, ON, MIN)
    assert result.outcome is outcome
    assert result.qualifies is (outcome is Outcome.QUALIFIES)
    assert len(result.reasons) == 3
    # The rule is symmetric in the two parents.
    assert qualify(mother, father, ON, MIN).outcome is outcome


@pytest.mark.parametrize(
    ("category", "grade", "severe"),
    [
        (DisabilityCategory.PHYSICAL, 1, True),
        (DisabilityCategory.HEARING, 2, True),
        (DisabilityCategory.MULTIPLE, 2, True),
        (DisabilityCategory.PHYSICAL, 3, False),
        (DisabilityCategory.SPEECH, 4, False),
        (DisabilityCategory.MULTIPLE, 3, False),
        (DisabilityCategory.MENTAL, 3, True),
        (DisabilityCategory.INTELLECTUAL, 4, True),
        (None, 1, False),
    ],
)
def test_severe_disability(category: DisabilityCategory | None, grade: int, severe: bool) -> None:
    assert is_severely_disabled(category, grade) is severe


@pytest.mark.parametrize(
    ("since", "on", "months"),
    [
        (date(2020, 1, 15), date(2020, 7, 15), 6),  # exactly six months
        (date(2020, 1, 15), date(2020, 7, 14), 5),  # one day short
        (date(2020, 8, 31), date(2021, 2, 28), 5),  # no 31 February
        (date(2020, 8, 31), date(2021, 3, 1), 6),
        (date(2019, 8, 29), date(2020, 2, 29), 6),  # leap day
        (date(2020, 7, 15), date(2020, 7, 15), 0),
        (date(2020, 7, 16), date(2020, 7, 15), 0),  # a date in the future counts nothing
        (date(2018, 12, 31), date(2020, 1, 1), 12),
    ],
)
def test_whole_months(since: date, on: date, months: int) -> None:
    assert whole_months(since, on) == months


def test_out_of_contact_counts_from_the_parameter() -> None:
    lost = ParentSituation(S.OUT_OF_CONTACT, out_of_contact_since=date(2020, 4, 15))
    assert not unable_to_care(lost, ON, 6)
    assert unable_to_care(lost, ON, 3)  # a locality that sets 3 months
    assert not unable_to_care(ParentSituation(S.OUT_OF_CONTACT), ON, 0)  # no date, no rule


@pytest.mark.parametrize(
    ("birth", "eighteen", "last_period"),
    [
        (date(2002, 7, 15), date(2020, 7, 15), "2020-07"),
        (date(2002, 7, 1), date(2020, 7, 1), "2020-07"),
        (date(2002, 12, 31), date(2020, 12, 31), "2020-12"),
        (date(2004, 2, 29), date(2022, 3, 1), "2022-03"),  # no 29 February in 2022
        (date(2000, 2, 29), date(2018, 3, 1), "2018-03"),
        (date(2002, 2, 28), date(2020, 2, 28), "2020-02"),
    ],
)
def test_turning_18(birth: date, eighteen: date, last_period: str) -> None:
    id_number = make_id_number(birth_date=birth)
    assert eighteenth_birthday(birth) == eighteen
    assert last_minor_period(id_number) == Period(last_period)
    assert id_number.age_on(eighteen) == 18
    assert is_minor_on(id_number, date.fromordinal(eighteen.toordinal() - 1))
    assert not is_minor_on(id_number, eighteen)


def test_growth_on_the_year_before() -> None:
    assert growth_pct(Decimal("1260"), Decimal("1330")) == Decimal("5.56")
    assert growth_pct(Decimal("1260"), Decimal("1260")) == Decimal("0.00")
    assert growth_pct(None, Decimal("1260")) is None
    years = standard_years(
        {
            2019: (Decimal("1200"), Decimal("1200")),
            2020: (Decimal("1260"), Decimal("2016")),
            2022: (Decimal("1400"), None),
        }
    )
    assert [y.year for y in years] == [2019, 2020, 2022]
    assert years[0].scattered_growth_pct is None
    assert years[0].institution_above_scattered is False
    assert (years[1].scattered_growth_pct, years[1].institution_growth_pct) == (
        Decimal("5.00"),
        Decimal("68.00"),
    )
    assert years[1].institution_above_scattered is True
    assert years[2].scattered_growth_pct is None  # 2021 unknown
    assert years[2].institution_above_scattered is None
