"""Bulk import of a township's temporary-assistance register (临时救助台账), CSV or XLSX.

A row is a case as the single-case API takes it (checked by ``TemporaryCaseCreate``)
plus where it stands: applied, approved by the township or the county, paid, or
rejected, with the dates the old system recorded. Rules that need nothing but the
row are checked in Python while the file is read; the rest is set-based: the rows
are COPYed into a staging table, which one UPDATE gives the standard and the two
multiples in force (the same most-specific-area look-ups as ``temporary_policy``),
one query finds every broken limit and duplicate, and one ``INSERT ... SELECT``
writes the cases. Any problem and the answer is the 422 report with nothing written.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.standards.schemas import StandardProgramme, StandardUnit
from civil_assistance.temporary.models import TemporaryCase
from civil_assistance.temporary.policy import MULTIPLE_LIMIT, plain
from civil_assistance.temporary.schemas import (
    TemporaryCaseCreate,
    TemporaryCause,
    TemporaryKind,
    TemporaryStatus,
)
from civil_shared.auth import Principal, Role
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    ImportResult,
    Problems,
    RowError,
    RowIds,
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
    yes_no,
)
from civil_shared.runtime.imports.cells import message
from civil_shared.types import to_fen

PREFIX: Final = "ASSISTANCE_TEMPORARY"
#: The bureau's day: a decision or payment dated in the register happened in China.
TIMEZONE: Final = "Asia/Shanghai"

KIND_LABELS: Final = {TemporaryKind.EMERGENCY: "急难型", TemporaryKind.SPENDING: "支出型"}
CAUSE_LABELS: Final = {
    TemporaryCause.ILLNESS: "疾病",
    TemporaryCause.ACCIDENT: "意外事故",
    TemporaryCause.DISASTER: "自然灾害",
    TemporaryCause.FIRE: "火灾",
    TemporaryCause.EDUCATION: "教育",
    TemporaryCause.EPIDEMIC: "疫情",
    TemporaryCause.OTHER: "其他",
}
STATUS_LABELS: Final = {
    TemporaryStatus.APPLIED: "已受理",
    TemporaryStatus.TOWNSHIP_APPROVED: "乡镇已审批",
    TemporaryStatus.COUNTY_APPROVED: "市级已审批",
    TemporaryStatus.PAID: "已发放",
    TemporaryStatus.REJECTED: "不予救助",
}
_STATUS_SYNONYMS: Final = {"已申请": TemporaryStatus.APPLIED, "待审批": TemporaryStatus.APPLIED}
#: Who may record decisions and payments (as the API's approve, reject and pay).
STAFF: Final = (Role.ADMIN, Role.CITY_OFFICER, Role.TOWNSHIP_OFFICER)
#: Who decides as the county (市级民政部门), as in the single-case API.
COUNTY: Final = (Role.ADMIN, Role.CITY_OFFICER)

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "身份证号", True, "救助对象身份证号", text=True),
        Column("name", "姓名", True),
        Column("area_code", "区划代码", True, "所在乡镇（9位）或村（社区，12位）代码", text=True),
        Column("kind", "救助类型", True, allowed=allowed_labels(TemporaryKind, KIND_LABELS)),
        Column("cause", "救助事由", True, allowed=allowed_labels(TemporaryCause, CAUSE_LABELS)),
        Column("application_date", "申请日期", True, "YYYY-MM-DD，决定救助年度"),
        Column("description", "困难情况", True),
        Column("amount", "救助金额（元）", False, "与倍数二选一"),
        Column("multiple", "倍数", False, "按城市低保月标准的倍数，与金额二选一"),
        Column("income_per_person_yearly", "家庭人均收入（元/年）", False, "支出型必填"),
        Column("average_disposable_income", "上年人均可支配收入（元/年）", False, "支出型必填"),
        Column("major_hardship", "重大困难个案", False, "填“是”或“否”，空白为否"),
        Column("major_hardship_reason", "重大困难理由", False, "重大困难个案必填"),
        Column(
            "status",
            "办理状态",
            True,
            "已审批、已发放或不予救助的须填写审批日期",
            allowed=allowed_labels(TemporaryStatus, STATUS_LABELS),
        ),
        Column("decided_date", "审批日期", False, "YYYY-MM-DD"),
        Column("decided_by", "审批人", False, "空白为导入人"),
        Column("rejection_reason", "不予救助理由", False, "不予救助的必填"),
        Column("paid_date", "发放日期", False, "YYYY-MM-DD，已发放的必填"),
    )
)


class CaseCells(BaseModel):
    """A row's cells as typed; the case itself is checked by the API's model."""

    id_number: Annotated[str, BeforeValidator(id_number_text)]
    name: str
    area_code: str
    kind: Annotated[TemporaryKind, BeforeValidator(choice(TemporaryKind, KIND_LABELS))]
    cause: Annotated[TemporaryCause, BeforeValidator(choice(TemporaryCause, CAUSE_LABELS))]
    application_date: Annotated[date, BeforeValidator(a_date)]
    description: str
    amount: str | None = None
    multiple: str | None = None
    income_per_person_yearly: str | None = None
    average_disposable_income: str | None = None
    major_hardship: Annotated[bool, BeforeValidator(yes_no)] = False
    major_hardship_reason: str | None = None
    status: Annotated[
        TemporaryStatus,
        BeforeValidator(choice(TemporaryStatus, STATUS_LABELS, _STATUS_SYNONYMS)),
    ]
    decided_date: Annotated[date | None, BeforeValidator(a_date)] = None
    # The lengths of the columns they go to (approved_by/rejected_by, the API's reason).
    decided_by: Annotated[str | None, Field(max_length=200)] = None
    rejection_reason: Annotated[str | None, Field(max_length=1000)] = None
    paid_date: Annotated[date | None, BeforeValidator(a_date)] = None


_STAGING_COLUMNS: Final = (
    "row_number",
    "id",
    "id_number",
    "name",
    "area_code",
    "kind",
    "cause",
    "year",
    "application_date",
    "description",
    "amount",
    "multiple",
    "income_per_person_yearly",
    "average_disposable_income",
    "major_hardship",
    "major_hardship_reason",
    "status",
    "decided_date",
    "decided_by",
    "rejection_reason",
    "paid_date",
)

STAGING: Final = Staging(
    "temporary_case_staging",  # the name the SQL below uses
    text(
        """
    CREATE TEMPORARY TABLE temporary_case_staging (
        row_number integer PRIMARY KEY,
        id uuid NOT NULL,
        id_number varchar(18) NOT NULL,
        name varchar(100) NOT NULL,
        area_code varchar(12) NOT NULL,
        kind varchar(20) NOT NULL,
        cause varchar(20) NOT NULL,
        year integer NOT NULL,
        application_date date NOT NULL,
        description text NOT NULL,
        amount numeric(14, 2),
        multiple numeric(8, 2),
        income_per_person_yearly numeric(14, 2),
        average_disposable_income numeric(14, 2),
        major_hardship boolean NOT NULL,
        major_hardship_reason text,
        status varchar(20) NOT NULL,
        decided_date date,
        decided_by varchar(200),
        rejection_reason text,
        paid_date date,
        standard_monthly numeric(14, 2),
        max_multiple numeric(8, 4),
        township_limit_multiple numeric(8, 4)
    ) ON COMMIT DROP
    """
    ),
    _STAGING_COLUMNS,
)

# The policy of each (year, area) in the file, once: the urban dibao standard of the
# year for the most specific area that has one (village, township, city), and each
# multiple from the latest year up to the case's, most specific area first: the
# look-ups of standard_in_force and parameter_value, for the whole file at once.
_RESOLVE_POLICY = text(
    """
    WITH keys AS (SELECT DISTINCT year, area_code FROM temporary_case_staging),
    policy AS (
        SELECT k.year, k.area_code, standard.monthly, maximum.value AS max_multiple,
               township.value AS township_limit_multiple
        FROM keys AS k
        LEFT JOIN LATERAL (
            SELECT CASE WHEN s.unit = :per_year THEN round(s.amount / 12, 2)
                        ELSE s.amount END AS monthly
            FROM assistance_standard AS s
            WHERE s.programme = :programme AND s.year = k.year
              AND s.area_code IN (k.area_code, left(k.area_code, 9), left(k.area_code, 6))
            ORDER BY length(s.area_code) DESC
            LIMIT 1
        ) AS standard ON true
        LEFT JOIN LATERAL (
            SELECT p.value FROM assistance_parameter AS p
            WHERE p.key = :max_key AND p.year <= k.year
              AND p.area_code IN (k.area_code, left(k.area_code, 9), left(k.area_code, 6))
            ORDER BY p.year DESC, length(p.area_code) DESC
            LIMIT 1
        ) AS maximum ON true
        LEFT JOIN LATERAL (
            SELECT p.value FROM assistance_parameter AS p
            WHERE p.key = :limit_key AND p.year <= k.year
              AND p.area_code IN (k.area_code, left(k.area_code, 9), left(k.area_code, 6))
            ORDER BY p.year DESC, length(p.area_code) DESC
            LIMIT 1
        ) AS township ON true
    )
    UPDATE temporary_case_staging AS s
    SET standard_monthly = policy.monthly,
        max_multiple = policy.max_multiple,
        township_limit_multiple = policy.township_limit_multiple,
        amount = coalesce(s.amount, round(s.multiple * policy.monthly, 2))
    FROM policy
    WHERE policy.year = s.year AND policy.area_code = s.area_code
    """
).bindparams(
    per_year=StandardUnit.PER_YEAR.value,
    programme=StandardProgramme.URBAN_DIBAO.value,
    max_key=ParameterKey.TEMPORARY_MAX_MULTIPLE.value,
    limit_key=ParameterKey.TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE.value,
)

# Every row that breaks a rule needing the policy or other rows: one query. A
# rejected case does not count against the year (the partial unique index's rule), but
# the same rejection (person, cause, application day) is not written twice either: a
# register uploaded again adds nothing.
_PROBLEMS = text(
    """
    WITH ranked AS (
        SELECT s.*,
               min(s.row_number) OVER (
                   PARTITION BY s.id_number, s.cause, s.year, s.status = 'rejected'
               ) AS first_row,
               min(s.row_number) FILTER (WHERE s.status = 'rejected') OVER (
                   PARTITION BY s.id_number, s.cause, s.application_date
               ) AS first_rejection,
               s.amount > s.standard_monthly * s.township_limit_multiple AS above_township
        FROM temporary_case_staging AS s
    ),
    checked AS (
        SELECT r.*,
               CASE WHEN r.status <> 'rejected' AND r.first_row < r.row_number
                    THEN r.first_row END AS earlier_row,
               (r.status <> 'rejected' AND EXISTS (
                   SELECT 1 FROM temporary_case AS t
                   WHERE t.id_number = r.id_number AND t.cause = r.cause AND t.year = r.year
                     AND t.status <> 'rejected'
               )) AS registered,
               CASE WHEN r.status = 'rejected' AND r.first_rejection < r.row_number
                    THEN r.first_rejection END AS earlier_rejection,
               (r.status = 'rejected' AND EXISTS (
                   SELECT 1 FROM temporary_case AS t
                   WHERE t.id_number = r.id_number AND t.cause = r.cause
                     AND t.application_date = r.application_date AND t.status = 'rejected'
               )) AS rejection_registered
        FROM ranked AS r
    )
    SELECT c.row_number, c.year, c.area_code, c.amount, c.standard_monthly, c.max_multiple,
           c.township_limit_multiple, c.major_hardship, c.status, c.above_township,
           c.earlier_row, c.registered, c.earlier_rejection, c.rejection_registered
    FROM checked AS c
    WHERE c.standard_monthly IS NULL
       OR c.standard_monthly <= 0
       OR c.max_multiple IS NULL
       OR c.township_limit_multiple IS NULL
       OR c.amount <= 0
       OR round(c.amount / nullif(c.standard_monthly, 0), 2) >= 1000000
       OR (c.amount > c.standard_monthly * c.max_multiple AND NOT c.major_hardship)
       OR (c.above_township AND c.status = 'township_approved')
       OR (c.above_township AND :township_only AND c.status = 'paid')
       OR c.earlier_row IS NOT NULL
       OR c.registered
       OR c.earlier_rejection IS NOT NULL
       OR c.rejection_registered
    ORDER BY c.row_number
    """
).bindparams(bindparam("township_only"))

_INSERT = text(
    """
    INSERT INTO temporary_case (
        id, id_number, name, area_code, kind, cause, year, application_date, description,
        amount, multiple, standard_monthly, max_multiple, township_limit_multiple,
        income_per_person_yearly, average_disposable_income, major_hardship,
        major_hardship_reason, status, created_by, approved_by, approved_at,
        rejection_reason, rejected_by, rejected_at, paid_by, paid_at
    )
    SELECT id, id_number, name, area_code, kind, cause, year, application_date, description,
           amount, round(amount / standard_monthly, 2), standard_monthly, max_multiple,
           township_limit_multiple, income_per_person_yearly, average_disposable_income,
           major_hardship, major_hardship_reason, status, :actor,
           CASE WHEN status IN ('township_approved', 'county_approved', 'paid')
                THEN coalesce(decided_by, :actor) END,
           CASE WHEN status IN ('township_approved', 'county_approved', 'paid')
                THEN decided_date::timestamp AT TIME ZONE :timezone END,
           CASE WHEN status = 'rejected' THEN rejection_reason END,
           CASE WHEN status = 'rejected' THEN coalesce(decided_by, :actor) END,
           CASE WHEN status = 'rejected'
                THEN decided_date::timestamp AT TIME ZONE :timezone END,
           CASE WHEN status = 'paid' THEN :actor END,
           CASE WHEN status = 'paid' THEN paid_date::timestamp AT TIME ZONE :timezone END
    FROM temporary_case_staging
    ORDER BY row_number
    """
).bindparams(bindparam("actor"), timezone=TIMEZONE)

#: Where a message of the API model's own rules belongs (their location is the row).
_RULE_FIELDS: Final = (
    ("救助金额", "amount"),
    ("申请日期", "application_date"),
    ("支出型", "income_per_person_yearly"),
    ("重大困难", "major_hardship_reason"),
)


def _rule_field(message: str) -> str:
    return next((key for words, key in _RULE_FIELDS if words in message), "amount")


def _decision(cells: CaseCells, principal: Principal, today: date) -> None:
    """The row's decision and payment, as the approve, reject and pay routes allow them."""
    status = cells.status
    if status is TemporaryStatus.APPLIED:
        for key in ("decided_date", "decided_by", "rejection_reason", "paid_date"):
            if getattr(cells, key) is not None:
                raise RowError(key, "办理状态为“已受理”时不应填写审批、发放信息")
        return
    if not principal.has_role(*STAFF):
        raise RowError("status", "只有民政经办人员可以导入已审批、已发放或不予救助的案件")
    if status is TemporaryStatus.COUNTY_APPROVED and not principal.has_role(*COUNTY):
        raise RowError("status", "“市级已审批”的案件须由市级民政部门导入")
    if cells.decided_date is None:
        raise RowError("decided_date", "已审批、已发放或不予救助的案件须填写审批日期")
    if cells.decided_date < cells.application_date:
        raise RowError("decided_date", "审批日期不能早于申请日期")
    if cells.decided_date > today:
        raise RowError("decided_date", "审批日期不能晚于今天")
    if status is TemporaryStatus.REJECTED:
        if cells.rejection_reason is None or len(cells.rejection_reason) < 2:
            raise RowError("rejection_reason", "不予救助的案件须说明理由")
    elif cells.rejection_reason is not None:
        raise RowError("rejection_reason", "只有不予救助的案件填写不予救助理由")
    if status is TemporaryStatus.PAID:
        if cells.paid_date is None:
            raise RowError("paid_date", "已发放的案件须填写发放日期")
        if cells.paid_date < cells.decided_date:
            raise RowError("paid_date", "发放日期不能早于审批日期")
        if cells.paid_date > today:
            raise RowError("paid_date", "发放日期不能晚于今天")
    elif cells.paid_date is not None:
        raise RowError("paid_date", "只有已发放的案件填写发放日期")


