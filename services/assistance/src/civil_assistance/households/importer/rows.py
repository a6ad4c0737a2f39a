"""The cells of an import row, validated field by field (Chinese labels accepted).

A row holds two parts: the household's cells, repeated on every row of the
household and validated once per household, and the member's. Both are
pydantic TypedDicts: a quarter of a million rows must not each build a model.
"""

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Final, NotRequired, TypeVar

from pydantic import BeforeValidator, TypeAdapter
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs it for TypedDicts before 3.12

from civil_assistance.households.enums import (
    LABELS_ZH,
    DisabilityCategory,
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    Relation,
    ResidenceType,
)
from civil_assistance.households.schemas import Address, Name, Phone, household_area
from civil_shared.types import Amount, AreaCode, IdNumber

E = TypeVar("E", bound=StrEnum)

#: Words staff write instead of the template's terms.
_SYNONYMS: Final[dict[str, StrEnum]] = {
    "城市": ResidenceType.URBAN,
    "本人": Relation.HEAD,
    "妻子": Relation.SPOUSE,
    "丈夫": Relation.SPOUSE,
    "夫": Relation.SPOUSE,
    "妻": Relation.SPOUSE,
    "儿子": Relation.CHILD,
    "女儿": Relation.CHILD,
    "子": Relation.CHILD,
    "女": Relation.CHILD,
    "父亲": Relation.PARENT,
    "母亲": Relation.PARENT,
    "孙子": Relation.GRANDCHILD,
    "孙女": Relation.GRANDCHILD,
    "外孙子女": Relation.GRANDCHILD,
    "祖父": Relation.GRANDPARENT,
    "祖母": Relation.GRANDPARENT,
    "外祖父母": Relation.GRANDPARENT,
    "兄弟": Relation.SIBLING,
    "姐妹": Relation.SIBLING,
    "失业": EmploymentStatus.UNEMPLOYED,
    "学生": EmploymentStatus.STUDENT,
}


def _choice(enum: type[E]) -> Callable[[Any], E]:
    lookup: dict[str, E] = {}
    for member in enum:
        lookup[member.value] = member
        lookup[LABELS_ZH[member]] = member
    lookup.update({word: m for word, m in _SYNONYMS.items() if isinstance(m, enum)})
    allowed = "、".join(LABELS_ZH[member] for member in enum)

    def parse(value: Any) -> E:
        found = lookup.get(value) or lookup.get(str(value).strip().lower())
        if found is None:
            raise PydanticCustomError("enum", "应为以下之一：{allowed}", {"allowed": allowed})
        return found

    return parse


_TRUE: Final = frozenset({"是", "true", "1", "y", "yes", "√"})
_FALSE: Final = frozenset({"否", "false", "0", "n", "no", "×"})


def _yes_no(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise PydanticCustomError("bool_parsing", "应填写“是”或“否”")


_DATE: Final = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _date(value: Any) -> date:
    text = str(value).strip()
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    try:
        if found is None:
            raise ValueError
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise PydanticCustomError("date_parsing", "日期格式应为 YYYY-MM-DD") from None


_GRADES: Final = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def _grade(value: Any) -> int:
    text = str(value).strip().removesuffix("级")
    if text not in _GRADES:
        raise PydanticCustomError("int_parsing", "残疾等级应为1至4级")
    return _GRADES[text]


def _id_number(value: Any) -> Any:
    text = str(value)
    if "e+" in text.lower():
        raise PydanticCustomError(
            "id_number", "身份证号被表格软件转成了数字，请把该列设为文本格式后重新填写"
        )
    return value


@lru_cache(maxsize=8192)
def _area_of(text: str) -> AreaCode:
    # A file holds a few hundred villages over many thousand rows: each is checked once.
    try:
        return household_area(AreaCode(text))
    except ValueError as exc:
        raise PydanticCustomError("area_code", str(exc)) from None


def _area(value: Any) -> AreaCode:
    return _area_of(str(value))


class HouseholdCells(TypedDict):
    """The household's columns: the same on every row of the household."""

    area_code: Annotated[AreaCode, BeforeValidator(_area)]
    address: Address
    residence_type: Annotated[ResidenceType, BeforeValidator(_choice(ResidenceType))]
    income_stability: Annotated[IncomeStability, BeforeValidator(_choice(IncomeStability))]
    in_poverty_alleviation: NotRequired[Annotated[bool, BeforeValidator(_yes_no)]]


class MemberCells(TypedDict):
    """The member's columns; the income columns are monthly amounts in yuan."""

    id_number: Annotated[IdNumber, BeforeValidator(_id_number)]
    name: Name
    relation: Annotated[Relation, BeforeValidator(_choice(Relation))]
    employment_status: Annotated[EmploymentStatus, BeforeValidator(_choice(EmploymentStatus))]
    phone: NotRequired[Phone]
    disability_category: NotRequired[
        Annotated[DisabilityCategory, BeforeValidator(_choice(DisabilityCategory))]
    ]
    disability_grade: NotRequired[Annotated[int, BeforeValidator(_grade)]]
    death_date: NotRequired[Annotated[date, BeforeValidator(_date)]]
    income_wages: NotRequired[Amount]
    income_business_net: NotRequired[Amount]
    income_property: NotRequired[Amount]
    income_transfer: NotRequired[Amount]
    income_assistance: NotRequired[Amount]
    income_special_care: NotRequired[Amount]
    income_award_scholarship: NotRequired[Amount]
    income_basic_pension_residents: NotRequired[Amount]


HOUSEHOLD_FIELDS: Final = tuple(HouseholdCells.__annotations__)
MEMBER_FIELDS: Final = tuple(MemberCells.__annotations__)
#: (column, income kind) of the income columns.
INCOME_FIELDS: Final = tuple((f"income_{kind.value}", kind.value) for kind in IncomeKind)

household_cells: Final = TypeAdapter(HouseholdCells)
member_cells: Final = TypeAdapter(MemberCells)
