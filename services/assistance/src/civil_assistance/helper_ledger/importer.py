"""Bulk import of the helper ledger (帮扶人台账) from CSV or XLSX (``RegisterImport``).

One row a beneficiary and the helper named for them, checked by the API's own
model (``AssignmentCreate``). As in the single POST, a beneficiary has one
active helper at a time: a person with an active assignment, or named twice in
the file, is refused and nothing is written; the partial unique index decides a race.
"""

import uuid
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter

from civil_assistance.db import AuditEvent
from civil_assistance.helper_ledger.models import HelperAssignment
from civil_assistance.helper_ledger.schemas import AssignmentCreate, BeneficiaryReason, HelperRole
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    RegisterImport,
    a_date,
    allowed_labels,
    choice,
    id_number_text,
    registered_in,
    yes_no,
)

PREFIX: Final = "ASSISTANCE_HELPER"
REASON_LABELS: Final = {
    BeneficiaryReason.SERIOUSLY_ILL: "重病",
    BeneficiaryReason.SEVERELY_DISABLED: "重度残疾",
    BeneficiaryReason.DISPERSED_TEKUN: "分散供养特困人员",
    BeneficiaryReason.OTHER: "其他",
}
ROLE_LABELS: Final = {
    HelperRole.VILLAGE_CADRE: "村（社区）干部",
    HelperRole.TOWNSHIP_STAFF: "乡镇（街道）干部",
    HelperRole.PARTY_MEMBER: "党员",
    HelperRole.RELATIVE: "亲属",
    HelperRole.NEIGHBOUR: "邻居",
    HelperRole.SOCIAL_WORKER: "社会工作者",
    HelperRole.VOLUNTEER: "志愿者",
    HelperRole.OTHER: "其他",
}
_ROLE_SYNONYMS: Final = {"村干部": HelperRole.VILLAGE_CADRE, "乡镇干部": HelperRole.TOWNSHIP_STAFF}

COLUMNS: Final = ColumnSet(
    (
        Column(
            "id_number", "身份证号", True, "帮扶对象身份证号；每人同时只有一名帮扶人", text=True
        ),
        Column("name", "姓名", True, "帮扶对象姓名"),
        Column("area_code", "区划代码", True, "所在乡镇（9位）或村（社区，12位）代码", text=True),
        Column(
            "reason",
            "纳入原因",
            True,
            allowed=allowed_labels(BeneficiaryReason, REASON_LABELS),
        ),
        Column("reason_note", "原因说明", False, "原因为“其他”时必填"),
        Column("has_phone", "本人有电话", False, "填“是”或“否”，空白为否"),
        Column("helper_name", "帮扶人姓名", True),
        Column("helper_phone", "帮扶人电话", True, "手机或带区号的固定电话", text=True),
        Column("helper_role", "帮扶人身份", True, allowed=allowed_labels(HelperRole, ROLE_LABELS)),
        Column("helper_relation", "关系或职务", False, "如村委会主任"),
        Column("start_date", "开始日期", True, "YYYY-MM-DD"),
    )
)


class AssignmentCells(BaseModel):
    # Upper-cased as the API model reads it: two spellings of one number are one person.
    id_number: Annotated[str, BeforeValidator(lambda v: str(id_number_text(v)).upper())]
    name: str
    area_code: str
    reason: Annotated[BeneficiaryReason, BeforeValidator(choice(BeneficiaryReason, REASON_LABELS))]
    reason_note: str | None = None
    has_phone: Annotated[bool, BeforeValidator(yes_no)] = False
    helper_name: str
    helper_phone: str
    helper_role: Annotated[
        HelperRole, BeforeValidator(choice(HelperRole, ROLE_LABELS, _ROLE_SYNONYMS))
    ]
    helper_relation: str | None = None
    start_date: Annotated[str, BeforeValidator(lambda v: str(a_date(v)))]


RECORD_COLUMNS: Final = (
    "id",
    "id_number",
    "name",
    "area_code",
    "reason",
    "reason_note",
    "has_phone",
    "helper_name",
    "helper_phone",
    "helper_role",
    "helper_relation",
    "start_date",
)


def to_record(row: AssignmentCells) -> tuple[Any, ...]:
    data = AssignmentCreate.model_validate(row.model_dump())
    return (
        uuid.uuid4(),
        str(data.id_number),
        data.name,
        str(data.area_code),
        data.reason.value,
        data.reason_note,
        data.has_phone,
        data.helper_name,
        data.helper_phone,
        data.helper_role.value,
        data.helper_relation,
        data.start_date,
    )


def field_of(loc: tuple[int | str, ...]) -> str:
    # The model's own rule (a note for "other") is reported on the row as a whole.
    return str(loc[0]) if loc else "reason_note"


helper_ledger_import: Final = RegisterImport[AssignmentCells](
    prefix=PREFIX,
    table=HelperAssignment.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(AssignmentCells),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="id_number",
    # Beneficiaries with an active helper already.
    registered=registered_in(HelperAssignment.id_number, HelperAssignment.end_date.is_(None)),
    audit_model=AuditEvent,
    key_label="帮扶对象",
    field_of=field_of,
)
