"""API models of child files (儿童档案, 一人一档)."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from civil_shared.types import AreaCode, IdNumber, Sex
from civil_welfare.children.fields import Guardian, Name, PastDate, VillageCode

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
School = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ChildCategory(StrEnum):
    """left_behind 农村留守儿童; hardship 困境儿童; both 既是留守儿童也是困境儿童."""

    LEFT_BEHIND = "left_behind"  # 留守儿童
    HARDSHIP = "hardship"  # 困境儿童
    BOTH = "both"  # 留守且困境


class FileStatus(StrEnum):
    """active 在册; closed 已销档."""

    ACTIVE = "active"  # 在册
    CLOSED = "closed"  # 已销档


class CloseReason(StrEnum):
    """turned_18 年满18周岁; parents_returned 父母返乡（不再留守）; situation_improved 困境消除;
    moved_away 迁出本市; died 死亡; other 其他."""

    TURNED_18 = "turned_18"  # 年满18周岁
    PARENTS_RETURNED = "parents_returned"  # 父母返乡
    SITUATION_IMPROVED = "situation_improved"  # 困境消除
    MOVED_AWAY = "moved_away"  # 迁出
    DIED = "died"  # 死亡
    OTHER = "other"  # 其他


#: Which statuses a file may move to from each status.
TRANSITIONS: dict[FileStatus, tuple[FileStatus, ...]] = {
    FileStatus.ACTIVE: (FileStatus.CLOSED,),
    FileStatus.CLOSED: (FileStatus.ACTIVE,),
}


class ChildFileCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="儿童身份证号（每名儿童一份档案）")
    name: Name = Field(description="姓名")
    area_code: VillageCode = Field(description="户籍或居住的村（社区）12位代码")
    category: ChildCategory = Field(description="儿童类别")
    guardian: Guardian = Field(description="监护人（实际照护人）")
    school: School | None = Field(default=None, description="就读学校（未入学时为空）")
    situation: Note | None = Field(default=None, description="基本情况（家庭、健康、学习等）")
    director_id: uuid.UUID | None = Field(
        default=None,
        description="负责的儿童主任：须为儿童所在村（社区）的在岗儿童主任；"
        "为空时由该村在岗儿童主任负责（如有）",
    )
    registered_date: PastDate | None = Field(
        default=None,
        description="建档日期：平台启用前已建立档案的填原建档日期（不早于出生日期），"
        "不填为今天；定期探访自此日起算",
    )

    @field_validator("registered_date")
    @classmethod
    def _registered_after_birth(cls, value: date | None, info: ValidationInfo) -> date | None:
        id_number = info.data.get("id_number")
        if value is not None and id_number is not None and value < id_number.birth_date:
            raise ValueError("建档日期不能早于出生日期")
        return value


class ChildFileUpdate(BaseModel):
    """PATCH: only the fields sent change; ``director_id: null`` removes the director."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    area_code: VillageCode | None = Field(
        default=None, description="迁居本市其他村时修改；须同时给出该村的儿童主任或置空"
    )
    category: ChildCategory | None = None
    guardian: Guardian | None = None
    school: School | None = None
    situation: Note | None = None
    director_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _required(self) -> Self:
        for field in ("name", "area_code", "category", "guardian"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class FileStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FileStatus = Field(description="新状态：closed 销档，active 重新建档")
    reason: CloseReason | None = Field(default=None, description="销档原因（销档时必填）")
    changed_date: PastDate = Field(description="销档（重新建档）日期")
    note: Note | None = Field(default=None, description="说明（原因为“其他”时必填）")

    @model_validator(mode="after")
    def _reason(self) -> Self:
        if self.status is FileStatus.CLOSED and self.reason is None:
            raise ValueError("销档须填写原因")
        if self.status is FileStatus.ACTIVE and self.reason is not None:
            raise ValueError("重新建档不填销档原因")
        if self.reason is CloseReason.OTHER and self.note is None:
            raise ValueError("原因为“其他”时须填写说明")
        return self


class DirectorRef(BaseModel):
    id: uuid.UUID
    name: str
    phone: str | None


class ChildFileOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: Sex = Field(description="性别（由身份证号得出）")
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    age: int = Field(description="周岁年龄（由身份证号计算）")
    turns_18_on: date = Field(description="年满18周岁的日期")
    area_code: AreaCode
    township_code: AreaCode
    category: ChildCategory
    guardian: Guardian
    school: str | None
    situation: str | None
    director: DirectorRef | None = Field(description="负责的儿童主任")
    status: FileStatus
    close_reason: CloseReason | None
    closed_date: date | None
    status_note: str | None
    registered_date: date = Field(description="建档日期（定期探访自此日起算）")
    version: int = Field(description="版本号（即 ETag）")
