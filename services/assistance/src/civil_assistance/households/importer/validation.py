"""Every row checked before anything is committed: fields, then the rules across rows.

The result is either a list of problems (row, field, Chinese message) or the
plan: the rows of ``household``, ``household_member`` and ``member_income``
ready for COPY, with ids made here so the rows can reference each other.
"""

import itertools
import operator
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

from pydantic import ValidationError

from civil_assistance.households.enums import Relation
from civil_assistance.households.importer.columns import BY_KEY, COLUMNS, column_for
from civil_assistance.households.importer.rows import (
    HOUSEHOLD_FIELDS,
    INCOME_FIELDS,
    MEMBER_FIELDS,
    household_cells,
    member_cells,
    quick_household,
    quick_member,
)
from civil_assistance.households.schemas import check_death_date
from civil_shared.auth import Principal
from civil_shared.types import IdNumber

#: The report lists this many problems at most; the count covers all of them.
MAX_REPORTED: Final = 1000
MAX_REF_LENGTH: Final = 50

_ORDER: Final = {column.key: i for i, column in enumerate(COLUMNS)}
_MESSAGES: Final = {
    "missing": "必填项未填写",
    "string_too_short": "不能为空",
    "string_too_long": "内容过长",
    "string_pattern_mismatch": "格式不正确",
}

# Ids are UUID text (asyncpg's COPY takes it as such).
HouseholdRecord = tuple[str, str, str, str, str, bool]
MemberRecord = tuple[str, str, str, str, str, str, str | None, str | None, int | None, date | None]
IncomeRecord = tuple[str, str, Decimal]


class RowIds:
    """Ids for one import: a random version-4 prefix, then a counter.

    Sequential ids keep the primary-key index inserts of a large COPY local
    and cost a fraction of ``uuid4()`` per row; the 74 random bits of the
    prefix keep two imports apart.
    """

    def __init__(self) -> None:
        self._prefix = uuid.uuid4().hex[:20]
        self._counter = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}{next(self._counter):012x}"


@dataclass(frozen=True)
class RowProblem:
    row: int
    field: str
    column: str
    message: str


@dataclass
class Plan:
    households: list[HouseholdRecord] = field(default_factory=list)
    members: list[MemberRecord] = field(default_factory=list)
    incomes: list[IncomeRecord] = field(default_factory=list)


@dataclass(slots=True)  # one per household of the file: no __dict__ each
class _Household:
    id: str
    first_row: int
    raw: tuple[str, ...]
    values: tuple[Any, ...] | None  # None: its first row was bad, already reported
    head_row: int | None = None
    bad_member: bool = False  # the head may be on a row already reported


