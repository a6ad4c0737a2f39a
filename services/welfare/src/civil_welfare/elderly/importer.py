"""Bulk import of the left-behind elderly register from CSV or XLSX (``RegisterImport``).

One row an elder, the children in numbered column groups (子女1 … 子女5), filled from
子女1 on. Each row is checked as ``POST /api/v1/left-behind-elderly`` checks it: the
API's own model (ID number, a village of Tianmen, the living note, each child's
away rules, phones), 60 or over, the registration date not before the birth date;
ID numbers already on the register are refused. The elders go in by COPY, then
their children by a second COPY, in one transaction.
"""

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter, create_model

from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    Dependent,
    Location,
    RegisterImport,
    RowError,
    a_date,
    allowed_labels,
    choice,
    id_number_text,
    registered_in,
)
from civil_shared.types import IdNumber
from civil_welfare.db import AuditEvent
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.elderly.qualification import ELDERLY_MIN_AGE, AwayFor
from civil_welfare.elderly.schemas import (
    ChildRelation,
    ElderCreate,
    ElderStatus,
    LivingSituation,
    RiskLevel,
)

PREFIX: Final = "WELFARE_ELDER"
#: Child column groups in the file; an elder with more children is entered through the API.
MAX_CHILDREN: Final = 5

LIVING_LABELS: Final = {
    LivingSituation.ALONE: "独居",
    LivingSituation.WITH_SPOUSE: "与配偶同住",
    LivingSituation.WITH_GRANDCHILDREN: "与（外）孙子女同住",
    LivingSituation.OTHER: "其他",
}
RISK_LABELS: Final = {RiskLevel.LOW: "低风险", RiskLevel.MEDIUM: "中风险", RiskLevel.HIGH: "高风险"}
RELATION_LABELS: Final = {
    ChildRelation.SON: "儿子",
    ChildRelation.DAUGHTER: "女儿",
    ChildRelation.ADOPTED: "养子女",
    ChildRelation.STEPCHILD: "继子女",
    ChildRelation.OTHER: "其他赡养人",
}
AWAY_LABELS: Final = {
    AwayFor.WORK: "外出务工",
    AwayFor.OTHER: "因其他原因外出",
    AwayFor.NOT_AWAY: "未外出",
}

_living = choice(
    LivingSituation,
    LIVING_LABELS,
    {
        "与孙子女同住": LivingSituation.WITH_GRANDCHILDREN,
        "与外孙子女同住": LivingSituation.WITH_GRANDCHILDREN,
    },
)
_risk = choice(
    RiskLevel, RISK_LABELS, {"低": RiskLevel.LOW, "中": RiskLevel.MEDIUM, "高": RiskLevel.HIGH}
)
_relation = choice(
    ChildRelation, RELATION_LABELS, {"子": ChildRelation.SON, "女": ChildRelation.DAUGHTER}
)
_away = choice(AwayFor, AWAY_LABELS, {"务工": AwayFor.WORK, "在家": AwayFor.NOT_AWAY})


def _child_columns(n: int) -> tuple[Column, ...]:
    first = n == 1
    return (
        Column(
            f"child{n}_name",
            f"子女{n}姓名",
            first,
            "须登记全部子女（含未外出的），从子女1起依次填写" if first else "",
        ),
        Column(
            f"child{n}_relation",
            f"子女{n}关系",
            first,
            allowed=allowed_labels(ChildRelation, RELATION_LABELS),
        ),
        Column(
            f"child{n}_away_for",
            f"子女{n}外出情况",
            first,
            allowed=allowed_labels(AwayFor, AWAY_LABELS),
        ),
        Column(f"child{n}_whereabouts", f"子女{n}外出去向", False, "外出时必填，如“广东省东莞市”"),
        Column(f"child{n}_away_since", f"子女{n}外出起始日期", False, "外出时必填，YYYY-MM-DD"),
        Column(f"child{n}_phone", f"子女{n}联系电话", False, text=True),
    )


COLUMNS: Final = ColumnSet(
    (
        Column(
            "id_number",
            "身份证号",
            True,
            "18位，须设为文本格式；年满60周岁；一人只登记一次",
            text=True,
        ),
        Column("name", "姓名", True),
        Column(
            "area_code", "区划代码", True, "户籍所在村（社区）12位代码，须在天门市内", text=True
        ),
        Column("address", "居住地址", False),
        Column("phone", "联系电话", False, "手机号或固定电话", text=True),
        Column(
            "living_situation",
            "居住情况",
            True,
            allowed=allowed_labels(LivingSituation, LIVING_LABELS),
        ),
        Column("living_note", "居住情况说明", False, "居住情况为“其他”时必填"),
        Column("risk_level", "风险等级", True, allowed=allowed_labels(RiskLevel, RISK_LABELS)),
        Column("worker_name", "探访责任人", True),
        Column("worker_username", "责任人平台账号", False, "责任人在本平台的账号（如有）"),
        Column("worker_phone", "责任人联系电话", False, text=True),
        Column("registered_date", "纳入日期", False, "YYYY-MM-DD，空白为今天；不晚于今天"),
        *(column for n in range(1, MAX_CHILDREN + 1) for column in _child_columns(n)),
    )
)

