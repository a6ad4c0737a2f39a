import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import TIANMEN, Amount, AreaCode, AreaLevel, IdNumber, IsoDate, Money


class TemporaryKind(StrEnum):
    """emergency 急难型 (help first, no income check); spending 支出型 (income below the
    local average disposable income)."""

    EMERGENCY = "emergency"  # 急难型
    SPENDING = "spending"  # 支出型


class TemporaryCause(StrEnum):
    """illness 疾病; accident 意外事故; disaster 自然灾害; fire 火灾; education 教育;
    epidemic 疫情; other 其他."""

    ILLNESS = "illness"  # 疾病
    ACCIDENT = "accident"  # 意外事故
    DISASTER = "disaster"  # 自然灾害
    FIRE = "fire"  # 火灾
    EDUCATION = "education"  # 教育
    EPIDEMIC = "epidemic"  # 疫情
    OTHER = "other"  # 其他


class TemporaryStatus(StrEnum):
    """applied 已申请; township_approved 乡镇已审批; county_approved 市（县）级已审批;
    paid 已发放; rejected 不予救助."""

    APPLIED = "applied"
    TOWNSHIP_APPROVED = "township_approved"
    COUNTY_APPROVED = "county_approved"
    PAID = "paid"
    REJECTED = "rejected"


class TemporaryAction(StrEnum):
    """approve 审批; reject 不予救助; pay 发放."""

    APPROVE = "approve"
    REJECT = "reject"
    PAY = "pay"


class ApprovalLevel(StrEnum):
    """township 乡镇（街道）审批; county 市（县）级审批."""

    TOWNSHIP = "township"
    COUNTY = "county"


S, A = TemporaryStatus, TemporaryAction
#: The state machine: from each status, the actions allowed. Approval leads to the
#: township or county status depending on who approves (see the service).
ACTIONS: dict[TemporaryStatus, tuple[TemporaryAction, ...]] = {
    S.APPLIED: (A.APPROVE, A.REJECT),
    S.TOWNSHIP_APPROVED: (A.PAY,),
    S.COUNTY_APPROVED: (A.PAY,),
    S.PAID: (),
    S.REJECTED: (),
}


def person_area(value: AreaCode) -> AreaCode:
    """A person lives in a township or village of Tianmen, not in "the city"."""
    if not TIANMEN.contains(value) or value.level is AreaLevel.COUNTY:
        raise ValueError("所在区域应为天门市的乡镇（9位）或村（社区，12位）代码")
    return value


class TemporaryCaseCreate(BaseModel):
    """Give either ``amount`` or ``multiple`` (of the monthly urban dibao standard)."""

    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="救助对象身份证号")
    name: str = Field(min_length=1, max_length=100, description="救助对象姓名")
    area_code: AreaCode = Field(description="所在乡镇或村（社区）代码")
    kind: TemporaryKind = Field(description="救助类型：急难型或支出型")
    cause: TemporaryCause = Field(description="救助事由")
    application_date: IsoDate = Field(description="申请日期（决定救助年度）")
    description: str = Field(min_length=2, max_length=2000, description="困难情况说明")
    amount: Amount | None = Field(default=None, description="申请救助金额（元）")
    multiple: Decimal | None = Field(
        default=None,
        gt=0,
        max_digits=6,
        decimal_places=2,
        description="按城市低保月标准的倍数申请（与金额二选一）",
    )
    income_per_person_yearly: Amount | None = Field(
        default=None, description="家庭上年人均收入（元/年；支出型必填）"
    )
    average_disposable_income: Amount | None = Field(
        default=None, description="当地上年居民人均可支配收入（元/年；支出型必填）"
    )
    major_hardship: bool = Field(
        default=False, description="重大困难个案（超过上限倍数时须标明并说明理由）"
    )
    major_hardship_reason: str | None = Field(
        default=None, min_length=2, max_length=1000, description="重大困难的理由"
    )

    @field_validator("area_code")
    @classmethod
    def _area(cls, value: AreaCode) -> AreaCode:
        return person_area(value)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if (self.amount is None) == (self.multiple is None):
            raise ValueError("救助金额与倍数应填写且只填写一项")
        if self.amount is not None and self.amount <= 0:
            raise ValueError("救助金额应大于 0")
        if self.application_date > date.today():
            raise ValueError("申请日期不能晚于今天")
        if self.kind is TemporaryKind.SPENDING and (
            self.income_per_person_yearly is None or self.average_disposable_income is None
        ):
            raise ValueError("支出型临时救助须填写家庭人均收入和当地上年人均可支配收入")
        if self.major_hardship and not self.major_hardship_reason:
            raise ValueError("重大困难个案须说明理由")
        if not self.major_hardship and self.major_hardship_reason is not None:
            raise ValueError("未标明重大困难个案时不应填写重大困难理由")
        return self


class Rejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=1000, description="不予救助的理由")


class TemporaryCaseOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    area_code: AreaCode
    kind: TemporaryKind
    cause: TemporaryCause
    year: int = Field(description="救助年度（申请日期所在年度）")
    application_date: date
    description: str
    amount: Money = Field(description="救助金额（元）")
    multiple: Decimal = Field(description="相当于城市低保月标准的倍数（两位小数）")
    standard_monthly: Money = Field(description="申请时适用的城市低保月标准（元）")
    township_limit_multiple: Decimal = Field(description="乡镇审批权限（倍数）")
    max_multiple: Decimal = Field(description="每次救助上限（倍数）")
    approval_required: ApprovalLevel = Field(description="须由哪一级审批")
    income_per_person_yearly: Money | None
    average_disposable_income: Money | None
    major_hardship: bool
    major_hardship_reason: str | None
    status: TemporaryStatus
    allowed: list[TemporaryAction] = Field(description="当前可进行的操作")
    approved_by: str | None
    approved_at: datetime | None
    rejection_reason: str | None
    rejected_by: str | None
    rejected_at: datetime | None
    paid_by: str | None
    paid_at: datetime | None
    version: int = Field(description="版本号（与 ETag 相同）")


class TownshipTemporaryStats(BaseModel):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    cases: int = Field(description="救助人次")
    total_amount: Money = Field(description="救助金额合计（元）")
    average_amount: Money | None = Field(description="每人次平均救助金额（元）")
    previous_average_amount: Money | None = Field(description="上年每人次平均（元）")
    average_growth_pct: Decimal | None = Field(description="平均金额较上年增长（%）")


class TemporaryStats(BaseModel):
    """Paid cases of the year (the year of application), city-wide and by township."""

    year: int
    cases: int = Field(description="救助人次")
    total_amount: Money = Field(description="救助金额合计（元）")
    average_amount: Money | None = Field(description="每人次平均救助金额（元）")
    previous_average_amount: Money | None = Field(description="上年每人次平均（元）")
    average_growth_pct: Decimal | None = Field(description="平均金额较上年增长（%）")
    by_township: list[TownshipTemporaryStats]
