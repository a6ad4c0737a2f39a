import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.types import TIANMEN, AreaCode


class ParameterKey(StrEnum):
    """A locally set rule (DOMAIN.md); the unit is fixed by the key."""

    HIGH_AGE_ALLOWANCE_80_89 = "high_age_allowance_80_89"  # 高龄津贴 80–89 岁（元/月）
    HIGH_AGE_ALLOWANCE_90_99 = "high_age_allowance_90_99"  # 高龄津贴 90–99 岁（元/月）
    HIGH_AGE_ALLOWANCE_100_PLUS = "high_age_allowance_100_plus"  # 高龄津贴 100 岁以上（元/月）
    ORPHAN_SCATTERED_ALLOWANCE = "orphan_scattered_allowance"  # 散居孤儿基本生活费（元/月）
    ORPHAN_INSTITUTION_ALLOWANCE = "orphan_institution_allowance"  # 集中供养孤儿（元/月）
    DISABILITY_LIVING_SUBSIDY = "disability_living_subsidy"  # 困难残疾人生活补贴（元/月）
    DISABILITY_CARE_SUBSIDY = "disability_care_subsidy"  # 重度残疾人护理补贴（元/月）
    ELDERLY_VISIT_INTERVAL = "elderly_visit_interval_months"  # 留守老人探访周期（月）
    CHILD_VISIT_INTERVAL = "child_visit_interval_months"  # 留守儿童走访周期（月）


class ParameterUnit(StrEnum):
    YUAN_PER_MONTH = "yuan_per_month"  # 元/人/月
    MONTHS = "months"  # 月


UNITS: dict[ParameterKey, ParameterUnit] = {
    key: ParameterUnit.MONTHS if key.value.endswith("_months") else ParameterUnit.YUAN_PER_MONTH
    for key in ParameterKey
}


class ParameterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: ParameterKey = Field(description="参数")
    year: int = Field(ge=2000, le=2100, description="年度")
    area_code: AreaCode = Field(default=TIANMEN, description="适用区域（默认全市）")
    value: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="取值")
    effective_date: date = Field(description="执行日期")
    source: str | None = Field(default=None, max_length=500, description="依据（文件名称、文号）")

    @model_validator(mode="after")
    def _whole_months(self) -> Self:
        # A visit round is counted in calendar months; 1.5 months has no due date.
        if UNITS[self.key] is ParameterUnit.MONTHS and (
            self.value != self.value.to_integral_value() or self.value < 1
        ):
            raise ValueError("周期应为不小于 1 的整数月")
        return self


class ParameterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    key: ParameterKey
    unit: ParameterUnit
    year: int
    area_code: AreaCode
    value: Decimal
    effective_date: date
    source: str | None
