"""Bulk import of service records from CSV or XLSX: all or nothing, a per-row report, COPY.

A row names a registered volunteer (ID number), an activity (its code) and the
hours. The file goes in chunks through three steps at once: a worker thread
checks the cells of chunk k+2, another builds chunk k+1's records once its new
volunteers and activities are looked up (one set-based query each, ``unnest``
joined to the register, never a query a row), and the database takes chunk k
by COPY inside the request's transaction. A problem anywhere stops the COPYs,
every row is still checked for the report, and the transaction is rolled back:
nothing is written. Otherwise the hours summary is added to in one statement,
the import audited, and everything committed at once.

Cells are checked once per distinct value (an ID number recurs on each of its
volunteer's rows, a few hour values on all of them), without a pydantic model a
row: at a million rows that is most of the CPU the import needs.
"""

import asyncio
import itertools
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.db import AuditEvent
from civil_governance.volunteers.repository import add_hours_bulk, load_calendar
from civil_governance.volunteers.rules import VolunteerStatus, hours_problem
from civil_governance.volunteers.schemas import ServiceImportResult
from civil_governance.volunteers.workdays import WorkingCalendar, local_date, now
from civil_shared.auth import Principal
from civil_shared.errors import Conflict
from civil_shared.runtime.database import UNIQUE_VIOLATION
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    Problems,
    RowIds,
    Sheet,
    Upload,
    all_or_nothing,
    copy_records,
    open_sheet,
    record_import,
)
from civil_shared.runtime.imports.reading import Table
from civil_shared.types import IdNumber, canonical_id_number

PREFIX: Final = "GOVERNANCE_VOLUNTEER_SERVICE"
#: A million rows of CSV are about 50 MB: this route takes files up to this size.
MAX_IMPORT_BYTES: Final = 256 * 1024 * 1024
#: Rows checked per step: the database ingests one chunk while the next is checked.
CHUNK_ROWS: Final = 20_000
FOREIGN_KEY_VIOLATION: Final = "23503"
MAX_NAME_LENGTH: Final = 100
MAX_CODE_LENGTH: Final = 30

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "志愿者身份证号", True, "须为已注册的志愿者", text=True),
        Column("name", "姓名", False, "选填；填写时须与注册姓名一致（核对用）"),
        Column("activity_code", "活动编号", True, "志愿服务活动的编号（见活动列表）", text=True),
        Column("hours", "服务时长（小时）", True, "大于0、不超过24，最多两位小数"),
    )
)
TABLE: Final = "volunteer_service"
RECORD_COLUMNS: Final = (
    "id",
    "volunteer_id",
    "activity_id",
    "service_date",
    "hours",
    "entered_at",
    "entered_by",
    "entry_deadline",
    "late",
)

# Run on the session's own asyncpg connection (inside its transaction): a chunk's
# look-up answers tens of thousands of rows, which need no ORM rows made of them. The
# volunteers are held (FOR SHARE) until the import commits, as a single record holds
# its volunteer: a concurrent move to another village or a deregistration waits.
_VOLUNTEERS = (
    "SELECT v.id, v.id_number, v.name, v.area_code, v.registered_date, v.status, v.status_date"
    " FROM volunteer AS v JOIN unnest($1::varchar[]) AS f(id_number)"
    " ON v.id_number = f.id_number FOR SHARE OF v"
)
# has_records: only an activity with records already can hold a pair this file repeats.
_ACTIVITIES = (
    "SELECT a.id, a.code, a.activity_date, a.township_code,"
    " EXISTS (SELECT 1 FROM volunteer_service AS s WHERE s.activity_id = a.id) AS has_records"
    " FROM volunteer_activity AS a JOIN unnest($1::varchar[]) AS f(code) ON a.code = f.code"
)
_EXISTING_PAIRS = (
    "SELECT f.volunteer_id, f.activity_id"
    " FROM unnest($1::uuid[], $2::uuid[]) AS f(volunteer_id, activity_id)"
    " JOIN volunteer_service AS s"
    " ON s.volunteer_id = f.volunteer_id AND s.activity_id = f.activity_id"
)


