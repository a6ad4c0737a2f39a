"""Many persons' subsidy applications decided at once, from CSV or XLSX (两项补贴批量审核).

A row is an application as ``POST /api/v1/disabled-persons/{id}/subsidy-applications``
takes it (``SubsidyApplicationCreate``), naming the person by ID number, and every
row is decided by the same rules on the same facts: the register, the orphan
scheme, the year's parameters for the person's area, and the assistance service's
answer, asked for the whole file in one call (a 503 and nothing decided when it
cannot answer). The look-ups are one query each for the whole file; the pure rules
of ``eligibility`` then decide each row.

Unlike the single-person API, a file records grants only: any row that is invalid,
outside the caller's areas or refused (with every reason) fails the whole file
with the 422 report and nothing written; otherwise the applications, decisions and
grants go in by COPY, exactly what one application a row would have written.
"""

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from pydantic import Field, ValidationError
from sqlalchemy import String, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal, Role
from civil_shared.clients.assistance import AssistanceClient
from civil_shared.contracts.assistance import PersonStatus
from civil_shared.contracts.person_statuses import MAX_PERSONS
from civil_shared.errors import Unprocessable
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    ImportResult,
    Sheet,
    Upload,
    all_or_nothing,
    copy_records,
    id_number_text,
    open_sheet,
    record_import,
)
from civil_shared.types import DisabilityCategory, IdNumber, Period
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.schemas import CaseStatus, Scheme
from civil_welfare.db import AuditEvent
from civil_welfare.disability.eligibility import (
    AssistanceFacts,
    PersonFacts,
    SubsidyPolicy,
    assess,
)
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyDecision,
    DisabilitySubsidyGrant,
    DisabledPerson,
)
from civil_welfare.disability.schemas import (
    SUBSIDY_LABELS,
    DisabilitySubsidy,
    GrantStatus,
    Outcome,
    RegisterStatus,
    SubsidyApplicationCreate,
)
from civil_welfare.parameters.by_area import values_by_area
from civil_welfare.parameters.keys import ParameterKey
from civil_welfare.peers import assistance_statuses

PREFIX: Final = "WELFARE_DISABILITY_SUBSIDY"
BOTH: Final = ("两项", "两项补贴", "both", "全部")
#: What staff write for each subsidy: its value, its name, its short name.
_SUBSIDY_NAMES: Final = {
    name: subsidy
    for subsidy in DisabilitySubsidy
    for name in (subsidy.value, SUBSIDY_LABELS[subsidy], SUBSIDY_LABELS[subsidy][-4:])
}
_SEPARATORS: Final = str.maketrans(dict.fromkeys("，、;；/+ ", ","))

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "身份证号", True, "须已在残疾人名册中；一人一行", text=True),
        Column("name", "姓名", False, "填写时须与名册一致（防止错行）"),
        Column(
            "subsidies",
            "申请补贴",
            True,
            "生活补贴、护理补贴，或“两项”（可用顿号、逗号分隔）",
            allowed=("两项", "生活补贴", "护理补贴"),
        ),
        Column(
            "start_period",
            "起始发放月份",
            True,
            "YYYY-MM；不早于审核当月（系统管理员补录历史决定时除外）",
        ),
        Column("notes", "备注", False),
    )
)

APPLICATION_COLUMNS: Final = (
    "id",
    "person_id",
    "start_period",
    "decided_on",
    "decided_by",
    "category",
    "grade",
    "care_need_months",
    "in_orphan_scheme",
    "in_dibao",
    "in_tekun",
    "household_edge_of_dibao",
    "assistance_programmes",
    "assistance_checked_on",
    "notes",
)
GRANT_COLUMNS: Final = ("id", "person_id", "subsidy", "start_period", "status")
DECISION_COLUMNS: Final = ("id", "application_id", "subsidy", "outcome", "reasons", "grant_id")


class DecisionImportResult(ImportResult):
    rows: int = Field(description="审核同意的申请数（每行一人）")
    living_grants: int = Field(description="同意发放困难残疾人生活补贴的人数")
    care_grants: int = Field(description="同意发放重度残疾人护理补贴的人数")


def subsidies_cell(value: str) -> list[str]:
    """``两项`` or the subsidies' names, separated by 、，, or spaces."""
    text = value.strip()
    if text.lower() in BOTH:
        return [s.value for s in DisabilitySubsidy]
    names = [n for n in text.translate(_SEPARATORS).split(",") if n]
    found = [_SUBSIDY_NAMES.get(n) or _SUBSIDY_NAMES.get(n.lower()) for n in names]
    if not names or None in found:
        raise ValueError("申请补贴应为“生活补贴”“护理补贴”或“两项”")
    return [s.value for s in found if s is not None]


@dataclass(frozen=True)
class Row:
    number: int
    id_number: str
    name: str | None
    application: SubsidyApplicationCreate


