import uuid
from datetime import date
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import TIANMEN, AreaCode, AreaLevel, CreditCode, IsoDate, SocialOrgType

#: The three kinds civil affairs registers (DOMAIN.md); "other" (9) is not one of them.
RegisteredOrgType = Literal[
    SocialOrgType.SOCIAL_GROUP, SocialOrgType.SOCIAL_SERVICE_AGENCY, SocialOrgType.FOUNDATION
]
REGISTERED_ORG_TYPES: tuple[SocialOrgType, ...] = (
    SocialOrgType.SOCIAL_GROUP,
    SocialOrgType.SOCIAL_SERVICE_AGENCY,
    SocialOrgType.FOUNDATION,
)
ORG_TYPE_DESCRIPTION = (
    "社会组织类型：social_group 社会团体；social_service_agency 民办非企业单位（社会服务机构）；"
    "foundation 基金会"
)


class OrgStatus(StrEnum):
    """active 正常; suspended 停止活动（责令暂停活动）; deregistered 注销登记;
    revoked 撤销登记."""

    ACTIVE = "active"  # 正常
    SUSPENDED = "suspended"  # 停止活动
    DEREGISTERED = "deregistered"  # 注销登记
    REVOKED = "revoked"  # 撤销登记

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    OrgStatus.ACTIVE: "正常",
    OrgStatus.SUSPENDED: "停止活动",
    OrgStatus.DEREGISTERED: "注销登记",
    OrgStatus.REVOKED: "撤销登记",
}

#: Statuses in which an organisation is still registered: it holds its name.
REGISTERED_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED)


class InspectionResult(StrEnum):
    """qualified 合格; basically_qualified 基本合格; unqualified 不合格;
    not_inspected 未参加年检."""

    QUALIFIED = "qualified"  # 合格
    BASICALLY_QUALIFIED = "basically_qualified"  # 基本合格
    UNQUALIFIED = "unqualified"  # 不合格
    NOT_INSPECTED = "not_inspected"  # 未参加年检


class CaseSource(StrEnum):
    """report 群众举报; inspection 执法检查发现; online_check 网络核查; transfer 部门移送;
    other 其他."""

    REPORT = "report"  # 群众举报
    INSPECTION = "inspection"  # 执法检查发现
    ONLINE_CHECK = "online_check"  # 网络核查
    TRANSFER = "transfer"  # 部门移送
    OTHER = "other"  # 其他


class CaseOutcome(StrEnum):
    """dispersed 劝散; banned 取缔; transferred 移送其他部门处理; closed_no_case 查无实据结案."""

    DISPERSED = "dispersed"  # 劝散
    BANNED = "banned"  # 取缔
    TRANSFERRED = "transferred"  # 移送其他部门
    CLOSED_NO_CASE = "closed_no_case"  # 查无实据结案


def township_in_tianmen(value: AreaCode | None) -> AreaCode | None:
    """A township-level unit of Tianmen (9 digits), or None for a city-level record."""
    if value is not None and (not TIANMEN.contains(value) or value.level is not AreaLevel.TOWNSHIP):
        raise ValueError("所在乡镇（街道）应为天门市的9位乡级区划代码；市级可不填")
    return value


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


def optional_not_in_future(value: date | None) -> date | None:
    return None if value is None else not_in_future(value)


# --- organisations ----------------------------------------------------------


