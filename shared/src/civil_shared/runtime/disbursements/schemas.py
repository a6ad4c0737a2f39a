import uuid
from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from civil_shared.types import Money, Period

P = TypeVar("P", bound=StrEnum)


class RunStatus(StrEnum):
    """草稿 / 已审核 / 已发放."""

    DRAFT = "draft"
    APPROVED = "approved"
    PAID = "paid"


NEXT_STATUS: dict[RunStatus, RunStatus | None] = {
    RunStatus.DRAFT: RunStatus.APPROVED,
    RunStatus.APPROVED: RunStatus.PAID,
    RunStatus.PAID: None,
}


class RunCreate(BaseModel, Generic[P]):
    model_config = ConfigDict(extra="forbid")

    programme: P = Field(description="项目")
    period: Period = Field(description="发放月份")


class RunOut(BaseModel, Generic[P]):
    id: uuid.UUID
    programme: P
    period: Period
    status: RunStatus
    line_count: int = Field(description="发放笔数")
    persons: int = Field(description="覆盖人数")
    total_amount: Money = Field(description="发放总额（元）")
    created_by: str
    created_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    paid_by: str | None
    paid_at: datetime | None
