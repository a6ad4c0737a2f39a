"""What a temporary-assistance case is measured against: the year's monthly urban
dibao standard and the two multiples (the per-case maximum, the township's limit).

Read with plain SQL so this package depends on neither the standards' nor the
parameters' code; the lead will switch the parameters to the parameter service.
"""

from decimal import Decimal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.temporary.schemas import ApprovalLevel
from civil_shared.errors import Conflict
from civil_shared.types import AreaCode, to_fen

MAX_MULTIPLE_KEY = "temporary_max_multiple"
TOWNSHIP_LIMIT_KEY = "temporary_township_limit_multiple"
# DOMAIN.md's defaults. Used ONLY while assistance_parameter holds no row at all for
# the key (the parameter store not yet seeded); once any row exists, a year or area
# without an applicable one is a missing parameter (409), not a silent default.
DEFAULTS = {MAX_MULTIPLE_KEY: Decimal(6), TOWNSHIP_LIMIT_KEY: Decimal(3)}

_STANDARD = text(
    "SELECT amount, unit FROM assistance_standard"
    " WHERE programme = 'urban_dibao' AND year = :year AND area_code IN :areas"
    " ORDER BY length(area_code) DESC LIMIT 1"
).bindparams(bindparam("areas", expanding=True))

# The parameter store's rule: the latest year up to the case's year, then the most
# specific area on the case's path.
_PARAMETER = text(
    "SELECT (SELECT p.value FROM assistance_parameter p"
    "        WHERE p.key = :key AND p.year <= :year AND p.area_code IN :areas"
    "        ORDER BY p.year DESC, length(p.area_code) DESC LIMIT 1) AS value,"
    " EXISTS (SELECT 1 FROM assistance_parameter WHERE key = :key) AS known"
).bindparams(bindparam("areas", expanding=True))


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


def _areas(area_code: str) -> list[str]:
    code = AreaCode(area_code)
    return [str(code), *(str(a) for a in reversed(code.ancestors))]


async def _monthly_standard(session: AsyncSession, year: int, areas: list[str]) -> Decimal:
    row = (await session.execute(_STANDARD, {"year": year, "areas": areas})).first()
    if row is None or row.amount <= 0:
        raise Conflict(
            f"{year} 年度尚未设定适用于 {areas[0]} 的城市低保标准，无法核定临时救助金额",
            code="ASSISTANCE_STANDARD_MISSING",
            programme="urban_dibao",
            area_code=areas[0],
            year=year,
        )
    amount: Decimal = row.amount
    return amount if row.unit == "per_month" else to_fen(amount / 12)


async def _parameter(session: AsyncSession, key: str, year: int, areas: list[str]) -> Decimal:
    row = (await session.execute(_PARAMETER, {"key": key, "year": year, "areas": areas})).one()
    if row.value is not None:
        return Decimal(row.value)
    if not row.known:
        return DEFAULTS[key]
    raise Conflict(
        f"政策参数 {key} 在 {year} 年度及以前均未设定（区域 {areas[0]}），请先设定该参数",
        code="ASSISTANCE_PARAMETER_MISSING",
        key=key,
        year=year,
        area_code=areas[0],
    )


async def temporary_policy(session: AsyncSession, year: int, area_code: str) -> TemporaryPolicy:
    """The standard (village, then township, then city: the most specific that has one)
    and the multiples for a case of ``year`` in ``area_code``; 409 if one is missing."""
    areas = _areas(area_code)
    return TemporaryPolicy(
        year=year,
        area_code=area_code,
        standard_monthly=await _monthly_standard(session, year, areas),
        max_multiple=await _parameter(session, MAX_MULTIPLE_KEY, year, areas),
        township_limit_multiple=await _parameter(session, TOWNSHIP_LIMIT_KEY, year, areas),
    )
