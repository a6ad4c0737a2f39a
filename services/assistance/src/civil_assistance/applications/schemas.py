import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_assistance.enrolments.schemas import Person, Programme
from civil_shared.types import AreaCode, IsoDate, Money


class ApplicationStatus(StrEnum):
    """已受理 / 已调查 / 公示中 / 已批准 / 未批准 / 已撤回."""

    SUBMITTED = "submitted"
    INVESTIGATED = "investigated"
    IN_NOTICE = "in_notice"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Step(StrEnum):
    """What can be done to an application."""

    INVESTIGATE = "investigate"  # 乡镇入户调查
    NOTICE = "notice"  # 张榜公示
    APPROVE = "approve"  # 县级审批同意
    REJECT = "reject"  # 不予批准
    WITHDRAW = "withdraw"  # 申请人撤回


S = ApplicationStatus
#: The state machine: from each status, the steps allowed and where they lead.
TRANSITIONS: dict[ApplicationStatus, dict[Step, ApplicationStatus]] = {
    S.SUBMITTED: {
        Step.INVESTIGATE: S.INVESTIGATED,
        Step.REJECT: S.REJECTED,
        Step.WITHDRAW: S.WITHDRAWN,
    },
    S.INVESTIGATED: {
        Step.NOTICE: S.IN_NOTICE,
        Step.APPROVE: S.APPROVED,  # only where the notice period is 0 days
        Step.REJECT: S.REJECTED,
        Step.WITHDRAW: S.WITHDRAWN,
    },
    S.IN_NOTICE: {Step.APPROVE: S.APPROVED, Step.REJECT: S.REJECTED},
    S.APPROVED: {},
    S.REJECTED: {},
    S.WITHDRAWN: {},
}


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    programme: Programme = Field(description="申请项目")
    household_id: uuid.UUID | None = Field(default=None, description="申请家庭（低保必填）")
    applicant: Person = Field(description="申请人")
    area_code: AreaCode = Field(description="所在村（社区）代码")
    application_date: IsoDate = Field(description="申请日期")
    staff_related: bool = Field(default=False, description="是否民政经办人员及村干部近亲属")
    staff_relation: str | None = Field(default=None, max_length=200, description="亲属关系说明")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if not self.programme.is_tekun and self.household_id is None:
            raise ValueError("低保按户申请，须指明申请家庭")
        if self.staff_related and not self.staff_relation:
            raise ValueError("近亲属申请须说明与经办人员的关系")
        if self.application_date > date.today():
            raise ValueError("申请日期不能晚于今天")
        return self


class Investigation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visit_date: IsoDate = Field(description="入户调查日期")
    investigators: list[str] = Field(min_length=2, max_length=2, description="两名调查人员")
    county_visited: bool = Field(default=False, description="县级民政部门是否入户核查")
    findings: str = Field(min_length=2, max_length=4000, description="调查情况")
    property_test_passed: bool = Field(default=True, description="家庭财产状况符合规定（低保）")
    unable_to_work: bool | None = Field(default=None, description="无劳动能力（特困）")
    no_income_source: bool | None = Field(default=None, description="无生活来源（特困）")
    no_supporter: bool | None = Field(
        default=None, description="无赡养抚养扶养义务人或其无能力（特困）"
    )
    self_care_cannot_do: int | None = Field(
        default=None, ge=0, le=6, description="六项日常生活活动中不能完成的项数（特困）"
    )

    @model_validator(mode="after")
    def _two_people(self) -> Self:
        if len({name.strip() for name in self.investigators}) != 2:
            raise ValueError("入户调查须由两名不同的工作人员进行")
        return self


class NoticeStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start_date: IsoDate = Field(description="公示开始日期")


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision_date: IsoDate = Field(description="决定日期")
    reason: str | None = Field(default=None, max_length=2000, description="理由（不予批准时必填）")


class ApplicationOut(BaseModel):
    id: uuid.UUID
    programme: Programme
    household_id: uuid.UUID | None
    applicant: Person
    area_code: AreaCode
    application_date: date
    staff_related: bool
    staff_relation: str | None
    status: ApplicationStatus
    allowed_steps: list[Step] = Field(description="当前可进行的操作")
    visit_date: date | None
    investigators: list[str]
    county_visited: bool
    visit_findings: str | None
    members: int | None
    income_per_person: Money | None = Field(description="家庭月人均收入（元）")
    standard_monthly: Money | None = Field(description="适用的月标准（元）")
    eligible: bool | None
    reasons: list[str]
    monthly_amount: Money | None = Field(description="核定的月保障金额（元）")
    self_care_level: str | None
    notice_start_date: date | None
    notice_end_date: date | None
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None
    enrolment_id: uuid.UUID | None
    version: int
