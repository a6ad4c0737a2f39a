"""The high-age allowance's monthly lines, for the disbursement runs (issue item 8).

One SELECT, set-based: the tier comes from the birth date in the ID number, counted
to the last day of the month, through a CASE whose cut-off dates and amounts are the
year's parameters, read once (per area that sets its own) and bound as parameters.
"""

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.types import Period
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.high_age.repository import payable_in
from civil_welfare.high_age.rules import AMOUNT_KEYS, TIER_AGE_KEYS, amount_sql
from civil_welfare.parameters.by_area import Values, values_by_area


async def payable_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """One row per recipient to pay for ``period``: ``source_id`` (the register row),
    ``payee_id_number``, ``payee_name``, ``area_code``, ``amount`` (NUMERIC(14,2)).

    Honours the start and last months and leaves out the suspended and those below the
    first tier's age that month. A 409 ``WELFARE_PARAMETER_MISSING`` when the year's
    tier ages or amounts are not set.
    """
    rule = await values_by_area(session, (*TIER_AGE_KEYS, *AMOUNT_KEYS), period.year)
    allowance = HighAgeAllowance

    def amount(values: Values) -> Any:
        return amount_sql(allowance.id_number, period, values)

    lines = (
        select(
            allowance.id.label("source_id"),
            allowance.id_number.label("payee_id_number"),
            allowance.name.label("payee_name"),
            allowance.area_code.label("area_code"),
            rule.case(allowance.area_code, amount).label("amount"),
        )
        .where(payable_in(period))
        .subquery("high_age_lines")
    )
    return select(
        lines.c.source_id,
        lines.c.payee_id_number,
        lines.c.payee_name,
        lines.c.area_code,
        lines.c.amount,
    ).where(lines.c.amount.is_not(None))
