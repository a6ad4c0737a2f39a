"""What an import answers when the file is bad: every problem, and nothing written."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, Field, ValidationError

from civil_shared.errors import Problem, Unprocessable
from civil_shared.runtime.imports.cells import message
from civil_shared.runtime.imports.columns import ColumnSet
from civil_shared.runtime.imports.reading import FileFormat, Table

#: Where a pydantic error is: field names and list indexes, outermost first.
Location = tuple[int | str, ...]
#: The report lists this many problems at most; the count covers all of them.
MAX_REPORTED: Final = 1000


class ImportProblem(BaseModel):
    """One bad cell (or column) of the file."""

    row: int = Field(description="行号（表头为第1行）")
    field: str = Field(description="字段名（英文列名）")
    column: str = Field(description="文件中的列名")
    message: str = Field(description="错误说明")


class ImportReport(Problem):
    """The 422 problem of a bad file (code ``<PREFIX>_IMPORT_INVALID``): nothing was written."""

    error_count: int = Field(description="错误总数")
    report: list[ImportProblem] = Field(description="错误明细（最多1000条，按行排序）")
    format: FileFormat = Field(description="读取的文件格式")
    encoding: str | None = Field(description="CSV 实际使用的编码")


@dataclass
class Problems:
    """Collects the problems of one file, keeping the first ``MAX_REPORTED``."""

    columns: ColumnSet
    headers: dict[str, str] = field(default_factory=dict)  # key -> the file's own header
    items: list[ImportProblem] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, key: str, text: str) -> None:
        self.count += 1
        if len(self.items) < MAX_REPORTED:
            known = self.columns.by_key.get(key)
            column = self.headers.get(key) or (known.header_zh if known else key)
            self.items.append(ImportProblem(row=row, field=key, column=column, message=text))

    def add_errors(
        self, row: int, exc: ValidationError, field_of: Callable[[Location], str] | None = None
    ) -> None:
        """Each error under its column: the location's first part, or what ``field_of``
        makes of the whole location (an API model's nested field, say)."""
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            key = field_of(loc) if field_of is not None else str(loc[0]) if loc else ""
            self.add(row, key, message(error))

    def failure(self, table: Table, prefix: str) -> Unprocessable:
        order = {column.key: i for i, column in enumerate(self.columns.columns)}
        items = sorted(self.items, key=lambda p: (p.row, order.get(p.field, -1)))
        first = items[0]
        return Unprocessable(
            f"导入文件有 {self.count} 处错误，未导入任何数据"
            f"（第 {first.row} 行「{first.column}」：{first.message}）",
            code=f"{prefix}_IMPORT_INVALID",
            error_count=self.count,
            report=[p.model_dump() for p in items],
            format=table.format,
            encoding=table.encoding,
        )
