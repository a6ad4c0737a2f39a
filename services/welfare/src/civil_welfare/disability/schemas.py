"""API models and vocabularies of the disabled persons' register and the two subsidies.

ID numbers serialise masked unless the caller has ``pii:read``.
"""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Final, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    StringConstraints,
    field_validator,
    model_validator,
)

from civil_shared.types import (
    TIANMEN,
    AreaCode,
    AreaLevel,
    DisabilityCategory,
    IdNumber,
    IsoDate,
    Period,
    Sex,
    pii_revealed,
)


class RegisterStatus(StrEnum):
    """active 在册; moved_out 迁出本市; deceased 死亡; cancelled 残疾人证注销."""

    ACTIVE = "active"  # 在册
    MOVED_OUT = "moved_out"  # 迁出
    DECEASED = "deceased"  # 死亡
    CANCELLED = "cancelled"  # 证件注销（如复评不再属于残疾）


#: Which statuses a register entry may move to from each status.
TRANSITIONS: Final[dict[RegisterStatus, tuple[RegisterStatus, ...]]] = {
    RegisterStatus.ACTIVE: (
        RegisterStatus.MOVED_OUT,
        RegisterStatus.DECEASED,
        RegisterStatus.CANCELLED,
    ),
    RegisterStatus.MOVED_OUT: (RegisterStatus.ACTIVE,),  # moved back
    RegisterStatus.CANCELLED: (RegisterStatus.ACTIVE,),  # certified again
    RegisterStatus.DECEASED: (),
}


class DisabilitySubsidy(StrEnum):
    """living 困难残疾人生活补贴; care 重度残疾人护理补贴."""

    LIVING = "living"  # 困难残疾人生活补贴
    CARE = "care"  # 重度残疾人护理补贴

    @property
    def label(self) -> str:
        return SUBSIDY_LABELS[self]


SUBSIDY_LABELS: Final = {
    DisabilitySubsidy.LIVING: "困难残疾人生活补贴",
    DisabilitySubsidy.CARE: "重度残疾人护理补贴",
}


class Outcome(StrEnum):
    """granted 同意发放; refused 不予发放."""

    GRANTED = "granted"
    REFUSED = "refused"


class RefusalReason(StrEnum):
    """Why a subsidy is refused: not_in_dibao 家庭未享受低保; not_in_dibao_or_edge
    家庭既非低保也非低保边缘家庭; edge_of_dibao_unknown 无法判定是否低保边缘家庭;
    in_tekun 本人享受特困人员救助供养; in_orphan_scheme 已纳入孤儿保障;
    grade_not_covered 残疾类别和等级不在护理补贴范围; no_long_term_care_need
    无长期护理需要; care_need_too_short 长期护理需要未满规定月数."""

    NOT_IN_DIBAO = "not_in_dibao"
    NOT_IN_DIBAO_OR_EDGE = "not_in_dibao_or_edge"
    EDGE_OF_DIBAO_UNKNOWN = "edge_of_dibao_unknown"
    IN_TEKUN = "in_tekun"
    IN_ORPHAN_SCHEME = "in_orphan_scheme"
    GRADE_NOT_COVERED = "grade_not_covered"
    NO_LONG_TERM_CARE_NEED = "no_long_term_care_need"
    CARE_NEED_TOO_SHORT = "care_need_too_short"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS: Final = {
    RefusalReason.NOT_IN_DIBAO: "家庭未享受最低生活保障",
    RefusalReason.NOT_IN_DIBAO_OR_EDGE: "家庭既未享受低保，也不是低保边缘家庭",
    RefusalReason.EDGE_OF_DIBAO_UNKNOWN: "救助服务无法判定其家庭是否低保边缘家庭",
    RefusalReason.IN_TEKUN: "本人享受特困人员救助供养，不再享受两项补贴",
    RefusalReason.IN_ORPHAN_SCHEME: "已纳入孤儿基本生活保障，不享受生活补贴",
    RefusalReason.GRADE_NOT_COVERED: "残疾类别和等级不在护理补贴范围内",
    RefusalReason.NO_LONG_TERM_CARE_NEED: "无长期护理需要",
    RefusalReason.CARE_NEED_TOO_SHORT: "长期护理需要未满规定月数",
}


class GrantStatus(StrEnum):
    """active 发放中; stopped 已停发."""

    ACTIVE = "active"
    STOPPED = "stopped"


GRANT_TRANSITIONS: Final[dict[GrantStatus, tuple[GrantStatus, ...]]] = {
    GrantStatus.ACTIVE: (GrantStatus.STOPPED,),
    GrantStatus.STOPPED: (),
}


# --- field types ----------------------------------------------------------------------


def village_in_tianmen(value: AreaCode) -> AreaCode:
    """A person's record names the village or community (12 digits) in Tianmen."""
    if not TIANMEN.contains(value) or value.level is not AreaLevel.VILLAGE:
        raise ValueError("所在区域应为天门市的村（社区）12位代码")
    return value


def not_in_future(value: date | None) -> date | None:
    if value is not None and value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


Village = Annotated[AreaCode, AfterValidator(village_in_tianmen)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
]
Grade = Annotated[int, Field(ge=1, le=4, description="残疾等级（1–4级，1级最重）")]
CertificateNumber = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^\d{17}[\dX][1-7][1-4]$"),
]


