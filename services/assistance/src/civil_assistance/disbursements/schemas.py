import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from civil_assistance.enrolments.schemas import Programme
from civil_shared.types import AreaCode, IdNumber, Money, Period


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


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: Programme = Field(description="救助项目")
    period: Period = Field(description="发放月份")


class RunOut(BaseModel):
    id: uuid.UUID
    programme: Programme
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


class LineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    enrolment_id: uuid.UUID
    household_id: uuid.UUID | None
    payee_id_number: IdNumber
    payee_name: str
    area_code: AreaCode
    persons: int
    amount: Money
