"""API models of orphans and of the orphan allowance standards by year."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from civil_shared.types import AreaCode, IdNumber, Money, Period
from civil_welfare.children.fields import Guardian, Name, PastDate, VillageCode
from civil_welfare.children.support.schemas import ChildPart, Note

InstitutionName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)
]


class OrphanKind(StrEnum):
    """scattered 社会散居孤儿; institution 集中供养孤儿（儿童福利机构养育）."""

    SCATTERED = "scattered"  # 散居
    INSTITUTION = "institution"  # 集中供养


class OrphanParentState(StrEnum):
    """dead 死亡; missing 失踪或查找不到."""

    DEAD = "dead"  # 死亡
    MISSING = "missing"  # 失踪、查找不到


def check_kind(kind: OrphanKind, institution_name: str | None, guardian: Guardian | None) -> None:
    if (kind is OrphanKind.INSTITUTION) != (institution_name is not None):
        raise ValueError("集中供养孤儿须填写供养机构名称，散居孤儿不填")
    if kind is OrphanKind.SCATTERED and guardian is None:
        raise ValueError("散居孤儿须填写监护人")


class OrphanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="孤儿身份证号")
    name: Name = Field(description="姓名")
    area_code: VillageCode = Field(description="户籍所在村（社区）12位代码")
    kind: OrphanKind = Field(description="散居或集中供养")
    institution_name: InstitutionName | None = Field(
        default=None, description="供养机构（集中供养时必填）"
    )
    father_state: OrphanParentState = Field(description="父亲情况")
    mother_state: OrphanParentState = Field(description="母亲情况")
    guardian: Guardian | None = Field(default=None, description="监护人（散居孤儿必填）")
    assessed_date: PastDate = Field(description="认定日期：此日须未满18周岁")
    start_period: Period = Field(description="起始发放月份")
    situation: Note | None = Field(default=None, description="基本情况")

    @model_validator(mode="after")
    def _kind(self) -> Self:
        check_kind(self.kind, self.institution_name, self.guardian)
        return self


class OrphanUpdate(BaseModel):
    """PATCH: only the fields sent change. A change of kind applies to every month not
    yet paid (a monthly run already made is never recomputed)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    area_code: VillageCode | None = None
    kind: OrphanKind | None = None
    institution_name: InstitutionName | None = None
    father_state: OrphanParentState | None = None
    mother_state: OrphanParentState | None = None
    guardian: Guardian | None = None
    situation: Note | None = None

    @model_validator(mode="after")
    def _required(self) -> Self:
        for field in ("name", "area_code", "kind", "father_state", "mother_state"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class OrphanOut(ChildPart):
    kind: OrphanKind
    institution_name: str | None
    father_state: OrphanParentState
    mother_state: OrphanParentState


class StandardYear(BaseModel):
    """The orphan allowance standards of one year and their growth on the year before."""

    year: int
    scattered: Money | None = Field(description="散居孤儿基本生活费（元/人·月）；未设定为空")
    institution: Money | None = Field(description="集中供养孤儿基本生活费（元/人·月）")
    scattered_growth_pct: Decimal | None = Field(
        description="散居标准较上年增长（%，两位小数）；上年未设定为空"
    )
    institution_growth_pct: Decimal | None = Field(description="集中供养标准较上年增长（%）")
    institution_above_scattered: bool | None = Field(
        description="集中供养标准是否高于散居标准（应为是）；任一未设定为空"
    )


class Standards(BaseModel):
    """The standard by year: read from the parameters, growth computed, never stored."""

    area_code: AreaCode = Field(description="标准适用的区域")
    years: list[StandardYear]
    warnings: list[str] = Field(description="发现的问题，如集中供养标准不高于散居标准")
