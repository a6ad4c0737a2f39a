"""Where a record of this package lies: an optional township-level unit of Tianmen.

Organisations, cases, donations and projects name a township (9 digits) or none
(city level). A township officer sees and writes only records of their own
townships; city-level records are the city's.
"""

from typing import cast

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from civil_governance.divisions.models import Division
from civil_shared.auth import Principal
from civil_shared.errors import Forbidden, Unprocessable
from civil_shared.runtime.scoping import area_condition
from civil_shared.types import AreaLevel


def township_scope(
    column: InstrumentedAttribute[str | None], principal: Principal
) -> ColumnElement[bool]:
    """The rows the caller may see; a NULL township (city level) only for city-wide callers."""
    # area_condition is typed for NOT NULL columns; on NULL its LIKE is never true.
    return area_condition(cast("InstrumentedAttribute[str]", column), principal)


async def township_exists(session: AsyncSession, code: str) -> bool:
    found = await session.scalar(
        select(Division.code).where(
            Division.code == code, Division.level == AreaLevel.TOWNSHIP.value
        )
    )
    return found is not None


def outside_areas() -> Forbidden:
    return Forbidden("不能在管辖区域以外（或市级）登记、修改记录", code="GOVERNANCE_AREA_FORBIDDEN")


def unknown_township(code: str) -> Unprocessable:
    return Unprocessable(
        f"乡镇（街道）代码 {code} 不在行政区划中", code="GOVERNANCE_TOWNSHIP_UNKNOWN"
    )
