"""An import file's columns: Chinese header (the template's) or English key, either accepted."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Column:
    key: str  # the English header and the row model's field
    header_zh: str
    required: bool
    note: str = ""
    allowed: tuple[str, ...] = ()  # the values offered in the template's drop-down
    text: bool = False  # digits that spreadsheets must keep as text (ID numbers, codes)


def allowed_labels(enum: type[E], labels: Mapping[E, str]) -> tuple[str, ...]:
    return tuple(labels[member] for member in enum)


def _normal(header: str) -> str:
    return "".join(header.split()).lower().replace("(", "（").replace(")", "）")


@dataclass(frozen=True)
class ColumnSet:
    columns: tuple[Column, ...]
    _aliases: dict[str, Column] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # English key, Chinese header, and the Chinese header without its unit.
        aliases = {
            _normal(alias): column
            for column in self.columns
            for alias in (column.key, column.header_zh, column.header_zh.split("（")[0])
        }
        object.__setattr__(self, "_aliases", aliases)

    @property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    def column_for(self, header: str) -> Column | None:
        return self._aliases.get(_normal(header.lstrip("\ufeff")))