def _record(
    number: int, ids: RowIds, cells: CaseCells, case: TemporaryCaseCreate
) -> tuple[Any, ...]:
    return (
        number,
        ids.next(),
        str(case.id_number),
        case.name,
        str(case.area_code),
        case.kind.value,
        case.cause.value,
        case.application_date.year,
        case.application_date,
        case.description,
        case.amount,
        case.multiple,
        case.income_per_person_yearly,
        case.average_disposable_income,
        case.major_hardship,
        case.major_hardship_reason,
        cells.status.value,
        cells.decided_date,
        cells.decided_by,
        cells.rejection_reason,
        cells.paid_date,
    )


@dataclass(frozen=True)
class _Checked:
    sheet: Sheet
    records: list[tuple[Any, ...]]
    statuses: Counter[str]


def _check(upload: Upload, principal: Principal) -> _Checked:
    """Every row through the checks that need no database."""
    sheet = open_sheet(upload, COLUMNS, PREFIX)
    problems = sheet.problems
    ids, today = RowIds(), date.today()
    records: list[tuple[Any, ...]] = []
    statuses: Counter[str] = Counter()
    for number, values in sheet.rows():
        try:
            cells = CaseCells.model_validate(values)
        except ValidationError as exc:
            problems.add_errors(number, exc)
            continue
        try:
            case = TemporaryCaseCreate.model_validate(
                cells.model_dump(
                    exclude={
                        "status",
                        "decided_date",
                        "decided_by",
                        "rejection_reason",
                        "paid_date",
                    }
                )
            )
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = error["loc"]
                key = str(loc[0]) if loc else _rule_field(str(error["msg"]))
                problems.add(number, key, message(error))
            continue
        if not principal.sees_area(str(case.area_code)):
            problems.add(number, "area_code", "不在您负责的区域内")
            continue
        try:
            _decision(cells, principal, today)
        except RowError as exc:
            problems.add(number, exc.field, exc.message)
            continue
        records.append(_record(number, ids, cells, case))
        statuses[cells.status.value] += 1
    sheet.ensure_rows(len(records))
    return _Checked(sheet, records, statuses)


