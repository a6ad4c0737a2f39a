"""Queries of institutions, their ledger and closures; only flushes, never commits."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, func, literal, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.database import count_rows
from civil_shared.runtime.statements import Statements
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.institutions.models import (
    CareInstitution,
    ClosedManagementPeriod,
    DisabledTekunResident,
)
from civil_welfare.institutions.schemas import (
    ClosureSummary,
    InstitutionStatus,
    InstitutionSummary,
    TownshipClosures,
    TownshipInstitutions,
)

ResidentRow = tuple[DisabledTekunResident, CareInstitution]
ClosureRow = tuple[ClosedManagementPeriod, CareInstitution]


def within(area_code: str | None) -> ColumnElement[bool]:
    """Institutions in ``area_code`` (a prefix: a township's code covers its villages)."""
    if area_code is None:
        return true()
    return CareInstitution.area_code.startswith(area_code, autoescape=True)


def name_or_id_number(q: str) -> ColumnElement[bool]:
    """A full ID number matches exactly, anything else as a name substring."""
    try:
        return DisabledTekunResident.id_number == str(IdNumber(q))
    except ValueError:
        return DisabledTekunResident.name.contains(q.strip(), autoescape=True)


def overlaps(start: date, end: date | None) -> ColumnElement[bool]:
    """Periods sharing at least one day with ``start``..``end`` (open-ended when None)."""
    condition = or_(
        ClosedManagementPeriod.end_date.is_(None), ClosedManagementPeriod.end_date >= start
    )
    if end is not None:
        condition = and_(condition, ClosedManagementPeriod.start_date <= end)
    return condition


class InstitutionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- institutions ---------------------------------------------------------

    async def get(
        self, institution_id: uuid.UUID, *, for_update: bool = False
    ) -> CareInstitution | None:
        return await self.session.get(CareInstitution, institution_id, with_for_update=for_update)

    async def named(self, name: str) -> CareInstitution | None:
        return await self.session.scalar(
            select(CareInstitution).where(CareInstitution.name == name)
        )

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[CareInstitution], int]:
        query = (
            select(CareInstitution)
            .where(*conditions)
            .order_by(CareInstitution.area_code, CareInstitution.name, CareInstitution.id)
        )
        items = list((await self.session.scalars(query.limit(limit).offset(offset))).all())
        return items, await count_rows(self.session, query)

    async def add(
        self, row: CareInstitution | DisabledTekunResident | ClosedManagementPeriod
    ) -> None:
        self.session.add(row)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    # --- the ledger -------------------------------------------------------------

    async def active_residents(self, institution_id: uuid.UUID) -> int:
        found = await self.session.scalar(
            select(func.count()).where(
                DisabledTekunResident.institution_id == institution_id,
                DisabledTekunResident.left_date.is_(None),
            )
        )
        return found or 0

    async def active_entry_of(self, id_number: str) -> DisabledTekunResident | None:
        return await self.session.scalar(
            select(DisabledTekunResident).where(
                DisabledTekunResident.id_number == id_number,
                DisabledTekunResident.left_date.is_(None),
            )
        )

    async def stay_overlapping(
        self, id_number: str, start: date, end: date | None, *, besides: uuid.UUID | None = None
    ) -> DisabledTekunResident | None:
        """A stay of this person sharing a day with ``start``..``end`` (end excluded)."""
        query = select(DisabledTekunResident).where(
            DisabledTekunResident.id_number == id_number,
            or_(
                DisabledTekunResident.left_date.is_(None),
                DisabledTekunResident.left_date > start,
            ),
        )
        if end is not None:
            query = query.where(DisabledTekunResident.admitted_date < end)
        if besides is not None:
            query = query.where(DisabledTekunResident.id != besides)
        return await self.session.scalar(query.limit(1))

    async def resident(
        self, entry_id: uuid.UUID, *, for_update: bool = False
    ) -> ResidentRow | None:
        query = (
            select(DisabledTekunResident, CareInstitution)
            .join(CareInstitution, CareInstitution.id == DisabledTekunResident.institution_id)
            .where(DisabledTekunResident.id == entry_id)
        )
        if for_update:
            query = query.with_for_update(of=DisabledTekunResident)
        row = (await self.session.execute(query)).one_or_none()
        return (row[0], row[1]) if row is not None else None

    async def residents(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ResidentRow], int]:
        query = (
            select(DisabledTekunResident, CareInstitution)
            .join(CareInstitution, CareInstitution.id == DisabledTekunResident.institution_id)
            .where(*conditions)
            .order_by(
                CareInstitution.area_code,
                CareInstitution.name,
                DisabledTekunResident.admitted_date,
                DisabledTekunResident.id,
            )
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1]) for r in rows], await count_rows(self.session, query)

    # --- closures ----------------------------------------------------------------

    async def closure(self, period_id: uuid.UUID) -> ClosureRow | None:
        query = (
            select(ClosedManagementPeriod, CareInstitution)
            .join(CareInstitution, CareInstitution.id == ClosedManagementPeriod.institution_id)
            .where(ClosedManagementPeriod.id == period_id)
        )
        row = (await self.session.execute(query)).one_or_none()
        return (row[0], row[1]) if row is not None else None

    async def closure_overlapping(
        self,
        institution_id: uuid.UUID,
        start: date,
        end: date | None,
        *,
        besides: uuid.UUID | None = None,
    ) -> ClosedManagementPeriod | None:
        query = select(ClosedManagementPeriod).where(
            ClosedManagementPeriod.institution_id == institution_id, overlaps(start, end)
        )
        if besides is not None:
            query = query.where(ClosedManagementPeriod.id != besides)
        return await self.session.scalar(query.limit(1))

    async def closures(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[ClosureRow], int]:
        query = (
            select(ClosedManagementPeriod, CareInstitution)
            .join(CareInstitution, CareInstitution.id == ClosedManagementPeriod.institution_id)
            .where(*conditions)
            .order_by(
                ClosedManagementPeriod.start_date.desc(),
                CareInstitution.name,
                ClosedManagementPeriod.id,
            )
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r[1]) for r in rows], await count_rows(self.session, query)


