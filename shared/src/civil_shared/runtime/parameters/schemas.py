"""What the parameter API takes and returns, generic over a service's keys."""

import uuid
from datetime import date
from decimal import Decimal
from typing import Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.runtime.parameters.keys import ParameterUnit, PolicyKey
from civil_shared.types import TIANMEN, AreaCode, TianmenAreaCode

K = TypeVar("K", bound=PolicyKey)


def effective_near_year(effective_date: date, year: int) -> None:
    # A value "for 2020" that takes effect in 2018 is a typing error, not policy.
    if abs(effective_date.year - year) > 1:
        raise ValueError("执行日期应在参数年度内或相邻年度")


class ParameterCreate(BaseModel, Generic[K]):
    model_config = ConfigDict(extra="forbid")

    key: K = Field(description="参数")
    year: int = Field(ge=2000, le=2100, description="年度")
    area_code: TianmenAreaCode = Field(default=TIANMEN, description="适用区域（默认全市）")
    value: Decimal = Field(
        ge=0, max_digits=14, decimal_places=4, description="取值（单位由参数决定，最多4位小数）"
    )
    effective_date: date = Field(description="执行日期")
    source: str | None = Field(default=None, max_length=500, description="依据（文件名称、文号）")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        self.key.check(self.value)
        effective_near_year(self.effective_date, self.year)
        return self


class ParameterUpdate(BaseModel):
    """What may change; key, year and area identify the parameter and stay."""

    model_config = ConfigDict(extra="forbid")

    value: Decimal | None = Field(
        default=None, ge=0, max_digits=14, decimal_places=4, description="取值"
    )
    effective_date: date | None = Field(default=None, description="执行日期")
    source: str | None = Field(default=None, max_length=500, description="依据")

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("至少应修改一项：取值、执行日期或依据")
        if "value" in self.model_fields_set and self.value is None:
            raise ValueError("取值不能为空")
        if "effective_date" in self.model_fields_set and self.effective_date is None:
            raise ValueError("执行日期不能为空")
        return self


class ParameterOut(BaseModel, Generic[K]):
    id: uuid.UUID
    key: K
    label: str = Field(description="参数名称")
    unit: ParameterUnit
    year: int
    area_code: AreaCode
    value: Decimal
    effective_date: date
    source: str | None
    version: int = Field(description="版本号（与 ETag 相同），修改时经 If-Match 提交")
