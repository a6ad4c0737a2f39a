"""Bulk import of child files (一人一档) from CSV or XLSX (``RegisterImport``).

One row a child. Each row is checked as ``POST /api/v1/child-files`` checks it: the
API's own model (ID number, a village of Tianmen, the guardian, school and
situation), under 18 today, one file per child (files already kept, closed ones
too, are refused). The responsible director is, as when the API is given none,
the active director of the child's village; the file may name the director, and
the name must then be that director's. Directors are looked up once for the file.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.imports import (
    Checked,
    Column,
    ColumnSet,
    Location,
    Problems,
    RegisterImport,
    RowError,
    a_date,
    allowed_labels,
    choice,
    id_number_text,
    registered_in,
)
from civil_shared.types import IdNumber
from civil_welfare.children.fields import GuardianRelation
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import ChildCategory, ChildFileCreate, FileStatus
from civil_welfare.children.majority import is_minor_on
from civil_welfare.db import AuditEvent
from civil_welfare.workforce.models import ChildWelfareWorker
from civil_welfare.workforce.schemas import WorkerRole, WorkerStatus

PREFIX: Final = "WELFARE_CHILD_FILE"

CATEGORY_LABELS: Final = {
    ChildCategory.LEFT_BEHIND: "留守儿童",
    ChildCategory.HARDSHIP: "困境儿童",
    ChildCategory.BOTH: "留守且困境",
}
GUARDIAN_LABELS: Final = {
    GuardianRelation.FATHER: "父亲",
    GuardianRelation.MOTHER: "母亲",
    GuardianRelation.GRANDPARENT: "（外）祖父母",
    GuardianRelation.SIBLING: "兄姐",
    GuardianRelation.OTHER_RELATIVE: "其他亲属",
    GuardianRelation.ENTRUSTED: "受委托照护人",
    GuardianRelation.INSTITUTION: "供养机构",
}

_category = choice(
    ChildCategory,
    CATEGORY_LABELS,
    {
        "农村留守儿童": ChildCategory.LEFT_BEHIND,
        "留守": ChildCategory.LEFT_BEHIND,
        "困境": ChildCategory.HARDSHIP,
        "既是留守儿童也是困境儿童": ChildCategory.BOTH,
    },
)
_GRANDPARENTS: Final = ("祖父母", "外祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶")
_guardian_relation = choice(
    GuardianRelation,
    GUARDIAN_LABELS,
    dict.fromkeys(_GRANDPARENTS, GuardianRelation.GRANDPARENT)
    | {"哥哥": GuardianRelation.SIBLING, "姐姐": GuardianRelation.SIBLING},
)

COLUMNS: Final = ColumnSet(
    (
        Column(
            "id_number", "身份证号", True, "18位，须设为文本格式；未满18周岁；一人一档", text=True
        ),
        Column("name", "姓名", True),
        Column(
            "area_code", "区划代码", True, "户籍或居住的村（社区）12位代码，须在天门市内", text=True
        ),
        Column(
            "category", "儿童类别", True, allowed=allowed_labels(ChildCategory, CATEGORY_LABELS)
        ),
        Column("guardian_name", "监护人姓名", True, "监护人或实际照护人"),
        Column(
            "guardian_relation",
            "监护人关系",
            True,
            "与儿童的关系",
            allowed=allowed_labels(GuardianRelation, GUARDIAN_LABELS),
        ),
        Column("guardian_phone", "监护人联系电话", False, text=True),
        Column("guardian_id_number", "监护人身份证号", False, text=True),
        Column("school", "就读学校", False, "未入学时空白"),
        Column("situation", "基本情况", False, "家庭、健康、学习等"),
        Column(
            "director_name",
            "儿童主任",
            False,
            "由儿童所在村（社区）的在岗儿童主任负责；填写时须为其姓名（核对用）",
        ),
        Column(
            "registered_date",
            "建档日期",
            False,
            "YYYY-MM-DD；平台启用前已建档的填原建档日期，空白为今天",
        ),
    )
)


def _optional_date(value: Any) -> date:
    return a_date(value)


class ChildFileCells(BaseModel):
    """The row's cells, typed; the API model checks them again with its own rules."""

    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    name: str
    area_code: str
    category: Annotated[ChildCategory, BeforeValidator(_category)]
    guardian_name: str
    guardian_relation: Annotated[GuardianRelation, BeforeValidator(_guardian_relation)]
    guardian_phone: str | None = None
    guardian_id_number: Annotated[str | None, BeforeValidator(id_number_text)] = None
    school: str | None = None
    situation: str | None = None
    director_name: str | None = None
    registered_date: Annotated[date | None, BeforeValidator(_optional_date)] = None