# --- summaries (also what the yearly statistics read) ------------------------------


#: The summaries' statements for no ``visible`` (the statistics), built once per year
#: and area (see Statements); a caller's own condition is built per call.
_STATEMENTS = Statements()


async def institution_summary(
    session: AsyncSession,
    visible: ColumnElement[bool] | None = None,
    area_code: str | None = None,
) -> InstitutionSummary:
    """Institutions not closed, their beds, residents, staff and active ledger entries,
    in the city (or ``area_code``) and by township — one aggregate."""

    def build() -> Any:
        ledger = (
            select(
                DisabledTekunResident.institution_id,
                func.count().label("on_ledger"),
            )
            .where(DisabledTekunResident.left_date.is_(None))
            .group_by(DisabledTekunResident.institution_id)
            .subquery()
        )
        township = func.left(CareInstitution.area_code, 9)
        query = (
            select(
                func.grouping(township).label("all_townships"),
                township.label("township"),
                func.count().label("institutions"),
                func.coalesce(func.sum(CareInstitution.capacity), 0).label("capacity"),
                func.coalesce(func.sum(CareInstitution.residents_count), 0).label("residents"),
                func.coalesce(func.sum(CareInstitution.staff_count), 0).label("staff"),
                func.coalesce(func.sum(ledger.c.on_ledger), 0).label("on_ledger"),
            )
            .select_from(CareInstitution)
            .outerjoin(ledger, ledger.c.institution_id == CareInstitution.id)
            .where(
                CareInstitution.status != InstitutionStatus.CLOSED.value,
                visible if visible is not None else true(),
                within(area_code),
            )
            .group_by(func.grouping_sets(tuple_(), tuple_(township)))
        )
        return query

    query = _STATEMENTS.get(("institutions", area_code), build, keep=visible is None)
    total: dict[str, int] = dict.fromkeys(
        ("institutions", "capacity", "residents", "staff", "disabled_tekun_residents"), 0
    )
    townships: list[TownshipInstitutions] = []
    for row in (await session.execute(query)).all():
        counts = {
            "institutions": row.institutions,
            "capacity": int(row.capacity),
            "residents": int(row.residents),
            "staff": int(row.staff),
            "disabled_tekun_residents": int(row.on_ledger),
        }
        if row.all_townships:
            total = counts
        else:
            townships.append(TownshipInstitutions(area_code=AreaCode(row.township), **counts))
    return InstitutionSummary(**total, by_township=sorted(townships, key=lambda t: t.area_code))


async def closure_summary(
    session: AsyncSession,
    year: int,
    visible: ColumnElement[bool] | None = None,
    area_code: str | None = None,
) -> ClosureSummary:
    """Institutions under closed management at some time in ``year``: the residents and
    staff inside in each institution's latest period of the year, infections of all its
    periods, in the city (or ``area_code``) and by township — one aggregate."""

    def build() -> Any:
        periods = (
            select(
                ClosedManagementPeriod.institution_id,
                func.left(CareInstitution.area_code, 9).label("township"),
                ClosedManagementPeriod.residents_inside,
                ClosedManagementPeriod.staff_inside,
                ClosedManagementPeriod.infections,
                func.row_number()
                .over(
                    partition_by=ClosedManagementPeriod.institution_id,
                    order_by=ClosedManagementPeriod.start_date.desc(),
                )
                .label("latest_first"),
            )
            .join(CareInstitution, CareInstitution.id == ClosedManagementPeriod.institution_id)
            .where(
                overlaps(date(year, 1, 1), date(year, 12, 31)),
                visible if visible is not None else true(),
                within(area_code),
            )
            .subquery()
        )
        latest = periods.c.latest_first == 1
        zero = literal(0, Integer)
        query = select(
            func.grouping(periods.c.township).label("all_townships"),
            periods.c.township,
            func.count(func.distinct(periods.c.institution_id)).label("institutions"),
            func.count().label("periods"),
            func.coalesce(func.sum(periods.c.residents_inside).filter(latest), zero).label(
                "residents_inside"
            ),
            func.coalesce(func.sum(periods.c.staff_inside).filter(latest), zero).label(
                "staff_inside"
            ),
            func.coalesce(func.sum(periods.c.infections), zero).label("infections"),
        ).group_by(func.grouping_sets(tuple_(), tuple_(periods.c.township)))
        return query

    query = _STATEMENTS.get(("closures", year, area_code), build, keep=visible is None)
    keys = ("institutions", "periods", "residents_inside", "staff_inside", "infections")
    total: dict[str, int] = dict.fromkeys(keys, 0)
    townships: list[TownshipClosures] = []
    for row in (await session.execute(query)).all():
        counts = {key: int(getattr(row, key)) for key in keys}
        if row.all_townships:
            total = counts
        else:
            townships.append(TownshipClosures(area_code=AreaCode(row.township), **counts))
    return ClosureSummary(
        year=year, **total, by_township=sorted(townships, key=lambda t: t.area_code)
    )
