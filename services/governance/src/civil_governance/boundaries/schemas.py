import uuid
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_governance.divisions.schemas import DivisionBrief, not_in_future
from civil_shared.types import AreaCode, AreaLevel, IsoDate, inside_tianmen


class SurveyStatus(StrEnum):
    """not_surveyed 未勘测; surveyed 已勘测（待核查）; verified 已核查确认; disputed 有争议."""

    NOT_SURVEYED = "not_surveyed"
    SURVEYED = "surveyed"
    VERIFIED = "verified"
    DISPUTED = "disputed"


class LineAction(StrEnum):
    """survey 勘测; verify 核查; open_dispute 登记争议; resolve_dispute 调处争议."""

    SURVEY = "survey"
    VERIFY = "verify"
    OPEN_DISPUTE = "open_dispute"
    RESOLVE_DISPUTE = "resolve_dispute"


class VerificationResult(StrEnum):
    """passed 核查通过（界线确认）; failed 核查未通过（须重新勘测或整改）."""

    PASSED = "passed"
    FAILED = "failed"


class DisputeStatus(StrEnum):
    """open 已登记; mediating 调处中; resolved 已解决."""

    OPEN = "open"
    MEDIATING = "mediating"
    RESOLVED = "resolved"


def township_level(code: AreaCode) -> AreaCode:
    inside_tianmen(code)
    if code.level is not AreaLevel.TOWNSHIP:
        raise ValueError("应为9位乡级区划代码")
    return code


TownshipCode = Annotated[AreaCode, AfterValidator(township_level)]
LengthKm = Annotated[
    Decimal, Field(gt=0, max_digits=9, decimal_places=3, description="界线长度（公里）")
]
SurveyBatch = Annotated[
    str, Field(min_length=1, max_length=50, description="勘测批次，如“2020年第一批”")
]


class BoundaryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    township_a_code: TownshipCode = Field(description="一侧乡镇（街道）代码")
    township_b_code: TownshipCode = Field(description="另一侧乡镇（街道）代码（与顺序无关）")
    length_km: LengthKm
    survey_batch: SurveyBatch | None = Field(default=None, description="已勘测时的勘测批次")
    surveyed_date: IsoDate | None = Field(default=None, description="已勘测时的勘测日期")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    @field_validator("surveyed_date")
    @classmethod
    def _surveyed(cls, value: date | None) -> date | None:
        return None if value is None else not_in_future(value)

    @model_validator(mode="after")
    def _survey_complete(self) -> Self:
        if (self.survey_batch is None) != (self.surveyed_date is None):
            raise ValueError("勘测批次与勘测日期须同时填写（未勘测时均不填）")
        return self


class BoundaryPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    length_km: LengthKm | None = None
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    @model_validator(mode="after")
    def _length_stays(self) -> Self:
        if "length_km" in self.model_fields_set and self.length_km is None:
            raise ValueError("界线长度不能为空")
        return self


class SurveyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    survey_batch: SurveyBatch
    surveyed_date: IsoDate = Field(description="勘测日期")
    length_km: LengthKm | None = Field(default=None, description="勘测所得长度（公里）")

    _surveyed = field_validator("surveyed_date")(not_in_future)


class VerificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    verified_date: IsoDate = Field(description="核查日期")
    team: str = Field(min_length=2, max_length=200, description="核查组（人员或单位）")
    result: VerificationResult = Field(description="核查结果")
    notes: str | None = Field(default=None, max_length=2000, description="核查情况说明")

    _verified = field_validator("verified_date")(not_in_future)

    @model_validator(mode="after")
    def _failure_explained(self) -> Self:
        if self.result is VerificationResult.FAILED and not self.notes:
            raise ValueError("核查未通过时须说明情况")
        return self


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    opened_date: IsoDate = Field(description="争议登记日期")
    description: str = Field(min_length=2, max_length=4000, description="争议情况")

    _opened = field_validator("opened_date")(not_in_future)


class DisputeStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: DisputeStatus = Field(description="新状态：mediating 或 resolved")
    resolution: str | None = Field(
        default=None, min_length=2, max_length=4000, description="处理结果（解决时必填）"
    )
    resolved_date: IsoDate | None = Field(default=None, description="解决日期（解决时必填）")

    @field_validator("resolved_date")
    @classmethod
    def _resolved(cls, value: date | None) -> date | None:
        return None if value is None else not_in_future(value)

    @model_validator(mode="after")
    def _resolution(self) -> Self:
        resolving = self.status is DisputeStatus.RESOLVED
        if resolving and (self.resolution is None or self.resolved_date is None):
            raise ValueError("解决争议时须填写处理结果和解决日期")
        if not resolving and (self.resolution is not None or self.resolved_date is not None):
            raise ValueError("只有解决争议时才填写处理结果和解决日期")
        return self


class VerificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    line_id: uuid.UUID
    verified_date: date
    team: str
    result: VerificationResult
    notes: str | None
    recorded_by: str


class DisputeOut(BaseModel):
    id: uuid.UUID
    line_id: uuid.UUID
    townships: list[DivisionBrief] = Field(description="界线两侧的乡镇（街道）")
    opened_date: date
    description: str
    status: DisputeStatus
    resolution: str | None
    resolved_date: date | None
    recorded_by: str
    allowed_statuses: list[DisputeStatus] = Field(description="可变更为的状态")
    version: int = Field(description="版本号（与 ETag 相同）")


class BoundaryOut(BaseModel):
    id: uuid.UUID
    townships: list[DivisionBrief] = Field(description="界线两侧的乡镇（街道），按代码排序")
    length_km: Decimal = Field(description="界线长度（公里）")
    survey_status: SurveyStatus = Field(description="勘测状态")
    survey_batch: str | None = Field(description="勘测批次")
    surveyed_date: date | None = Field(description="最近一次勘测日期")
    notes: str | None
    open_disputes: int = Field(description="未解决的争议数")
    allowed_actions: list[LineAction] = Field(description="当前可办理的事项")
    version: int = Field(description="版本号（与 ETag 相同）")


class BoundaryDetail(BoundaryOut):
    verifications: list[VerificationOut] = Field(description="核查记录（最近的在前）")
    disputes: list[DisputeOut] = Field(description="争议（最近的在前）")
