"""Use cases of the policy parameters, and the look-up other use cases rely on."""

import uuid
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.entitlements.reviews import ReviewIntervals
from civil_assistance.parameters.models import AssistanceParameter
from civil_assistance.parameters.repository import ParameterRepository
from civil_assistance.parameters.schemas import (
    UNITS,
    ParameterCreate,
    ParameterKey,
    ParameterOut,
    ParameterUpdate,
    check_value,
)
from civil_assistance.standards.schemas import effective_near_year
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


def to_out(parameter: AssistanceParameter) -> ParameterOut:
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
        version=parameter.version,
    )


def parameter_not_found(parameter_id: uuid.UUID) -> NotFound:
    return NotFound(f"政策参数 {parameter_id} 不存在", code="ASSISTANCE_PARAMETER_NOT_FOUND")


def parameter_missing(key: ParameterKey, year: int, area_code: str) -> Conflict:
    return Conflict(
        f"政策参数 {key.value} 在 {year} 年度及以前均未设定（区域 {area_code}），请先设定该参数",
        code="ASSISTANCE_PARAMETER_MISSING",
        key=key.value,
        year=year,
        area_code=area_code,
    )


async def find_parameter(
    session: AsyncSession, key: ParameterKey, year: int, area_code: str
) -> AssistanceParameter | None:
    """The row that applies: the latest year up to ``year`` that has one, and within
    it the most specific area (village, township, city) on ``area_code``'s path."""
    areas = [str(a) for a in AreaCode(area_code).lineage]
    return await ParameterRepository(session).applicable(key=key.value, year=year, area_codes=areas)


async def parameter_value(
    session: AsyncSession, key: ParameterKey, year: int, area_code: str
) -> Decimal:
    """The value of ``key`` for ``year`` in ``area_code``.

    A more specific area overrides the city; a year without a value keeps the
    latest earlier one (a rule stays in force until it is changed). None at all
    is a 409 problem ``ASSISTANCE_PARAMETER_MISSING``.
    """
    found = await find_parameter(session, key, year, area_code)
    if found is None:
        raise parameter_missing(key, year, area_code)
    return found.value


async def review_intervals(session: AsyncSession, year: int, area_code: str) -> ReviewIntervals:
    """The three months of the dibao review rule, as ``review_due_date`` takes them."""
    stable, unstable, after_death = [
        int(await parameter_value(session, key, year, area_code))
        for key in (
            ParameterKey.REVIEW_INTERVAL_STABLE_MONTHS,
            ParameterKey.REVIEW_INTERVAL_UNSTABLE_MONTHS,
            ParameterKey.REVIEW_AFTER_DEATH_MONTHS,
        )
    ]
    return ReviewIntervals(
        stable_months=stable, unstable_months=unstable, after_death_months=after_death
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

    async def get(self, parameter_id: uuid.UUID) -> ParameterOut:
        return to_out(await self._get(parameter_id))

    async def create(self, data: ParameterCreate) -> ParameterOut:
        key, year, area_code = data.key.value, data.year, str(data.area_code)
        if await self.repository.exists(key=key, year=year, area_code=area_code):
            raise self._exists(data)
        parameter = AssistanceParameter(
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

    async def update(
        self, parameter_id: uuid.UUID, data: ParameterUpdate, expected_version: int
    ) -> ParameterOut:
        parameter = await self._get(parameter_id)
        check_version(parameter.version, expected_version)
        try:
            if data.value is not None:
                check_value(ParameterKey(parameter.key), data.value)
            if data.effective_date is not None:
                effective_near_year(data.effective_date, parameter.year)
        except ValueError as exc:
            raise Unprocessable(str(exc), code="ASSISTANCE_PARAMETER_INVALID") from None
        if data.value is not None:
            parameter.value = data.value
        if data.effective_date is not None:
            parameter.effective_date = data.effective_date
        if "source" in data.model_fields_set:
            parameter.source = data.source
        await self.session.commit()  # a lost version race is a 412 (runtime handler)
        return to_out(parameter)

    async def _get(self, parameter_id: uuid.UUID) -> AssistanceParameter:
        parameter = await self.repository.get(parameter_id)
        if parameter is None:
            raise parameter_not_found(parameter_id)
        return parameter

    @staticmethod
    def _exists(data: ParameterCreate) -> Conflict:
        return Conflict(
            f"{data.year} 年度该区域的参数 {data.key.value} 已设定",
            code="ASSISTANCE_PARAMETER_EXISTS",
        )
