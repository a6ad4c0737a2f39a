"""Bulk import of visit records (探访记录) from CSV or XLSX: a village's round book.

A row is a visit as ``POST /api/v1/visits`` takes it, its subject named by the ID
number on the elder's record or the child's file (staff know people, not record ids).
Rules that need nothing but the row are checked in Python while the file is read (the
API's own model, a school visit only for a child, a child under 18 on the visit's day);
the rest is set-based: the rows are COPYed into a staging table, two UPDATEs find each
subject (one for the elderly, one for the children), one query finds every row whose
subject is not on the register or not in the caller's areas, or not on the round that
day (before registration, after leaving or the file's closing), or whose visit (the
subject's, of that kind on that day) is recorded already or on an earlier row (a round
book uploaded twice), and one ``INSERT ... SELECT`` writes the visits. Any problem and
the answer is the 422 report with nothing written. A visit keeps the village its subject
was in when recorded, as the single-visit API does.
"""

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, ValidationError
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    ImportResult,
    Location,
    Problems,
    RowError,
    Sheet,
    Staging,
    Upload,
    a_date,
    all_or_nothing,
    allowed_labels,
    choice,
    id_number_text,
    open_sheet,
    record_import,
)
from civil_shared.types import IdNumber
from civil_welfare.children.majority import eighteenth_birthday, is_minor_on
from civil_welfare.db import AuditEvent
from civil_welfare.visits.models import Visit
from civil_welfare.visits.schemas import (
    KIND_LABELS,
    FollowUpIn,
    SubjectKind,
    VisitCreate,
    VisitKind,
    Visitor,
)

PREFIX: Final = "WELFARE_VISIT"

SUBJECT_LABELS: Final = {SubjectKind.ELDERLY: "留守老人", SubjectKind.CHILD: "儿童"}
_subject = choice(
    SubjectKind,
    SUBJECT_LABELS,
    {
        "农村留守老人": SubjectKind.ELDERLY,
        "老人": SubjectKind.ELDERLY,
        "留守儿童": SubjectKind.CHILD,
        "困境儿童": SubjectKind.CHILD,
    },
)
_kind = choice(
    VisitKind,
    KIND_LABELS,
    {"入户": VisitKind.HOME_VISIT, "电话": VisitKind.PHONE, "视频": VisitKind.VIDEO},
)

COLUMNS: Final = ColumnSet(
    (
        Column(
            "subject_kind",
            "对象类别",
            True,
            "留守老人（留守老人名册）或儿童（儿童档案）",
            allowed=allowed_labels(SubjectKind, SUBJECT_LABELS),
        ),
        Column(
            "id_number", "身份证号", True, "探访对象的身份证号，须已在名册（档案）中", text=True
        ),
        Column(
            "visit_date", "探访日期", True, "YYYY-MM-DD；不晚于今天，不早于对象纳入名册（建档）"
        ),
        Column("kind", "探访方式", True, allowed=allowed_labels(VisitKind, KIND_LABELS)),
        Column("findings", "探访情况", True, "生活、健康、安全、学习等"),
        Column("visitor_name", "探访人", True, "探访人姓名"),
        Column("visitor_username", "探访人账号", False, "探访人的平台账号（如有）", text=True),
        Column("follow_up_action", "跟进事项", False, "需要跟进的事项（如有）"),
        Column("follow_up_due_date", "跟进期限", False, "YYYY-MM-DD，有跟进事项时必填"),
    )
)


def _optional_date(value: Any) -> date:
    return a_date(value)


class VisitCells(BaseModel):
    """A row's cells as typed; the visit itself is checked by the API's model."""

    subject_kind: Annotated[SubjectKind, BeforeValidator(_subject)]
    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    visit_date: Annotated[date, BeforeValidator(a_date)]
    kind: Annotated[VisitKind, BeforeValidator(_kind)]
    findings: str
    visitor_name: str
    visitor_username: str | None = None
    follow_up_action: str | None = None
    follow_up_due_date: Annotated[date | None, BeforeValidator(_optional_date)] = None


_STAGING_COLUMNS: Final = (
    "row_number",
    "subject_kind",
    "id_number",
    "visit_date",
    "kind",
    "findings",
    "visitor_name",
    "visitor_username",
    "follow_up_action",
    "follow_up_due_date",
)

STAGING: Final = Staging(
    "visit_staging",  # the name the SQL below uses
    text(
        """
    CREATE TEMPORARY TABLE visit_staging (
        row_number integer PRIMARY KEY,
        subject_kind varchar(10) NOT NULL,
        id_number varchar(18) NOT NULL,
        visit_date date NOT NULL,
        kind varchar(20) NOT NULL,
        findings text NOT NULL,
        visitor_name varchar(100) NOT NULL,
        visitor_username varchar(200),
        follow_up_action text,
        follow_up_due_date date,
        elder_id uuid,
        child_file_id uuid,
        area_code varchar(12),
        registered_date date,
        inactive boolean,
        ended_date date
    ) ON COMMIT DROP
    """
    ),
    _STAGING_COLUMNS,
)

