"""Queries of donations and projects; only flushes, never commits. Totals are SQL aggregates."""

import uuid
from collections.abc import Hashable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.charity.models import CharityProject, Donation
from civil_governance.charity.schemas import (
    DonationPurpose,
    DonationStats,
    DonationTotals,
    PurposeTotals,
    TotalsRow,
    TownshipTotal,
)
from civil_governance.organisations.areas import township_exists
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode

#: What a donation counts for: its amount, or its goods' assessed value.
donation_value = func.coalesce(Donation.amount, Donation.goods_value)

_ZERO = Decimal("0.00")

#: A project with what its donations raised and how many there were.
ProjectRow = tuple[CharityProject, Decimal, int]

_raised = (
    select(func.coalesce(func.sum(donation_value), 0))
    .where(Donation.project_id == CharityProject.id)
    .correlate(CharityProject)
    .scalar_subquery()
)
_donations = (
    select(func.count())
    .where(Donation.project_id == CharityProject.id)
    .correlate(CharityProject)
    .scalar_subquery()
)


def between(date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """Donations dated from ``date_from`` to ``date_to``, both inclusive."""
    conditions: list[ColumnElement[bool]] = []
    if date_from is not None:
        conditions.append(Donation.donation_date >= date_from)
    if date_to is not None:
        conditions.append(Donation.donation_date <= date_to)
    return conditions


def donor_or_receipt(q: str) -> ColumnElement[bool]:
    text = q.strip()
    return or_(Donation.donor_name.contains(text, autoescape=True), Donation.receipt_number == text)


#: The statistics' statements, built once per year and area (see Statements).
_STATEMENTS = Statements()


def _totals_query(
    conditions: Sequence[ColumnElement[bool]], date_from: date | None, date_to: date | None
) -> Any:
    return (
        select(
            func.grouping(Donation.purpose).label("overall"),
            Donation.purpose,
            func.count().label("donations"),
            func.coalesce(func.sum(Donation.amount), 0).label("money"),
            func.coalesce(func.sum(Donation.goods_value), 0).label("goods_value"),
            func.coalesce(func.sum(donation_value), 0).label("total"),
        )
        .where(*conditions, *between(date_from, date_to))
        .group_by(func.grouping_sets(tuple_(), tuple_(Donation.purpose)))
    )


async def donation_totals(
    session: AsyncSession,
    conditions: Sequence[ColumnElement[bool]],
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    key: Hashable | None = None,
) -> DonationTotals:
    """Count, money, goods value and total per purpose and overall: one GROUPING SETS query.

    ``key``: what ``conditions`` were built from, when the same always give the same
    (the statement is then built once for it, see Statements)."""
    query = (
        _totals_query(conditions, date_from, date_to)
        if key is None
        else (
            _STATEMENTS.get(("totals", key), lambda: _totals_query(conditions, date_from, date_to))
        )
    )
    empty = TotalsRow(donations=0, money=_ZERO, goods_value=_ZERO, total=_ZERO)
    overall, by_purpose = empty, {}
    for row in (await session.execute(query)).all():
        totals = TotalsRow(
            donations=row.donations,
            money=row.money,
            goods_value=row.goods_value,
            total=row.total,
        )
        if row.overall:
            overall = totals
        else:
            by_purpose[DonationPurpose(row.purpose)] = totals
    return DonationTotals(
        date_from=date_from,
        date_to=date_to,
        by_purpose=[
            PurposeTotals(purpose=p, **by_purpose.get(p, empty).model_dump())
            for p in DonationPurpose
        ],
        total=overall,
    )


async def donation_stats(
    session: AsyncSession, year: int, area_code: str | None = None
) -> DonationStats:
    """The year's donations by purpose, overall and by the receiving body's township."""
    conditions: list[ColumnElement[bool]] = []
    if area_code is not None:
        conditions.append(Donation.township_code.startswith(area_code, autoescape=True))
    first, last = date(year, 1, 1), date(year, 12, 31)
    totals = await donation_totals(
        session, conditions, date_from=first, date_to=last, key=(year, area_code)
    )

    def build() -> Any:
        return (
            select(
                Donation.township_code,
                func.count(),
                func.coalesce(func.sum(donation_value), 0),
            )
            .where(*conditions, *between(first, last))
            .group_by(Donation.township_code)
            .order_by(Donation.township_code.nulls_first())
        )

    query = _STATEMENTS.get(("by_township", year, area_code), build)
    by_township = (await session.execute(query)).all()
    return DonationStats(
        year=year,
        by_purpose=totals.by_purpose,
        total=totals.total,
        by_township=[
            TownshipTotal(township_code=AreaCode(code) if code else None, donations=n, total=total)
            for code, n, total in by_township
        ],
    )


class DonationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, donation_id: uuid.UUID) -> Donation | None:
        return await self.session.get(Donation, donation_id)

    async def with_receipt(
        self, receiving_body: str, receipt_number: str, *, besides: uuid.UUID | None = None
    ) -> Donation | None:
        query = select(Donation).where(
            Donation.receiving_body == receiving_body, Donation.receipt_number == receipt_number
        )
        if besides is not None:
            query = query.where(Donation.id != besides)
        return await self.session.scalar(query.limit(1))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[Donation], int]:
        query = (
            select(Donation).where(*conditions).order_by(Donation.donation_date.desc(), Donation.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def totals(
        self,
        conditions: Sequence[ColumnElement[bool]],
        date_from: date | None,
        date_to: date | None,
    ) -> DonationTotals:
        return await donation_totals(self.session, conditions, date_from=date_from, date_to=date_to)

    async def township_exists(self, code: str) -> bool:
        return await township_exists(self.session, code)

    async def add(self, donation: Donation) -> None:
        self.session.add(donation)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()


class ProjectRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, project_id: uuid.UUID, *, for_update: bool = False
    ) -> CharityProject | None:
        return await self.session.get(CharityProject, project_id, with_for_update=for_update)

    async def raised(self, project_id: uuid.UUID) -> tuple[Decimal, int]:
        row = (
            await self.session.execute(
                select(func.coalesce(func.sum(donation_value), 0), func.count()).where(
                    Donation.project_id == project_id
                )
            )
        ).one()
        return row[0], row[1]

    async def donation_dates(self, project_id: uuid.UUID) -> tuple[date | None, date | None]:
        """The first and the last date of the project's donations."""
        row = (
            await self.session.execute(
                select(func.min(Donation.donation_date), func.max(Donation.donation_date)).where(
                    Donation.project_id == project_id
                )
            )
        ).one()
        return row[0], row[1]

    async def named(
        self, organiser: str, name: str, *, besides: uuid.UUID | None = None
    ) -> CharityProject | None:
        query = select(CharityProject).where(
            CharityProject.organiser == organiser, CharityProject.name == name
        )
        if besides is not None:
            query = query.where(CharityProject.id != besides)
        return await self.session.scalar(query.limit(1))

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ProjectRow], int]:
        query = (
            select(CharityProject, _raised, _donations)
            .where(*conditions)
            .order_by(CharityProject.start_date.desc(), CharityProject.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        items = [(row[0], row[1], row[2]) for row in rows]
        return items, await count_rows(self.session, query)

    async def township_exists(self, code: str) -> bool:
        return await township_exists(self.session, code)

    async def add(self, project: CharityProject) -> None:
        self.session.add(project)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()
