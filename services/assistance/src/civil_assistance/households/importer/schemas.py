"""What the import answers: the counts loaded, or the report of the bad rows."""

from typing import Literal

from pydantic import BaseModel, Field

from civil_shared.errors import Problem

FileFormat = Literal["csv", "xlsx", "xls"]


class ImportResult(BaseModel):
    households: int = Field(description="导入的家庭数")
    members: int = Field(description="导入的成员数")
    incomes: int = Field(description="导入的收入项数")
    format: FileFormat = Field(description="读取的文件格式")
    encoding: str | None = Field(
        description="CSV 实际使用的编码（utf-8、utf-8-sig 或 gb18030）；Excel 文件为空"
    )


class ImportProblem(BaseModel):
    """One bad cell (or column) of the file."""

    row: int = Field(description="行号（表头为第1行）")
    field: str = Field(description="字段名（英文列名）")
    column: str = Field(description="文件中的列名")
    message: str = Field(description="错误说明")


class ImportReport(Problem):
    """The 422 problem of a bad file (code ASSISTANCE_IMPORT_INVALID): nothing was written."""

    error_count: int = Field(description="错误总数")
    report: list[ImportProblem] = Field(description="错误明细（最多1000条，按行排序）")
    format: FileFormat = Field(description="读取的文件格式")
    encoding: str | None = Field(description="CSV 实际使用的编码")