class OrganisationFields(BaseModel):
    """What registration records and a correction replaces (status changes separately)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=2, max_length=200, description="社会组织名称（正常、停止活动的组织中唯一）"
    )
    org_type: RegisteredOrgType = Field(description=ORG_TYPE_DESCRIPTION)
    credit_code: CreditCode = Field(
        description="统一社会信用代码（GB 32100-2015）：第1位须为5（民政部门登记），"
        "第2位须与类型一致（1 社会团体、2 民办非企业单位、3 基金会）"
    )
    registration_date: IsoDate = Field(description="登记日期")
    registering_authority: str = Field(
        default="天门市民政局", min_length=2, max_length=100, description="登记管理机关"
    )
    township_code: AreaCode | None = Field(
        default=None, description="住所所在乡镇（街道）代码（9位）；市级社会组织可不填"
    )
    legal_representative: str = Field(min_length=1, max_length=100, description="法定代表人")
    address: str | None = Field(default=None, max_length=200, description="住所")
    business_scope: str | None = Field(default=None, max_length=2000, description="业务范围")

    _township = field_validator("township_code")(township_in_tianmen)
    _registered = field_validator("registration_date")(not_in_future)


class OrganisationCreate(OrganisationFields):
    pass


class OrganisationUpdate(OrganisationFields):
    pass


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: OrgStatus = Field(description="新状态")
    effective_date: IsoDate = Field(description="生效日期（如注销、撤销登记决定日期）")
    reason: str = Field(min_length=2, max_length=1000, description="变更原因或决定文号")

    _effective = field_validator("effective_date")(not_in_future)


class OrganisationOut(BaseModel):
    id: uuid.UUID
    name: str
    org_type: SocialOrgType = Field(description=ORG_TYPE_DESCRIPTION)
    org_type_label: str = Field(description="类型中文名称")
    credit_code: CreditCode
    registration_date: date
    registering_authority: str
    township_code: AreaCode | None
    legal_representative: str
    address: str | None
    business_scope: str | None
    status: OrgStatus = Field(description="状态")
    status_date: date | None = Field(description="最近一次状态变更的生效日期")
    status_reason: str | None = Field(description="最近一次状态变更的原因")
    allowed_statuses: list[OrgStatus] = Field(description="当前可变更为的状态")
    last_inspection_year: int | None = Field(description="最近一次年检的年度")
    last_inspection_result: InspectionResult | None = Field(description="最近一次年检结果")
    version: int = Field(description="版本号（与 ETag 相同）")


# --- yearly inspections -----------------------------------------------------


class InspectionFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    result: InspectionResult = Field(description="年检结论")
    inspected_date: IsoDate | None = Field(default=None, description="年检结论作出日期")
    notes: str | None = Field(
        default=None, max_length=2000, description="说明（不合格、未参检时须写明原因或整改要求）"
    )

    _inspected = field_validator("inspected_date")(optional_not_in_future)

    @model_validator(mode="after")
    def _explained(self) -> Self:
        needs_note = self.result in (InspectionResult.UNQUALIFIED, InspectionResult.NOT_INSPECTED)
        if needs_note and not self.notes:
            raise ValueError("年检不合格或未参检时须在说明中写明原因或整改要求")
        return self


class InspectionCreate(InspectionFields):
    year: int = Field(ge=2000, le=2100, description="年检年度（检查的是该年度的工作）")


class InspectionOut(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    year: int
    result: InspectionResult
    inspected_date: date | None
    notes: str | None
    version: int = Field(description="版本号（与 ETag 相同）")


# --- cases against illegal organisations ------------------------------------


class CaseFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200, description="非法社会组织名称（或自称名称）")
    source: CaseSource = Field(description="线索来源")
    source_detail: str | None = Field(
        default=None, max_length=1000, description="来源说明（“其他”时必填，如举报人、移送部门）"
    )
    opened_date: IsoDate = Field(description="立案（受理线索）日期")
    township_code: AreaCode | None = Field(
        default=None, description="活动地所在乡镇（街道）代码；跨乡镇或不明时可不填"
    )
    activities: str | None = Field(default=None, max_length=2000, description="活动情况")
    investigation_notes: str | None = Field(default=None, max_length=5000, description="调查情况")

    _township = field_validator("township_code")(township_in_tianmen)
    _opened = field_validator("opened_date")(not_in_future)

    @model_validator(mode="after")
    def _explained(self) -> Self:
        if self.source is CaseSource.OTHER and not self.source_detail:
            raise ValueError("线索来源为“其他”时须说明来源")
        return self


class CaseCreate(CaseFields):
    pass


class CaseUpdate(CaseFields):
    pass


class CaseClose(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: CaseOutcome = Field(description="处理结果")
    outcome_date: IsoDate = Field(description="处理日期")
    outcome_notes: str | None = Field(default=None, max_length=2000, description="处理情况说明")

    _decided = field_validator("outcome_date")(not_in_future)


class CaseOut(BaseModel):
    id: uuid.UUID
    name: str
    source: CaseSource
    source_detail: str | None
    opened_date: date
    township_code: AreaCode | None
    activities: str | None
    investigation_notes: str | None
    outcome: CaseOutcome | None = Field(description="处理结果；未结案时为空")
    outcome_date: date | None
    outcome_notes: str | None
    closed: bool = Field(description="是否已结案")
    version: int = Field(description="版本号（与 ETag 相同）")


# --- statistics ---------------------------------------------------------------


class TypeStatusCount(BaseModel):
    org_type: SocialOrgType
    status: OrgStatus
    count: int


class TownshipCount(BaseModel):
    township_code: AreaCode | None = Field(description="乡镇（街道）代码；市级为空")
    count: int


class OutcomeCount(BaseModel):
    outcome: CaseOutcome
    count: int


class OrganisationStats(BaseModel):
    """The organisations registered by the end of ``year`` (in their present status),
    that year's inspections, and the cases against illegal organisations closed in it."""

    year: int
    by_type_and_status: list[TypeStatusCount] = Field(description="按类型、状态的组织数")
    registered_by_township: list[TownshipCount] = Field(
        description="按乡镇的在册组织数（正常、停止活动）"
    )
    inspections_by_result: dict[InspectionResult, int] = Field(description="该年度年检结论")
    illegal_cases_by_outcome: list[OutcomeCount] = Field(description="该年结案的非法社会组织案件")
    illegal_dispersed: int = Field(description="该年劝散的非法社会组织数")
