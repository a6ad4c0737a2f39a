import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import (
    PERIOD_MIN_YEAR,
    TIANMEN,
    Amount,
    AreaCode,
    AreaLevel,
    IdNumber,
    IsoDate,
    Period,
)


class FamilyProgramme(StrEnum):
    """dibao 低保家庭; tekun 特困（五保）人员. Recorded by staff for now."""

    DIBAO = "dibao"  # 最低生活保障
    TEKUN = "tekun"  # 特困人员救助供养（五保）


class WaivedItem(StrEnum):
    """Basic funeral services waived (基本殡葬服务): transport 遗体接运; storage 遗体暂存
    （冷藏）; cremation 遗体火化; urn 骨灰盒; ash_storage 骨灰寄存; farewell 告别仪式."""

    TRANSPORT = "transport"  # 遗体接运
    STORAGE = "storage"  # 遗体暂存（冷藏）
    CREMATION = "cremation"  # 遗体火化
    URN = "urn"  # 骨灰盒
    ASH_STORAGE = "ash_storage"  # 骨灰寄存
    FAREWELL = "farewell"  # 告别仪式


class CemeteryStatus(StrEnum):
    """planned 规划中; under_construction 在建; built 已建成; in_use 已投入使用."""

    PLANNED = "planned"  # 规划中
    UNDER_CONSTRUCTION = "under_construction"  # 在建
    BUILT = "built"  # 已建成
    IN_USE = "in_use"  # 已投入使用


C = CemeteryStatus
#: A cemetery only moves forward; a step may be skipped (a cemetery built and
#: opened the same day goes from under construction to in use).
CEMETERY_TRANSITIONS: dict[CemeteryStatus, tuple[CemeteryStatus, ...]] = {
    C.PLANNED: (C.UNDER_CONSTRUCTION, C.BUILT, C.IN_USE),
    C.UNDER_CONSTRUCTION: (C.BUILT, C.IN_USE),
    C.BUILT: (C.IN_USE,),
    C.IN_USE: (),
}
#: Statuses of a cemetery that stands: these have a year built, the others none.
BUILT_STATUSES = (C.BUILT, C.IN_USE)

EARLIEST_YEAR = 1949


# A PATCH's explicit null reaches these before _no_null_for_required: pass it on to
# that 422, not a TypeError (a 500).
def village_area(value: AreaCode | None) -> AreaCode | None:
    if value is None:
        return None
    if not TIANMEN.contains(value) or value.level is not AreaLevel.VILLAGE:
        raise ValueError("应为天门市的村（社区）12位代码")
    return value


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


def distinct_items(value: list[WaivedItem] | None) -> list[WaivedItem] | None:
    if value is not None and len(set(value)) != len(value):
        raise ValueError("减免项目不能重复")
    return value


# --- funeral fee waivers -------------------------------------------------------


class WaiverCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deceased_id_number: IdNumber = Field(description="逝者身份证号（每名逝者只减免一次）")
    deceased_name: str = Field(min_length=1, max_length=100, description="逝者姓名")
    death_date: IsoDate = Field(description="死亡日期")
    area_code: AreaCode = Field(description="逝者户籍所在村（社区）12位代码")
    family_programme: FamilyProgramme = Field(description="家庭享受的救助：低保或特困")
    items: list[WaivedItem] = Field(min_length=1, description="减免项目（可多项）")
    amount: Amount = Field(description="减免金额（元）")
    approved_by: str = Field(min_length=2, max_length=100, description="审批人（或审批单位）")
    approved_date: IsoDate = Field(description="审批日期")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    _area = field_validator("area_code")(village_area)
    _items = field_validator("items")(distinct_items)
    _death = field_validator("death_date")(not_in_future)
    _approved = field_validator("approved_date")(not_in_future)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        check_waiver(self.amount, self.death_date, self.approved_date, self.deceased_id_number)
        return self


def check_waiver(amount: Decimal, death: date, approved: date, id_number: IdNumber) -> None:
    """The rules a waiver keeps after every change (``ValueError`` in Chinese)."""
    if amount <= 0:
        raise ValueError("减免金额应大于0")
    if death < id_number.birth_date:
        raise ValueError("死亡日期不能早于出生日期")
    if approved < death:
        raise ValueError("审批日期不能早于死亡日期")
    if approved.year < PERIOD_MIN_YEAR:
        # The waiver is counted in its approval month, and months start in 2000.
        raise ValueError(f"审批日期应在{PERIOD_MIN_YEAR}年及以后")


