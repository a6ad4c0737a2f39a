"""The import use case: validate the rows chunk by chunk while the previous chunk is copied.

Nothing is committed before every row has passed: the COPYs run in the
request's transaction, which is rolled back if any row (or a rule across rows)
turns out bad, so a bad file still writes nothing.
"""

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.households.importer.loading import copy_plan, households_of
from civil_assistance.households.importer.reading import Table, Upload, read_table
from civil_assistance.households.importer.schemas import ImportProblem, ImportResult
from civil_assistance.households.importer.validation import Plan, PlanBuilder
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Unprocessable
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import UNIQUE_VIOLATION

#: Rows validated per step. The database ingests one chunk (its own CPU, not
#: this process's) while the next is validated; small enough that the first
#: and last steps, which cannot overlap, stay short.
CHUNK_ROWS: Final = 10_000


def _invalid(builder: PlanBuilder, table: Table) -> Unprocessable:
    problems = builder.sorted_problems()
    first = problems[0]
    return Unprocessable(
        f"导入文件有 {builder.problem_count} 处错误，未导入任何数据"
        f"（第 {first.row} 行「{first.column}」：{first.message}）",
        code="ASSISTANCE_IMPORT_INVALID",
        error_count=builder.problem_count,
        report=[ImportProblem(**vars(p)).model_dump() for p in problems],
        format=table.format,
        encoding=table.encoding,
    )


def _read_header(upload: Upload, principal: Principal) -> tuple[Table, PlanBuilder]:
    table = read_table(upload)
    builder = PlanBuilder(principal)
    header = next(table.rows, None)
    if header is None:
        raise Unprocessable("导入文件为空", code="ASSISTANCE_IMPORT_EMPTY")
    builder.header(*header)
    if builder.problem_count:
        raise _invalid(builder, table)
    return table, builder


def _check_chunk(table: Table, builder: PlanBuilder) -> tuple[Plan, list[str]] | None:
    """The next rows through the checks that need no database; None after the last."""
    read = 0
    for number, cells in itertools.islice(table.rows, CHUNK_ROWS):
        builder.row(number, cells)
        read += 1
    return builder.take() if read else None


@dataclass
class _Load:
    """What the chunks loaded so far add up to."""

    taken: dict[str, uuid.UUID] = field(default_factory=dict)
    households: int = 0
    members: int = 0
    incomes: int = 0
    #: The COPY that failed on a unique ID number: someone registered the person meanwhile.
    conflict: Exception | None = None

    def add(self, plan: Plan) -> None:
        self.households += len(plan.households)
        self.members += len(plan.members)
        self.incomes += len(plan.incomes)


class ImportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def import_file(self, upload: Upload, principal: Principal) -> ImportResult:
        # Parsing and validating a large file is CPU work: off the event loop.
        table, builder = await asyncio.to_thread(_read_header, upload, principal)
        try:
            load = await self._check_and_copy(table, builder)
            if builder.rows == 0:
                raise Unprocessable("导入文件中没有数据行", code="ASSISTANCE_IMPORT_EMPTY")
            builder.finish(load.taken)
            if builder.problem_count:
                raise _invalid(builder, table)
            if load.conflict is not None:
                raise Conflict(
                    "导入期间有人员被登记到其他家庭，未导入任何数据，请重新导入",
                    code="ASSISTANCE_IMPORT_CONFLICT",
                ) from load.conflict
            counts = {
                "households": load.households,
                "members": load.members,
                "incomes": load.incomes,
            }
            await record_event(
                self.session,
                AuditEvent,
                action=AuditAction.BULK,
                entity="household",
                new_values={
                    **counts,
                    "source": "import",
                    "filename": upload.filename,
                    "format": table.format,
                    "encoding": table.encoding,
                },
            )
        except Exception:
            await self.session.rollback()
            raise
        await self.session.commit()
        return ImportResult(**counts, format=table.format, encoding=table.encoding)

    async def _check_and_copy(self, table: Table, builder: PlanBuilder) -> _Load:
        """Validate chunk k+1 in a thread while chunk k is looked up and copied.

        Once any problem is known, nothing more is copied (it will be rolled
        back), but every row is still checked and looked up for the report.
        """
        load = _Load()
        pending = asyncio.ensure_future(asyncio.to_thread(_check_chunk, table, builder))
        try:
            while (chunk := await pending) is not None:
                pending = asyncio.ensure_future(asyncio.to_thread(_check_chunk, table, builder))
                plan, id_numbers = chunk
                if not id_numbers:
                    continue  # no member passed, so nothing to copy (blank or bad rows)
                load.taken.update(await households_of(self.session, id_numbers))
                if builder.problem_count or load.taken or load.conflict is not None:
                    continue
                load.add(plan)
                try:
                    await copy_plan(self.session, plan)
                except Exception as exc:
                    if getattr(exc, "sqlstate", None) != UNIQUE_VIOLATION:
                        raise
                    # The failed COPY aborted the transaction; the lookups go on in a new one.
                    await self.session.rollback()
                    load.conflict = exc
        finally:
            pending.cancel()  # on an error: the thread ends with its chunk, unheard
        return load
