"""Parsers of what staff type into spreadsheet cells, as pydantic ``BeforeValidator``s.

Each raises a ``PydanticCustomError`` with a Chinese message, which the report
shows as it is.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVar

from pydantic_core import PydanticCustomError

E = TypeVar("E", bound=StrEnum)


def choice(
    enum: type[E], labels: Mapping[Any, str], synonyms: Mapping[str, E] | None = None
) -> Callable[[Any], E]:
    """The member named by its value, its Chinese label or a common synonym."""
    lookup: dict[str, E] = {}
    for member in enum:
        lookup[member.value] = member
        lookup[labels[member]] = member
    lookup.update(synonyms or {})
    allowed = "、".join(labels[member] for member in enum)

    def parse(value: Any) -> E:
        found = lookup.get(value) or lookup.get(str(value).strip().lower())
        if found is None:
            raise PydanticCustomError("enum", "应为以下之一：{allowed}", {"allowed": allowed})
        return found

    return parse


_TRUE: Final = frozenset({"是", "true", "1", "y", "yes", "√"})
_FALSE: Final = frozenset({"否", "false", "0", "n", "no", "×"})


def yes_no(value: Any) -> bool:
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise PydanticCustomError("bool_parsing", "应填写“是”或“否”")


_DATE: Final = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT_DATE: Final = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def a_date(value: Any) -> date:
    text = str(value).strip()
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    try:
        if found is None:
            raise ValueError
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise PydanticCustomError("date_parsing", "日期格式应为 YYYY-MM-DD") from None


_GRADES: Final = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def disability_grade(value: Any) -> int:
    """残疾等级 as staff write it: 1–4, 一–四, with or without 级."""
    text = str(value).strip().removesuffix("级")
    if text not in _GRADES:
        raise PydanticCustomError("int_parsing", "残疾等级应为1至4级")
    return _GRADES[text]


def id_number_text(value: Any) -> Any:
    """Refuses what a spreadsheet made of an ID number typed into a number cell."""
    if "e+" in str(value).lower():
        raise PydanticCustomError(
            "id_number", "身份证号被表格软件转成了数字，请把该列设为文本格式后重新填写"
        )
    return value


_MESSAGES: Final = {
    "missing": "必填项未填写",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
}


def message(error: Mapping[str, Any]) -> str:
    """A pydantic error as the Chinese sentence the report shows."""
    text = str(error.get("msg", ""))
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text.removeprefix("Value error, ")
    return _MESSAGES.get(str(error.get("type")), "取值无效")