class PlanBuilder:
    """Feeds on the file's rows one by one, keeping only what COPY will need."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.plan = Plan()
        self.problems: list[RowProblem] = []
        self.problem_count = 0
        self.rows = 0
        self._ids = RowIds()
        self._headers: dict[str, str] = {}
        self._ref_index = -1
        self._household_positions: list[tuple[int, str]] = []
        self._member_positions: list[tuple[int, str]] = []
        # Set by the header: how to pick a row's household and member cells.
        self._width = 0
        self._household_cells = _cells_at(())
        self._member_cells = _cells_at(())
        self._member_keys: tuple[str, ...] = ()
        self._households: dict[str, _Household] = {}
        #: ID number → row, for duplicates in the file and the database check.
        self.id_rows: dict[str, int] = {}
        self._new_ids: list[str] = []
        self._visible: dict[str, bool] = {}

    # --- problems ----------------------------------------------------------

    def problem(self, row: int, key: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            column = self._headers.get(key) or (BY_KEY[key].header_zh if key in BY_KEY else key)
            self.problems.append(RowProblem(row, key, column, message))

    def _errors(self, row: int, exc: ValidationError) -> None:
        for error in exc.errors(include_url=False):
            self.problem(row, str(error["loc"][0]) if error["loc"] else "", _message(error))

    def sorted_problems(self) -> list[RowProblem]:
        return sorted(self.problems, key=lambda p: (p.row, _ORDER.get(p.field, -1)))

    # --- the header --------------------------------------------------------

    def header(self, number: int, cells: list[str]) -> None:
        seen: set[str] = set()
        for index, cell in enumerate(cells):
            name = cell.strip().lstrip("\ufeff")
            if not name:
                continue
            column = column_for(name)
            if column is None:
                self.problem(number, name, f"无法识别的列名「{name}」")
                continue
            if column.key in seen:
                self.problem(number, column.key, f"列「{name}」重复出现")
                continue
            seen.add(column.key)
            self._headers[column.key] = name
            if column.key == "household_ref":
                self._ref_index = index
            elif column.key in HOUSEHOLD_FIELDS:
                self._household_positions.append((index, column.key))
            else:
                self._member_positions.append((index, column.key))
        for column in COLUMNS:
            if column.required and column.key not in seen:
                self.problem(number, column.key, f"缺少必填列「{column.header_zh}」")
        self._width = max(len(cells), self._ref_index + 1)
        self._household_cells = _cells_at([index for index, _ in self._household_positions])
        self._member_cells = _cells_at([index for index, _ in self._member_positions])
        self._member_keys = tuple(key for _, key in self._member_positions)
        assert set(MEMBER_FIELDS) | set(HOUSEHOLD_FIELDS) | {"household_ref"} == set(BY_KEY)

    # --- one row -----------------------------------------------------------

    def row(self, number: int, cells: list[str]) -> None:
        if len(cells) < self._width:
            cells = cells + [""] * (self._width - len(cells))  # the cells a short row leaves out
        ref = cells[self._ref_index].strip()
        raw = tuple(map(str.strip, self._household_cells(cells)))
        member = {
            key: value
            for key, value in zip(
                self._member_keys, map(str.strip, self._member_cells(cells)), strict=True
            )
            if value
        }
        if not (ref or member or any(raw)):
            return  # blank lines between households are harmless
        self.rows += 1
        household = self._household_of(number, ref, raw)
        values = self._member_of(number, member)
        if household is None or values is None:
            if household is not None:
                household.bad_member = True
            return
        if values["relation"] is Relation.HEAD:
            if household.head_row is not None:
                self.problem(number, "relation", f"本户已有户主（第 {household.head_row} 行）")
            else:
                household.head_row = number
        member_id = self._ids.next()
        get = values.get
        category = get("disability_category")
        # str() of a StrEnum is its value, without the Python-level .value property.
        self.plan.members.append(
            (
                member_id,
                household.id,
                str(values["id_number"]),
                values["name"],
                str(values["relation"]),
                str(values["employment_status"]),
                get("phone"),
                str(category) if category is not None else None,
                get("disability_grade"),
                get("death_date"),
            )
        )
        for name, kind in INCOME_FIELDS:
            if name in values:
                self.plan.incomes.append((member_id, kind, values[name]))

    def _household_of(self, number: int, ref: str, raw: tuple[str, ...]) -> _Household | None:
        if not ref:
            self.problem(number, "household_ref", "必填项未填写")
            return None
        if len(ref) > MAX_REF_LENGTH:
            self.problem(number, "household_ref", f"户编号最多 {MAX_REF_LENGTH} 个字符")
            return None
        known = self._households.get(ref)
        if known is not None and known.raw == raw:
            return known if known.values is not None else None
        values = self._household_values(number, raw)
        if known is None:
            household = _Household(self._ids.next(), number, raw, values)
            self._households[ref] = household
            if values is None:
                return None
            self.plan.households.append((household.id, *values))
            return household
        if values is None or known.values is None:
            return None
        differing = [
            name
            for name, a, b in zip(HOUSEHOLD_FIELDS, values, known.values, strict=True)
            if a != b
        ]
        for name in differing:
            self.problem(number, name, f"与同户（户编号 {ref}）第 {known.first_row} 行不一致")
        return None if differing else known

    def _household_values(self, number: int, raw: tuple[str, ...]) -> tuple[Any, ...] | None:
        """The household's cells, validated; None (problems reported) if bad."""
        data = {
            key: value
            for (_, key), value in zip(self._household_positions, raw, strict=True)
            if value
        }
        cells = quick_household(data)
        if cells is None:
            try:
                cells = household_cells.validate_python(data)
            except ValidationError as exc:
                self._errors(number, exc)
                return None
        if not self._sees_area(cells["area_code"]):
            self.problem(number, "area_code", "该区划不在您的管辖区域内")
            return None
        return (
            str(cells["area_code"]),
            cells["address"],
            str(cells["residence_type"]),
            str(cells["income_stability"]),
            cells.get("in_poverty_alleviation", False),
        )

    def _sees_area(self, area_code: str) -> bool:
        # Asked once per household, answered once per area.
        seen = self._visible.get(area_code)
        if seen is None:
            seen = self._visible[area_code] = self.principal.sees_area(area_code)
        return seen

    def _member_of(self, number: int, data: dict[str, str]) -> Any:
        """The member's cells, validated, with the rules across them; None if bad."""
        values = quick_member(data)
        if values is None:
            try:
                values = member_cells.validate_python(data)
            except ValidationError as exc:
                self._errors(number, exc)
                return None
        ok = True
        category, grade = values.get("disability_category"), values.get("disability_grade")
        if category is not None and grade is None:
            self.problem(number, "disability_grade", "填写了残疾类别，须同时填写残疾等级")
            ok = False
        if grade is not None and category is None:
            self.problem(number, "disability_category", "填写了残疾等级，须同时填写残疾类别")
            ok = False
        if "death_date" in values:
            try:
                check_death_date(values["id_number"], values["death_date"])
            except ValueError as exc:
                self.problem(number, "death_date", str(exc))
                ok = False
        id_number = str(values["id_number"])
        first = self.id_rows.get(id_number)
        if first is not None:
            self.problem(number, "id_number", f"与第 {first} 行的身份证号重复")
            ok = False
        else:
            self.id_rows[id_number] = number
            self._new_ids.append(id_number)
        return values if ok else None

    # --- after the last row ------------------------------------------------

    def finish(self, taken: Mapping[str, uuid.UUID]) -> None:
        """The rules that need every row, and the persons already in a household."""
        for ref, household in self._households.items():
            if (
                household.values is not None
                and household.head_row is None
                and not household.bad_member
            ):
                self.problem(household.first_row, "relation", f"该户（户编号 {ref}）没有户主")
        for id_number, household_id in taken.items():
            self.problem(
                self.id_rows[id_number],
                "id_number",
                f"身份证号 {IdNumber(id_number).masked} 已是其他家庭（{household_id}）的成员",
            )

    def take(self) -> tuple[Plan, list[str]]:
        """The rows planned, and the ID numbers first seen, since the last take."""
        plan, id_numbers = self.plan, self._new_ids
        self.plan, self._new_ids = Plan(), []
        return plan, id_numbers


def _cells_at(indexes: Sequence[int]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """The cells at these columns, as a tuple (one C call a row, not a loop in Python)."""
    if len(indexes) > 1:
        return operator.itemgetter(*indexes)
    return lambda cells: tuple(cells[index] for index in indexes)


def _message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", ""))
    if any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message.removeprefix("Value error, ")
    return _MESSAGES.get(str(error.get("type")), "取值无效")
