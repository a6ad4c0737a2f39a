"""Which register pays which subsidy: each gives its month's lines as one SELECT."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import Select, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.disbursements import AnySelect
from civil_shared.types import Period
from civil_welfare.children.orphans.payable import (
    institution_payable_lines,
    scattered_payable_lines,
)
from civil_welfare.children.unsupported.payable import payable_lines as unsupported_lines
from civil_welfare.disability.payable import care_subsidy_lines, living_subsidy_lines
from civil_welfare.hard_up_elderly.payable import hard_up_disabled_lines, hard_up_high_age_lines
from civil_welfare.high_age.payable import payable_lines as high_age_lines
from civil_welfare.subsidy_runs.schemas import Subsidy

Lines = Callable[[AsyncSession, Period], Awaitable[Select[Any] | AnySelect]]

REGISTERS: dict[Subsidy, Lines] = {
    Subsidy.HIGH_AGE: high_age_lines,
    Subsidy.HARD_UP_HIGH_AGE: hard_up_high_age_lines,
    Subsidy.HARD_UP_DISABLED: hard_up_disabled_lines,
    Subsidy.DISABILITY_LIVING: living_subsidy_lines,
    Subsidy.DISABILITY_CARE: care_subsidy_lines,
    Subsidy.ORPHAN_SCATTERED: scattered_payable_lines,
    Subsidy.ORPHAN_INSTITUTION: institution_payable_lines,
    Subsidy.DE_FACTO_UNSUPPORTED: unsupported_lines,
}


async def payable_lines(session: AsyncSession, subsidy: Subsidy, period: Period) -> AnySelect:
    """The register's lines, each for one person (the welfare subsidies are personal)."""
    lines = (await REGISTERS[subsidy](session, period)).subquery("lines")
    return select(*lines.c, literal(1).label("persons"))
