import uuid
from datetime import date
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_governance.boundaries.schemas import TownshipCode
from civil_governance.divisions.schemas import DivisionBrief, not_in_future
from civil_shared.types import IsoDate


class TrainingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    held_date: IsoDate = Field(description="培训日期")
    place: str = Field(min_length=2, max_length=200, description="培训地点")
    topic: str = Field(min_length=2, max_length=200, description="培训主题")
    participants: int = Field(ge=1, le=10000, description="参训人数")
    township_codes: list[TownshipCode] = Field(
        min_length=1, max_length=50, description="参训乡镇（街道）代码"
    )
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    _held = field_validator("held_date")(not_in_future)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len(set(self.township_codes)) != len(self.township_codes):
            raise ValueError("参训乡镇不能重复")
        return self


class TrainingOut(BaseModel):
    id: uuid.UUID
    held_date: date
    year: int = Field(description="培训年度")
    place: str
    topic: str
    participants: int = Field(description="参训人数")
    townships: list[DivisionBrief] = Field(description="参训乡镇（街道）")
    notes: str | None
    recorded_by: str
