"""Use cases of the standards: list and read them with their growth, set, correct,
and find the one in force for an area and month."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.entitlements.dibao import monthly_standard
from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.standards.repository import StandardRepository, StandardRow
from civil_assistance.standards.schemas import (
    StandardCreate,
    StandardOut,
    StandardProgramme,
    StandardUnit,
    StandardUpdate,
    effective_near_year,
)
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, Period


def growth_pct(current: Decimal, previous: Decimal | None) -> Decimal | None:
    if previous is None or previous == 0:
        return None
    return ((current - previous) / previous * 100).quantize(Decimal("0.01"))


def to_out(row: StandardRow) -> StandardOut:
    standard, previous = row
    return StandardOut(
        id=standard.id,
        programme=StandardProgramme(standard.programme),
        year=standard.year,
        area_code=AreaCode(standard.area_code),
        amount=standard.amount,
        unit=StandardUnit(standard.unit),
        effective_date=standard.effective_date,
        monthly_amount=monthly_standard(standard.amount, standard.unit),
        previous_amount=previous,
        growth_pct=growth_pct(standard.amount, previous),
        version=standard.version,
    )


def standard_not_found(standard_id: uuid.UUID) -> NotFound:
    return NotFound(f"救助标准 {standard_id} 不存在", code="ASSISTANCE_STANDARD_NOT_FOUND")


def standard_missing(programme: StandardProgramme, area_code: str, period: Period) -> Conflict:
    return Conflict(
        f"{period.year} 年度尚未设定适用于 {area_code} 的“{programme.value}”标准，"
        "请先设定该年度的救助标准",
        code="ASSISTANCE_STANDARD_MISSING",
        programme=programme.value,
        area_code=area_code,
        period=str(period),
    )


async def find_standard_in_force(
    session: AsyncSession, programme: StandardProgramme, area_code: str, period: Period
) -> StandardOut | None:
    """The standard of ``programme`` for ``period``'s year, for the most specific area
    (village, then township, then city) that has one; None if none is set."""
    row = await StandardRepository(session).in_force(
        programme=programme.value,
        year=period.year,
        area_codes=[str(a) for a in AreaCode(area_code).lineage],  # most specific wins
    )
    return None if row is None else to_out(row)


async def standard_in_force(
    session: AsyncSession, programme: StandardProgramme, area_code: str, period: Period
) -> StandardOut:
    """As :func:`find_standard_in_force`, but a missing standard is a 409 problem
    ``ASSISTANCE_STANDARD_MISSING``: nothing can be computed without it."""
    found = await find_standard_in_force(session, programme, area_code, period)
    if found is None:
        raise standard_missing(programme, area_code, period)
    return found


class StandardService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = StandardRepository(session)

    async def list_standards(
        self,
        page: PageParams,
        *,
        year: int | None = None,
        programme: str | None = None,
        area_code: str | None = None,
    ) -> Page[StandardOut]:
        rows, total = await self.repository.list(
            year=year,
            programme=programme,
            area_code=area_code,
            limit=page.limit,
            offset=page.offset,
        )
        return Page[StandardOut].of([to_out(row) for row in rows], total, page)

    async def get(self, standard_id: uuid.UUID) -> StandardOut:
        row = await self.repository.get_with_previous(standard_id)
        if row is None:
            raise standard_not_found(standard_id)
        return to_out(row)

    async def in_force(
        self, programme: StandardProgramme, area_code: AreaCode, period: Period
    ) -> StandardOut:
        return await standard_in_force(self.session, programme, area_code, period)

    async def create_standard(self, data: StandardCreate) -> StandardOut:
        programme, year, area_code = data.programme.value, data.year, str(data.area_code)
        if await self.repository.exists(programme=programme, year=year, area_code=area_code):
            raise self._duplicate(data)
        standard = AssistanceStandard(
            programme=programme,
            year=year,
            area_code=area_code,
            amount=data.amount,
            unit=data.unit.value,
            effective_date=data.effective_date,
        )
        async with unique_or_conflict(self.session, self._duplicate(data)):
            await self.repository.add(standard)
            await self.session.commit()
        return await self.get(standard.id)

    async def update_standard(
        self, standard_id: uuid.UUID, data: StandardUpdate, expected_version: int
    ) -> StandardOut:
        row = await self.repository.get_with_previous(standard_id)
        if row is None:
            raise standard_not_found(standard_id)
        standard = row[0]
        check_version(standard.version, expected_version)
        if data.effective_date is not None:
            try:
                effective_near_year(data.effective_date, standard.year)
            except ValueError as exc:
                raise Unprocessable(str(exc), code="ASSISTANCE_STANDARD_EFFECTIVE_DATE") from None
            standard.effective_date = data.effective_date
        if data.amount is not None:
            standard.amount = data.amount
        if data.unit is not None:
            standard.unit = data.unit.value
        await self.session.commit()  # a lost version race is a 412 (runtime handler)
        return await self.get(standard.id)

    @staticmethod
    def _duplicate(data: StandardCreate) -> Conflict:
        return Conflict(
            f"{data.year} 年度该区域的此类标准已存在",
            code="ASSISTANCE_STANDARD_EXISTS",
        )
