import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.types import TIANMEN, Amount, AreaCode, IsoDate, Money, TianmenAreaCode


class StandardProgramme(StrEnum):
    """Which standard (标准类别).

    urban_dibao 城市低保; rural_dibao 农村低保; urban_tekun_basic 城市特困基本生活;
    rural_tekun_basic 农村特困基本生活; tekun_care_self_care 特困护理（全自理）;
    tekun_care_partly_disabled 特困护理（半失能）; tekun_care_fully_disabled 特困护理（全失能）.
    """

    URBAN_DIBAO = "urban_dibao"  # 城市低保
    RURAL_DIBAO = "rural_dibao"  # 农村低保
    URBAN_TEKUN_BASIC = "urban_tekun_basic"  # 城市特困基本生活标准
    RURAL_TEKUN_BASIC = "rural_tekun_basic"  # 农村特困基本生活标准
    TEKUN_CARE_SELF_CARE = "tekun_care_self_care"  # 特困护理标准：全自理
    TEKUN_CARE_PARTLY_DISABLED = "tekun_care_partly_disabled"  # 特困护理标准：半失能
    TEKUN_CARE_FULLY_DISABLED = "tekun_care_fully_disabled"  # 特困护理标准：全失能


class StandardUnit(StrEnum):
    """每人每月 (per_month) or 每人每年 (per_year)."""

    PER_MONTH = "per_month"
    PER_YEAR = "per_year"


def effective_near_year(effective_date: date, year: int) -> None:
    # A standard "for 2020" that takes effect in 2018 is a typing error, not policy.
    if abs(effective_date.year - year) > 1:
        raise ValueError("执行日期应在标准年度内或相邻年度")


class StandardCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: StandardProgramme = Field(description="标准类别")
    year: int = Field(ge=2000, le=2100, description="年度")
    area_code: TianmenAreaCode = Field(default=TIANMEN, description="适用区域（默认全市）")
    amount: Amount = Field(description="标准金额（元）")
    unit: StandardUnit = Field(description="计量单位：每人每月或每人每年")
    effective_date: IsoDate = Field(description="执行日期")

    @model_validator(mode="after")
    def _effective_in_year(self) -> Self:
        effective_near_year(self.effective_date, self.year)
        return self


class StandardUpdate(BaseModel):
    """What may change in a standard; programme, year and area identify it and stay."""

    model_config = ConfigDict(extra="forbid")

    amount: Amount | None = Field(default=None, description="标准金额（元）")
    unit: StandardUnit | None = Field(default=None, description="计量单位")
    effective_date: IsoDate | None = Field(default=None, description="执行日期")

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.amount is None and self.unit is None and self.effective_date is None:
            raise ValueError("至少应修改一项：金额、计量单位或执行日期")
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
    version: int = Field(description="版本号（与 ETag 相同），修改时经 If-Match 提交")