async def _driver(session: AsyncSession) -> Any:
    """The asyncpg connection under the session (its transaction already open)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


class _Bad(str):
    """A cell's problem, cached like a value (a str, so the caches stay one type)."""

    __slots__ = ()


_MISSING: Final = _Bad("必填项未填写")
_CENT: Final = Decimal("0.01")

# (row number, ID number, name or None, activity code, hours, hours in hundredths)
ParsedRow = tuple[int, str, str | None, str, Decimal, int]


def parse_id_number(text: str, today: date | None = None) -> str:
    """The canonical ID number, or a :class:`_Bad` saying what is wrong."""
    quick = canonical_id_number(text, today)
    if quick is not None:
        return quick
    if "e+" in text.lower():
        return _Bad("身份证号被表格软件转成了数字，请把该列设为文本格式后重新填写")
    try:
        return str(IdNumber(text))
    except ValueError as exc:
        return _Bad(str(exc))


def parse_hours(text: str) -> Decimal | _Bad:
    if not text.isascii() or "_" in text:
        return _Bad("服务时长应为数字（小时）")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _Bad("服务时长应为数字（小时）")
    problem = hours_problem(value)
    return _Bad(problem) if problem is not None else value.quantize(_CENT)


@dataclass
class _Chunk:
    rows: list[ParsedRow]
    problems: list[tuple[int, str, str]]  # (row, column key, message)
    new_id_numbers: list[str]  # first seen in this chunk
    new_codes: list[str]


class _Parser:
    """Reads the file's rows a chunk at a time and checks their cells (worker thread).

    Each cache maps a cell's text as read to what it means (or its problem), so a
    value that recurs is stripped and checked once.
    """

    def __init__(self, table: Table, positions: list[tuple[int, str]]) -> None:
        self.table = table
        where = {key: index for index, key in positions}
        # An absent optional column reads the empty cell appended to every row.
        indexes = [where.get(key, -1) for key in ("id_number", "name", "activity_code", "hours")]
        self._pick: Callable[[list[str]], tuple[str, str, str, str]] = operator.itemgetter(*indexes)
        self._width = max(indexes) + 1
        self._ids: dict[str, str] = {"": _MISSING}
        self._codes: dict[str, str] = {"": _MISSING}
        self._hours: dict[str, tuple[Decimal, int] | _Bad] = {"": _MISSING}
        self._today = date.today()
        self._seen_ids: set[str] = set()
        self._seen_codes: set[str] = set()

    def chunk(self) -> _Chunk | None:
        """The next rows with their cells checked; None after the last."""
        chunk = _Chunk([], [], [], [])
        rows, problems = chunk.rows, chunk.problems
        ids, codes, hours_of = self._ids, self._codes, self._hours
        width, pick = self._width, self._pick
        read = 0
        for number, cells in itertools.islice(self.table.rows, CHUNK_ROWS):
            read += 1
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            cells.append("")
            id_text, name, code_text, hours_text = pick(cells)
            id_number = ids.get(id_text)
            if id_number is None:
                id_number = ids[id_text] = self._id_number(id_text, chunk)
            code = codes.get(code_text)
            if code is None:
                code = codes[code_text] = self._code(code_text, chunk)
            hours = hours_of.get(hours_text)
            if hours is None:
                hours = hours_of[hours_text] = _hours(hours_text)
            name = name.strip()
            if (
                type(id_number) is str
                and type(code) is str
                and type(hours) is tuple
                and len(name) <= MAX_NAME_LENGTH
            ):
                rows.append((number, id_number, name or None, code, hours[0], hours[1]))
                continue
            if id_number is _MISSING and code is _MISSING and hours is _MISSING and not name:
                continue  # a blank line is harmless
            if type(id_number) is _Bad:
                problems.append((number, "id_number", id_number))
            if len(name) > MAX_NAME_LENGTH:
                problems.append((number, "name", "姓名过长"))
            if type(code) is _Bad:
                problems.append((number, "activity_code", code))
            if type(hours) is _Bad:
                problems.append((number, "hours", hours))
        return chunk if read else None

    def _id_number(self, text: str, chunk: _Chunk) -> str:
        stripped = text.strip()
        if not stripped:
            return _MISSING
        found = parse_id_number(stripped, self._today)
        # Two spellings of one number (a lower-case x, spaces) are one volunteer.
        if type(found) is str and found not in self._seen_ids:
            self._seen_ids.add(found)
            chunk.new_id_numbers.append(found)
        return found

    def _code(self, text: str, chunk: _Chunk) -> str:
        code = text.strip()
        if not code:
            return _MISSING
        if len(code) > MAX_CODE_LENGTH:
            return _Bad("活动编号过长")
        if code not in self._seen_codes:
            self._seen_codes.add(code)
            chunk.new_codes.append(code)
        return code


