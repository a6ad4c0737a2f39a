"""The import use case: read, validate every row, then COPY and commit once."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.households.importer.loading import copy_plan, households_of
from civil_assistance.households.importer.reading import Table, Upload, read_table
from civil_assistance.households.importer.schemas import ImportProblem, ImportResult
from civil_assistance.households.importer.validation import PlanBuilder
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, Unprocessable
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.database import UNIQUE_VIOLATION


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


def _read_and_check(upload: Upload, principal: Principal) -> tuple[Table, PlanBuilder]:
    """Every row through the field and cross-row checks that need no database."""
    table = read_table(upload)
    builder = PlanBuilder(principal)
    header = next(table.rows, None)
    if header is None:
        raise Unprocessable("导入文件为空", code="ASSISTANCE_IMPORT_EMPTY")
    builder.header(*header)
    if builder.problem_count:
        raise _invalid(builder, table)
    for number, cells in table.rows:
        builder.row(number, cells)
    if builder.rows == 0:
        raise Unprocessable("导入文件中没有数据行", code="ASSISTANCE_IMPORT_EMPTY")
    return table, builder


class ImportService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def import_file(self, upload: Upload, principal: Principal) -> ImportResult:
        # Parsing and validating a large file is CPU work: off the event loop.
        table, builder = await asyncio.to_thread(_read_and_check, upload, principal)
        builder.finish(await households_of(self.session, builder.id_numbers()))
        if builder.problem_count:
            raise _invalid(builder, table)

        plan = builder.plan
        counts = {
            "households": len(plan.households),
            "members": len(plan.members),
            "incomes": len(plan.incomes),
        }
        # Recorded first: it also opens the transaction the COPYs must run in.
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
        try:
            await copy_plan(self.session, plan)
        except Exception as exc:
            await self.session.rollback()
            if getattr(exc, "sqlstate", None) == UNIQUE_VIOLATION:
                raise Conflict(
                    "导入期间有人员被登记到其他家庭，未导入任何数据，请重新导入",
                    code="ASSISTANCE_IMPORT_CONFLICT",
                ) from exc
            raise
        await self.session.commit()
        return ImportResult(
            **counts,
            format=table.format,
            encoding=table.encoding,
        )