def _policy_problems(row: Any, problems: Problems, township_only: bool) -> None:
    number, amount, standard = row.row_number, row.amount, row.standard_monthly
    if standard is None:
        problems.add(
            number,
            "area_code",
            f"{row.year} 年度尚未设定适用于 {row.area_code} 的城市低保标准，"
            "请先设定该年度的救助标准",
        )
        return
    if standard <= 0:
        problems.add(
            number,
            "area_code",
            f"{row.year} 年度适用于 {row.area_code} 的城市低保月标准为 0 元，"
            "无法据此核定临时救助，请先更正救助标准",
        )
        return
    for value, key in (
        (row.max_multiple, ParameterKey.TEMPORARY_MAX_MULTIPLE),
        (row.township_limit_multiple, ParameterKey.TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE),
    ):
        if value is None:
            problems.add(
                number,
                "area_code",
                f"政策参数“{key.label}”在 {row.year} 年度及以前均未设定（区域 {row.area_code}）",
            )
    if row.max_multiple is None or row.township_limit_multiple is None:
        return
    if amount <= 0:
        problems.add(number, "amount", "救助金额应大于 0")
    elif to_fen(amount / standard) >= MULTIPLE_LIMIT:
        problems.add(number, "amount", "救助金额超出范围（不能达到城市低保月标准的100万倍）")
    elif amount > standard * row.max_multiple and not row.major_hardship:
        problems.add(
            number,
            "amount",
            f"救助金额 {amount} 元超过每次上限（城市低保月标准 {standard} 元"
            f"的 {plain(row.max_multiple)} 倍）；确属重大困难的，须标明重大困难个案并说明理由",
        )
    limit = plain(row.township_limit_multiple)
    if row.above_township and row.status == TemporaryStatus.TOWNSHIP_APPROVED.value:
        problems.add(
            number,
            "status",
            f"救助金额 {amount} 元超过乡镇审批权限（城市低保月标准的 {limit} 倍），"
            "须由市级民政部门审批，不能为“乡镇已审批”",
        )
    elif row.above_township and township_only and row.status == TemporaryStatus.PAID.value:
        problems.add(
            number,
            "status",
            f"救助金额 {amount} 元超过乡镇审批权限（城市低保月标准的 {limit} 倍），"
            "其审批、发放结果须由市级民政部门导入",
        )


