"""Importing a register: one record per row, keyed by a column unique in the register.

Every row is read and checked before anything is written: cells (a pydantic
TypedDict), the service's row rules, duplicates in the file, the caller's
areas, then one look-up of the keys already registered and, if the register
needs it, one look-up of what its rules read from the database. Any problem and
the answer is the 422 report with nothing written; otherwise one COPY (and one
for each dependent table) and one commit.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from civil_shared.auth import Principal
from civil_shared.runtime.audit import AuditEventMixin
from civil_shared.runtime.imports.columns import ColumnSet
from civil_shared.runtime.imports.copying import copy_records
from civil_shared.runtime.imports.reading import FileFormat, Table, Upload
from civil_shared.runtime.imports.report import Location, Problems
from civil_shared.runtime.imports.sheet import all_or_nothing, open_sheet, record_import

R = TypeVar("R")


class RowError(ValueError):
    """A row rule broken: the field it concerns and the Chinese message."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class ImportResult(BaseModel):
    rows: int = Field(description="导入的记录数")
    format: FileFormat = Field(description="读取的文件格式")
    encoding: str | None = Field(
        description="CSV 实际使用的编码（utf-8、utf-8-sig 或 gb18030）；Excel 文件为空"
    )


@dataclass(frozen=True)
class Checked(Generic[R]):
    """A row that passed the file's own checks: its number, cells and record."""

    number: int
    row: R
    record: tuple[Any, ...]


@dataclass(frozen=True)
class Dependent(Generic[R]):
    """Rows of another table that each imported record brings along (an elder's
    children, say), COPYed after the register's."""

    table: str
    columns: Sequence[str]
    #: The dependent records of one row, from its cells and its record (for its id).
    records: Callable[[R, tuple[Any, ...]], Iterable[tuple[Any, ...]]]


def registered_in(
    column: InstrumentedAttribute[str], *where: ColumnElement[bool]
) -> Callable[[AsyncSession, list[str]], Awaitable[set[str]]]:
    """``RegisterImport.registered`` for a register whose key is ``column``: one query.

    ``where`` narrows what counts as registered (an assignment not ended, say).
    """

    async def registered(session: AsyncSession, keys: list[str]) -> set[str]:
        return set(await session.scalars(select(column).where(column.in_(keys), *where)))

    return registered


def _cell(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, Mapping) else getattr(row, key)


@dataclass(frozen=True)
class RegisterImport(Generic[R]):
    """What a service says of one register's import."""

    prefix: str  # problem codes: <PREFIX>_IMPORT_<WHAT>
    table: str
    columns: ColumnSet
    cells: TypeAdapter[R]  # the row's cells, by column key
    record_columns: Sequence[str]  # the COPY's columns, in the order of ``to_record``
    #: The record to COPY (ids and defaults made here); raise RowError for a broken rule.
    to_record: Callable[[R], tuple[Any, ...]]
    key: str  # the column unique in the register (an ID number, say)
    #: Which of these keys are registered already.
    registered: Callable[[AsyncSession, list[str]], Awaitable[set[str]]]
    audit_model: type[AuditEventMixin]
    area_key: str | None = "area_code"  # the column the caller's areas must cover
    key_label: str = "身份证号"
    #: The column of a validation error, the cells' or that of an API model
    #: ``to_record`` validates (a nested field); by default the location's first part.
    field_of: Callable[[Location], str] | None = None
    #: Rules and values that need the database, for the whole file at once (a query
    #: for all rows, never one a row): the records to COPY, in the order given;
    #: a broken rule is added to the problems under its row.
    look_up: (
        Callable[[AsyncSession, Sequence[Checked[R]], Problems], Awaitable[list[tuple[Any, ...]]]]
        | None
    ) = None
    dependents: Sequence[Dependent[R]] = ()

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ImportResult:
        # Parsing and checking a large file is CPU work: off the event loop.
        table, problems, checked, rows_of = await asyncio.to_thread(self._check, upload, principal)
        if not problems.count:
            for key in await self.registered(session, list(rows_of)):
                problems.add(rows_of[key], self.key, f"该{self.key_label}已登记，不能重复导入")
        records = [c.record for c in checked]
        if self.look_up is not None and checked:
            records = await self.look_up(session, checked, problems)
        if problems.count:
            raise problems.failure(table, self.prefix)
        pairs = list(zip((c.row for c in checked), records, strict=True))
        dependents = [
            (dependent, [d for row, record in pairs for d in dependent.records(row, record)])
            for dependent in self.dependents
        ]
        async with all_or_nothing(
            session, self.prefix, "导入期间有记录被他人登记，未导入任何数据，请重新导入"
        ):
            # Recorded first: it also opens the transaction the COPY must run in.
            await record_import(
                session,
                self.audit_model,
                entity=self.table,
                upload=upload,
                table=table,
                rows=len(records),
                **{f"{dependent.table}_rows": len(rows) for dependent, rows in dependents},
            )
            await copy_records(session, self.table, self.record_columns, records)
            for dependent, rows in dependents:
                await copy_records(session, dependent.table, dependent.columns, rows)
        return ImportResult(rows=len(records), format=table.format, encoding=table.encoding)

    def _check(
        self, upload: Upload, principal: Principal
    ) -> tuple[Table, Problems, list[Checked[R]], dict[str, int]]:
        sheet = open_sheet(upload, self.columns, self.prefix)
        table, problems = sheet.table, sheet.problems
        checked: list[Checked[R]] = []
        rows_of: dict[str, int] = {}  # key -> the row it was first on
        for number, values in sheet.rows():
            try:
                row = self.cells.validate_python(values)
                record = self.to_record(row)
            except ValidationError as exc:
                problems.add_errors(number, exc, self.field_of)
                continue
            except RowError as exc:
                problems.add(number, exc.field, exc.message)
                continue
            # As validated: two spellings of one ID number (a lower-case x) are one key.
            key = str(_cell(row, self.key))
            if key in rows_of:
                problems.add(number, self.key, f"与第 {rows_of[key]} 行的{self.key_label}重复")
                continue
            rows_of[key] = number
            if self.area_key and not principal.sees_area(values.get(self.area_key)):
                problems.add(number, self.area_key, "不在您负责的区域内")
                continue
            checked.append(Checked(number, row, record))
        sheet.ensure_rows(len(checked))
        return table, problems, checked, rows_of
