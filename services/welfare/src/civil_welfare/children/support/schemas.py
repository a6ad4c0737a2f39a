"""Enumerations and API parts shared by orphan and de facto unsupported cases."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from civil_shared.types import AreaCode, IdNumber, Money, Period, Sex
from civil_welfare.children.fields import Guardian, PastDate

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Scheme(StrEnum):
    """orphan 孤儿; de_facto_unsupported 事实无人抚养儿童."""

    ORPHAN = "orphan"  # 孤儿
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported"  # 事实无人抚养儿童

    @property
    def label(self) -> str:
        return "孤儿" if self is Scheme.ORPHAN else "事实无人抚养儿童"


class CaseStatus(StrEnum):
    """active 保障中（至 end_period 为止）; ended 已终止; revoked 已撤销（误登记，从未有效）."""

    ACTIVE = "active"  # 保障中
    ENDED = "ended"  # 已终止
    REVOKED = "revoked"  # 已撤销


class EndReason(StrEnum):
    """adopted 被收养; parent_returned 父母恢复抚养能力（出狱、恢复联系等）; died 死亡;
    moved_away 迁出本市; scheme_changed 转为另一类保障（如事实无人抚养转孤儿）; other 其他."""

    ADOPTED = "adopted"  # 被收养
    PARENT_RETURNED = "parent_returned"  # 父母恢复抚养能力
    DIED = "died"  # 死亡
    MOVED_AWAY = "moved_away"  # 迁出
    SCHEME_CHANGED = "scheme_changed"  # 转为另一类保障
    OTHER = "other"  # 其他


#: Which statuses a case may move to from each status.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.ACTIVE: (CaseStatus.ENDED, CaseStatus.REVOKED),
    CaseStatus.ENDED: (),
    CaseStatus.REVOKED: (),
}


class CaseStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: CaseStatus = Field(description="ended 终止保障；revoked 撤销（误登记）")
    reason: EndReason | None = Field(default=None, description="终止原因（终止时必填）")
    end_period: Period | None = Field(
        default=None,
        description="最后发放月份（终止时必填；不得早于起始月份，不得晚于年满18周岁的月份）",
    )
    changed_date: PastDate = Field(description="终止（撤销）日期")
    note: Note | None = Field(default=None, description="说明（撤销或原因为“其他”时必填）")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.status is CaseStatus.ACTIVE:
            raise ValueError("保障一经终止或撤销不能恢复，请重新登记")
        if self.status is CaseStatus.ENDED and (self.reason is None or self.end_period is None):
            raise ValueError("终止保障须填写原因和最后发放月份")
        if self.status is CaseStatus.REVOKED and (self.reason or self.end_period):
            raise ValueError("撤销不填终止原因和最后发放月份")
        if self.note is None and (
            self.status is CaseStatus.REVOKED or self.reason is EndReason.OTHER
        ):
            raise ValueError("撤销或原因为“其他”时须填写说明")
        return self


class ChildPart(BaseModel):
    """The child, as every case shows it (age and sex computed from the ID number)."""

    id: uuid.UUID
    scheme: Scheme
    id_number: IdNumber
    name: str
    sex: Sex
    birth_date: date
    age: int = Field(description="周岁年龄（今日）")
    area_code: AreaCode
    township_code: AreaCode
    guardian: Guardian | None
    assessed_date: date = Field(description="认定日期")
    start_period: Period = Field(description="起始发放月份")
    end_period: Period = Field(description="最后发放月份（默认年满18周岁的月份）")
    turns_18_period: Period = Field(description="年满18周岁的月份（此后停发）")
    status: CaseStatus
    end_reason: EndReason | None
    changed_date: date | None = Field(description="终止（撤销）日期")
    status_note: str | None
    situation: str | None
    monthly_allowance: Money | None = Field(
        description="本月应发金额（元）；不在发放期内或当年标准未设定时为空"
    )
    version: int = Field(description="版本号（即 ETag）")
