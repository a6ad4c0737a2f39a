"""API models of de facto unsupported children."""

from datetime import date
from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from civil_shared.types import Amount, DisabilityCategory, IdNumber, Money, Period
from civil_welfare.children.fields import Guardian, Name, PastDate, VillageCode
from civil_welfare.children.support.schemas import ChildPart, Note
from civil_welfare.children.unsupported.qualification import Outcome, ParentSituation, ParentState


class Parent(BaseModel):
    """One parent's situation. ``disabled`` needs category and grade; ``out_of_contact``
    needs the date contact was lost; other states take neither."""

    model_config = ConfigDict(extra="forbid")

    state: ParentState = Field(description="父（母）情况")
    disability_category: DisabilityCategory | None = Field(
        default=None, description="残疾类别（残疾时必填）"
    )
    disability_grade: int | None = Field(
        default=None, ge=1, le=4, description="残疾等级 1–4（残疾时必填）"
    )
    out_of_contact_since: PastDate | None = Field(
        default=None, description="失联起始日期（失联时必填）"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        disabled = self.state is ParentState.DISABLED
        if disabled != (self.disability_category is not None and self.disability_grade is not None):
            raise ValueError("残疾时须填写残疾类别和等级，其他情况不填")
        if not disabled and (self.disability_category or self.disability_grade):
            raise ValueError("残疾时须填写残疾类别和等级，其他情况不填")
        if (self.state is ParentState.OUT_OF_CONTACT) != (self.out_of_contact_since is not None):
            raise ValueError("失联时须填写失联起始日期，其他情况不填")
        return self

    def situation(self) -> ParentSituation:
        return ParentSituation(
            state=self.state,
            disability_category=self.disability_category,
            disability_grade=self.disability_grade,
            out_of_contact_since=self.out_of_contact_since,
        )


class UnsupportedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="儿童身份证号")
    name: Name = Field(description="姓名")
    area_code: VillageCode = Field(description="户籍所在村（社区）12位代码")
    father: Parent = Field(description="父亲情况")
    mother: Parent = Field(description="母亲情况")
    guardian: Guardian = Field(description="监护人（实际抚养人）")
    assessed_date: PastDate = Field(description="认定日期：按此日的父母情况计算是否符合条件")
    start_period: Period = Field(description="起始发放月份")
    other_support_monthly: Amount = Field(
        default=Decimal("0.00"),
        description="儿童已享受的低保、特困供养或困难残疾人生活补贴（元/月），补贴只发差额",
    )
    other_support_note: Note | None = Field(
        default=None, description="已享受的其他保障说明（如“农村低保 350 元/月”）"
    )
    situation: Note | None = Field(default=None, description="基本情况")


class UnsupportedUpdate(BaseModel):
    """PATCH: only the fields sent change. A change of the parents' situation (or of the
    assessment day) is qualified again: a child who no longer qualifies is refused (422);
    end the case instead."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    area_code: VillageCode | None = None
    father: Parent | None = None
    mother: Parent | None = None
    guardian: Guardian | None = None
    assessed_date: PastDate | None = None
    other_support_monthly: Amount | None = None
    other_support_note: Note | None = None
    situation: Note | None = None

    @model_validator(mode="after")
    def _required(self) -> Self:
        for field in (
            "name",
            "area_code",
            "father",
            "mother",
            "guardian",
            "assessed_date",
            "other_support_monthly",
        ):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class QualificationCheck(BaseModel):
    """Check the rule without recording anything."""

    model_config = ConfigDict(extra="forbid")

    father: Parent
    mother: Parent
    on: PastDate | None = Field(default=None, description="按哪一天判断（默认今天）")
    area_code: VillageCode | None = Field(
        default=None, description="儿童所在村（社区），用于取失联月数参数（默认全市）"
    )


class QualificationOut(BaseModel):
    outcome: Outcome = Field(description="认定结果")
    qualifies: bool
    father_unable: bool = Field(description="父亲是否无法履行抚养义务（重残、重病、服刑等）")
    mother_unable: bool = Field(description="母亲是否无法履行抚养义务")
    reasons: list[str] = Field(description="判断依据")
    assessed_on: date = Field(description="判断日期")
    parent_missing_min_months: int = Field(description="失联认定最短月数（政策参数）")


class UnsupportedOut(ChildPart):
    father: Parent
    mother: Parent
    other_support_monthly: Money = Field(description="已享受的其他保障（元/月）")
    other_support_note: str | None
    qualification: QualificationOut = Field(description="按认定日期计算的认定结果")
