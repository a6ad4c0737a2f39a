"""What a temporary-assistance case is measured against: the year's monthly urban
dibao standard and the two multiples (the per-case maximum, the township's limit),
read through the standards' and the parameters' own lookups."""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import parameter_value
from civil_assistance.standards.schemas import StandardProgramme
from civil_assistance.standards.service import standard_in_force
from civil_assistance.temporary.schemas import ApprovalLevel
from civil_shared.errors import Conflict
from civil_shared.types import Period, to_fen

#: A case keeps its multiple of the standard in NUMERIC(8, 2): an amount reaching a
#: million times the standard is a typing error, even for a major hardship case.
MULTIPLE_LIMIT = Decimal(1_000_000)


def plain(value: Decimal) -> Decimal:
    """A multiple without its stored trailing zeros: 3.0000 → 3, 0.1667 stays (never 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def needs_county(amount: Decimal, standard: Decimal, township_limit_multiple: Decimal) -> bool:
    """Above the township's limit the county approves; exactly at it, the township."""
    return amount > standard * township_limit_multiple


def above_max(amount: Decimal, standard: Decimal, max_multiple: Decimal) -> bool:
    return amount > standard * max_multiple


def approval_required(
    amount: Decimal, standard: Decimal, township_limit_multiple: Decimal
) -> ApprovalLevel:
    if needs_county(amount, standard, township_limit_multiple):
        return ApprovalLevel.COUNTY
    return ApprovalLevel.TOWNSHIP


class TemporaryPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    area_code: str
    standard_monthly: Decimal
    max_multiple: Decimal
    township_limit_multiple: Decimal

    def amount_for(self, multiple: Decimal) -> Decimal:
        return to_fen(multiple * self.standard_monthly)

    def multiple_of(self, amount: Decimal) -> Decimal:
        """For reporting only: the limits compare amounts, never this rounded figure."""
        return to_fen(amount / self.standard_monthly)


async def temporary_policy(session: AsyncSession, year: int, area_code: str) -> TemporaryPolicy:
    """The standard (village, then township, then city: the most specific that has one)
    and the multiples for a case of ``year`` in ``area_code``; 409 if one is missing."""
    standard = await standard_in_force(
        session, StandardProgramme.URBAN_DIBAO, area_code, Period(f"{year}-01")
    )
    if standard.monthly_amount <= 0:
        # Every limit is a multiple of it: a standard of nothing allows nothing sensible.
        raise Conflict(
            f"{year} 年度适用于 {area_code} 的城市低保月标准为 0 元，无法据此核定临时救助，"
            "请先更正救助标准",
            code="ASSISTANCE_STANDARD_NOT_POSITIVE",
            area_code=area_code,
            year=year,
        )
    return TemporaryPolicy(
        year=year,
        area_code=area_code,
        standard_monthly=standard.monthly_amount,
        max_multiple=await parameter_value(
            session, ParameterKey.TEMPORARY_MAX_MULTIPLE, year, area_code
        ),
        township_limit_multiple=await parameter_value(
            session, ParameterKey.TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE, year, area_code
        ),
    )