# Each row's subject as the single-visit API sees it: the elder's registration date,
# the child file's day of creation in the service's local time (visits.subjects).
_FIND_ELDERS = text(
    """
    UPDATE visit_staging AS s
    SET elder_id = e.id, area_code = e.area_code, registered_date = e.registered_date,
        inactive = e.status <> 'active', ended_date = e.left_date
    FROM left_behind_elder AS e
    WHERE s.subject_kind = 'elderly' AND e.id_number = s.id_number
    """
)
_FIND_CHILDREN = text(
    """
    UPDATE visit_staging AS s
    SET child_file_id = f.id, area_code = f.area_code,
        registered_date = f.registered_date,
        inactive = f.status <> 'active', ended_date = f.closed_date
    FROM child_file AS f
    WHERE s.subject_kind = 'child' AND f.id_number = s.id_number
    """
)

# A subject outside the caller's areas is reported as not on the register (as a 404).
# A visit of the subject on that day in that way recorded already, or on an earlier row
# (a round book uploaded twice), is the unique indexes' refusal, reported by row; it is
# looked for only once the subject is found and visible (not to tell of others' visits).
_PROBLEMS = text(
    """
    WITH checked AS (
        SELECT s.*,
               s.area_code IS NULL
                   OR NOT (:city_wide OR s.area_code LIKE ANY(:patterns)) AS missing,
               min(s.row_number) OVER (
                   PARTITION BY s.subject_kind, s.id_number, s.visit_date, s.kind
               ) AS first_row
        FROM visit_staging AS s
    ), found AS (
        SELECT c.*,
               CASE WHEN NOT c.missing AND c.first_row < c.row_number
                    THEN c.first_row END AS earlier_row,
               NOT c.missing AND (
                   EXISTS (
                       SELECT 1 FROM visit AS v
                       WHERE v.elder_id = c.elder_id AND v.visit_date = c.visit_date
                         AND v.kind = c.kind
                   )
                   OR EXISTS (
                       SELECT 1 FROM visit AS v
                       WHERE v.child_file_id = c.child_file_id AND v.visit_date = c.visit_date
                         AND v.kind = c.kind
                   )
               ) AS recorded
        FROM checked AS c
    )
    SELECT row_number, subject_kind, visit_date, kind, registered_date, ended_date, missing,
           NOT missing AND visit_date < registered_date AS early,
           NOT missing AND inactive AND (ended_date IS NULL OR ended_date <= visit_date)
               AS ended,
           earlier_row, recorded
    FROM found
    WHERE missing
       OR visit_date < registered_date
       OR (inactive AND (ended_date IS NULL OR ended_date <= visit_date))
       OR earlier_row IS NOT NULL
       OR recorded
    ORDER BY row_number
    """
).bindparams(bindparam("city_wide"), bindparam("patterns"))

_INSERT = text(
    """
    INSERT INTO visit (
        elder_id, child_file_id, area_code, visit_date, kind, findings, visitor_name,
        visitor_username, follow_up_action, follow_up_due_date
    )
    SELECT elder_id, child_file_id, area_code, visit_date, kind, findings, visitor_name,
           visitor_username, follow_up_action, follow_up_due_date
    FROM visit_staging
    ORDER BY row_number
    """
)


def _visit(cells: VisitCells) -> VisitCreate:
    """The row as the API's model (its subject id a stand-in: found later, by ID number)."""
    follow_up = None
    if cells.follow_up_action is not None or cells.follow_up_due_date is not None:
        if cells.follow_up_action is None:
            raise RowError("follow_up_action", "填写跟进期限时须填写跟进事项")
        if cells.follow_up_due_date is None:
            raise RowError("follow_up_due_date", "有跟进事项时须填写跟进期限")
        follow_up = FollowUpIn(action=cells.follow_up_action, due_date=cells.follow_up_due_date)
    return VisitCreate(
        subject_kind=cells.subject_kind,
        subject_id=uuid.UUID(int=0),
        visit_date=cells.visit_date,
        kind=cells.kind,
        findings=cells.findings,
        visitor=Visitor(name=cells.visitor_name, username=cells.visitor_username),
        follow_up=follow_up,
    )


def _row_rules(cells: VisitCells) -> None:
    if cells.kind is VisitKind.SCHOOL and cells.subject_kind is not SubjectKind.CHILD:
        raise RowError("kind", "到校了解只适用于儿童")
    if cells.subject_kind is SubjectKind.CHILD and not is_minor_on(
        cells.id_number, cells.visit_date
    ):
        adult = eighteenth_birthday(cells.id_number.birth_date)
        raise RowError("visit_date", f"该儿童 {adult} 已年满18周岁，不在探访范围内")


