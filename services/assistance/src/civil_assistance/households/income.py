"""What is computed from a household, never stored: income per person, ages."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from civil_assistance.households.enums import IncomeKind
from civil_assistance.households.models import HouseholdMember
from civil_shared.types import IdNumber, to_fen


def is_living(member: HouseholdMember, on: date) -> bool:
    return member.death_date is None or member.death_date > on


def living_members(members: Iterable[HouseholdMember], on: date) -> list[HouseholdMember]:
    """The members who still live together: the dibao test counts only them."""
    return [m for m in members if is_living(m, on)]


def counted_incomes(members: Iterable[HouseholdMember]) -> list[Decimal]:
    """The monthly incomes the dibao test counts (wages, business, property, transfer)."""
    return [
        income.monthly_amount
        for member in members
        for income in member.incomes
        if IncomeKind(income.kind).counted
    ]


def income_per_person(members: Iterable[HouseholdMember], on: date) -> Decimal | None:
    """Counted monthly income of the living members, shared among them, to the fen.

    None for a household without living members, where the figure means nothing.
    """
    living = living_members(members, on)
    if not living:
        return None
    # Rounded for display only: the eligibility test uses the exact figure.
    return to_fen(sum(counted_incomes(living), Decimal(0)) / len(living))


def age_of(member: HouseholdMember, on: date) -> int:
    """Full years from the ID number's birth date; a deceased member's age at death."""
    until = member.death_date if member.death_date is not None and member.death_date < on else on
    return IdNumber(member.id_number).age_on(until)
