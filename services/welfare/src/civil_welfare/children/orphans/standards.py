"""The orphan allowance standards: which parameter holds each, growth on the year
before (natural growth, 自然增长), and the rule that institution care pays more."""

from decimal import Decimal

from civil_shared.errors import Conflict
from civil_welfare.children.orphans.schemas import OrphanKind, StandardYear
from civil_welfare.parameters.by_area import AreaValues
from civil_welfare.parameters.keys import ParameterKey

STANDARD_KEYS: dict[OrphanKind, ParameterKey] = {
    OrphanKind.SCATTERED: ParameterKey.ORPHAN_SCATTERED_ALLOWANCE,
    OrphanKind.INSTITUTION: ParameterKey.ORPHAN_INSTITUTION_ALLOWANCE,
}
_HUNDREDTH = Decimal("0.01")


def growth_pct(previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    """Growth of ``current`` on ``previous`` in per cent, two places; None without both."""
    if previous is None or current is None or previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(_HUNDREDTH)


def standard_years(values: dict[int, tuple[Decimal | None, Decimal | None]]) -> list[StandardYear]:
    """One line a year, in order, from ``{year: (scattered, institution)}``; a year's growth
    is on the year before it (None for the first year or after a year without a value)."""
    years = []
    for year in sorted(values):
        scattered, institution = values[year]
        before = values.get(year - 1, (None, None))
        years.append(
            StandardYear(
                year=year,
                scattered=scattered,
                institution=institution,
                scattered_growth_pct=growth_pct(before[0], scattered),
                institution_growth_pct=growth_pct(before[1], institution),
                institution_above_scattered=(
                    None if scattered is None or institution is None else institution > scattered
                ),
            )
        )
    return years


def not_above_warning(year: int, scattered: Decimal, institution: Decimal, where: str) -> str:
    return (
        f"{year} 年{where}集中供养孤儿标准（{institution:.2f} 元）不高于散居孤儿标准"
        f"（{scattered:.2f} 元），请核对政策参数"
    )


def ensure_institution_above_scattered(values: AreaValues) -> None:
    """409 when, in some area, the institution standard is not above the scattered one: a
    run is not computed on standards that break the rule."""
    scattered, institution = STANDARD_KEYS.values()
    areas = [*values.overrides, ("429006", values.city)]
    for area, by_key in areas:
        if by_key[institution] <= by_key[scattered]:
            raise Conflict(
                not_above_warning(values.year, by_key[scattered], by_key[institution], area),
                code="WELFARE_ORPHAN_STANDARDS_INCONSISTENT",
                year=values.year,
                area_code=area,
            )
