import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_assistance.temporary.schemas import person_area
from civil_shared.types import AreaCode, IdNumber, IsoDate

#: A mobile (11 digits from 1) or a landline with its area code (0728 is Tianmen's).
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"


class BeneficiaryReason(StrEnum):
    """Why the beneficiary needs a named helper: seriously_ill 重病; severely_disabled
    重度残疾; dispersed_tekun 分散供养特困人员; other 其他."""

    SERIOUSLY_ILL = "seriously_ill"  # 重病
    SEVERELY_DISABLED = "severely_disabled"  # 重度残疾
    DISPERSED_TEKUN = "dispersed_tekun"  # 分散供养特困人员
    OTHER = "other"  # 其他


class HelperRole(StrEnum):
    """village_cadre 村（社区）干部; township_staff 乡镇（街道）干部; party_member 党员;
    relative 亲属; neighbour 邻居; social_worker 社会工作者; volunteer 志愿者; other 其他."""

    VILLAGE_CADRE = "village_cadre"  # 村（社区）干部
    TOWNSHIP_STAFF = "township_staff"  # 乡镇（街道）干部
    PARTY_MEMBER = "party_member"  # 党员
    RELATIVE = "relative"  # 亲属
    NEIGHBOUR = "neighbour"  # 邻居
    SOCIAL_WORKER = "social_worker"  # 社会工作者
    VOLUNTEER = "volunteer"  # 志愿者
    OTHER = "other"  # 其他


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="帮扶对象身份证号")
    name: str = Field(min_length=1, max_length=100, description="帮扶对象姓名")
    area_code: AreaCode = Field(description="帮扶对象所在乡镇或村（社区）代码")
    reason: BeneficiaryReason = Field(description="纳入台账的原因")
    reason_note: str | None = Field(
        default=None, min_length=2, max_length=500, description="原因说明（“其他”时必填）"
    )
    has_phone: bool = Field(default=False, description="帮扶对象是否有电话（台账对象一般没有）")
    helper_name: str = Field(min_length=1, max_length=100, description="帮扶人姓名")
    helper_phone: str = Field(pattern=PHONE_PATTERN, description="帮扶人联系电话")
    helper_role: HelperRole = Field(description="帮扶人身份")
    helper_relation: str | None = Field(
        default=None, max_length=100, description="与帮扶对象的关系或职务（如村委会主任）"
    )
    start_date: IsoDate = Field(description="结对帮扶开始日期")

    _area = field_validator("area_code")(person_area)
    _start = field_validator("start_date")(not_in_future)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.reason is BeneficiaryReason.OTHER and not self.reason_note:
            raise ValueError("原因为“其他”时须说明原因")
        return self


class AssignmentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    end_date: IsoDate = Field(description="结束日期（当日起不再帮扶）")
    reason: str = Field(
        min_length=2, max_length=500, description="结束原因（如对象死亡、更换帮扶人）"
    )

    _end = field_validator("end_date")(not_in_future)


class VisitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visit_date: IsoDate = Field(description="走访日期")
    findings: str = Field(min_length=2, max_length=2000, description="走访发现的情况")
    follow_up: str | None = Field(default=None, max_length=2000, description="后续跟进事项")

    _visit = field_validator("visit_date")(not_in_future)


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    assignment_id: uuid.UUID
    visit_date: date
    findings: str
    follow_up: str | None
    recorded_by: str


class AssignmentOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    area_code: AreaCode
    reason: BeneficiaryReason
    reason_note: str | None
    has_phone: bool
    helper_name: str
    helper_phone: str
    helper_role: HelperRole
    helper_relation: str | None
    start_date: date
    end_date: date | None
    end_reason: str | None
    active: bool = Field(description="是否在帮扶中（未结束）")
    last_visit_date: date | None = Field(description="最近一次走访日期")
    version: int = Field(description="版本号（与 ETag 相同）")


class AssignmentDetail(AssignmentOut):
    visits: list[VisitOut] = Field(description="走访记录（最近的在前）")


class TownshipCount(BaseModel):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    count: int


class HelperLedgerStats(BaseModel):
    """Beneficiaries with an active helper on ``on`` (the end of the year, or today)."""

    year: int
    on: date
    active: int = Field(description="在册帮扶对象数")
    by_township: list[TownshipCount]
