"""API models of households. ID numbers serialise masked unless the caller has pii:read."""

import uuid
from datetime import date
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from civil_assistance.households.enums import (
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    PropertyKind,
    Relation,
    ResidenceType,
)
from civil_shared.types import (
    TIANMEN,
    Amount,
    AreaCode,
    AreaLevel,
    DisabilityCategory,
    IdNumber,
    IsoDate,
    Money,
    Sex,
)


def household_area(code: AreaCode) -> AreaCode:
    """A household lives in a township or village of Tianmen, not in the city as a whole."""
    if code.level is AreaLevel.COUNTY or not TIANMEN.contains(code):
        raise ValueError("区划代码应为天门市（429006）内的9位乡镇（街道）或12位村（社区）代码")
    return code


#: A 9-digit township or 12-digit village/community code inside Tianmen.
HouseholdArea = Annotated[AreaCode, AfterValidator(household_area)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 -]{4,18}[0-9]$"),
]
DisabilityGrade = Annotated[int, Field(ge=1, le=4, description="残疾等级（1–4级）")]


def check_disability(category: DisabilityCategory | None, grade: int | None) -> None:
    if (category is None) != (grade is None):
        raise ValueError("残疾类别与残疾等级须同时填写或同时为空")


def check_death_date(id_number: IdNumber, death_date: date | None) -> None:
    if death_date is None:
        return
    if death_date > date.today():
        raise ValueError("死亡日期不能晚于今天")
    if death_date < id_number.birth_date:
        raise ValueError("死亡日期不能早于出生日期")


class IncomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IncomeKind = Field(description="收入类别")
    monthly_amount: Amount = Field(description="月收入（元）")


def check_income_kinds(incomes: list[IncomeIn]) -> None:
    kinds = [income.kind for income in incomes]
    if len(set(kinds)) != len(kinds):
        raise ValueError("同一成员的同一类收入只能填写一项")


class MemberIn(BaseModel):
    """A member as entered: the age and sex come from the ID number."""

    model_config = ConfigDict(extra="forbid")

    id_number: IdNumber = Field(description="身份证号")
    name: Name = Field(description="姓名")
    relation: Relation = Field(description="与户主关系")
    employment_status: EmploymentStatus = Field(description="就业状况")
    phone: Phone | None = Field(default=None, description="联系电话")
    disability_category: DisabilityCategory | None = Field(default=None, description="残疾类别")
    disability_grade: DisabilityGrade | None = None
    death_date: IsoDate | None = Field(default=None, description="死亡日期")
    incomes: list[IncomeIn] = Field(default_factory=list, max_length=20, description="月收入")

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_disability(self.disability_category, self.disability_grade)
        check_death_date(self.id_number, self.death_date)
        check_income_kinds(self.incomes)
        return self


class MemberPatch(BaseModel):
    """Fields to change; a field sent as null is cleared. The ID number cannot change:
    remove the member and add the right person instead."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    relation: Relation | None = Field(default=None, description="与户主关系")
    former_head_relation: Relation | None = Field(
        default=None,
        description="把本成员设为户主时，原户主的新关系（必填，不能为 head）",
    )
    employment_status: EmploymentStatus | None = None
    phone: Phone | None = None
    disability_category: DisabilityCategory | None = None
    disability_grade: DisabilityGrade | None = None
    death_date: IsoDate | None = None
    incomes: list[IncomeIn] | None = Field(
        default=None, max_length=20, description="月收入（提供时整体替换）"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for required in ("name", "relation", "employment_status"):
            if required in self.model_fields_set and getattr(self, required) is None:
                raise ValueError(f"{required} 不能为空")
        if self.former_head_relation is Relation.HEAD:
            raise ValueError("原户主的新关系不能是户主")
        if self.incomes is not None:
            check_income_kinds(self.incomes)
        return self


class PropertyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: PropertyKind = Field(description="财产类别")
    description: Address = Field(description="说明")
    value: Amount = Field(description="价值（元）")


class HouseholdFields(BaseModel):
    """The household's own fields, with its property declarations (replaced as a whole)."""

    model_config = ConfigDict(extra="forbid")

    area_code: HouseholdArea = Field(description="所在乡镇（街道）或村（社区）代码")
    address: Address = Field(description="家庭住址")
    residence_type: ResidenceType = Field(description="城乡类别（决定城市或农村低保）")
    income_stability: IncomeStability = Field(description="家庭收入是否稳定（决定复核周期）")
    in_poverty_alleviation: bool = Field(default=False, description="是否精准扶贫建档立卡户")
    properties: list[PropertyIn] = Field(max_length=100, description="家庭财产申报")


class HouseholdCreate(HouseholdFields):
    properties: list[PropertyIn] = Field(
        default_factory=list, max_length=100, description="家庭财产申报"
    )
    members: list[MemberIn] = Field(min_length=1, max_length=50, description="家庭成员")

    @model_validator(mode="after")
    def _one_head_each_person_once(self) -> Self:
        heads = sum(1 for m in self.members if m.relation is Relation.HEAD)
        if heads != 1:
            raise ValueError(f"每户须有且只有一名户主（现有 {heads} 名）")
        numbers = [str(m.id_number) for m in self.members]
        if len(set(numbers)) != len(numbers):
            raise ValueError("同一身份证号在家庭成员中出现多次")
        return self


class HouseholdUpdate(HouseholdFields):
    """PUT: replaces every field of the household and its property declarations."""


class IncomeOut(BaseModel):
    kind: IncomeKind
    monthly_amount: Money
    counted: bool = Field(description="是否计入家庭收入（低保收入核算）")


class MemberOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: Sex = Field(description="性别（由身份证号得出）")
    age: int = Field(description="年龄（由身份证号计算；已故成员为去世时年龄）")
    relation: Relation
    employment_status: EmploymentStatus
    phone: str | None
    disability_category: DisabilityCategory | None
    disability_grade: int | None
    death_date: date | None
    incomes: list[IncomeOut]


class PropertyOut(BaseModel):
    id: uuid.UUID
    kind: PropertyKind
    description: str
    value: Money


class HouseholdOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    address: str
    residence_type: ResidenceType
    income_stability: IncomeStability
    in_poverty_alleviation: bool
    member_count: int = Field(description="在世成员人数（收入核算的人数）")
    income_per_person: Money | None = Field(
        description="家庭月人均收入（元）：在世成员计入类收入之和除以在世人数，精确到分"
    )
    members: list[MemberOut]
    properties: list[PropertyOut]
    version: int = Field(description="版本号（即 ETag）")
