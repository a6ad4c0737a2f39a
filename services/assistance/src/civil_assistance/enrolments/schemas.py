import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.types import Amount, AreaCode, IdNumber, IsoDate, Money, Period


class Programme(StrEnum):
    """城市低保 / 农村低保 / 城市特困 / 农村特困."""

    URBAN_DIBAO = "urban_dibao"
    RURAL_DIBAO = "rural_dibao"
    URBAN_TEKUN = "urban_tekun"
    RURAL_TEKUN = "rural_tekun"

    @property
    def is_tekun(self) -> bool:
        return self in (Programme.URBAN_TEKUN, Programme.RURAL_TEKUN)


class EnrolmentStatus(StrEnum):
    """在保 / 暂停 / 渐退期 / 终止."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    GRADUAL_EXIT = "gradual_exit"
    ENDED = "ended"


#: Which statuses an enrolment may move to from each status.
TRANSITIONS: dict[EnrolmentStatus, tuple[EnrolmentStatus, ...]] = {
    EnrolmentStatus.ACTIVE: (
        EnrolmentStatus.SUSPENDED,
        EnrolmentStatus.GRADUAL_EXIT,
        EnrolmentStatus.ENDED,
    ),
    EnrolmentStatus.SUSPENDED: (EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED),
    EnrolmentStatus.GRADUAL_EXIT: (EnrolmentStatus.ACTIVE, EnrolmentStatus.ENDED),
    EnrolmentStatus.ENDED: (),
}


class Person(BaseModel):
    id_number: IdNumber = Field(description="身份证号")
    name: str = Field(min_length=1, max_length=100, description="姓名")


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: Programme = Field(description="救助项目")
    household_id: uuid.UUID | None = Field(default=None, description="低保家庭")
    area_code: AreaCode = Field(description="所在村（社区）或乡镇代码")
    payee: Person = Field(description="领款人（低保为户主，特困为本人）")
    people: list[Person] = Field(min_length=1, max_length=50, description="保障对象")
    monthly_amount: Amount = Field(description="月保障金额（元）")
    start_period: Period = Field(description="起始月份")
    in_poverty_alleviation: bool = Field(default=False, description="是否精准扶贫建档立卡")
    next_review_date: IsoDate | None = Field(default=None, description="下次复核日期")

    @model_validator(mode="after")
    def _people(self) -> Self:
        numbers = [p.id_number for p in self.people]
        if len(set(numbers)) != len(numbers):
            raise ValueError("保障对象中身份证号重复")
        if self.programme.is_tekun and len(self.people) != 1:
            raise ValueError("特困供养按人保障，只能包含一人")
        return self


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: EnrolmentStatus = Field(description="新状态")
    reason: str = Field(min_length=2, max_length=500, description="原因")
    gradual_exit_until: Period | None = Field(default=None, description="渐退期截止月份")
    end_period: Period | None = Field(default=None, description="终止月份（最后发放月份）")


class EnrolmentOut(BaseModel):
    id: uuid.UUID
    programme: Programme
    household_id: uuid.UUID | None
    area_code: AreaCode
    payee: Person
    people: list[Person]
    persons: int
    monthly_amount: Money
    start_period: Period
    end_period: Period | None
    status: EnrolmentStatus
    status_reason: str | None
    in_poverty_alleviation: bool
    next_review_date: date | None
    gradual_exit_until: Period | None
    version: int
