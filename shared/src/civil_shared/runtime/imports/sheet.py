"""An import file opened for checking, the transaction its rows are written in, its audit.

Every import reads its file the same way (the header row mapped, a bad header the
422 report at once, blank lines skipped, a file of no data rows a 422) and writes
all or nothing; what it checks and writes in between is its own.
"""

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.errors import Conflict, Unprocessable
from civil_shared.runtime.audit import AuditAction, AuditEventMixin, record_event
from civil_shared.runtime.database import UNIQUE_VIOLATION, sqlstate
from civil_shared.runtime.imports.columns import ColumnSet
from civil_shared.runtime.imports.copying import copy_records
from civil_shared.runtime.imports.header import read_header
from civil_shared.runtime.imports.reading import Table, Upload, read_table
from civil_shared.runtime.imports.report import Problems


@dataclass(frozen=True)
class Sheet:
    """A file whose header named its columns well: its rows and their problems so far."""

    table: Table
    problems: Problems
    positions: list[tuple[int, str]]  # (cell index, column key) of each recognised column
    prefix: str  # problem codes: <PREFIX>_IMPORT_<WHAT>

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, the row's non-blank cells by column key) of each row not blank."""
        positions = self.positions
        for number, cells in self.table.rows:
            size = len(cells)
            values = {
                key: value
                for index, key in positions
                if index < size and (value := cells[index].strip())
            }
            if values:  # blank lines are harmless
                yield number, values

    def failure(self) -> Unprocessable:
        """The 422 report of the problems found."""
        return self.problems.failure(self.table, self.prefix)

    def ensure_rows(self, rows: int) -> None:
        """A file that had neither a row to import nor a problem had no data rows."""
        if not rows and not self.problems.count:
            raise Unprocessable("导入文件中没有数据行", code=f"{self.prefix}_IMPORT_EMPTY")


def open_sheet(upload: Upload, columns: ColumnSet, prefix: str) -> Sheet:
    """The file read as far as its header: no header row, or a bad one, is the 422 here."""
    table = read_table(upload, prefix=prefix)
    problems = Problems(columns)
    header = next(table.rows, None)
    if header is None:
        raise Unprocessable("导入文件为空", code=f"{prefix}_IMPORT_EMPTY")
    positions = read_header(columns, *header, problems)
    if problems.count:
        raise problems.failure(table, prefix)
    return Sheet(table, problems, positions, prefix)


def unique_violation(exc: BaseException) -> bool:
    """A unique key taken: by a COPY (the driver's error) or a statement (SQLAlchemy's)."""
    return sqlstate(exc) == UNIQUE_VIOLATION


@asynccontextmanager
async def all_or_nothing(
    session: AsyncSession, prefix: str, conflict: str | None = None
) -> AsyncIterator[None]:
    """Commits what the block wrote, or rolls all of it back and re-raises.

    With ``conflict``, a unique key taken meanwhile (by a record someone else
    wrote while the file was checked) is that 409 ``<PREFIX>_IMPORT_CONFLICT``.
    """
    try:
        yield
    except Exception as exc:
        await session.rollback()
        if conflict is not None and unique_violation(exc):
            raise Conflict(conflict, code=f"{prefix}_IMPORT_CONFLICT") from exc
        raise
    await session.commit()


async def record_import(
    session: AsyncSession,
    audit_model: type[AuditEventMixin],
    *,
    entity: str,
    upload: Upload,
    table: Table,
    rows: int,
    **counts: Any,
) -> None:
    """The import's audit event (a bulk write): the file as read, the rows written into
    ``entity`` and the import's own ``counts`` (by status, say)."""
    await record_event(
        session,
        audit_model,
        action=AuditAction.BULK,
        entity=entity,
        new_values={
            "source": "import",
            "rows": rows,
            **counts,
            "filename": upload.filename,
            "format": table.format,
            "encoding": table.encoding,
        },
    )


@dataclass(frozen=True)
class Staging:
    """A temporary table the checked rows are COPYed into, for the checks that need
    the database (set-based, a statement for all rows) and one ``INSERT ... SELECT``."""

    table: str  # the name the import's SQL uses
    create: TextClause  # CREATE TEMPORARY TABLE {table} (...) ON COMMIT DROP
    columns: Sequence[str]  # the COPY's, in the order of the records

    async def fill(self, session: AsyncSession, records: Iterable[Sequence[Any]]) -> None:
        """Creates the table (the first statement: it opens the COPY's transaction) and
        COPYs ``records`` into it."""
        await session.execute(self.create)
        await copy_records(session, self.table, self.columns, records)

    async def drop(self, session: AsyncSession) -> None:
        # Dropped now, not only at commit: a test's commit is a savepoint's release.
        await session.execute(text(f"DROP TABLE {self.table}"))
