import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from civil_governance.communities.schemas import (
    community_code,
    not_in_future,
    year_not_in_future,
)
from civil_governance.community_workers.rules import (
    HIGHEST_SALARY_GRADE,
    AssessmentResult,
    WorkerPost,
    WorkerStatus,
)
from civil_shared.types import AreaCode, IdNumber, IsoDate, Sex

#: A mobile (11 digits from 1) or a landline with its area code (0728 is Tianmen's).
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"


class QuotaSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota: int = Field(ge=0, le=200, description="核定的社区工作者职数")


class QuotaOut(BaseModel):
    area_code: AreaCode = Field(description="村（社区）代码")
    community_name: str
    quota: int = Field(description="核定职数")
    in_post: int = Field(description="在职人数（在岗及离岗仍占职数者）")
    vacancies: int = Field(description="空缺职数（核定职数减在职人数，不小于0）")
    version: int = Field(description="版本号（与 ETag 相同）")


class WorkerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    area_code: AreaCode = Field(description="所在村（社区）12位代码")
    id_number: IdNumber = Field(description="身份证号")
    name: str = Field(min_length=1, max_length=100, description="姓名")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")
    post: WorkerPost = Field(description="岗位")
    salary_grade: int = Field(
        ge=1, le=HIGHEST_SALARY_GRADE, description=f"薪酬等级（1–{HIGHEST_SALARY_GRADE}）"
    )
    hired_date: IsoDate = Field(description="聘用日期")

    _area = field_validator("area_code")(community_code)
    _hired = field_validator("hired_date")(not_in_future)


class WorkerPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    post: WorkerPost | None = Field(default=None, description="岗位")
    salary_grade: int | None = Field(
        default=None, ge=1, le=HIGHEST_SALARY_GRADE, description="薪酬等级"
    )
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: WorkerStatus = Field(description="新状态")
    effective_date: IsoDate = Field(description="生效日期")
    reason: str = Field(min_length=2, max_length=500, description="原因（如借调、辞职、解聘）")

    _effective = field_validator("effective_date")(not_in_future)


class AssessmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="考核年度")
    result: AssessmentResult = Field(description="考核结果")
    notes: str | None = Field(default=None, max_length=2000, description="备注")

    _year = field_validator("year")(year_not_in_future)


class AssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    worker_id: uuid.UUID
    year: int
    result: AssessmentResult
    notes: str | None
    recorded_by: str


class WorkerOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    community_name: str
    id_number: IdNumber
    name: str
    sex: Sex = Field(description="性别（由身份证号得出）")
    phone: str | None
    post: WorkerPost
    salary_grade: int
    hired_date: date
    status: WorkerStatus
    status_date: date | None = Field(description="最近一次状态变更的生效日期")
    status_reason: str | None
    assessments: list[AssessmentOut] = Field(description="年度考核（近年在前）")
    version: int = Field(description="版本号（与 ETag 相同）")
