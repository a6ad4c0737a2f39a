"""Use cases of the welfare parameters."""

from civil_shared.errors import Conflict
from civil_shared.pagination import Page, PageParams
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_welfare.parameters.models import WelfareParameter
from civil_welfare.parameters.repository import ParameterRepository
from civil_welfare.parameters.schemas import UNITS, ParameterCreate, ParameterKey, ParameterOut


def to_out(parameter: WelfareParameter) -> ParameterOut:
    key = ParameterKey(parameter.key)
    return ParameterOut.model_validate(
        {
            **{c: getattr(parameter, c) for c in ParameterOut.model_fields if c != "unit"},
            "key": key,
            "unit": UNITS[key],
        }
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
        key = {"key": data.key.value, "year": data.year, "area_code": data.area_code}
        if await self.repository.exists(**key):
            raise self._exists(data)
        parameter = WelfareParameter(
            **key, value=data.value, effective_date=data.effective_date, source=data.source
        )
        try:
            await self.repository.add(parameter)
            await self.session.commit()
        except IntegrityError as exc:  # set concurrently by another request
            await self.session.rollback()
            raise self._exists(data) from exc
        return to_out(parameter)

    @staticmethod
    def _exists(data: ParameterCreate) -> Conflict:
        return Conflict(
            f"{data.year} 年度该区域的参数 {data.key.value} 已设定", code="WELFARE_PARAMETER_EXISTS"
        )
