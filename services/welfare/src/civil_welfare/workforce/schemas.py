"""API models of child directors, supervisors, their training and the coverage."""

import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from civil_shared.types import AreaCode, IdNumber
from civil_welfare.children.fields import Name, PastDate, Phone, TownshipCode, VillageCode

Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class WorkerRole(StrEnum):
    """director 儿童主任（村、社区）; supervisor 儿童督导员（乡镇、街道）."""

    DIRECTOR = "director"  # 儿童主任
    SUPERVISOR = "supervisor"  # 儿童督导员

    @property
    def label(self) -> str:
        return "儿童主任" if self is WorkerRole.DIRECTOR else "儿童督导员"


class WorkerStatus(StrEnum):
    """active 在岗; left 已离任."""

    ACTIVE = "active"  # 在岗
    LEFT = "left"  # 已离任


#: Which statuses a post may move to: a post that ended stays ended (appoint anew).
TRANSITIONS: dict[WorkerStatus, tuple[WorkerStatus, ...]] = {
    WorkerStatus.ACTIVE: (WorkerStatus.LEFT,),
    WorkerStatus.LEFT: (),
}


class _WorkerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="身份证号")
    name: Name = Field(description="姓名")
    phone: Phone | None = Field(default=None, description="联系电话")
    appointed_date: PastDate = Field(description="聘任（任命）日期")


class DirectorCreate(_WorkerIn):
    area_code: VillageCode = Field(
        description="所在村（社区）12位代码：每村（社区）一名在岗儿童主任"
    )


class SupervisorCreate(_WorkerIn):
    area_code: TownshipCode = Field(description="所在乡镇（街道）9位代码：每乡镇一名在岗儿童督导员")


class WorkerUpdate(BaseModel):
    """Corrections of a worker's own details; a move to another area is a new appointment."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    phone: Phone | None = Field(default=None, description="联系电话（传 null 清空）")
    appointed_date: PastDate | None = Field(default=None, description="聘任日期")

    @model_validator(mode="after")
    def _required(self) -> Self:
        for field in ("name", "appointed_date"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class WorkerLeave(BaseModel):
    model_config = ConfigDict(extra="forbid")

    left_date: PastDate = Field(description="离任日期")
    reason: Text200 = Field(description="离任原因")


class TrainingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    training_date: PastDate = Field(description="培训日期")
    topic: Text200 = Field(description="培训主题")
    hours: Decimal = Field(gt=0, le=200, max_digits=4, decimal_places=1, description="学时")
    organiser: Text200 = Field(description="组织单位")


class TrainingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    training_date: date
    topic: str
    hours: Decimal
    organiser: str


class WorkerOut(BaseModel):
    id: uuid.UUID
    role: WorkerRole
    id_number: IdNumber
    name: str
    phone: str | None
    area_code: AreaCode = Field(description="村（社区）或乡镇（街道）代码")
    township_code: AreaCode = Field(description="所属乡镇（街道）")
    appointed_date: date
    status: WorkerStatus
    left_date: date | None
    left_reason: str | None
    training_count: int = Field(description="培训记录条数")
    last_training_date: date | None = Field(description="最近一次培训日期")
    trained_this_year: bool = Field(description="本年度是否参加过培训（有至少一条培训记录）")
    version: int = Field(description="版本号（即 ETag）")


class VillageGap(BaseModel):
    area_code: AreaCode = Field(description="村（社区）代码")
    township_code: AreaCode = Field(description="所属乡镇（街道）")
    active_child_files: int = Field(description="该村在册的留守、困境儿童档案数")
    known_from: list[str] = Field(
        description="本服务从何处得知该村：child_file 儿童档案，support_case 孤儿或事实无人"
        "抚养儿童，former_director 曾有儿童主任，query 查询参数"
    )


class TownshipGap(BaseModel):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    name: str | None = Field(description="名称（统计用区划代码表）")


class Coverage(BaseModel):
    """Where a director or supervisor is missing, within what this service knows."""

    area_code: AreaCode | None = Field(description="统计范围（空为全市或调用者管辖区域）")
    villages_known: int = Field(description="本服务已知的村（社区）数")
    villages_with_director: int = Field(description="其中有在岗儿童主任的村（社区）数")
    villages_without_director: list[VillageGap]
    townships_known: int = Field(description="乡镇（街道）数")
    townships_with_supervisor: int
    townships_without_supervisor: list[TownshipGap]
    note: str = Field(description="名单来源的说明")
