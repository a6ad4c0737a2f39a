"""The hard-up elderly subsidies' monthly lines, for the disbursement runs (issue item 8).

Each kind is its own subsidy with its own amount (``hard_up_high_age_subsidy``,
``hard_up_disabled_elderly_subsidy``), read once per area that sets its own and
bound as parameters. ``payable_lines`` gives one row per grant (a person holding
both kinds has two rows, one per grant); ``payable_lines_of`` gives one kind only,
one row per person, for a run per subsidy; ``hard_up_high_age_lines`` and
``hard_up_disabled_lines`` are the two with the runs' ``(session, period)`` signature.
"""

from typing import Any

from sqlalchemy import Numeric, Select, case, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.types import Period
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.hard_up_elderly.repository import payable_in
from civil_welfare.hard_up_elderly.schemas import SubsidyKind
from civil_welfare.parameters.by_area import Values, values_by_area
from civil_welfare.parameters.keys import ParameterKey

AMOUNT_KEY = {
    SubsidyKind.HARD_UP_HIGH_AGE: ParameterKey.HARD_UP_HIGH_AGE_SUBSIDY,
    SubsidyKind.HARD_UP_DISABLED: ParameterKey.HARD_UP_DISABLED_ELDERLY_SUBSIDY,
}


async def payable_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """Every grant to pay for ``period``, both kinds: ``source_id`` (the grant),
    ``payee_id_number``, ``payee_name``, ``area_code``, ``amount`` (NUMERIC(14,2)).

    Only the amounts of kinds that have a grant to pay are read; a 409
    ``WELFARE_PARAMETER_MISSING`` when one of those is not set for the year.
    """
    grant = HardUpElderSubsidy
    kinds = (await session.scalars(select(grant.kind).distinct().where(payable_in(period)))).all()
    return await _lines(session, period, [SubsidyKind(k) for k in sorted(kinds)])


async def payable_lines_of(session: AsyncSession, period: Period, kind: SubsidyKind) -> Select[Any]:
    """The grants of one ``kind`` to pay for ``period`` (at most one per person)."""
    return await _lines(session, period, [kind])


async def hard_up_high_age_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """经济困难高龄老人补贴: the lines of ``period``."""
    return await _lines(session, period, [SubsidyKind.HARD_UP_HIGH_AGE])


async def hard_up_disabled_lines(session: AsyncSession, period: Period) -> Select[Any]:
    """经济困难失能老人补贴: the lines of ``period``."""
    return await _lines(session, period, [SubsidyKind.HARD_UP_DISABLED])


async def _lines(session: AsyncSession, period: Period, kinds: list[SubsidyKind]) -> Select[Any]:
    grant = HardUpElderSubsidy
    keys = [AMOUNT_KEY[k] for k in kinds]
    rule = await values_by_area(session, keys, period.year) if keys else None

    def amount(values: Values) -> Any:
        return case(
            *(
                (grant.kind == kind.value, cast(literal(values[AMOUNT_KEY[kind]]), Numeric(14, 2)))
                for kind in kinds
            ),
            else_=None,
        )

    amount_column = (
        rule.case(grant.area_code, amount) if rule is not None else cast(None, Numeric(14, 2))
    )
    return select(
        grant.id.label("source_id"),
        grant.id_number.label("payee_id_number"),
        grant.name.label("payee_name"),
        grant.area_code.label("area_code"),
        amount_column.label("amount"),
    ).where(payable_in(period), grant.kind.in_([k.value for k in kinds]))
