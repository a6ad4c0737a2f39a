import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_assistance.temporary.schemas import person_area
from civil_shared.types import AreaCode, IdNumber, IsoDate


class RescueSex(StrEnum):
    """male 男; female 女; unknown 不详."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class HelpGiven(StrEnum):
    """food 饮食; shelter 住宿; medical 医疗救治; transport_home 返乡交通; other 其他."""

    FOOD = "food"  # 饮食
    SHELTER = "shelter"  # 住宿
    MEDICAL = "medical"  # 医疗救治
    TRANSPORT_HOME = "transport_home"  # 返乡交通
    OTHER = "other"  # 其他


class RescueOutcome(StrEnum):
    """returned_home 返乡; placed_in_institution 安置（送入机构）; left 自行离开; other 其他."""

    RETURNED_HOME = "returned_home"  # 返乡
    PLACED_IN_INSTITUTION = "placed_in_institution"  # 安置
    LEFT = "left"  # 自行离开
    OTHER = "other"  # 其他


class RescueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_name: str = Field(
        min_length=1, max_length=100, description="受助人姓名（不详时如“无名氏”）"
    )
    id_number: IdNumber | None = Field(
        default=None, description="身份证号（流浪乞讨人员常无法提供，可空）"
    )
    sex: RescueSex = Field(description="性别")
    approximate_age: int | None = Field(default=None, ge=0, le=120, description="大致年龄")
    found_date: IsoDate = Field(description="发现（救助）日期")
    place: str = Field(min_length=2, max_length=200, description="发现地点")
    area_code: AreaCode = Field(description="发现地所在乡镇或村（社区）代码")
    help_given: list[HelpGiven] = Field(min_length=1, description="提供的救助（可多项）")
    outcome: RescueOutcome = Field(description="救助结果")
    notes: str | None = Field(default=None, max_length=2000, description="备注（“其他”时必填）")

    _area = field_validator("area_code")(person_area)

    @field_validator("help_given")
    @classmethod
    def _distinct(cls, value: list[HelpGiven]) -> list[HelpGiven]:
        if len(set(value)) != len(value):
            raise ValueError("救助内容不能重复")
        return value

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.found_date > date.today():
            raise ValueError("救助日期不能晚于今天")
        known = self.id_number is not None and self.sex is not RescueSex.UNKNOWN
        if known and self.id_number is not None and self.sex.value != self.id_number.sex.value:
            raise ValueError("性别与身份证号不符")
        needs_note = HelpGiven.OTHER in self.help_given or self.outcome is RescueOutcome.OTHER
        if needs_note and not self.notes:
            raise ValueError("救助内容或结果为“其他”时须在备注中说明")
        return self


class RescueOut(BaseModel):
    id: uuid.UUID
    person_name: str
    id_number: IdNumber | None
    sex: RescueSex
    approximate_age: int | None
    found_date: date
    year: int = Field(description="救助年度")
    place: str
    area_code: AreaCode
    help_given: list[HelpGiven]
    outcome: RescueOutcome
    notes: str | None
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")


class TownshipRescues(BaseModel):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    person_times: int


class RescueStats(BaseModel):
    year: int
    person_times: int = Field(description="救助人次")
    by_township: list[TownshipRescues]
