"""Use cases of the division tree."""

from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.models import Division
from civil_governance.divisions.repository import DivisionRepository
from civil_governance.divisions.schemas import DivisionCreate, DivisionOut
from civil_shared.contracts.divisions import KINDS_BY_LEVEL
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.types import AreaLevel


def division_not_found(code: str) -> NotFound:
    return NotFound(f"区划代码 {code} 不存在", code="GOVERNANCE_DIVISION_NOT_FOUND")


class DivisionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = DivisionRepository(session)

    async def get(self, code: str) -> DivisionOut:
        division = await self.repository.get(code)
        if division is None:
            raise division_not_found(code)
        return DivisionOut.model_validate(division)

    async def list(
        self,
        page: PageParams,
        *,
        parent_code: str | None = None,
        level: AreaLevel | None = None,
        area_code: str | None = None,
        name: str | None = None,
    ) -> Page[DivisionOut]:
        items, total = await self.repository.list(
            parent_code=parent_code,
            level=level.value if level else None,
            area_code=area_code,
            name=name,
            limit=page.limit,
            offset=page.offset,
        )
        return Page[DivisionOut].of([DivisionOut.model_validate(d) for d in items], total, page)

    async def create(self, data: DivisionCreate) -> DivisionOut:
        parent_code = data.code.parent
        if parent_code is None:
            raise Unprocessable(
                "只能在已有区划下新增乡级或村级区划", code="GOVERNANCE_DIVISION_LEVEL"
            )
        if data.kind not in KINDS_BY_LEVEL[data.code.level]:
            raise Unprocessable(
                f"{len(data.code)} 位区划代码不能是“{data.kind.value}”类型",
                code="GOVERNANCE_DIVISION_KIND",
            )
        if await self.repository.get(parent_code) is None:
            raise Unprocessable(
                f"上级区划 {parent_code} 不存在", code="GOVERNANCE_DIVISION_PARENT_MISSING"
            )
        if await self.repository.get(data.code) is not None:
            raise self._exists(data.code)
        division = Division(
            code=data.code,
            name=data.name,
            level=data.code.level.value,
            kind=data.kind.value,
            parent_code=parent_code,
        )
        async with unique_or_conflict(self.session, self._exists(data.code)):
            await self.repository.add(division)
            await self.session.commit()
        return DivisionOut.model_validate(division)

    @staticmethod
    def _exists(code: str) -> Conflict:
        return Conflict(f"区划代码 {code} 已存在", code="GOVERNANCE_DIVISION_EXISTS")
