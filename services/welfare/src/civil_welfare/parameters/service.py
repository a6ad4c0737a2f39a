"""Use cases of the welfare parameters."""

from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import Conflict
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.types import AreaCode
from civil_welfare.parameters.models import WelfareParameter
from civil_welfare.parameters.repository import ParameterRepository
from civil_welfare.parameters.schemas import UNITS, ParameterCreate, ParameterKey, ParameterOut


def to_out(parameter: WelfareParameter) -> ParameterOut:
    key = ParameterKey(parameter.key)
    return ParameterOut(
        id=parameter.id,
        key=key,
        unit=UNITS[key],
        year=parameter.year,
        area_code=AreaCode(parameter.area_code),
        value=parameter.value,
        effective_date=parameter.effective_date,
        source=parameter.source,
    )


class ParameterService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = ParameterRepository(session)

    async def list(
        self,
        page: PageParams,
        *,
        key: ParameterKey | None = None,
        year: int | None = None,
        area_code: str | None = None,
    ) -> Page[ParameterOut]:
        items, total = await self.repository.list(
            key=key.value if key else None,
            year=year,
            area_code=area_code,
            limit=page.limit,
            offset=page.offset,
        )
        return Page[ParameterOut].of([to_out(p) for p in items], total, page)

    async def create(self, data: ParameterCreate) -> ParameterOut:
        key, year, area_code = data.key.value, data.year, str(data.area_code)
        if await self.repository.exists(key=key, year=year, area_code=area_code):
            raise self._exists(data)
        parameter = WelfareParameter(
            key=key,
            year=year,
            area_code=area_code,
            value=data.value,
            effective_date=data.effective_date,
            source=data.source,
        )
        async with unique_or_conflict(self.session, self._exists(data)):
            await self.repository.add(parameter)
            await self.session.commit()
        return to_out(parameter)

    @staticmethod
    def _exists(data: ParameterCreate) -> Conflict:
        return Conflict(
            f"{data.year} 年度该区域的参数 {data.key.value} 已设定", code="WELFARE_PARAMETER_EXISTS"
        )