@dataclass(frozen=True)
class _Person:
    id: uuid.UUID
    id_number: str
    name: str
    area_code: str
    category: str
    grade: int
    care_need_since: date | None
    status: str


def _read(upload: Upload) -> tuple[Sheet, list[Row]]:
    """Every row checked as the API's model checks an application (CPU work: a thread)."""
    sheet = open_sheet(upload, COLUMNS, PREFIX)
    problems = sheet.problems
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for number, values in sheet.rows():
        broken = False
        try:
            id_number = str(IdNumber(id_number_text(values.get("id_number", ""))))
        except ValueError as exc:
            problems.add(number, "id_number", _text(exc) or "身份证号无效")
            broken = True
        subsidies: list[str] | None = None
        if "subsidies" not in values:
            problems.add(number, "subsidies", "必填项未填写")
            broken = True
        else:
            try:
                subsidies = subsidies_cell(values["subsidies"])
            except ValueError as exc:
                problems.add(number, "subsidies", str(exc))
                broken = True
        try:
            application = SubsidyApplicationCreate.model_validate(
                {
                    "start_period": values.get("start_period"),
                    "notes": values.get("notes"),
                    **({"subsidies": subsidies} if subsidies is not None else {}),
                }
            )
        except ValidationError as exc:
            problems.add_errors(number, exc)
            continue
        if broken:
            continue
        if id_number in seen:
            problems.add(number, "id_number", f"与第 {seen[id_number]} 行的身份证号重复")
            continue
        seen[id_number] = number
        rows.append(Row(number, id_number, values.get("name"), application))
    sheet.ensure_rows(len(rows))
    return sheet, rows


def _text(exc: Exception) -> str:
    message = str(exc)
    return message if any("\u4e00" <= ch <= "\u9fff" for ch in message) else ""


def _among(column: Any, values: Sequence[str]) -> Any:
    """``column IN (SELECT unnest(values))``: one parameter however many, and a join the
    planner may hash (``= ANY(array)`` compares each row with every value)."""
    return column.in_(select(func.unnest(literal(list(values), ARRAY(String)))))


async def _persons(session: AsyncSession, id_numbers: list[str]) -> dict[str, _Person]:
    p = DisabledPerson
    rows = await session.execute(
        select(
            p.id, p.id_number, p.name, p.area_code, p.category, p.grade, p.care_need_since, p.status
        ).where(_among(p.id_number, id_numbers))
    )
    return {row.id_number: _Person(*row) for row in rows}


async def _active_grants(session: AsyncSession, id_numbers: list[str]) -> set[tuple[str, str]]:
    g, p = DisabilitySubsidyGrant, DisabledPerson
    rows = await session.execute(
        select(p.id_number, g.subsidy)
        .join(p, p.id == g.person_id)
        .where(_among(p.id_number, id_numbers), g.status == GrantStatus.ACTIVE.value)
    )
    return {(row.id_number, row.subsidy) for row in rows}


async def _orphan_cases_until(session: AsyncSession, id_numbers: list[str]) -> dict[str, str]:
    """The last month each child's orphan cases pay (``in_orphan_scheme`` asks whether a
    case pays in the start month or later: its latest end is then at least that month)."""
    case = ChildSupportCase
    rows = await session.execute(
        select(case.id_number, func.max(case.end_period).label("until"))
        .where(
            _among(case.id_number, id_numbers),
            case.scheme == Scheme.ORPHAN.value,
            case.status != CaseStatus.REVOKED.value,
            case.end_period.is_not(None),
        )
        .group_by(case.id_number)
    )
    return {row.id_number: row.until for row in rows}