def _hours(text: str) -> tuple[Decimal, int] | _Bad:
    parsed = parse_hours(text.strip()) if text.strip() else _MISSING
    return parsed if isinstance(parsed, _Bad) else (parsed, int(parsed * 100))


@dataclass(slots=True)
class _Volunteer:
    index: int
    id: Any  # uuid.UUID
    name: str
    area_code: str
    registered_date: date
    deregistered_on: date | None
    used: bool = False


@dataclass(slots=True)
class _Activity:
    index: int
    id: Any  # uuid.UUID
    activity_date: date
    deadline: date
    late: bool
    has_records: bool
    problem: str | None  # why no row may name it (another area, not held yet)
    used: bool = False


@dataclass
class _Built:
    """A chunk made into records: what to COPY, what to look up first, what is wrong."""

    records: list[tuple[Any, ...]]
    checks: list[tuple[Any, Any, int]]  # (volunteer id, activity id, row): pairs to look up
    problems: list[tuple[int, str, str]]


@dataclass
class _Load:
    """What the import knows and has done so far.

    The event loop adds the volunteers and activities looked up; :meth:`build`
    (a worker thread) reads them and keeps the rest. The two never run at once.
    """

    principal: Principal
    calendar: WorkingCalendar
    entered_at: datetime
    ids: RowIds = field(default_factory=RowIds)
    volunteers: dict[str, _Volunteer | None] = field(default_factory=dict)
    volunteer_list: list[_Volunteer] = field(default_factory=list)
    activities: dict[str, _Activity | None] = field(default_factory=dict)
    deadlines: dict[date, date] = field(default_factory=dict)  # by activity date
    #: (activity index << 32 | volunteer index) -> the row the pair was first on. The
    #: volunteer in the low bits: dict slots are picked by them, and they vary most.
    pairs: dict[int, int] = field(default_factory=dict)
    #: (year << 32 | volunteer index) -> [hundredths of hours, records].
    totals: dict[int, list[int]] = field(default_factory=dict)
    rows: int = 0
    late: int = 0
    hundredths: int = 0
    volunteers_used: int = 0
    activities_used: int = 0
    conflict: Exception | None = None

    def build(self, chunk: _Chunk) -> _Built:
        """The chunk's records to COPY, the pairs to look for in the database, problems."""
        built = _Built([], [], [])
        records, checks, problems = built.records, built.checks, built.problems
        volunteers, activities = self.volunteers, self.activities
        pairs, totals, next_id = self.pairs, self.totals, self.ids.next
        entered_at, entered_by = self.entered_at, self.principal.sub
        late = hundredths_total = 0
        for number, id_number, name, code, hours, hundredths in chunk.rows:
            volunteer = volunteers[id_number]
            activity = activities[code]
            if (
                volunteer is None
                or activity is None
                or activity.problem is not None
                or (name is not None and name != volunteer.name)
            ):
                problems.extend(self._unknown(number, volunteer, name, code, activity))
                continue
            served = activity.activity_date
            if served < volunteer.registered_date:
                problems.append(
                    (
                        number,
                        "id_number",
                        f"活动日期 {served} 早于该志愿者的注册日期 {volunteer.registered_date}",
                    )
                )
                continue
            if volunteer.deregistered_on is not None and served >= volunteer.deregistered_on:
                problems.append(
                    (number, "id_number", f"该志愿者已于 {volunteer.deregistered_on} 注销")
                )
                continue
            first = pairs.setdefault(activity.index << 32 | volunteer.index, number)
            if first != number:
                problems.append(
                    (
                        number,
                        "activity_code",
                        f"与第 {first} 行重复：同一志愿者同一活动只登记一次",
                    )
                )
                continue
            if activity.has_records:
                checks.append((volunteer.id, activity.id, number))
            records.append(
                (
                    next_id(),
                    volunteer.id,
                    activity.id,
                    served,
                    hours,
                    entered_at,
                    entered_by,
                    activity.deadline,
                    activity.late,
                )
            )
            key = served.year << 32 | volunteer.index
            total = totals.get(key)
            if total is None:
                totals[key] = [hundredths, 1]
            else:
                total[0] += hundredths
                total[1] += 1
            hundredths_total += hundredths
            if activity.late:
                late += 1
            if not volunteer.used:
                volunteer.used = True
                self.volunteers_used += 1
            if not activity.used:
                activity.used = True
                self.activities_used += 1
        self.rows += len(records)
        self.late += late
        self.hundredths += hundredths_total
        return built

    @staticmethod
    def _unknown(
        number: int,
        volunteer: _Volunteer | None,
        name: str | None,
        code: str,
        activity: _Activity | None,
    ) -> list[tuple[int, str, str]]:
        problems = []
        if volunteer is None:
            problems.append((number, "id_number", "该身份证号未注册为志愿者"))
        elif name is not None and name != volunteer.name:
            problems.append((number, "name", "姓名与该身份证号注册的姓名不一致"))
        if activity is None:
            problems.append((number, "activity_code", f"活动编号 {code} 不存在"))
        elif activity.problem is not None:
            problems.append((number, "activity_code", activity.problem))
        return problems

    def add_volunteers(self, asked: Sequence[str], found: Sequence[Any]) -> None:
        for row in found:
            deregistered = (
                row["status_date"] if row["status"] == VolunteerStatus.DEREGISTERED.value else None
            )
            volunteer = _Volunteer(
                len(self.volunteer_list),
                row["id"],
                row["name"],
                row["area_code"],
                row["registered_date"],
                deregistered,
            )
            self.volunteer_list.append(volunteer)
            self.volunteers[row["id_number"]] = volunteer
        for id_number in asked:
            self.volunteers.setdefault(id_number, None)

    def add_activities(self, asked: Sequence[str], found: Sequence[Any], today: date) -> None:
        entered = local_date(self.entered_at)
        deadlines = self.deadlines
        for row in found:
            deadline = deadlines.get(row["activity_date"])
            if deadline is None:
                deadline = deadlines[row["activity_date"]] = self.calendar.entry_deadline(
                    row["activity_date"]
                )
            problem = None
            if not self.principal.sees_area(row["township_code"]):
                problem = "该活动不在您负责的区域内"
            elif row["activity_date"] > today:
                problem = "活动尚未开展（活动日期晚于今天），不能登记服务时长"
            self.activities[row["code"]] = _Activity(
                len(self.activities),
                row["id"],
                row["activity_date"],
                deadline,
                entered > deadline,
                row["has_records"],
                problem,
            )
        for code in asked:
            self.activities.setdefault(code, None)


