import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_governance.communities.schemas import community_code
from civil_shared.types import Amount, AreaCode, CreditCode, IsoDate


class ProjectKind(StrEnum):
    """psychological_aid 心理援助; elderly_care 为老服务; child_welfare 儿童关爱;
    disability_support 助残服务; social_assistance 社会救助服务; community_governance
    社区治理; other 其他."""

    PSYCHOLOGICAL_AID = "psychological_aid"  # 心理援助
    ELDERLY_CARE = "elderly_care"  # 为老服务
    CHILD_WELFARE = "child_welfare"  # 儿童关爱
    DISABILITY_SUPPORT = "disability_support"  # 助残服务
    SOCIAL_ASSISTANCE = "social_assistance"  # 社会救助服务
    COMMUNITY_GOVERNANCE = "community_governance"  # 社区治理
    OTHER = "other"  # 其他


class ProjectStage(StrEnum):
    """planned 未开始; ongoing 实施中; finished 已结束 (by today's date)."""

    PLANNED = "planned"
    ONGOING = "ongoing"
    FINISHED = "finished"


class ProjectFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=200, description="项目名称")
    kind: ProjectKind = Field(description="服务类别")
    pilot: bool = Field(default=False, description="是否试点项目（如心理援助试点）")
    service: str = Field(min_length=2, max_length=2000, description="购买的服务内容")
    provider_name: str = Field(min_length=2, max_length=200, description="承接机构名称")
    provider_credit_code: CreditCode | None = Field(
        default=None, description="承接机构统一社会信用代码"
    )
    budget: Amount = Field(description="项目预算（元）")
    start_date: IsoDate = Field(description="服务期开始日期")
    end_date: IsoDate = Field(description="服务期结束日期（含当日）")

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("服务期结束日期不能早于开始日期")
        return self


class ProjectCreate(ProjectFields):
    area_code: AreaCode = Field(description="服务的村（社区）12位代码")

    _area = field_validator("area_code")(community_code)


class ProjectUpdate(ProjectFields):
    """The whole project but its community, replaced (with If-Match)."""


class ProjectOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    community_name: str
    name: str
    kind: ProjectKind
    pilot: bool
    service: str
    provider_name: str
    provider_credit_code: CreditCode | None
    budget: Amount
    start_date: date
    end_date: date
    stage: ProjectStage = Field(description="按今日计的实施阶段")
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")
