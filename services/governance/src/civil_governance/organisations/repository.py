"""Queries of the register; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from civil_governance.organisations.areas import township_exists
from civil_governance.organisations.models import (
    IllegalOrganisationCase,
    OrganisationInspection,
    SocialOrganisation,
)
from civil_governance.organisations.schemas import (
    REGISTERED_STATUSES,
    CaseOutcome,
    InspectionResult,
    OrganisationStats,
    OrgStatus,
    OutcomeCount,
    TownshipCount,
    TypeStatusCount,
)
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode, CreditCode, SocialOrgType

#: An organisation with the year and result of its latest inspection.
OrganisationRow = tuple[SocialOrganisation, int | None, str | None]

_latest = (
    select(OrganisationInspection.year, OrganisationInspection.result)
    .where(OrganisationInspection.organisation_id == SocialOrganisation.id)
    .order_by(OrganisationInspection.year.desc())
    .limit(1)
    .correlate(SocialOrganisation)
    .lateral("latest_inspection")
)


def name_or_credit_code(q: str) -> ColumnElement[bool]:
    """A full credit code matches exactly; anything else a name part or a code's start."""
    text = q.strip()
    try:
        return SocialOrganisation.credit_code == str(CreditCode(text))
    except ValueError:
        return or_(
            SocialOrganisation.name.contains(text, autoescape=True),
            SocialOrganisation.credit_code.startswith(text.upper(), autoescape=True),
        )


def inspected(year: int, result: InspectionResult | None) -> ColumnElement[bool]:
    """The organisation has an inspection for ``year`` (with ``result``, if given)."""
    conditions = [
        OrganisationInspection.organisation_id == SocialOrganisation.id,
        OrganisationInspection.year == year,
    ]
    if result is not None:
        conditions.append(OrganisationInspection.result == result.value)
    return exists().where(*conditions)


class OrganisationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, organisation_id: uuid.UUID, *, for_update: bool = False
    ) -> SocialOrganisation | None:
        return await self.session.get(
            SocialOrganisation, organisation_id, with_for_update=for_update
        )

    async def latest_inspection(self, organisation_id: uuid.UUID) -> OrganisationInspection | None:
        return await self.session.scalar(
            select(OrganisationInspection)
            .where(OrganisationInspection.organisation_id == organisation_id)
            .order_by(OrganisationInspection.year.desc())
            .limit(1)
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[OrganisationRow], int]:
        query = (
            select(SocialOrganisation, _latest.c.year, _latest.c.result)
            .outerjoin(_latest, true())
            .where(*conditions)
            .order_by(SocialOrganisation.registration_date.desc(), SocialOrganisation.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        items = [(row[0], row[1], row[2]) for row in rows]
        return items, await count_rows(self.session, query)

    async def holding_name(
        self, name: str, *, besides: uuid.UUID | None = None
    ) -> SocialOrganisation | None:
        """The registered (active or suspended) organisation using ``name``."""
        query = select(SocialOrganisation).where(
            SocialOrganisation.name == name,
            SocialOrganisation.status.in_([s.value for s in REGISTERED_STATUSES]),
        )
        if besides is not None:
            query = query.where(SocialOrganisation.id != besides)
        return await self.session.scalar(query.limit(1))

    async def with_credit_code(
        self, code: str, *, besides: uuid.UUID | None = None
    ) -> SocialOrganisation | None:
        query = select(SocialOrganisation).where(SocialOrganisation.credit_code == code)
        if besides is not None:
            query = query.where(SocialOrganisation.id != besides)
        return await self.session.scalar(query.limit(1))

    async def township_exists(self, code: str) -> bool:
        return await township_exists(self.session, code)

    async def inspections(self, organisation_id: uuid.UUID) -> list[OrganisationInspection]:
        query = (
            select(OrganisationInspection)
            .where(OrganisationInspection.organisation_id == organisation_id)
            .order_by(OrganisationInspection.year.desc())
        )
        return list((await self.session.scalars(query)).all())

    async def inspection(
        self, organisation_id: uuid.UUID, year: int
    ) -> OrganisationInspection | None:
        return await self.session.scalar(
            select(OrganisationInspection).where(
                OrganisationInspection.organisation_id == organisation_id,
                OrganisationInspection.year == year,
            )
        )

    async def add(self, row: SocialOrganisation | OrganisationInspection) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, case_id: uuid.UUID, *, for_update: bool = False
    ) -> IllegalOrganisationCase | None:
        return await self.session.get(IllegalOrganisationCase, case_id, with_for_update=for_update)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[IllegalOrganisationCase], int]:
        query = (
            select(IllegalOrganisationCase)
            .where(*conditions)
            .order_by(IllegalOrganisationCase.opened_date.desc(), IllegalOrganisationCase.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def township_exists(self, code: str) -> bool:
        return await township_exists(self.session, code)

    async def add(self, case: IllegalOrganisationCase) -> None:
        self.session.add(case)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


def _in_year(column: InstrumentedAttribute[date | None], year: int) -> ColumnElement[bool]:
    # A range, not EXTRACT(YEAR ...), so an index on the date serves it.
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


#: The statistics' statements, built once per year and area (see Statements).
_STATEMENTS = Statements()


def _organisation_statements(year: int, area_code: str | None) -> tuple[Any, Any, Any, Any]:
    """By type and status, registered by township, inspections by result, illegal cases by
    outcome: :func:`organisation_stats`'s four aggregates."""
    org_area: list[ColumnElement[bool]] = []
    case_area: list[ColumnElement[bool]] = []
    if area_code is not None:
        org_area.append(SocialOrganisation.township_code.startswith(area_code, autoescape=True))
        case_area.append(
            IllegalOrganisationCase.township_code.startswith(area_code, autoescape=True)
        )
    registered_by = SocialOrganisation.registration_date < date(year + 1, 1, 1)

    by_type_status = (
        select(SocialOrganisation.org_type, SocialOrganisation.status, func.count())
        .where(registered_by, *org_area)
        .group_by(SocialOrganisation.org_type, SocialOrganisation.status)
        .order_by(SocialOrganisation.org_type, SocialOrganisation.status)
    )
    by_township = (
        select(SocialOrganisation.township_code, func.count())
        .where(
            registered_by,
            SocialOrganisation.status.in_([s.value for s in REGISTERED_STATUSES]),
            *org_area,
        )
        .group_by(SocialOrganisation.township_code)
        .order_by(SocialOrganisation.township_code.nulls_first())
    )
    by_result = (
        select(OrganisationInspection.result, func.count())
        .join(SocialOrganisation)
        .where(OrganisationInspection.year == year, *org_area)
        .group_by(OrganisationInspection.result)
    )
    by_outcome = (
        select(IllegalOrganisationCase.outcome, func.count())
        .where(_in_year(IllegalOrganisationCase.outcome_date, year), *case_area)
        .group_by(IllegalOrganisationCase.outcome)
        .order_by(IllegalOrganisationCase.outcome)
    )
    return by_type_status, by_township, by_result, by_outcome


async def organisation_stats(
    session: AsyncSession, year: int, area_code: str | None = None
) -> OrganisationStats:
    """Counts for the yearly statistics, each one SQL aggregate.

    Organisations registered by the end of ``year`` are counted in their present
    status (the register keeps the latest status, its history is in the audit).
    ``area_code`` keeps the organisations and cases of one township (prefix match).
    """
    by_type_status_query, by_township_query, by_result_query, by_outcome_query = _STATEMENTS.get(
        (year, area_code), lambda: _organisation_statements(year, area_code)
    )
    by_type_status = (await session.execute(by_type_status_query)).all()
    by_township = (await session.execute(by_township_query)).all()
    by_result = (await session.execute(by_result_query)).all()
    by_outcome = (await session.execute(by_outcome_query)).all()
    results = dict.fromkeys(InspectionResult, 0)
    results.update({InspectionResult(r): n for r, n in by_result})
    outcomes = [
        OutcomeCount(outcome=CaseOutcome(o), count=n) for o, n in by_outcome if o is not None
    ]
    return OrganisationStats(
        year=year,
        by_type_and_status=[
            TypeStatusCount(org_type=SocialOrgType(t), status=OrgStatus(s), count=n)
            for t, s, n in by_type_status
        ],
        registered_by_township=[
            TownshipCount(township_code=AreaCode(code) if code else None, count=n)
            for code, n in by_township
        ],
        inspections_by_result=results,
        illegal_cases_by_outcome=outcomes,
        illegal_dispersed=sum(o.count for o in outcomes if o.outcome is CaseOutcome.DISPERSED),
    )