_Date = Annotated[date | None, BeforeValidator(a_date)]


class ElderCells(BaseModel):
    """The elder's cells, typed; the API model checks them again with its own rules."""

    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    name: str
    area_code: str
    address: str | None = None
    phone: str | None = None
    living_situation: Annotated[LivingSituation, BeforeValidator(_living)]
    living_note: str | None = None
    risk_level: Annotated[RiskLevel, BeforeValidator(_risk)]
    worker_name: str
    worker_username: str | None = None
    worker_phone: str | None = None
    registered_date: _Date = None


_CHILD_CELLS: Final[dict[str, Any]] = {
    "name": (str | None, None),
    "relation": (Annotated[ChildRelation | None, BeforeValidator(_relation)], None),
    "away_for": (Annotated[AwayFor | None, BeforeValidator(_away)], None),
    "whereabouts": (str | None, None),
    "away_since": (_Date, None),
    "phone": (str | None, None),
}
CHILD_FIELDS: Final = tuple(_CHILD_CELLS)

#: The elder's cells and every child group's (child1_name, child1_relation, ...).
ElderRow = create_model(
    "ElderRow",
    __base__=ElderCells,
    **{
        f"child{n}_{f}": spec
        for n in range(1, MAX_CHILDREN + 1)
        for f, spec in _CHILD_CELLS.items()
    },
)


def _children(row: ElderCells) -> list[dict[str, Any]]:
    """The filled child groups, in order; a gap before a filled group is refused."""
    groups: list[dict[str, Any]] = []
    for n in range(1, MAX_CHILDREN + 1):
        group = {f: v for f in CHILD_FIELDS if (v := getattr(row, f"child{n}_{f}")) is not None}
        if not group:
            continue
        if len(groups) != n - 1:
            raise RowError(
                f"child{n}_name", f"子女应从子女1起依次填写，子女{len(groups) + 1}未填写"
            )
        groups.append(group)
    if not groups:
        raise RowError("child1_name", "须至少填写一名子女（含未外出的）")
    return groups


def field_of(loc: Location) -> str:
    """The column of an ``ElderCreate`` error (the child groups are filled in order)."""
    match loc:
        case ("children", int(index), str(field), *_):
            return f"child{index + 1}_{field}"
        case ("children", int(index), *_):
            return f"child{index + 1}_away_for"  # the child's away rule
        case ("responsible_worker", str(field), *_):
            return f"worker_{field}"
        case (str(field), *_):
            return field
    return "living_note"  # the model's own rule: "其他" needs its note


def to_record(row: ElderCells) -> tuple[Any, ...]:
    payload: dict[str, Any] = {
        "id_number": row.id_number,
        "name": row.name,
        "area_code": row.area_code,
        "address": row.address,
        "phone": row.phone,
        "living_situation": row.living_situation,
        "living_note": row.living_note,
        "risk_level": row.risk_level,
        "responsible_worker": {
            "name": row.worker_name,
            "username": row.worker_username,
            "phone": row.worker_phone,
        },
        "children": _children(row),
    }
    if row.registered_date is not None:
        payload["registered_date"] = row.registered_date
    data = ElderCreate.model_validate(payload)
    age = data.id_number.age_on(date.today())
    if age < ELDERLY_MIN_AGE:
        raise RowError(
            "id_number", f"该人员现年{age}岁，未满{ELDERLY_MIN_AGE}周岁，不能登记为留守老人"
        )
    if data.registered_date < data.id_number.birth_date:
        raise RowError("registered_date", "纳入日期不能早于出生日期")
    worker = data.responsible_worker
    return (
        uuid.uuid4(),
        str(data.id_number),
        data.name,
        str(data.area_code),
        data.address,
        data.phone,
        data.living_situation.value,
        data.living_note,
        data.risk_level.value,
        worker.name,
        worker.username,
        worker.phone,
        data.registered_date,
        ElderStatus.ACTIVE.value,
    )


RECORD_COLUMNS: Final = (
    "id",
    "id_number",
    "name",
    "area_code",
    "address",
    "phone",
    "living_situation",
    "living_note",
    "risk_level",
    "worker_name",
    "worker_username",
    "worker_phone",
    "registered_date",
    "status",
)


def child_records(row: ElderCells, record: tuple[Any, ...]) -> Iterable[tuple[Any, ...]]:
    """The elder's children, as the API stores them (position from 1), under its id."""
    for position, child in enumerate(_children(row), start=1):
        away_for = child["away_for"]
        yield (
            record[0],
            position,
            child["name"],
            child["relation"].value,
            away_for.value,
            child.get("whereabouts"),
            child.get("away_since"),
            child.get("phone"),
        )


elder_import: Final = RegisterImport[ElderCells](
    prefix=PREFIX,
    table=LeftBehindElder.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(ElderRow),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="id_number",
    registered=registered_in(LeftBehindElder.id_number),
    audit_model=AuditEvent,
    field_of=field_of,
    dependents=(
        Dependent[ElderCells](
            table=LeftBehindElderChild.__tablename__,
            columns=(
                "elder_id",
                "position",
                "name",
                "relation",
                "away_for",
                "whereabouts",
                "away_since",
                "phone",
            ),
            records=child_records,
        ),
    ),
)
