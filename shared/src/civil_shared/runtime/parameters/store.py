"""Reading and writing one service's parameters, and the look-up its rules rely on."""

import uuid
from decimal import Decimal
from typing import Generic

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import count_rows, unique_or_conflict
from civil_shared.runtime.parameters.models import ParameterMixin
from civil_shared.runtime.parameters.schemas import (
    K,
    ParameterCreate,
    ParameterOut,
    ParameterUpdate,
    effective_near_year,
)
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode


class ParameterStore(Generic[K]):
    """The parameters of one service: table ``model``, keys ``keys``, problem codes
    prefixed ``code_prefix`` (``ASSISTANCE_PARAMETER_MISSING`` and so on)."""

    def __init__(self, model: type[ParameterMixin], keys: type[K], *, code_prefix: str) -> None:
        self.model = model
        self.keys = keys
        self.code_prefix = code_prefix

    # --- the value that applies ---------------------------------------------------

    async def find(
        self, session: AsyncSession, key: K, year: int, area_code: str
    ) -> ParameterMixin | None:
        """The row that applies: the latest year up to ``year`` that has one, and within
        it the most specific area (village, township, city) on ``area_code``'s path."""
        model = self.model
        areas = [str(a) for a in AreaCode(area_code).lineage]
        return await session.scalar(
            select(model)
            .where(model.key == key.value, model.year <= year, model.area_code.in_(areas))
            .order_by(model.year.desc(), func.length(model.area_code).desc())
            .limit(1)
        )

    async def value(self, session: AsyncSession, key: K, year: int, area_code: str) -> Decimal:
        """The value of ``key`` for ``year`` in ``area_code``.

        A more specific area overrides the city; a year without a value keeps the
        latest earlier one (a rule stays in force until it is changed). None at all
        is a 409 problem ``<PREFIX>_PARAMETER_MISSING``: a rule is never guessed.
        """
        found = await self.find(session, key, year, area_code)
        if found is None:
            raise self.missing(key, year, area_code)
        return found.value

    def missing(self, key: K, year: int, area_code: str) -> Conflict:
        """The 409 of :meth:`value` when ``key`` is set for no year up to ``year`` on
        ``area_code``'s path (for a caller that has read the rows itself)."""
        return Conflict(
            f"政策参数“{key.label}”（{key.value}）在 {year} 年度及以前均未设定"
            f"（区域 {area_code}），请先设定该参数",
            code=f"{self.code_prefix}_PARAMETER_MISSING",
            key=key.value,
            year=year,
            area_code=area_code,
        )

    # --- the API's use cases ------------------------------------------------------

    def to_out(self, parameter: ParameterMixin) -> ParameterOut[K]:
        key = self.keys.parse(parameter.key)
        return ParameterOut[K](
            id=parameter.id,
            key=key,
            label=key.label,
            unit=key.unit,
            year=parameter.year,
            area_code=AreaCode(parameter.area_code),
            value=parameter.value,
            effective_date=parameter.effective_date,
            source=parameter.source,
            version=parameter.version,
        )

    async def list(
        self,
        session: AsyncSession,
        page: PageParams,
        *,
        key: K | None = None,
        year: int | None = None,
        area_code: str | None = None,
    ) -> Page[ParameterOut[K]]:
        model = self.model
        conditions = []
        if key is not None:
            conditions.append(model.key == key.value)
        if year is not None:
            conditions.append(model.year == year)
        if area_code is not None:
            conditions.append(model.area_code.startswith(area_code, autoescape=True))
        query = (
            select(model).where(*conditions).order_by(model.year.desc(), model.key, model.area_code)
        )
        items = (await session.scalars(query.limit(page.limit).offset(page.offset))).all()
        total = await count_rows(session, query)
        return Page[ParameterOut[K]].of([self.to_out(p) for p in items], total, page)

    async def get(self, session: AsyncSession, parameter_id: uuid.UUID) -> ParameterMixin:
        parameter = await session.get(self.model, parameter_id)
        if parameter is None:
            raise NotFound(
                f"政策参数 {parameter_id} 不存在", code=f"{self.code_prefix}_PARAMETER_NOT_FOUND"
            )
        return parameter

    async def create(self, session: AsyncSession, data: ParameterCreate[K]) -> ParameterOut[K]:
        model = self.model
        key, year, area_code = data.key.value, data.year, str(data.area_code)
        exists = Conflict(
            f"{year} 年度该区域的参数“{data.key.label}”已设定",
            code=f"{self.code_prefix}_PARAMETER_EXISTS",
        )
        found = await session.scalar(
            select(model.id).where(
                model.key == key, model.year == year, model.area_code == area_code
            )
        )
        if found is not None:
            raise exists
        parameter = model()
        parameter.key, parameter.year, parameter.area_code = key, year, area_code
        parameter.value, parameter.effective_date = data.value, data.effective_date
        parameter.source = data.source
        async with unique_or_conflict(session, exists):
            session.add(parameter)
            await session.commit()
        return self.to_out(parameter)

    async def update(
        self,
        session: AsyncSession,
        parameter_id: uuid.UUID,
        data: ParameterUpdate,
        expected_version: int,
    ) -> ParameterOut[K]:
        parameter = await self.get(session, parameter_id)
        check_version(parameter.version, expected_version)
        try:
            if data.value is not None:
                self.keys.parse(parameter.key).check(data.value)
            if data.effective_date is not None:
                effective_near_year(data.effective_date, parameter.year)
        except ValueError as exc:
            raise Unprocessable(str(exc), code=f"{self.code_prefix}_PARAMETER_INVALID") from None
        if data.value is not None:
            parameter.value = data.value
        if data.effective_date is not None:
            parameter.effective_date = data.effective_date
        if "source" in data.model_fields_set:
            parameter.source = data.source
        await session.commit()  # a lost version race is a 412 (runtime handler)
        return self.to_out(parameter)