@dataclass(frozen=True)
class ServiceRecordImport:
    """The import of service records; serves the shared import routes."""

    prefix: str = PREFIX
    columns: ColumnSet = COLUMNS

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ServiceImportResult:
        entered_at = now()
        sheet, parser = await asyncio.to_thread(self._open, upload)
        table, problems = sheet.table, sheet.problems
        async with all_or_nothing(session, self.prefix):
            # The first statement: it also opens the transaction the COPYs run in.
            calendar = await load_calendar(session)
            load = _Load(principal, calendar, entered_at)
            await self._pipeline(session, parser, load, problems)
            if problems.count:
                raise sheet.failure()
            if load.conflict is not None:
                raise Conflict(
                    "导入期间有服务记录被他人登记（或志愿者、活动被修改），未导入任何数据，"
                    "请重新导入",
                    code=f"{self.prefix}_IMPORT_CONFLICT",
                ) from load.conflict
            sheet.ensure_rows(load.rows)
            await self._add_totals(session, load)
            hours = Decimal(load.hundredths).scaleb(-2).quantize(_CENT)
            counts = {
                "late": load.late,
                "hours": hours,
                "volunteers": load.volunteers_used,
                "activities": load.activities_used,
            }
            await record_import(
                session,
                AuditEvent,
                entity=TABLE,
                upload=upload,
                table=table,
                rows=load.rows,
                **counts,
            )
        return ServiceImportResult(
            rows=load.rows, **counts, format=table.format, encoding=table.encoding
        )

    def _open(self, upload: Upload) -> tuple[Sheet, _Parser]:
        # The parser reads the rows itself, a chunk at a time, without a dict a row.
        sheet = open_sheet(upload, self.columns, self.prefix)
        return sheet, _Parser(sheet.table, sheet.positions)

    async def _pipeline(
        self, session: AsyncSession, parser: _Parser, load: _Load, problems: Problems
    ) -> None:
        """Three steps at once: a thread reads chunk k+2, another builds chunk k+1's
        records, and the database takes chunk k (the connection serves one statement
        at a time: chunk k+1's look-ups go first, then chunk k's COPY).

        After any problem nothing more is copied (it will all be rolled back), but
        every row is still checked and looked up, so the report is complete.
        """
        reading = asyncio.ensure_future(asyncio.to_thread(parser.chunk))
        building: asyncio.Future[_Built] | None = None
        try:
            while True:
                chunk = await reading
                if chunk is not None:
                    reading = asyncio.ensure_future(asyncio.to_thread(parser.chunk))
                built = await building if building is not None else None
                building = None
                if built is not None:
                    for row, key, message in built.problems:
                        problems.add(row, key, message)
                if chunk is not None:
                    for row, key, message in chunk.problems:
                        problems.add(row, key, message)
                    await self._look_up(session, load, chunk)
                    building = asyncio.ensure_future(asyncio.to_thread(load.build, chunk))
                if built is not None:
                    await self._write(session, load, problems, built)
                if building is None:
                    return
        finally:
            reading.cancel()  # on an error: the threads end with their chunk, unheard
            if building is not None:
                building.cancel()

    @staticmethod
    async def _look_up(session: AsyncSession, load: _Load, chunk: _Chunk) -> None:
        """The chunk's volunteers and activities not met before: one query each."""
        driver = await _driver(session)
        if chunk.new_id_numbers:
            found = await driver.fetch(_VOLUNTEERS, chunk.new_id_numbers)
            load.add_volunteers(chunk.new_id_numbers, found)
        if chunk.new_codes:
            found = await driver.fetch(_ACTIVITIES, chunk.new_codes)
            load.add_activities(chunk.new_codes, found, local_date(load.entered_at))

    @staticmethod
    async def _write(session: AsyncSession, load: _Load, problems: Problems, built: _Built) -> None:
        if built.checks:
            rows_of = {(v, a): number for v, a, number in built.checks}
            existing = await (await _driver(session)).fetch(
                _EXISTING_PAIRS,
                [v for v, _, _ in built.checks],
                [a for _, a, _ in built.checks],
            )
            for volunteer_id, activity_id in existing:
                problems.add(
                    rows_of[(volunteer_id, activity_id)],
                    "activity_code",
                    "该志愿者在该活动已有服务记录（同一活动每人一条），如需更正请修改原记录",
                )
        if problems.count or load.conflict is not None or not built.records:
            return  # it will all be rolled back: nothing more to copy
        try:
            await copy_records(session, TABLE, RECORD_COLUMNS, built.records)
        except Exception as exc:
            if getattr(exc, "sqlstate", None) not in (UNIQUE_VIOLATION, FOREIGN_KEY_VIOLATION):
                raise
            # The failed COPY aborted the transaction; the checks go on in a new one.
            await session.rollback()
            load.conflict = exc

    @staticmethod
    async def _add_totals(session: AsyncSession, load: _Load) -> None:
        keys = list(load.totals)
        volunteers = load.volunteer_list
        await add_hours_bulk(
            session,
            [volunteers[key & 0xFFFFFFFF].id for key in keys],
            [key >> 32 for key in keys],
            [volunteers[key & 0xFFFFFFFF].area_code for key in keys],
            [Decimal(load.totals[key][0]).scaleb(-2) for key in keys],
            [load.totals[key][1] for key in keys],
        )


service_record_import: Final = ServiceRecordImport()
