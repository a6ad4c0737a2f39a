import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_assistance.enrolments.schemas import EnrolmentOut
from civil_assistance.entitlements.reviews import IncomeStability
from civil_shared.types import Amount, AreaCode, IsoDate, Money


class ReviewOutcome(StrEnum):
    """继续保障 / 调整金额 / 进入渐退期 / 终止保障."""

    CONTINUE = "continue"
    CHANGE_AMOUNT = "change_amount"
    GRADUAL_EXIT = "gradual_exit"
    END = "end"


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review_date: IsoDate = Field(description="复核日期")
    outcome: ReviewOutcome = Field(description="复核结论")
    findings: str = Field(min_length=2, max_length=2000, description="复核情况")
    income_stability: IncomeStability = Field(description="家庭收入是否稳定")
    working_age_members: int = Field(ge=0, le=50, description="有劳动能力的成员人数")
    member_death_date: IsoDate | None = Field(default=None, description="成员死亡日期（如有）")
    new_monthly_amount: Amount | None = Field(default=None, description="调整后的月保障金额")
    gradual_exit_months: int | None = Field(default=None, ge=1, description="渐退期月数")

    @model_validator(mode="after")
    def _outcome_needs(self) -> Self:
        if self.review_date > date.today():
            raise ValueError("复核日期不能晚于今天")
        if (self.outcome is ReviewOutcome.CHANGE_AMOUNT) != (self.new_monthly_amount is not None):
            raise ValueError("仅“调整金额”须且只须给出调整后的金额")
        if (self.outcome is ReviewOutcome.GRADUAL_EXIT) != (self.gradual_exit_months is not None):
            raise ValueError("仅“进入渐退期”须且只须给出渐退期月数")
        return self


class ReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    enrolment_id: uuid.UUID
    review_date: date
    outcome: ReviewOutcome
    findings: str
    income_stability: IncomeStability
    working_age_members: int
    previous_amount: Money
    monthly_amount: Money
    next_review_date: date | None
    reviewed_by: str


class ReviewResult(BaseModel):
    review: ReviewOut
    enrolment: EnrolmentOut


class DueReview(BaseModel):
    enrolment_id: uuid.UUID
    programme: str
    area_code: AreaCode
    payee_name: str
    next_review_date: date
    overdue: bool = Field(description="已逾期（复核日期早于查询日期）")


class TownshipDue(BaseModel):
    township: AreaCode
    due: int = Field(description="到期待复核")
    overdue: int = Field(description="逾期未复核")
