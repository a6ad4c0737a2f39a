import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import Amount, AreaCode, IdNumber, IsoDate, Period, TianmenAreaCode
from civil_welfare.elderly.schemas import (
    optional_not_in_future,
    optional_village,
    village_in_tianmen,
)

AGE_RULE = (
    "年龄按身份证号中的出生日期计算，以发放月份最后一天已满的周岁为准"
    "（当月内年满80、90、100周岁的，当月即按新档发放；2月29日出生的，平年按3月1日满周岁）。"
)


class AllowanceStatus(StrEnum):
    """active 正常发放; suspended 暂停发放（如未按期认证）; stopped 终止（死亡、迁出等）."""

    ACTIVE = "active"  # 正常发放
    SUSPENDED = "suspended"  # 暂停发放
    STOPPED = "stopped"  # 终止


class StopReason(StrEnum):
    """death 死亡; moved_away 户籍迁出; other 其他."""

    DEATH = "death"  # 死亡
    MOVED_AWAY = "moved_away"  # 户籍迁出
    OTHER = "other"  # 其他


#: Which statuses a recipient may move to from each status; a stop is final.
TRANSITIONS: dict[AllowanceStatus, tuple[AllowanceStatus, ...]] = {
    AllowanceStatus.ACTIVE: (AllowanceStatus.SUSPENDED, AllowanceStatus.STOPPED),
    AllowanceStatus.SUSPENDED: (AllowanceStatus.ACTIVE, AllowanceStatus.STOPPED),
    AllowanceStatus.STOPPED: (),
}


class AllowanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="身份证号（名册中唯一）")
    name: str = Field(min_length=1, max_length=100, description="姓名")
    area_code: AreaCode = Field(description="户籍所在村（社区）12位代码")
    start_period: Period = Field(description="起始发放月份；该月月末须已满第一档起始年龄")

    _area = field_validator("area_code")(village_in_tianmen)


class AllowancePatch(BaseModel):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100, description="姓名")
    area_code: AreaCode | None = Field(default=None, description="户籍所在村（社区）12位代码")
    start_period: Period | None = Field(default=None, description="起始发放月份")

    _area = field_validator("area_code")(optional_village)


class StatusChange(BaseModel):
    """Suspend, resume, or stop (with the reason, the date and the last month paid)."""

    model_config = ConfigDict(extra="forbid")

    status: AllowanceStatus = Field(description="新状态")
    reason: str = Field(min_length=2, max_length=500, description="原因说明")
    stop_reason: StopReason | None = Field(default=None, description="终止原因（终止时必填）")
    stop_date: IsoDate | None = Field(
        default=None, description="终止事由发生日期，如死亡日期（终止时必填）"
    )
    end_period: Period | None = Field(
        default=None, description="最后发放月份（终止时可填，默认为终止事由发生的当月）"
    )

    _stop = field_validator("stop_date")(optional_not_in_future)

    @model_validator(mode="after")
    def _stopping(self) -> Self:
        stopping = self.status is AllowanceStatus.STOPPED
        if stopping and (self.stop_reason is None or self.stop_date is None):
            raise ValueError("终止发放须填写终止原因和日期")
        if not stopping and (
            self.stop_reason is not None or self.stop_date is not None or self.end_period
        ):
            raise ValueError("仅在终止发放时填写终止原因、日期和最后发放月份")
        return self


class AllowanceOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: str = Field(description="性别（由身份证号得出）：male 男，female 女")
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    age: int = Field(description="今天的年龄（由身份证号计算，不存储）")
    area_code: AreaCode
    start_period: Period
    end_period: Period | None = Field(description="最后发放月份（终止后）")
    status: AllowanceStatus
    status_reason: str | None
    stop_reason: StopReason | None
    stop_date: date | None = Field(description="终止事由发生日期（如死亡日期）")
    version: int = Field(description="版本号（与 ETag 相同）")


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="身份证号（出生日期由此读取）")
    period: Period = Field(description="发放月份")
    area_code: TianmenAreaCode = Field(
        default=AreaCode("429006"), description="所在区域（各区域可有自己的政策参数；默认全市）"
    )


class PreviewOut(BaseModel):
    period: Period
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    age_on: date = Field(description="计算年龄所依据的日期：发放月份的最后一天")
    age: int = Field(description="至该月最后一天已满周岁")
    eligible: bool = Field(description="是否达到高龄津贴起始年龄")
    tier: int | None = Field(description="档次（1、2、3）")
    tier_label: str | None = Field(description="档次说明，如“第1档（80–89岁）”")
    tier_min_ages: list[int] = Field(description="各档起始年龄（政策参数）")
    monthly_amount: Amount | None = Field(description="每月金额（元；该年度该档标准）")
    first_eligible_period: Period = Field(description="首个达到起始年龄的月份")
    explanation: str = Field(description="计算说明")
