"""Bulk import of the disabled persons' register from CSV or XLSX (``RegisterImport``).

One row a person. Each row is checked as ``POST /api/v1/disabled-persons`` checks
it: the API's own model (ID number, a village of Tianmen, category, grade 1–4, a
certificate number made of the ID number, the category's digit and the grade,
phone, the care need's start not in the future); people already on the register
are refused. Only the register is imported: the two subsidies are decisions,
taken through the API.
"""

import uuid
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter

from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    Location,
    RegisterImport,
    a_date,
    allowed_labels,
    choice,
    disability_grade,
    id_number_text,
    registered_in,
)
from civil_shared.types import DisabilityCategory, IdNumber
from civil_welfare.db import AuditEvent
from civil_welfare.disability.models import DisabledPerson
from civil_welfare.disability.schemas import DisabledPersonCreate, RegisterStatus

PREFIX: Final = "WELFARE_DISABLED_PERSON"

CATEGORY_LABELS: Final = {
    DisabilityCategory.VISUAL: "视力残疾",
    DisabilityCategory.HEARING: "听力残疾",
    DisabilityCategory.SPEECH: "言语残疾",
    DisabilityCategory.PHYSICAL: "肢体残疾",
    DisabilityCategory.INTELLECTUAL: "智力残疾",
    DisabilityCategory.MENTAL: "精神残疾",
    DisabilityCategory.MULTIPLE: "多重残疾",
}
# "视力", "听力" ...: the label without 残疾.
_category = choice(
    DisabilityCategory,
    CATEGORY_LABELS,
    {label.removesuffix("残疾"): category for category, label in CATEGORY_LABELS.items()},
)

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "身份证号", True, "18位，须设为文本格式；一人只登记一次", text=True),
        Column("name", "姓名", True),
        Column(
            "area_code", "区划代码", True, "户籍所在村（社区）12位代码，须在天门市内", text=True
        ),
        Column(
            "certificate_number",
            "残疾人证号",
            True,
            "20位：身份证号+残疾类别代码（1视力…7多重）+残疾等级",
            text=True,
        ),
        Column(
            "category",
            "残疾类别",
            True,
            allowed=allowed_labels(DisabilityCategory, CATEGORY_LABELS),
        ),
        Column(
            "grade", "残疾等级", True, "1–4级（1级最重）", allowed=("一级", "二级", "三级", "四级")
        ),
        Column("address", "住址", False),
        Column("phone", "联系电话", False, text=True),
        Column(
            "care_need_since",
            "长期护理需要起始日期",
            False,
            "经评估需要长期照护的起始日期（YYYY-MM-DD）；无长期护理需要时空白",
        ),
    )
)


class DisabledPersonCells(BaseModel):
    """The row's cells, typed; the API model checks them again with its own rules."""

    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    name: str
    area_code: str
    certificate_number: Annotated[str, BeforeValidator(id_number_text)]
    category: Annotated[DisabilityCategory, BeforeValidator(_category)]
    grade: Annotated[int, BeforeValidator(disability_grade)]
    address: str | None = None
    phone: str | None = None
    care_need_since: Annotated[date | None, BeforeValidator(a_date)] = None


def field_of(loc: Location) -> str:
    """The column of a ``DisabledPersonCreate`` error; the model's own rule is the
    certificate number's."""
    return str(loc[0]) if loc else "certificate_number"


RECORD_COLUMNS: Final = (
    "id",
    "id_number",
    "name",
    "area_code",
    "address",
    "phone",
    "certificate_number",
    "category",
    "grade",
    "care_need_since",
    "status",
)


def to_record(row: DisabledPersonCells) -> tuple[Any, ...]:
    data = DisabledPersonCreate.model_validate(row.model_dump())
    return (
        uuid.uuid4(),
        str(data.id_number),
        data.name,
        str(data.area_code),
        data.address,
        data.phone,
        data.certificate_number,
        data.category.value,
        data.grade,
        data.care_need_since,
        RegisterStatus.ACTIVE.value,
    )


disabled_person_import: Final = RegisterImport[DisabledPersonCells](
    prefix=PREFIX,
    table=DisabledPerson.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(DisabledPersonCells),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="id_number",
    registered=registered_in(DisabledPerson.id_number),
    audit_model=AuditEvent,
    field_of=field_of,
)
