import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import TIANMEN, AreaCode, AreaLevel, IdNumber, IsoDate


class InstitutionKind(StrEnum):
    """welfare_home 农村福利院（敬老院）; elderly_care_institution 养老机构;
    care_centre 日间照料中心（养老服务中心）."""

    WELFARE_HOME = "welfare_home"  # 福利院/敬老院
    ELDERLY_CARE_INSTITUTION = "elderly_care_institution"  # 养老机构
    CARE_CENTRE = "care_centre"  # 照料中心


class Operator(StrEnum):
    """public 公办; private 民办."""

    PUBLIC = "public"  # 公办
    PRIVATE = "private"  # 民办


class InstitutionStatus(StrEnum):
    """operating 运营中; suspended 暂停运营; closed 已停办."""

    OPERATING = "operating"  # 运营中
    SUSPENDED = "suspended"  # 暂停运营
    CLOSED = "closed"  # 已停办


S = InstitutionStatus
#: From each status, the statuses it may move to. Closing is final.
TRANSITIONS: dict[InstitutionStatus, tuple[InstitutionStatus, ...]] = {
    S.OPERATING: (S.SUSPENDED, S.CLOSED),
    S.SUSPENDED: (S.OPERATING, S.CLOSED),
    S.CLOSED: (),
}


class SelfCareLevel(StrEnum):
    """fully_disabled 完全失能; partly_disabled 部分失能."""

    FULLY_DISABLED = "fully_disabled"  # 完全失能
    PARTLY_DISABLED = "partly_disabled"  # 部分失能


def institution_area(value: AreaCode | None) -> AreaCode | None:
    """An institution stands in a township of Tianmen, in a known village or not.

    A PATCH's explicit null passes on to _no_null_for_required (a 422, not a TypeError).
    """
    if value is None:
        return None
    if not TIANMEN.contains(value) or value.level is AreaLevel.COUNTY:
        raise ValueError("所在区域应为天门市的乡镇（9位）代码，已知所在村（社区）时为12位代码")
    return value


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


# --- institutions ------------------------------------------------------------


class InstitutionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200, description="机构名称（全市唯一）")
    kind: InstitutionKind = Field(description="机构类别")
    operator: Operator = Field(description="举办性质：公办或民办")
    area_code: AreaCode = Field(
        description="所在乡镇（街道）9位代码；已知所在村（社区）时填12位代码"
    )
    address: str | None = Field(default=None, max_length=200, description="地址")
    capacity: int = Field(ge=1, le=100_000, description="床位数")
    residents_count: int = Field(default=0, ge=0, description="在院（入住）人数")
    staff_count: int = Field(default=0, ge=0, description="工作人员数")

    _area = field_validator("area_code")(institution_area)

    @model_validator(mode="after")
    def _within_capacity(self) -> Self:
        if self.residents_count > self.capacity:
            raise ValueError("入住人数不能超过床位数")
        return self