def field_of(loc: Location) -> str:
    """The column of a ``ChildFileCreate`` error."""
    match loc:
        case ("guardian", str(field), *_):
            return f"guardian_{field}"
        case (str(field), *_):
            return field
    return "id_number"


#: ``director_id`` is last: the look-up fills it in.
RECORD_COLUMNS: Final = (
    "id",
    "id_number",
    "name",
    "area_code",
    "category",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "guardian_id_number",
    "school",
    "situation",
    "status",
    "registered_date",
    "director_id",
)


def to_record(row: ChildFileCells) -> tuple[Any, ...]:
    data = ChildFileCreate.model_validate(
        {
            "id_number": row.id_number,
            "name": row.name,
            "area_code": row.area_code,
            "category": row.category,
            "guardian": {
                "name": row.guardian_name,
                "relation": row.guardian_relation,
                "phone": row.guardian_phone,
                "id_number": row.guardian_id_number,
            },
            "school": row.school,
            "situation": row.situation,
            "registered_date": row.registered_date,
        }
    )
    if not is_minor_on(data.id_number, date.today()):
        raise RowError("id_number", "该儿童已年满18周岁，不再建立儿童档案")
    guardian = data.guardian
    return (
        uuid.uuid4(),
        str(data.id_number),
        data.name,
        str(data.area_code),
        data.category.value,
        guardian.name,
        guardian.relation.value,
        guardian.phone,
        str(guardian.id_number) if guardian.id_number else None,
        data.school,
        data.situation,
        FileStatus.ACTIVE.value,
        data.registered_date or date.today(),
        None,
    )


async def with_directors(
    session: AsyncSession, checked: Sequence[Checked[ChildFileCells]], problems: Problems
) -> list[tuple[Any, ...]]:
    """Each file with its village's active director, in one query for the whole file."""
    villages = {c.record[3] for c in checked}
    worker = ChildWelfareWorker
    found = await session.execute(
        select(worker.area_code, worker.id, worker.name).where(
            worker.role == WorkerRole.DIRECTOR.value,
            worker.status == WorkerStatus.ACTIVE.value,
            worker.area_code.in_(villages),
        )
    )
    directors = {area: (director_id, name) for area, director_id, name in found}
    records: list[tuple[Any, ...]] = []
    for c in checked:
        village = c.record[3]
        director = directors.get(village)
        named = c.row.director_name
        if named is not None and director is None:
            problems.add(c.number, "director_name", f"村（社区）{village} 没有在岗儿童主任")
        elif named is not None and director is not None and director[1] != named:
            problems.add(
                c.number,
                "director_name",
                f"村（社区）{village} 的在岗儿童主任是{director[1]}，与所填不符",
            )
        records.append((*c.record[:-1], director[0] if director else None))
    return records


child_file_import: Final = RegisterImport[ChildFileCells](
    prefix=PREFIX,
    table=ChildFile.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(ChildFileCells),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="id_number",
    registered=registered_in(ChildFile.id_number),
    audit_model=AuditEvent,
    field_of=field_of,
    look_up=with_directors,
)