class WaiverPatch(BaseModel):
    """Corrections; the deceased's ID number is the waiver's key and does not change."""

    model_config = ConfigDict(extra="forbid")

    deceased_name: str | None = Field(
        default=None, min_length=1, max_length=100, description="逝者姓名"
    )
    death_date: IsoDate | None = Field(default=None, description="死亡日期")
    area_code: AreaCode | None = Field(default=None, description="户籍所在村（社区）12位代码")
    family_programme: FamilyProgramme | None = Field(default=None, description="家庭救助类别")
    items: list[WaivedItem] | None = Field(
        default=None, min_length=1, description="减免项目（整体替换）"
    )
    amount: Amount | None = Field(default=None, description="减免金额（元）")
    approved_by: str | None = Field(
        default=None, min_length=2, max_length=100, description="审批人（或审批单位）"
    )
    approved_date: IsoDate | None = Field(default=None, description="审批日期")
    notes: str | None = Field(default=None, max_length=2000, description="备注（null 清空）")

    _area = field_validator("area_code")(village_area)
    _items = field_validator("items")(distinct_items)

    @field_validator("death_date", "approved_date")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        # An explicit null reaches here before _no_null_for_required: not a TypeError (a 500).
        return None if value is None else not_in_future(value)

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in self.model_fields_set - {"notes"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} 不能为空")
        return self


class WaiverOut(BaseModel):
    id: uuid.UUID
    deceased_id_number: IdNumber
    deceased_name: str
    death_date: date
    area_code: AreaCode
    township_code: AreaCode = Field(description="所在乡镇（街道）代码")
    family_programme: FamilyProgramme
    items: list[WaivedItem]
    amount: Amount
    approved_by: str
    approved_date: date
    period: Period = Field(description="审批月份（统计口径）")
    notes: str | None
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")


class WaiverTotal(BaseModel):
    cases: int = Field(description="减免件数")
    amount: Amount = Field(description="减免金额合计（元）")


class TownshipWaivers(WaiverTotal):
    area_code: AreaCode = Field(description="乡镇（街道）代码")


class MonthWaivers(WaiverTotal):
    period: Period


class ProgrammeWaivers(WaiverTotal):
    family_programme: FamilyProgramme


class WaiverTotals(WaiverTotal):
    """Waivers approved from ``from_period`` to ``to_period`` (both included)."""

    from_period: Period
    to_period: Period
    by_township: list[TownshipWaivers]
    by_month: list[MonthWaivers]
    by_programme: list[ProgrammeWaivers]


# --- public cemeteries -----------------------------------------------------------


def check_cemetery(status: CemeteryStatus, year_built: int | None) -> None:
    """A standing cemetery has the year it was built; a planned one has none."""
    if status in BUILT_STATUSES and year_built is None:
        raise ValueError("已建成或已投入使用的公墓须填写建成年份")
    if status not in BUILT_STATUSES and year_built is not None:
        raise ValueError("尚未建成的公墓不能填写建成年份")
    if year_built is not None and year_built > date.today().year:
        raise ValueError("建成年份不能晚于今年")


class CemeteryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200, description="公墓名称（村内唯一）")
    area_code: AreaCode = Field(description="所在村（社区）12位代码")
    status: CemeteryStatus = Field(description="建设状态")
    year_built: int | None = Field(
        default=None, ge=EARLIEST_YEAR, le=2100, description="建成年份（已建成时必填）"
    )
    graves_capacity: int = Field(ge=1, le=1_000_000, description="规划墓穴数")
    pilot: bool = Field(default=False, description="是否为试点")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    _area = field_validator("area_code")(village_area)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        check_cemetery(self.status, self.year_built)
        return self


class CemeteryPatch(BaseModel):
    """Only the fields sent change; the status only moves forward."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200, description="公墓名称")
    status: CemeteryStatus | None = Field(default=None, description="建设状态（只能向前推进）")
    year_built: int | None = Field(
        default=None, ge=EARLIEST_YEAR, le=2100, description="建成年份（建成时必填）"
    )
    graves_capacity: int | None = Field(default=None, ge=1, le=1_000_000, description="规划墓穴数")
    pilot: bool | None = Field(default=None, description="是否为试点")
    notes: str | None = Field(default=None, max_length=2000, description="备注（null 清空）")

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in self.model_fields_set - {"notes", "year_built"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} 不能为空")
        return self


class CemeteryOut(BaseModel):
    id: uuid.UUID
    name: str
    area_code: AreaCode
    township_code: AreaCode = Field(description="所在乡镇（街道）代码")
    status: CemeteryStatus
    allowed_statuses: list[CemeteryStatus] = Field(description="可变更为的状态")
    year_built: int | None
    graves_capacity: int
    pilot: bool
    notes: str | None
    version: int = Field(description="版本号（与 ETag 相同）")


class TownshipCemeteries(BaseModel):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    built: int
    built_in_year: int


class CemeteryStats(BaseModel):
    """Cemeteries standing at the end of ``year`` (built or in use, built by then)."""

    year: int
    built: int = Field(description="累计建成公墓数")
    built_in_year: int = Field(description="当年建成数")
    pilots: int = Field(description="其中试点数（累计）")
    by_township: list[TownshipCemeteries]
