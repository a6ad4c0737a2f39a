"""The cells of an import row, validated field by field (Chinese labels accepted).

A row holds two parts: the household's cells, repeated on every row of the
household and validated once per household, and the member's. Both are
pydantic TypedDicts: a quarter of a million rows must not each build a model.

Clean cells take a quick path first (:func:`quick_household`, :func:`quick_member`):
the same validators and constraints, called directly. Whatever it is unsure of
goes through the TypedDict, which also words the problem.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Final, NotRequired, TypeVar, cast, get_args

from pydantic import BeforeValidator, StringConstraints, TypeAdapter
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict  # pydantic needs it for TypedDicts before 3.12

from civil_assistance.households.enums import (
    LABELS_ZH,
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    Relation,
    ResidenceType,
)
from civil_assistance.households.schemas import Address, Name, Phone, household_area
from civil_shared.types import Amount, AreaCode, DisabilityCategory, IdNumber, canonical_id_number

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


_residence_type: Final = _choice(ResidenceType)
_income_stability: Final = _choice(IncomeStability)
_relation: Final = _choice(Relation)
_employment_status: Final = _choice(EmploymentStatus)
_disability_category: Final = _choice(DisabilityCategory)


class HouseholdCells(TypedDict):
    """The household's columns: the same on every row of the household."""

    area_code: Annotated[AreaCode, BeforeValidator(_area)]
    address: Address
    residence_type: Annotated[ResidenceType, BeforeValidator(_residence_type)]
    income_stability: Annotated[IncomeStability, BeforeValidator(_income_stability)]
    in_poverty_alleviation: NotRequired[Annotated[bool, BeforeValidator(_yes_no)]]


class MemberCells(TypedDict):
    """The member's columns; the income columns are monthly amounts in yuan."""

    id_number: Annotated[IdNumber, BeforeValidator(_id_number)]
    name: Name
    relation: Annotated[Relation, BeforeValidator(_relation)]
    employment_status: Annotated[EmploymentStatus, BeforeValidator(_employment_status)]
    phone: NotRequired[Phone]
    disability_category: NotRequired[
        Annotated[DisabilityCategory, BeforeValidator(_disability_category)]
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


# --- the quick path ----------------------------------------------------------
#
# Each quick check takes a stripped, non-empty cell and returns what the
# TypedDict would, or raises ValueError when unsure; it never words a problem.


def _quick_id_number(text: str) -> IdNumber:
    """IdNumber(text) for a number already in its canonical form, at a fraction of the cost."""
    if canonical_id_number(text) is None:
        raise ValueError("left to IdNumber")
    # Checked exactly as the constructor checks it: not checked a second time.
    return str.__new__(IdNumber, text)


def _quick_text(annotated: Any) -> Callable[[str], str]:
    """The check of a stripped, non-empty cell against a constrained str type.

    Python's ``strip`` removes every character pydantic's would, so only the
    length and the pattern are left to check.
    """
    (rules,) = (m for m in get_args(annotated)[1:] if isinstance(m, StringConstraints))
    if (
        not rules.strip_whitespace
        or (rules.min_length or 0) > 1
        or rules.to_lower
        or rules.to_upper
    ):
        raise TypeError(f"no quick check for {annotated}")
    longest = rules.max_length
    pattern = re.compile(rules.pattern) if isinstance(rules.pattern, str) else None

    def check(text: str) -> str:
        if longest is not None and len(text) > longest:
            raise ValueError("too long")
        if pattern is not None and pattern.search(text) is None:
            raise ValueError("pattern")
        return text

    return check


_amount_cells: Final = TypeAdapter(Amount)


@lru_cache(maxsize=4096)
def _amount(text: str) -> Decimal:
    # Few distinct amounts recur over many rows (a Decimal is immutable, so shared).
    return _amount_cells.validate_python(text)


Quick = Callable[[str], Any]

_QUICK_HOUSEHOLD: Final[dict[str, Quick]] = {
    "area_code": _area,
    "address": _quick_text(Address),
    "residence_type": _residence_type,
    "income_stability": _income_stability,
    "in_poverty_alleviation": _yes_no,
}
_QUICK_MEMBER: Final[dict[str, Quick]] = {
    "id_number": _quick_id_number,
    "name": _quick_text(Name),
    "relation": _relation,
    "employment_status": _employment_status,
    "phone": _quick_text(Phone),
    "disability_category": _disability_category,
    "disability_grade": _grade,
    "death_date": _date,
    **{name: _amount for name, _ in INCOME_FIELDS},
}
assert _QUICK_HOUSEHOLD.keys() == set(HOUSEHOLD_FIELDS)
assert _QUICK_MEMBER.keys() == set(MEMBER_FIELDS)
_HOUSEHOLD_REQUIRED: Final = HouseholdCells.__required_keys__
_MEMBER_REQUIRED: Final = MemberCells.__required_keys__


def _quick(
    checks: Mapping[str, Quick], required: frozenset[str], cells: Mapping[str, str]
) -> dict[str, Any] | None:
    if not required <= cells.keys():
        return None
    try:
        return {key: checks[key](text) for key, text in cells.items()}
    except ValueError:  # PydanticCustomError and ValidationError are ValueErrors
        return None


def quick_household(cells: Mapping[str, str]) -> HouseholdCells | None:
    """What household_cells makes of stripped, non-empty cells; None: ask household_cells."""
    return cast(HouseholdCells | None, _quick(_QUICK_HOUSEHOLD, _HOUSEHOLD_REQUIRED, cells))


def quick_member(cells: Mapping[str, str]) -> MemberCells | None:
    """What member_cells makes of stripped, non-empty cells; None: ask member_cells."""
    return cast(MemberCells | None, _quick(_QUICK_MEMBER, _MEMBER_REQUIRED, cells))
