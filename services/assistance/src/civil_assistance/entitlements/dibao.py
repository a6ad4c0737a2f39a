"""Dibao (最低生活保障): income per person, the monthly amount, edge-of-dibao status.

Amounts are per month. The household's income per person is kept exact (not
rounded to the fen): rounding 629.996… up to 630.00 would turn a household just
below the standard into one "at" the standard and refuse it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from civil_assistance.standards.schemas import StandardUnit
from civil_shared.types import to_fen

MONTHS_PER_YEAR = Decimal(12)
ZERO = Decimal(0)


def _members_ok(members: int) -> None:
    if isinstance(members, bool) or members < 1:
        raise ValueError("家庭成员人数应不少于 1 人")


def _non_negative(value: Decimal, what: str) -> None:
    if value < 0:
        raise ValueError(f"{what}不能为负数")


def monthly_standard(amount: Decimal, unit: StandardUnit | str) -> Decimal:
    """A standard as paid per person per month: a yearly one is a twelfth, to the fen."""
    _non_negative(amount, "标准金额")
    match StandardUnit(unit):
        case StandardUnit.PER_YEAR:
            return to_fen(amount / MONTHS_PER_YEAR)
        case StandardUnit.PER_MONTH:
            return to_fen(amount)


def income_per_person(incomes: Iterable[Decimal], members: int) -> Decimal:
    """The household's counted monthly income divided by its counted members, unrounded.

    ``incomes`` are the counted monthly income items of all members (wages, net
    business, property and transfer income); items the rules do not count must
    be left out by the caller. Round with ``to_fen`` only to show the figure.
    """
    _members_ok(members)
    total = ZERO
    for income in incomes:
        _non_negative(income, "收入")
        total += income
    return total / members


def dibao_monthly_amount(
    standard_monthly: Decimal, income_per_person: Decimal, members: int
) -> Decimal:
    """(standard − income per person) × members, to the fen; 0 at or above the standard."""
    _members_ok(members)
    _non_negative(standard_monthly, "低保标准")
    _non_negative(income_per_person, "人均收入")
    if income_per_person >= standard_monthly:
        return to_fen(ZERO)
    return to_fen((standard_monthly - income_per_person) * members)


def is_dibao_eligible_by_income(income_per_person: Decimal, standard_monthly: Decimal) -> bool:
    """Income test only (the property test is separate): strictly below the standard."""
    return income_per_person < standard_monthly


def is_edge_of_dibao(
    income_per_person: Decimal, standard_monthly: Decimal, factor: Decimal
) -> bool:
    """低保边缘: at or above the standard, but below ``factor`` × the standard."""
    if factor < 1:
        raise ValueError("低保边缘倍数应不小于 1")
    return standard_monthly <= income_per_person < factor * standard_monthly


@dataclass(frozen=True, slots=True)
class DibaoAssessment:
    """The income test of one household against one monthly standard."""

    income_per_person: Decimal  # to the fen, for display; the tests used the exact value
    standard_monthly: Decimal
    members: int
    eligible: bool  # income below the standard (the property test is not part of it)
    edge_of_dibao: bool
    monthly_amount: Decimal  # 0 when not eligible


def assess_dibao(
    standard_monthly: Decimal,
    incomes: Iterable[Decimal],
    members: int,
    edge_factor: Decimal,
) -> DibaoAssessment:
    """Income per person, eligibility, edge-of-dibao status and amount in one go."""
    per_person = income_per_person(incomes, members)
    return DibaoAssessment(
        income_per_person=to_fen(per_person),
        standard_monthly=standard_monthly,
        members=members,
        eligible=is_dibao_eligible_by_income(per_person, standard_monthly),
        edge_of_dibao=is_edge_of_dibao(per_person, standard_monthly, edge_factor),
        monthly_amount=dibao_monthly_amount(standard_monthly, per_person, members),
    )
