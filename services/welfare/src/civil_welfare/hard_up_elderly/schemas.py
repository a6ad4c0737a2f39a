import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import AreaCode, IdNumber, Period
from civil_welfare.elderly.schemas import optional_village, village_in_tianmen


class SubsidyKind(StrEnum):
    """hard_up_high_age 经济困难高龄老人补贴; hard_up_disabled 经济困难失能老人补贴."""

    HARD_UP_HIGH_AGE = "hard_up_high_age"  # 经济困难高龄老人补贴
    HARD_UP_DISABLED = "hard_up_disabled"  # 经济困难失能老人补贴

    @property
    def label(self) -> str:
        return (
            "经济困难高龄老人补贴"
            if self is SubsidyKind.HARD_UP_HIGH_AGE
            else "经济困难失能老人补贴"
        )


class HardshipBasis(StrEnum):
    """Why the elder counts as economically hard up: dibao 低保对象; tekun 特困人员;
    edge_of_dibao 低保边缘家庭; other 其他（须说明）."""

    DIBAO = "dibao"  # 低保对象
    TEKUN = "tekun"  # 特困人员
    EDGE_OF_DIBAO = "edge_of_dibao"  # 低保边缘家庭
    OTHER = "other"  # 其他


class GrantStatus(StrEnum):
    """active 正常发放; suspended 暂停发放; ended 终止."""

    ACTIVE = "active"  # 正常发放
    SUSPENDED = "suspended"  # 暂停发放
    ENDED = "ended"  # 终止


TRANSITIONS: dict[GrantStatus, tuple[GrantStatus, ...]] = {
    GrantStatus.ACTIVE: (GrantStatus.SUSPENDED, GrantStatus.ENDED),
    GrantStatus.SUSPENDED: (GrantStatus.ACTIVE, GrantStatus.ENDED),
    GrantStatus.ENDED: (),
}


class GrantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="老人身份证号")
    name: str = Field(min_length=1, max_length=100, description="姓名")
    area_code: AreaCode = Field(description="户籍所在村（社区）12位代码")
    kind: SubsidyKind = Field(description="补贴类别")
    hardship_basis: HardshipBasis = Field(description="经济困难认定依据")
    hardship_note: str | None = Field(
        default=None, min_length=2, max_length=500, description="认定依据说明（“其他”时必填）"
    )
    assessment: str | None = Field(
        default=None,
        min_length=2,
        max_length=500,
        description="失能评估结论（失能老人补贴必填，如“经评估为重度失能”）",
    )
    start_period: Period = Field(description="起始发放月份")

    _area = field_validator("area_code")(village_in_tianmen)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.hardship_basis is HardshipBasis.OTHER and not self.hardship_note:
            raise ValueError("经济困难认定依据为“其他”时须说明")
        if self.kind is SubsidyKind.HARD_UP_DISABLED and not self.assessment:
            raise ValueError("失能老人补贴须填写失能评估结论")
        return self


class GrantPatch(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100, description="姓名")
    area_code: AreaCode | None = Field(default=None, description="户籍所在村（社区）12位代码")
    hardship_basis: HardshipBasis | None = Field(default=None, description="经济困难认定依据")
    hardship_note: str | None = Field(
        default=None, min_length=2, max_length=500, description="认定依据说明"
    )
    assessment: str | None = Field(
        default=None, min_length=2, max_length=500, description="失能评估结论"
    )

    _area = field_validator("area_code")(optional_village)


class GrantStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: GrantStatus = Field(description="新状态")
    reason: str = Field(min_length=2, max_length=500, description="原因（如死亡、家庭经济好转）")
    end_period: Period | None = Field(default=None, description="最后发放月份（终止时必填）")

    @model_validator(mode="after")
    def _ending(self) -> Self:
        if (self.status is GrantStatus.ENDED) != (self.end_period is not None):
            raise ValueError("终止时须填写最后发放月份，其他状态不填")
        return self


class GrantOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    age: int = Field(description="今天的年龄（由身份证号计算，不存储）")
    area_code: AreaCode
    kind: SubsidyKind
    hardship_basis: HardshipBasis
    hardship_note: str | None
    assessment: str | None
    start_period: Period
    end_period: Period | None = Field(description="最后发放月份（终止后）")
    status: GrantStatus
    status_reason: str | None
    version: int = Field(description="版本号（与 ETag 相同）")