def check_certificate(
    certificate_number: str, id_number: str, category: DisabilityCategory, grade: int
) -> None:
    """第二代残疾人证号: the holder's 18-character ID number, then the category digit
    (1 visual … 7 multiple), then the grade digit (1–4)."""
    if certificate_number[:18] != id_number:
        raise ValueError("残疾人证号前18位应为持证人的身份证号")
    if certificate_number[18] != category.certificate_digit or certificate_number[19] != str(grade):
        raise ValueError("残疾人证号第19、20位应为残疾类别代码和残疾等级，与所填类别、等级不符")


def _certificate_json(value: str, info: SerializationInfo) -> str:
    """The certificate number holds the ID number: masked like it, the two codes shown."""
    context = info.context
    if pii_revealed.get() or (isinstance(context, dict) and context.get("reveal_pii") is True):
        return value
    return f"{value[:6]}{'*' * 8}{value[14:]}"


#: A stored certificate number, masked in JSON unless the caller has pii:read.
MaskedCertificate = Annotated[
    str,
    PlainSerializer(_certificate_json, return_type=str, when_used="json"),
    Field(description="残疾人证号（无 pii:read 权限时出生日期部分脱敏）"),
]


# --- the register ---------------------------------------------------------------------


class DisabledPersonFields(BaseModel):
    """What staff keep up to date (PUT replaces all of it); the ID number never changes."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="姓名")
    area_code: Village = Field(description="户籍所在村（社区）12位代码")
    address: Text200 | None = Field(default=None, description="住址")
    phone: Phone | None = Field(default=None, description="联系电话")
    certificate_number: CertificateNumber = Field(
        description="残疾人证号（20位：身份证号+残疾类别代码+残疾等级代码）"
    )
    category: DisabilityCategory = Field(description="残疾类别")
    grade: Grade
    care_need_since: IsoDate | None = Field(
        default=None, description="经评估需要长期照护的起始日期（无长期护理需要时为空）"
    )

    _since = field_validator("care_need_since")(not_in_future)


class DisabledPersonCreate(DisabledPersonFields):
    id_number: IdNumber = Field(description="身份证号")

    @model_validator(mode="after")
    def _certificate(self) -> Self:
        check_certificate(self.certificate_number, str(self.id_number), self.category, self.grade)
        return self


class DisabledPersonUpdate(DisabledPersonFields):
    """PUT: every field; the certificate number is checked against the stored ID number."""


class DisabledPersonOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: Sex = Field(description="性别（由身份证号得出）")
    age: int = Field(description="年龄（由身份证号计算）")
    area_code: AreaCode
    address: str | None
    phone: str | None
    certificate_number: MaskedCertificate
    category: DisabilityCategory
    grade: int
    care_need_since: date | None
    care_need_months: int | None = Field(description="截至今天的长期护理需要月数")
    status: RegisterStatus
    status_reason: str | None
    status_date: date | None
    active_subsidies: list[DisabilitySubsidy] = Field(description="正在发放的补贴")
    version: int = Field(description="版本号（即 ETag）")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RegisterStatus = Field(description="新状态")
    reason: str = Field(min_length=2, max_length=500, description="原因")
    status_date: IsoDate = Field(default_factory=date.today, description="变更日期（如死亡日期）")

    _date = field_validator("status_date")(not_in_future)


# --- applications, decisions, grants --------------------------------------------------


class SubsidyApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subsidies: list[DisabilitySubsidy] = Field(
        default_factory=lambda: list(DisabilitySubsidy),
        min_length=1,
        max_length=2,
        description="申请的补贴（默认两项都申请）",
    )
    start_period: Period = Field(description="同意时的起始发放月份（不早于审核当月）")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    @field_validator("subsidies")
    @classmethod
    def _distinct(cls, value: list[DisabilitySubsidy]) -> list[DisabilitySubsidy]:
        if len(set(value)) != len(value):
            raise ValueError("申请的补贴不能重复")
        return value


class AssistanceAnswer(BaseModel):
    """What the assistance service said when the application was decided."""

    in_dibao: bool = Field(description="本人或所在家庭享受低保")
    in_tekun: bool = Field(description="本人享受特困供养")
    household_edge_of_dibao: bool | None = Field(description="所在家庭是否低保边缘家庭")
    programmes: list[str] = Field(description="当时的救助项目")
    checked_on: date = Field(description="救助服务判断所依据的日期")


class DecisionOut(BaseModel):
    id: uuid.UUID
    subsidy: DisabilitySubsidy
    outcome: Outcome
    reasons: list[RefusalReason] = Field(description="不予发放的原因（同意时为空）")
    reason_text: str | None = Field(description="不予发放的原因（中文）")
    grant_id: uuid.UUID | None = Field(description="同意时生成的发放记录")


class ApplicationOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    start_period: Period
    decided_on: date
    decided_by: str
    category: DisabilityCategory = Field(description="审核时的残疾类别")
    grade: int = Field(description="审核时的残疾等级")
    care_need_months: int | None = Field(description="审核时的长期护理需要月数")
    in_orphan_scheme: bool = Field(description="审核时是否纳入孤儿保障")
    assistance: AssistanceAnswer
    decisions: list[DecisionOut]
    notes: str | None


class GrantOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    id_number: IdNumber
    name: str
    area_code: AreaCode
    subsidy: DisabilitySubsidy
    start_period: Period
    end_period: Period | None = Field(description="最后发放月份（停发后）")
    status: GrantStatus
    stop_reason: str | None
    version: int = Field(description="版本号（即 ETag）")


class GrantStop(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=2, max_length=500, description="停发原因")
    end_period: Period | None = Field(
        default=None, description="最后发放月份（默认本月；尚未开始发放的为起始月份的前一月）"
    )
