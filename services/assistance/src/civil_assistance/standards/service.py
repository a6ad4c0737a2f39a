"""Use cases of the standards: list them with their growth, set a new one."""

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.standards.models import AssistanceStandard
from civil_assistance.standards.repository import StandardRepository, StandardRow
from civil_assistance.standards.schemas import (
    StandardCreate,
    StandardOut,
    StandardProgramme,
    StandardUnit,
)
from civil_shared.errors import Conflict
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.types import AreaCode, to_fen

MONTHS_PER_YEAR = Decimal(12)


def monthly(amount: Decimal, unit: str) -> Decimal:
    """A yearly standard is paid as one twelfth a month (DOMAIN.md, dibao amount)."""
    return to_fen(amount / MONTHS_PER_YEAR) if unit == StandardUnit.PER_YEAR else amount


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
        monthly_amount=monthly(standard.amount, standard.unit),
        previous_amount=previous,
        growth_pct=growth_pct(standard.amount, previous),
    )


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
        row = await self.repository.get_with_previous(standard.id)
        assert row is not None
        return to_out(row)

    @staticmethod
    def _duplicate(data: StandardCreate) -> Conflict:
        return Conflict(
            f"{data.year} 年度该区域的此类标准已存在",
            code="ASSISTANCE_STANDARD_EXISTS",
        )
