import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.types import TIANMEN, Amount, AreaCode, Money


class StandardProgramme(StrEnum):
    """Which standard: 城市低保 / 农村低保 / 城市特困基本生活 / 农村特困基本生活."""

    URBAN_DIBAO = "urban_dibao"
    RURAL_DIBAO = "rural_dibao"
    URBAN_TEKUN_BASIC = "urban_tekun_basic"
    RURAL_TEKUN_BASIC = "rural_tekun_basic"


class StandardUnit(StrEnum):
    """每人每月 (per_month) or 每人每年 (per_year)."""

    PER_MONTH = "per_month"
    PER_YEAR = "per_year"


class StandardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: StandardProgramme = Field(description="标准类别")
    year: int = Field(ge=2000, le=2100, description="年度")
    area_code: AreaCode = Field(default=TIANMEN, description="适用区域（默认全市）")
    amount: Amount = Field(description="标准金额（元）")
    unit: StandardUnit = Field(description="计量单位：每人每月或每人每年")
    effective_date: date = Field(description="执行日期")

    @model_validator(mode="after")
    def _effective_in_year(self) -> Self:
        # A standard "for 2020" that takes effect in 2018 is a typing error, not policy.
        if abs(self.effective_date.year - self.year) > 1:
            raise ValueError("执行日期应在标准年度内或相邻年度")
        return self


class StandardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    programme: StandardProgramme
    year: int
    area_code: AreaCode
    amount: Money
    unit: StandardUnit
    effective_date: date
    monthly_amount: Money = Field(description="折算为每人每月的金额（元）")
    previous_amount: Money | None = Field(description="上一年度同类标准（元）")
    growth_pct: Decimal | None = Field(description="较上一年度的增长率（%），由历史数据计算")