_FIELDS: Final = {"visitor": "visitor_name", "follow_up": "follow_up_due_date"}


def _field_of(loc: Location) -> str:
    """The column of a ``VisitCreate`` error: a nested model's is its first cell's, the
    follow-up's own rule its due date's."""
    first = str(loc[0]) if loc else "follow_up_due_date"
    return _FIELDS.get(first, first)


@dataclass(frozen=True)
class _Checked:
    sheet: Sheet
    records: list[tuple[Any, ...]]
    kinds: Counter[str]


def _check(upload: Upload) -> _Checked:
    """Every row through the checks that need no database."""
    sheet = open_sheet(upload, COLUMNS, PREFIX)
    problems = sheet.problems
    records: list[tuple[Any, ...]] = []
    kinds: Counter[str] = Counter()
    for number, values in sheet.rows():
        try:
            cells = VisitCells.model_validate(values)
        except ValidationError as exc:
            problems.add_errors(number, exc)
            continue
        try:
            visit = _visit(cells)
            _row_rules(cells)
        except ValidationError as exc:
            problems.add_errors(number, exc, _field_of)
            continue
        except RowError as exc:
            problems.add(number, exc.field, exc.message)
            continue
        follow_up = visit.follow_up
        records.append(
            (
                number,
                visit.subject_kind.value,
                str(cells.id_number),
                visit.visit_date,
                visit.kind.value,
                visit.findings,
                cells.visitor_name.strip(),
                cells.visitor_username,
                follow_up.action if follow_up else None,
                follow_up.due_date if follow_up else None,
            )
        )
        kinds[visit.subject_kind.value] += 1
    sheet.ensure_rows(len(records))
    return _Checked(sheet, records, kinds)


def _subject_problem(row: Any, problems: Problems) -> None:
    what = "留守老人名册" if row.subject_kind == SubjectKind.ELDERLY.value else "儿童档案"
    if row.missing:
        problems.add(row.row_number, "id_number", f"该对象不在{what}中，或不在您负责的区域内")
        return
    if row.early:
        problems.add(
            row.row_number,
            "visit_date",
            f"探访日期 {row.visit_date} 早于对象纳入名册（建档）日期 {row.registered_date}",
        )
    elif row.ended and row.subject_kind == SubjectKind.ELDERLY.value:
        problems.add(
            row.row_number,
            "visit_date",
            f"该老人已于 {row.ended_date} 退出留守老人名册，不能登记 {row.visit_date} 的探访",
        )
    elif row.ended:
        problems.add(
            row.row_number,
            "visit_date",
            f"该儿童档案已于 {row.ended_date} 销档，不能登记 {row.visit_date} 的探访",
        )
    label = KIND_LABELS[VisitKind(row.kind)]
    if row.earlier_row is not None:
        problems.add(
            row.row_number,
            "visit_date",
            f"与第 {row.earlier_row} 行为同一对象同一天的{label}，同一次探访只能登记一次",
        )
    elif row.recorded:
        problems.add(
            row.row_number,
            "visit_date",
            f"该对象 {row.visit_date} 的{label}已登记，不能重复导入"
            "（同一对象同一天同一方式的探访只登记一次）",
        )


async def _set_problems(session: AsyncSession, problems: Problems, principal: Principal) -> None:
    prefixes = principal.area_prefixes
    rows = await session.execute(
        _PROBLEMS,
        {
            "city_wide": prefixes is None,
            "patterns": [f"{p}%" for p in prefixes or ()],
        },
    )
    for row in rows.all():
        _subject_problem(row, problems)


_CONFLICT: Final = "文件中的部分探访刚刚已由他人登记，请刷新后核对再导入"


@dataclass(frozen=True)
class VisitImport:
    """The ``Importer`` of visit records, for ``add_import_routes``."""

    prefix: str = PREFIX
    columns: ColumnSet = COLUMNS

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ImportResult:
        # Parsing and checking a large file is CPU work: off the event loop.
        checked = await asyncio.to_thread(_check, upload)
        sheet = checked.sheet
        table, problems = sheet.table, sheet.problems
        if problems.count:
            raise sheet.failure()
        # The same visits imported meanwhile by someone else: the unique indexes' 409.
        async with all_or_nothing(session, PREFIX, conflict=_CONFLICT):
            await STAGING.fill(session, checked.records)
            await session.execute(_FIND_ELDERS)
            await session.execute(_FIND_CHILDREN)
            await _set_problems(session, problems, principal)
            if problems.count:
                raise sheet.failure()
            await session.execute(_INSERT)
            await STAGING.drop(session)
            await record_import(
                session,
                AuditEvent,
                entity=Visit.__tablename__,
                upload=upload,
                table=table,
                rows=len(checked.records),
                by_subject_kind=dict(sorted(checked.kinds.items())),
            )
        return ImportResult(rows=len(checked.records), format=table.format, encoding=table.encoding)


visit_import: Final = VisitImport()