async def _set_problems(session: AsyncSession, problems: Problems, principal: Principal) -> None:
    township_only = not principal.has_role(*COUNTY)
    rows = await session.execute(_PROBLEMS, {"township_only": township_only})
    for row in rows.all():
        _policy_problems(row, problems, township_only)
        if row.earlier_row is not None:
            problems.add(
                row.row_number,
                "id_number",
                f"与第 {row.earlier_row} 行为同一人同一事由同一年度（同一事由每人每年限一次）",
            )
        elif row.registered:
            problems.add(
                row.row_number,
                "id_number",
                f"该对象 {row.year} 年度已因同一事由申请过临时救助（同一事由每人每年限一次），"
                "不能重复导入",
            )
        elif row.earlier_rejection is not None:
            problems.add(
                row.row_number,
                "id_number",
                f"与第 {row.earlier_rejection} 行为同一人同一事由同一申请日期的不予救助记录，"
                "同一申请只能登记一次",
            )
        elif row.rejection_registered:
            problems.add(
                row.row_number,
                "id_number",
                "该对象同一事由同一申请日期的不予救助记录已登记，不能重复导入",
            )


@dataclass(frozen=True)
class TemporaryCaseImport:
    """The ``Importer`` of the temporary-assistance register, for ``add_import_routes``."""

    prefix: str = PREFIX
    columns: ColumnSet = COLUMNS

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ImportResult:
        # Parsing and checking a large file is CPU work: off the event loop.
        checked = await asyncio.to_thread(_check, upload, principal)
        sheet = checked.sheet
        table, problems = sheet.table, sheet.problems
        if not checked.records:
            raise sheet.failure()
        # The rows that passed go through the set-based checks even when others did
        # not, so that the report lists every problem of the file at once.
        async with all_or_nothing(
            session, PREFIX, "导入期间有案件被他人受理，未导入任何数据，请重新导入"
        ):
            await STAGING.fill(session, checked.records)
            await session.execute(_RESOLVE_POLICY)
            await _set_problems(session, problems, principal)
            if problems.count:
                raise sheet.failure()
            await session.execute(_INSERT, {"actor": principal.sub})
            await STAGING.drop(session)
            await record_import(
                session,
                AuditEvent,
                entity=TemporaryCase.__tablename__,
                upload=upload,
                table=table,
                rows=len(checked.records),
                by_status=dict(sorted(checked.statuses.items())),
            )
        return ImportResult(rows=len(checked.records), format=table.format, encoding=table.encoding)


temporary_case_import: Final = TemporaryCaseImport()
