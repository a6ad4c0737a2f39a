import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from civil_governance.communities.schemas import community_code
from civil_governance.community_workers.schemas import PHONE_PATTERN
from civil_governance.organisations.schemas import township_in_tianmen
from civil_governance.volunteers.rules import (
    MAX_SKILL_LENGTH,
    MAX_SKILLS,
    CalendarDayKind,
    OrganisationKind,
    VolunteerStatus,
)
from civil_governance.volunteers.workdays import today
from civil_shared.runtime.imports import ImportResult
from civil_shared.types import AreaCode, IdNumber, IsoDate, Sex


def two_places(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


#: One record's hours: more than 0, at most 24, two decimal places.
Hours = Annotated[
    Decimal,
    Field(
        gt=0,
        le=24,
        max_digits=4,
        decimal_places=2,
        description="服务时长（小时），0–24，最多两位小数",
    ),
    AfterValidator(two_places),
]
Skill = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SKILL_LENGTH)
]
#: An activity's code: what import files name it by.
ACTIVITY_CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]{1,29}$"
KIND_DESCRIPTION = (
    "组织类别：volunteer_association 志愿者协会（联合会）；volunteer_team 志愿服务队；"
    "social_organisation 社会组织；community 村（社区）；public_institution 机关、事业单位；"
    "enterprise 企业；school 学校；other 其他"
)


def not_in_future(value: date) -> date:
    if value > today():
        raise ValueError("日期不能晚于今天")
    return value


def distinct_skills(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("专长不能重复")
    return value


# --- volunteers --------------------------------------------------------------------


#: The latest activity date taken: the entry deadline (ten working days on) must stay a
#: date (a date late in 9999 was a 500).
LAST_ACTIVITY_DATE: Final = date(2100, 12, 31)


class VolunteerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id_number: IdNumber = Field(description="身份证号（每人只能注册一次）")
    name: str = Field(min_length=1, max_length=100, description="姓名")
    phone: str = Field(pattern=PHONE_PATTERN, description="联系电话")
    area_code: AreaCode = Field(description="注册所在村（社区）12位区划代码")
    registered_date: IsoDate = Field(description="注册日期")
    skills: list[Skill] = Field(
        default_factory=list, max_length=MAX_SKILLS, description="专长（如医疗、心理疏导、法律）"
    )

    _area = field_validator("area_code")(community_code)
    _registered = field_validator("registered_date")(not_in_future)
    _skills = field_validator("skills")(distinct_skills)


class VolunteerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=100, description="姓名")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")
    area_code: AreaCode | None = Field(default=None, description="注册所在村（社区）（迁移）")
    skills: list[Skill] | None = Field(default=None, max_length=MAX_SKILLS, description="专长")

    @field_validator("area_code")
    @classmethod
    def _area(cls, value: AreaCode | None) -> AreaCode | None:
        return None if value is None else community_code(value)

    @field_validator("skills")
    @classmethod
    def _skills(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else distinct_skills(value)


class VolunteerStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: VolunteerStatus = Field(description="新状态：deregistered 注销；active 恢复在册")
    effective_date: IsoDate = Field(description="生效日期")
    reason: str = Field(min_length=2, max_length=500, description="原因（如本人申请注销）")

    _effective = field_validator("effective_date")(not_in_future)


class VolunteerOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: Sex = Field(description="性别（由身份证号得出）")
    phone: str
    area_code: AreaCode = Field(description="注册所在村（社区）")
    registered_date: date
    skills: list[str]
    status: VolunteerStatus
    status_date: date | None = Field(description="最近一次状态变更的生效日期")
    status_reason: str | None
    version: int = Field(description="版本号（与 ETag 相同）")


# --- organisations -----------------------------------------------------------------


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200, description="组织名称（唯一）")
    kind: OrganisationKind = Field(description=KIND_DESCRIPTION)
    township_code: AreaCode | None = Field(
        default=None, description="所在乡镇（街道）9位代码；市级组织不填"
    )
    contact_name: str = Field(min_length=1, max_length=100, description="联系人")
    contact_phone: str = Field(pattern=PHONE_PATTERN, description="联系电话")

    _township = field_validator("township_code")(township_in_tianmen)


class OrganisationPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=200, description="组织名称")
    kind: OrganisationKind | None = Field(default=None, description=KIND_DESCRIPTION)
    contact_name: str | None = Field(default=None, min_length=1, max_length=100)
    contact_phone: str | None = Field(default=None, pattern=PHONE_PATTERN)


class OrganisationOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: OrganisationKind
    township_code: AreaCode | None = Field(description="所在乡镇（街道）；空为市级")
    contact_name: str
    contact_phone: str
    version: int = Field(description="版本号（与 ETag 相同）")


# --- activities ----------------------------------------------------------------------


class ActivityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str | None = Field(
        default=None,
        pattern=ACTIVITY_CODE_PATTERN,
        description="活动编号（导入服务记录时引用）；不填则自动编为 HD年份+序号",
    )
    organisation_id: uuid.UUID = Field(description="组织单位")
    title: str = Field(min_length=2, max_length=200, description="活动名称")
    activity_date: IsoDate = Field(
        le=LAST_ACTIVITY_DATE, description="活动日期（服务记录的服务日期）"
    )
    place: str = Field(min_length=2, max_length=200, description="活动地点")
    township_code: AreaCode = Field(description="活动所在乡镇（街道）9位代码")
    organiser: str = Field(min_length=1, max_length=100, description="活动负责人")
    content: str | None = Field(default=None, max_length=2000, description="服务内容")

    _township = field_validator("township_code")(township_in_tianmen)


class ActivityPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=2, max_length=200)
    activity_date: IsoDate | None = Field(
        default=None, le=LAST_ACTIVITY_DATE, description="活动日期（已有服务记录时不能修改）"
    )
    place: str | None = Field(default=None, min_length=2, max_length=200)
    organiser: str | None = Field(default=None, min_length=1, max_length=100)
    content: str | None = Field(default=None, max_length=2000)


class ActivityOut(BaseModel):
    id: uuid.UUID
    code: str
    organisation_id: uuid.UUID
    organisation_name: str
    title: str
    activity_date: date
    place: str
    township_code: AreaCode
    organiser: str
    content: str | None
    entry_deadline: date = Field(description="服务记录按时登记的最后一天（活动后第10个工作日）")
    records: int = Field(description="服务记录数")
    hours: Decimal = Field(description="服务时长合计（小时）")
    version: int = Field(description="版本号（与 ETag 相同）")


# --- service records -----------------------------------------------------------------


class ServiceRecordCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="志愿者身份证号（须已注册）")
    activity_id: uuid.UUID = Field(description="活动")
    hours: Hours


class ServiceRecordPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: Hours


class ServiceRecordOut(BaseModel):
    id: uuid.UUID
    volunteer_id: uuid.UUID
    volunteer_name: str
    id_number: IdNumber
    activity_id: uuid.UUID
    activity_code: str
    activity_title: str
    organisation_name: str
    township_code: AreaCode = Field(description="活动所在乡镇（街道）")
    service_date: date = Field(description="服务日期（即活动日期）")
    hours: Decimal
    entered_at: datetime = Field(description="登记时间")
    entered_by: str
    entry_deadline: date = Field(description="按时登记的最后一天（活动后第10个工作日）")
    late: bool = Field(description="是否逾期登记（登记日期晚于 entry_deadline）")
    version: int = Field(description="版本号（与 ETag 相同）")


class ServiceImportResult(ImportResult):
    late: int = Field(description="其中逾期登记（活动后超过10个工作日）的记录数")
    hours: Decimal = Field(description="导入的服务时长合计（小时）")
    volunteers: int = Field(description="涉及的志愿者人数")
    activities: int = Field(description="涉及的活动数")


# --- certificate -----------------------------------------------------------------------


class CertificateOrganisation(BaseModel):
    organisation_id: uuid.UUID
    name: str
    records: int
    hours: Decimal


class VolunteerCertificate(BaseModel):
    """志愿服务证明: what the volunteer served, in total and by organisation."""

    volunteer_id: uuid.UUID
    name: str
    id_number: IdNumber = Field(description="身份证号（无 pii:read 权限时脱敏）")
    registered_date: date
    area_code: AreaCode
    period_from: date | None = Field(description="证明期间起（请求未指定时为最早的服务日期）")
    period_to: date | None = Field(description="证明期间止（请求未指定时为最近的服务日期）")
    total_hours: Decimal = Field(description="累计服务时长（小时）")
    records: int = Field(description="服务记录数")
    organisations: list[CertificateOrganisation] = Field(description="服务的组织（时长多者在前）")
    issuer: str = Field(description="出具单位")
    issued_date: date = Field(description="出具日期")


CertificateFormat = Literal["json", "xlsx"]


# --- statistics --------------------------------------------------------------------------


class VolunteerFigures(BaseModel):
    volunteers_registered: int = Field(description="年末（本年为今天）在册的注册志愿者")
    volunteers_with_hours: int = Field(description="年内有服务记录的志愿者")
    service_hours: Decimal = Field(description="年内志愿服务时长（小时）")
    records: int = Field(description="年内服务记录数")


class TownshipVolunteers(VolunteerFigures):
    area_code: AreaCode = Field(description="乡镇（街道）代码（志愿者注册地）")


class VolunteerStats(VolunteerFigures):
    year: int
    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    on: date = Field(description="在册人数的统计日")
    by_township: list[TownshipVolunteers]


# --- working calendar ----------------------------------------------------------------------


class CalendarDaySet(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CalendarDayKind = Field(description="holiday 放假；workday 调休上班（只能是周末）")
    name: str = Field(min_length=1, max_length=50, description="节日名称，如 春节、国庆节调休")


class CalendarDayOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    kind: CalendarDayKind
    name: str
