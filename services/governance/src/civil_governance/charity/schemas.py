import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_governance.organisations.schemas import (
    not_in_future,
    optional_not_in_future,
    township_in_tianmen,
)
from civil_shared.types import Amount, AreaCode, IsoDate


class DonorKind(StrEnum):
    """person 个人; organisation 单位（企业、社会组织、机关等）."""

    PERSON = "person"  # 个人
    ORGANISATION = "organisation"  # 单位


class DonationPurpose(StrEnum):
    """epidemic 疫情防控; poverty 扶贫济困; education 助学; disaster 救灾; other 其他."""

    EPIDEMIC = "epidemic"  # 疫情防控
    POVERTY = "poverty"  # 扶贫济困
    EDUCATION = "education"  # 助学
    DISASTER = "disaster"  # 救灾
    OTHER = "other"  # 其他


class DonationForm(StrEnum):
    """money 资金; goods 物资（按评估价值计）."""

    MONEY = "money"  # 资金
    GOODS = "goods"  # 物资


class ProjectStatus(StrEnum):
    """planned 筹备中; active 实施中（募集中）; completed 已完成; terminated 已终止."""

    PLANNED = "planned"  # 筹备中
    ACTIVE = "active"  # 实施中
    COMPLETED = "completed"  # 已完成
    TERMINATED = "terminated"  # 已终止

    @property
    def label(self) -> str:
        return _PROJECT_STATUS_LABELS[self]


_PROJECT_STATUS_LABELS = {
    ProjectStatus.PLANNED: "筹备中",
    ProjectStatus.ACTIVE: "实施中",
    ProjectStatus.COMPLETED: "已完成",
    ProjectStatus.TERMINATED: "已终止",
}


def _one_line(value: str) -> str:
    """Runs of whitespace become one space: "天门市  慈善总会" is "天门市 慈善总会"."""
    return " ".join(value.split())


# --- donations -------------------------------------------------------------------


class GoodsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    description: str = Field(min_length=1, max_length=500, description="物资名称及规格")
    quantity: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="数量")
    unit: str = Field(min_length=1, max_length=20, description="计量单位（如 箱、只、件）")
    value: Amount = Field(description="评估价值（元），须大于0")

    @field_validator("value")
    @classmethod
    def _valued(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("物资须有大于0的评估价值")
        return value


class DonationFields(BaseModel):
    """A donation of money (``amount``) or of goods (``goods``), exactly one of them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    donor_name: str = Field(
        min_length=1, max_length=200, description="捐赠人（个人姓名或单位名称；匿名可填“匿名”）"
    )
    donor_kind: DonorKind = Field(description="捐赠人类别")
    donation_date: IsoDate = Field(description="捐赠（到账、接收）日期")
    amount: Amount | None = Field(default=None, description="捐款金额（元）；捐赠物资时不填")
    goods: GoodsIn | None = Field(default=None, description="捐赠物资；捐款时不填")
    purpose: DonationPurpose = Field(description="捐赠用途")
    purpose_note: str | None = Field(default=None, max_length=500, description="用途说明")
    receiving_body: str = Field(
        min_length=2, max_length=200, description="受赠单位（如 天门市慈善总会）"
    )
    receipt_number: str = Field(
        min_length=1,
        max_length=50,
        pattern=r"^\S+$",
        description="捐赠票据号（同一受赠单位内唯一）",
    )
    township_code: AreaCode | None = Field(
        default=None, description="受赠单位所在乡镇（街道）代码；市级受赠单位不填"
    )
    project_id: uuid.UUID | None = Field(default=None, description="定向捐赠的慈善项目")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    _township = field_validator("township_code")(township_in_tianmen)
    _donated = field_validator("donation_date")(not_in_future)
    _body = field_validator("receiving_body")(_one_line)

    @model_validator(mode="after")
    def _money_or_goods(self) -> Self:
        if (self.amount is None) == (self.goods is None):
            raise ValueError("捐款金额（amount）与捐赠物资（goods）须填写且只填写一项")
        if self.amount is not None and self.amount <= 0:
            raise ValueError("捐款金额须大于0")
        return self


class DonationCreate(DonationFields):
    pass


class DonationUpdate(DonationFields):
    pass


class GoodsOut(BaseModel):
    description: str
    quantity: Decimal
    unit: str
    value: Amount


class DonationOut(BaseModel):
    id: uuid.UUID
    donor_name: str
    donor_kind: DonorKind
    donation_date: date
    form: DonationForm = Field(description="捐赠形式")
    amount: Amount | None = Field(description="捐款金额（元）")
    goods: GoodsOut | None
    value: Amount = Field(description="计入总额的价值（捐款金额或物资评估价值，元）")
    purpose: DonationPurpose
    purpose_note: str | None
    receiving_body: str
    receipt_number: str
    township_code: AreaCode | None
    project_id: uuid.UUID | None
    notes: str | None
    version: int = Field(description="版本号（与 ETag 相同）")


class TotalsRow(BaseModel):
    donations: int = Field(description="捐赠笔数")
    money: Amount = Field(description="捐款（元）")
    goods_value: Amount = Field(description="物资评估价值（元）")
    total: Amount = Field(description="合计（元）")


class PurposeTotals(TotalsRow):
    purpose: DonationPurpose


class DonationTotals(BaseModel):
    """Donations by purpose between two dates (both inclusive; open when not given)."""

    date_from: date | None = Field(description="起始日期（含）")
    date_to: date | None = Field(description="截止日期（含）")
    by_purpose: list[PurposeTotals] = Field(description="按用途（每种用途一行，无捐赠时为0）")
    total: TotalsRow = Field(description="合计")


class TownshipTotal(BaseModel):
    township_code: AreaCode | None = Field(description="乡镇（街道）代码；市级受赠单位为空")
    donations: int
    total: Amount


class DonationStats(BaseModel):
    year: int
    by_purpose: list[PurposeTotals]
    total: TotalsRow
    by_township: list[TownshipTotal]


# --- charity projects ------------------------------------------------------------


class ProjectFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200, description="项目名称（同一发起方内唯一）")
    organiser: str = Field(min_length=2, max_length=200, description="发起（实施）单位")
    purpose: DonationPurpose = Field(description="项目用途；定向捐赠的用途须与之一致")
    goal_amount: Amount = Field(description="筹款目标（元），须大于0")
    start_date: IsoDate = Field(description="项目开始日期")
    end_date: IsoDate | None = Field(default=None, description="项目结束日期（可空）")
    township_code: AreaCode | None = Field(
        default=None, description="实施地乡镇（街道）代码；全市性项目不填"
    )
    description: str | None = Field(default=None, max_length=5000, description="项目简介")

    _township = field_validator("township_code")(township_in_tianmen)
    _organiser = field_validator("organiser")(_one_line)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.goal_amount <= 0:
            raise ValueError("筹款目标须大于0")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("项目结束日期不能早于开始日期")
        return self


class ProjectCreate(ProjectFields):
    status: ProjectStatus = Field(
        default=ProjectStatus.PLANNED, description="初始状态：planned 筹备中或 active 实施中"
    )

    @field_validator("status")
    @classmethod
    def _initial(cls, value: ProjectStatus) -> ProjectStatus:
        if value not in (ProjectStatus.PLANNED, ProjectStatus.ACTIVE):
            raise ValueError("新项目的状态只能是筹备中（planned）或实施中（active）")
        return value


class ProjectUpdate(ProjectFields):
    pass


class ProjectStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: ProjectStatus = Field(description="新状态")
    end_date: IsoDate | None = Field(
        default=None, description="结束日期（完成、终止时；不填则取项目已有结束日期或今天）"
    )
    reason: str | None = Field(default=None, max_length=1000, description="说明（终止时必填）")

    _ended = field_validator("end_date")(optional_not_in_future)

    @model_validator(mode="after")
    def _explained(self) -> Self:
        if self.status is ProjectStatus.TERMINATED and not self.reason:
            raise ValueError("终止项目须说明原因")
        return self


class ProjectOut(BaseModel):
    id: uuid.UUID
    name: str
    organiser: str
    purpose: DonationPurpose
    goal_amount: Amount
    raised: Amount = Field(description="已募集（定向本项目的捐款与物资价值合计，元）")
    donations: int = Field(description="定向捐赠笔数")
    start_date: date
    end_date: date | None
    status: ProjectStatus
    status_reason: str | None
    allowed_statuses: list[ProjectStatus] = Field(description="当前可变更为的状态")
    township_code: AreaCode | None
    description: str | None
    version: int = Field(description="版本号（与 ETag 相同）")