@dataclass
class DecisionImport:
    """``POST /api/v1/disability-subsidy-applications/import``."""

    session: AsyncSession
    assistance: AssistanceClient | None
    today: date | None = None

    async def run(self, upload: Upload, principal: Principal) -> DecisionImportResult:
        session, today = self.session, self.today or date.today()
        sheet, rows = await asyncio.to_thread(_read, upload)
        table, problems = sheet.table, sheet.problems
        if len(rows) > MAX_PERSONS:  # what assistance answers in one call
            raise Unprocessable(
                f"一个文件最多 {MAX_PERSONS} 人，请分批导入", code=f"{PREFIX}_IMPORT_TOO_MANY_ROWS"
            )
        id_numbers = [row.id_number for row in rows]
        persons = await _persons(session, id_numbers)
        held = await _active_grants(session, id_numbers)
        orphans_until = await _orphan_cases_until(session, id_numbers)
        keys = [
            ParameterKey.LIVING_SUBSIDY_EDGE_OF_DIBAO,
            ParameterKey.CARE_SUBSIDY_GRADE3_MENTAL,
            ParameterKey.CARE_NEED_MIN_MONTHS,
        ]
        parameters = await values_by_area(session, keys, today.year)
        this_month = Period.of(today)
        admin = principal.has_role(Role.ADMIN)

        ready: list[tuple[Row, _Person]] = []
        for row in rows:
            person = persons.get(row.id_number)
            if person is None or not principal.sees_area(person.area_code):
                problems.add(
                    row.number, "id_number", "残疾人名册中没有此人，或此人不在您负责的区域内"
                )
                continue
            if row.name is not None and row.name != person.name:
                problems.add(row.number, "name", f"姓名与名册不符（名册为“{person.name}”）")
            if person.status != RegisterStatus.ACTIVE:
                problems.add(
                    row.number, "id_number", "该人员不在册（已迁出、死亡或证件注销），不能申请补贴"
                )
            if row.application.start_period < this_month and not admin:
                problems.add(
                    row.number, "start_period", f"起始发放月份不能早于审核当月（{this_month}）"
                )
            for subsidy in row.application.subsidies:
                if (row.id_number, subsidy.value) in held:
                    problems.add(
                        row.number,
                        "subsidies",
                        f"该人员正在享受{subsidy.label}，不能重复申请；如需重新审核，请先停发",
                    )
            ready.append((row, person))
        # Asked only when every row names a person who may apply: a file with such
        # mistakes is answered without troubling assistance.
        statuses: dict[str, PersonStatus] = {}
        if ready and not problems.count:
            statuses = await assistance_statuses(
                self.assistance, [IdNumber(row.id_number) for row, _ in ready], today
            )

        applications: list[tuple[Any, ...]] = []
        grants: list[tuple[Any, ...]] = []
        decisions: list[tuple[Any, ...]] = []
        granted = dict.fromkeys(DisabilitySubsidy, 0)
        for row, person in ready if statuses else ():
            answer = statuses[row.id_number]
            values = parameters.for_area(person.area_code)
            policy = SubsidyPolicy(
                living_for_edge_of_dibao=int(values[keys[0]]) == 1,
                care_for_grade3_mental=int(values[keys[1]]) == 1,
                care_need_min_months=int(values[keys[2]]),
            )
            start = row.application.start_period
            orphan_end = orphans_until.get(row.id_number)
            facts = PersonFacts(
                category=DisabilityCategory(person.category),
                grade=person.grade,
                care_need_since=person.care_need_since,
                in_orphan_scheme=orphan_end is not None and orphan_end >= str(start),
            )
            application_id = uuid.uuid4()
            refused = False
            for subsidy in (s for s in DisabilitySubsidy if s in row.application.subsidies):
                verdict = assess(subsidy, facts, AssistanceFacts.of(answer), policy, today)
                if not verdict.granted:
                    reasons = "；".join(r.label for r in verdict.reasons)
                    problems.add(row.number, "subsidies", f"不符合{subsidy.label}条件：{reasons}")
                    refused = True
                    continue
                grant_id = uuid.uuid4()
                granted[subsidy] += 1
                grants.append(
                    (grant_id, person.id, subsidy.value, str(start), GrantStatus.ACTIVE.value)
                )
                decisions.append(
                    (
                        uuid.uuid4(),
                        application_id,
                        subsidy.value,
                        Outcome.GRANTED.value,
                        [],
                        grant_id,
                    )
                )
            if refused:
                continue
            applications.append(
                (
                    application_id,
                    person.id,
                    str(start),
                    today,
                    principal.sub,
                    person.category,
                    person.grade,
                    facts.care_need_months(today),
                    facts.in_orphan_scheme,
                    answer.in_dibao,
                    answer.in_tekun,
                    answer.household_edge_of_dibao,
                    sorted({e.programme for e in answer.enrolments}),
                    answer.checked_on,
                    row.application.notes,
                )
            )
        if problems.count:
            raise sheet.failure()

        async with all_or_nothing(
            session,
            PREFIX,
            "导入期间有人员的补贴被他人审核同意，未导入任何数据，请重新导入",
        ):
            await record_import(
                session,
                AuditEvent,
                entity=DisabilitySubsidyApplication.__tablename__,
                upload=upload,
                table=table,
                rows=len(applications),
                decided_on=today.isoformat(),
                granted={s.value: n for s, n in granted.items()},
            )
            # Grants before the decisions that name them, applications before theirs.
            await copy_records(session, DisabilitySubsidyGrant.__tablename__, GRANT_COLUMNS, grants)
            await copy_records(
                session,
                DisabilitySubsidyApplication.__tablename__,
                APPLICATION_COLUMNS,
                applications,
            )
            await copy_records(
                session, DisabilitySubsidyDecision.__tablename__, DECISION_COLUMNS, decisions
            )
        return DecisionImportResult(
            rows=len(applications),
            format=table.format,
            encoding=table.encoding,
            living_grants=granted[DisabilitySubsidy.LIVING],
            care_grants=granted[DisabilitySubsidy.CARE],
        )