class InstitutionPatch(BaseModel):
    """Only the fields sent change; residents and staff counts are updated here."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=2, max_length=200, description="机构名称")
    kind: InstitutionKind | None = Field(default=None, description="机构类别")
    operator: Operator | None = Field(default=None, description="举办性质")
    area_code: AreaCode | None = Field(default=None, description="所在乡镇或村（社区）代码")
    address: str | None = Field(default=None, max_length=200, description="地址（null 清空）")
    capacity: int | None = Field(default=None, ge=1, le=100_000, description="床位数")
    residents_count: int | None = Field(default=None, ge=0, description="在院（入住）人数")
    staff_count: int | None = Field(default=None, ge=0, description="工作人员数")
    status: InstitutionStatus | None = Field(
        default=None, description="运营状态（停办后不能再变更）"
    )

    _area = field_validator("area_code")(institution_area)

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in self.model_fields_set - {"address"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} 不能为空")
        return self


class InstitutionOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: InstitutionKind
    operator: Operator
    area_code: AreaCode = Field(description="所在乡镇或村（社区）代码")
    township_code: AreaCode = Field(description="所在乡镇（街道）代码")
    address: str | None
    capacity: int = Field(description="床位数")
    residents_count: int = Field(description="在院（入住）人数")
    staff_count: int = Field(description="工作人员数")
    vacant_beds: int = Field(description="空余床位数")
    status: InstitutionStatus
    allowed_statuses: list[InstitutionStatus] = Field(description="可变更为的状态")
    version: int = Field(description="版本号（与 ETag 相同）")


# --- the ledger of disabled tekun residents ----------------------------------


class ResidentAdmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="身份证号")
    name: str = Field(min_length=1, max_length=100, description="姓名")
    self_care_level: SelfCareLevel = Field(description="失能等级（生活自理能力）")
    admitted_date: IsoDate = Field(description="入住（登记）日期")

    _admitted = field_validator("admitted_date")(not_in_future)

    @model_validator(mode="after")
    def _born_before(self) -> Self:
        if self.admitted_date < self.id_number.birth_date:
            raise ValueError("入住日期不能早于出生日期")
        return self


class ResidentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100, description="姓名")
    self_care_level: SelfCareLevel | None = Field(default=None, description="失能等级")

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} 不能为空")
        return self


class ResidentLeave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_date: IsoDate = Field(description="离院日期（当日起不在本机构）")
    reason: str = Field(
        min_length=2, max_length=500, description="离院原因（如死亡、转院、回归家庭）"
    )

    _left = field_validator("left_date")(not_in_future)


class ResidentOut(BaseModel):
    id: uuid.UUID
    institution_id: uuid.UUID
    institution_name: str
    area_code: AreaCode = Field(description="机构所在乡镇或村（社区）代码")
    id_number: IdNumber
    name: str
    self_care_level: SelfCareLevel
    admitted_date: date
    left_date: date | None
    left_reason: str | None
    active: bool = Field(description="是否在院（未离院）")
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")


# --- closed-management periods -----------------------------------------------


class ClosureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: IsoDate = Field(description="封闭管理开始日期")
    end_date: IsoDate | None = Field(default=None, description="结束日期（仍在封闭管理时为空）")
    residents_inside: int = Field(ge=0, le=100_000, description="封闭期间在院老人数")
    staff_inside: int = Field(ge=0, le=100_000, description="封闭期间在岗工作人员数")
    infections: int = Field(default=0, ge=0, le=100_000, description="感染人数")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("结束日期不能早于开始日期")
        return self


class ClosurePatch(BaseModel):
    """Only the fields sent change; send ``end_date`` to end the period."""

    model_config = ConfigDict(extra="forbid")

    start_date: IsoDate | None = Field(default=None, description="开始日期")
    end_date: IsoDate | None = Field(default=None, description="结束日期（null 表示仍在封闭管理）")
    residents_inside: int | None = Field(default=None, ge=0, le=100_000, description="在院老人数")
    staff_inside: int | None = Field(default=None, ge=0, le=100_000, description="在岗工作人员数")
    infections: int | None = Field(default=None, ge=0, le=100_000, description="感染人数")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for name in self.model_fields_set - {"end_date", "notes"}:
            if getattr(self, name) is None:
                raise ValueError(f"{name} 不能为空")
        return self


class ClosureOut(BaseModel):
    id: uuid.UUID
    institution_id: uuid.UUID
    institution_name: str
    area_code: AreaCode = Field(description="机构所在乡镇或村（社区）代码")
    start_date: date
    end_date: date | None
    ongoing: bool = Field(description="是否仍在封闭管理（无结束日期）")
    residents_inside: int
    staff_inside: int
    infections: int
    notes: str | None
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")


# --- summaries ------------------------------------------------------------------


class InstitutionCounts(BaseModel):
    institutions: int = Field(description="机构数（不含已停办）")
    capacity: int = Field(description="床位数")
    residents: int = Field(description="在院人数")
    staff: int = Field(description="工作人员数")
    disabled_tekun_residents: int = Field(description="在院失能特困人员（台账）人数")


class TownshipInstitutions(InstitutionCounts):
    area_code: AreaCode = Field(description="乡镇（街道）代码")


class InstitutionSummary(InstitutionCounts):
    by_township: list[TownshipInstitutions]


class ClosureCounts(BaseModel):
    institutions: int = Field(description="实行封闭管理的机构数")
    periods: int = Field(description="封闭管理期次")
    residents_inside: int = Field(description="封闭期间在院老人数（每机构取当年最近一期）")
    staff_inside: int = Field(description="封闭期间在岗工作人员数（每机构取当年最近一期）")
    infections: int = Field(description="感染人数（各期合计）")


class TownshipClosures(ClosureCounts):
    area_code: AreaCode = Field(description="乡镇（街道）代码")


class ClosureSummary(ClosureCounts):
    year: int
    by_township: list[TownshipClosures]
