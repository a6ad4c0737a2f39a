"""The import file's columns: one row per member, the household's columns repeated.

Each column has a Chinese header (the template's) and an English one (its field
name); a file may use either. The same table drives the template and the reader.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from civil_assistance.households.enums import (
    LABELS_ZH,
    EmploymentStatus,
    IncomeKind,
    IncomeStability,
    Relation,
    ResidenceType,
)
from civil_shared.types import DisabilityCategory


@dataclass(frozen=True)
class Column:
    key: str  # the English header and the row model's field
    header_zh: str
    required: bool
    note: str
    choices: type[StrEnum] | None = None
    text: bool = False  # digits that spreadsheets must keep as text

    @property
    def allowed(self) -> list[str]:
        if self.choices is None:
            return []
        return [LABELS_ZH[member] for member in self.choices]


INCOME_PREFIX: Final = "income_"

COLUMNS: Final[tuple[Column, ...]] = (
    Column(
        "household_ref",
        "户编号",
        True,
        "同一户的成员填写相同的户编号（仅用于本文件内分组）",
        text=True,
    ),
    Column(
        "area_code",
        "区划代码",
        True,
        "9位乡镇（街道）或12位村（社区）代码，须在天门市（429006）内",
        text=True,
    ),
    Column("address", "家庭住址", True, "同户各行须一致"),
    Column("residence_type", "城乡类别", True, "同户各行须一致", ResidenceType),
    Column("income_stability", "收入是否稳定", True, "同户各行须一致", IncomeStability),
    Column(
        "in_poverty_alleviation",
        "精准扶贫建档立卡",
        False,
        "填“是”或“否”，空白为否；同户各行须一致",
    ),
    Column("id_number", "身份证号", True, "18位，须设为文本格式；一人只能属于一个家庭", text=True),
    Column("name", "姓名", True, ""),
    Column("relation", "与户主关系", True, "每户须有且只有一名户主", Relation),
    Column("employment_status", "就业状况", True, "", EmploymentStatus),
    Column("phone", "联系电话", False, "", text=True),
    Column(
        "disability_category", "残疾类别", False, "与残疾等级同时填写或同时空白", DisabilityCategory
    ),
    Column("disability_grade", "残疾等级", False, "1–4 级", None),
    Column("death_date", "死亡日期", False, "YYYY-MM-DD；已故成员的收入不计入家庭收入"),
    *(
        Column(
            f"{INCOME_PREFIX}{kind.value}",
            f"{LABELS_ZH[kind]}（元/月）",
            False,
            "计入家庭收入" if kind.counted else "不计入家庭收入",
        )
        for kind in IncomeKind
    ),
)

BY_KEY: Final = {column.key: column for column in COLUMNS}


def _normal(header: str) -> str:
    return "".join(header.split()).lower().replace("(", "（").replace(")", "）")


#: Every header a file may use for a column: English key, Chinese header, and the
#: Chinese header without its unit.
_ALIASES: Final[dict[str, Column]] = {
    _normal(alias): column
    for column in COLUMNS
    for alias in (column.key, column.header_zh, column.header_zh.split("（")[0])
}


def column_for(header: str) -> Column | None:
    return _ALIASES.get(_normal(header.lstrip("\ufeff")))
