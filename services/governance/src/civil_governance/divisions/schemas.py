import uuid
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.contracts.divisions import DivisionInfo, DivisionKind
from civil_shared.types import AreaCode, AreaLevel, IsoDate

#: The bulk load of the 621 villages and communities fits in one request.
MAX_BATCH = 2000


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


class DivisionBrief(BaseModel):
    """A division named where a record points at it."""

    code: AreaCode = Field(description="区划代码")
    name: str = Field(description="区划名称")


class DivisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: AreaCode = Field(description="区划代码（9 位乡级或 12 位村级，须在上级区划之内）")
    name: str = Field(min_length=1, max_length=100, description="名称")
    kind: DivisionKind = Field(
        description="类型：村级为 community（城市社区）或 village（行政村）；"
        "乡级为 street、town、township、farm 或 management_committee"
    )


class DivisionChangeIn(BaseModel):
    """Rename a division, or change its kind (村改居), with the reason on record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=100, description="新名称")
    kind: DivisionKind | None = Field(default=None, description="新类型（如村改社区）")
    changed_date: IsoDate = Field(description="变更生效日期")
    reason: str = Field(min_length=2, max_length=1000, description="变更原因")
    document_number: str | None = Field(
        default=None, min_length=1, max_length=100, description="批准文号"
    )

    _changed = field_validator("changed_date")(not_in_future)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.name is None and self.kind is None:
            raise ValueError("须给出新名称或新类型")
        return self


class DivisionOut(DivisionInfo):
    """A division as the public API shows it."""

    children_count: int = Field(description="下级区划数")
    version: int = Field(description="版本号（与 ETag 相同）")


class DivisionChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    division_code: AreaCode = Field(description="区划代码")
    changed_date: date = Field(description="变更生效日期")
    old_name: str = Field(description="原名称")
    new_name: str = Field(description="新名称")
    old_kind: DivisionKind = Field(description="原类型")
    new_kind: DivisionKind = Field(description="新类型")
    reason: str = Field(description="变更原因")
    document_number: str | None = Field(description="批准文号")
    changed_by: str = Field(description="操作人")


class DivisionNode(BaseModel):
    """A division with the divisions under it, for tree views and cascading pickers."""

    code: AreaCode
    name: str
    level: AreaLevel
    kind: DivisionKind
    children: list["DivisionNode"] = Field(default_factory=list, description="下级区划")


class DivisionBatchResult(BaseModel):
    created: list[AreaCode] = Field(description="新增的区划代码")
    unchanged: list[AreaCode] = Field(
        description="已存在且名称、类型相同的区划代码（重复提交时不报错）"
    )
