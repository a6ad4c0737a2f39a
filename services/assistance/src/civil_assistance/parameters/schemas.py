import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_assistance.standards.schemas import effective_near_year, inside_tianmen
from civil_shared.types import TIANMEN, AreaCode


class ParameterKey(StrEnum):
    """A locally set rule (DOMAIN.md); its unit is fixed by the key (see ``unit`` in the output).

    edge_of_dibao_factor 低保边缘倍数; review_interval_stable_months 收入稳定家庭核查周期;
    review_interval_unstable_months 收入不稳定或有劳动能力成员家庭核查周期;
    review_after_death_months 成员死亡后核查期限; gradual_exit_max_months 渐退期上限;
    temporary_max_multiple 临时救助上限倍数（城市低保月标准的倍数）;
    temporary_township_limit_multiple 乡镇临时救助审批权限倍数;
    tekun_basic_min_multiple 特困基本生活标准不低于低保标准的倍数;
    minimum_wage_monthly 当地月最低工资标准; tekun_care_share_* 特困护理标准占最低工资的比例
    （全自理、半失能、全失能）; public_notice_days 公示天数;
    county_decision_working_days 县级审批时限（工作日）;
    average_disposable_income_* 上年度当地居民人均可支配收入（支出型临时救助的收入线）.
    """

    EDGE_OF_DIBAO_FACTOR = "edge_of_dibao_factor"  # 低保边缘倍数
    REVIEW_INTERVAL_STABLE_MONTHS = "review_interval_stable_months"  # 收入稳定家庭核查周期
    REVIEW_INTERVAL_UNSTABLE_MONTHS = "review_interval_unstable_months"  # 不稳定家庭核查周期
    REVIEW_AFTER_DEATH_MONTHS = "review_after_death_months"  # 成员死亡后核查期限
    GRADUAL_EXIT_MAX_MONTHS = "gradual_exit_max_months"  # 渐退期上限
    TEMPORARY_MAX_MULTIPLE = "temporary_max_multiple"  # 临时救助上限倍数
    TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE = "temporary_township_limit_multiple"  # 乡镇审批权限倍数
    TEKUN_BASIC_MIN_MULTIPLE = "tekun_basic_min_multiple"  # 特困基本生活标准最低倍数
    MINIMUM_WAGE_MONTHLY = "minimum_wage_monthly"  # 月最低工资标准
    TEKUN_CARE_SHARE_SELF_CARE = "tekun_care_share_self_care"  # 护理标准比例：全自理
    TEKUN_CARE_SHARE_PARTLY_DISABLED = "tekun_care_share_partly_disabled"  # 护理标准比例：半失能
    TEKUN_CARE_SHARE_FULLY_DISABLED = "tekun_care_share_fully_disabled"  # 护理标准比例：全失能
    PUBLIC_NOTICE_DAYS = "public_notice_days"  # 公示天数
    COUNTY_DECISION_WORKING_DAYS = "county_decision_working_days"  # 县级审批时限（工作日）
    AVERAGE_DISPOSABLE_INCOME_URBAN = "average_disposable_income_urban"  # 城镇人均可支配收入
    AVERAGE_DISPOSABLE_INCOME_RURAL = "average_disposable_income_rural"  # 农村人均可支配收入


class ParameterUnit(StrEnum):
    """倍数 / 比例 / 月 / 天 / 工作日 / 元每月 / 元每年."""

    MULTIPLE = "multiple"  # 倍
    SHARE = "share"  # 比例（0–1）
    MONTHS = "months"  # 月
    DAYS = "days"  # 天
    WORKING_DAYS = "working_days"  # 工作日
    YUAN_PER_MONTH = "yuan_per_month"  # 元/月
    YUAN_PER_YEAR = "yuan_per_year"  # 元/年


K = ParameterKey
U = ParameterUnit
UNITS: dict[ParameterKey, ParameterUnit] = {
    K.EDGE_OF_DIBAO_FACTOR: U.MULTIPLE,
    K.REVIEW_INTERVAL_STABLE_MONTHS: U.MONTHS,
    K.REVIEW_INTERVAL_UNSTABLE_MONTHS: U.MONTHS,
    K.REVIEW_AFTER_DEATH_MONTHS: U.MONTHS,
    K.GRADUAL_EXIT_MAX_MONTHS: U.MONTHS,
    K.TEMPORARY_MAX_MULTIPLE: U.MULTIPLE,
    K.TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE: U.MULTIPLE,
    K.TEKUN_BASIC_MIN_MULTIPLE: U.MULTIPLE,
    K.MINIMUM_WAGE_MONTHLY: U.YUAN_PER_MONTH,
    K.TEKUN_CARE_SHARE_SELF_CARE: U.SHARE,
    K.TEKUN_CARE_SHARE_PARTLY_DISABLED: U.SHARE,
    K.TEKUN_CARE_SHARE_FULLY_DISABLED: U.SHARE,
    K.PUBLIC_NOTICE_DAYS: U.DAYS,
    K.COUNTY_DECISION_WORKING_DAYS: U.WORKING_DAYS,
    K.AVERAGE_DISPOSABLE_INCOME_URBAN: U.YUAN_PER_YEAR,
    K.AVERAGE_DISPOSABLE_INCOME_RURAL: U.YUAN_PER_YEAR,
}

#: Counted in whole units: a review every 1.5 months has no due date.
WHOLE_UNITS = frozenset({U.MONTHS, U.DAYS, U.WORKING_DAYS})
MONEY_UNITS = frozenset({U.YUAN_PER_MONTH, U.YUAN_PER_YEAR})
#: Zero is a real setting only for notice days ("no public notice").
ZERO_ALLOWED = frozenset({K.PUBLIC_NOTICE_DAYS})


def check_value(key: ParameterKey, value: Decimal) -> None:
    """The rule a value must keep for its key's unit; ``ValueError`` (Chinese) if not."""
    unit = UNITS[key]
    if value < 0 or (value == 0 and key not in ZERO_ALLOWED):
        raise ValueError("取值应大于 0")
    if unit in WHOLE_UNITS and value != value.to_integral_value():
        raise ValueError("月数、天数应为整数")
    if unit in MONEY_UNITS and value != value.quantize(Decimal("0.01")):
        raise ValueError("金额最多保留两位小数")
    if unit is U.SHARE and value > 1:
        raise ValueError("比例应在 0 至 1 之间")
    if key is K.EDGE_OF_DIBAO_FACTOR and value < 1:
        raise ValueError("低保边缘倍数应不小于 1")


class ParameterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: ParameterKey = Field(description="参数")
    year: int = Field(ge=2000, le=2100, description="年度")
    area_code: AreaCode = Field(default=TIANMEN, description="适用区域（默认全市）")
    value: Decimal = Field(
        ge=0, max_digits=14, decimal_places=4, description="取值（单位由参数决定，最多4位小数）"
    )
    effective_date: date = Field(description="执行日期")
    source: str | None = Field(default=None, max_length=500, description="依据（文件名称、文号）")

    @field_validator("area_code")
    @classmethod
    def _area_inside_tianmen(cls, value: AreaCode) -> AreaCode:
        return inside_tianmen(value)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        check_value(self.key, self.value)
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
    version: int = Field(description="版本号（与 ETag 相同），修改时经 If-Match 提交")
