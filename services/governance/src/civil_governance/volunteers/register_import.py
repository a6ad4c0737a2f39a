"""Bulk registration of volunteers from CSV or XLSX: all or nothing, a per-row report, COPY.

The register's own import (``RegisterImport``): every row checked as
``POST /api/v1/volunteers`` checks it (ID number, phone, a village-level area
the caller covers, a registration date neither in the future nor before the
birth date), ID numbers already registered refused, then one COPY. A village
code missing from the divisions is found by the COPY's foreign key and
reported as the single-record route reports it.
"""

import uuid
from datetime import date
from typing import Annotated, Final, NotRequired

from pydantic import BeforeValidator, StringConstraints, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from typing_extensions import TypedDict  # pydantic needs it on Python 3.11

from civil_governance.community_workers.schemas import PHONE_PATTERN
from civil_governance.db import AuditEvent
from civil_governance.volunteers.models import Volunteer
from civil_governance.volunteers.rules import VolunteerStatus
from civil_shared.auth import Principal
from civil_shared.errors import Unprocessable
from civil_shared.runtime.imports import (
    Column,
    ColumnSet,
    ImportResult,
    RegisterImport,
    RowError,
    Upload,
    a_date,
    id_number_text,
    registered_in,
)
from civil_shared.types import AreaCode, AreaLevel, IdNumber

PREFIX: Final = "GOVERNANCE_VOLUNTEER"
FOREIGN_KEY_VIOLATION: Final = "23503"
#: 200,000 volunteers are about 15 MB of CSV.
MAX_REGISTER_IMPORT_BYTES: Final = 64 * 1024 * 1024

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "身份证号", True, "每人只能注册一次", text=True),
        Column("name", "姓名", True),
        Column("phone", "联系电话", True, "手机号或固定电话", text=True),
        Column("area_code", "村（社区）代码", True, "注册所在村（社区）12位区划代码", text=True),
        Column("registered_date", "注册日期", True, "YYYY-MM-DD，不晚于今天、不早于出生日期"),
        Column("skills", "专长", False, "多项用顿号或逗号分隔"),
    )
)


class VolunteerCells(TypedDict):
    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    phone: Annotated[str, StringConstraints(pattern=PHONE_PATTERN)]
    area_code: AreaCode
    registered_date: Annotated[date, BeforeValidator(a_date)]
    skills: NotRequired[str]


RECORD_COLUMNS: Final = (
    "id",
    "id_number",
    "name",
    "phone",
    "area_code",
    "registered_date",
    "skills",
    "status",
)


def _skills(text: str | None) -> list[str]:
    if not text:
        return []
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").split(",")]
    return list(dict.fromkeys(p[:50] for p in parts if p))[:20]


def to_record(row: VolunteerCells) -> tuple[object, ...]:
    area = row["area_code"]
    if area.level is not AreaLevel.VILLAGE:
        raise RowError("area_code", "应为村（社区）12位区划代码")
    registered = row["registered_date"]
    if registered > date.today():
        raise RowError("registered_date", "日期不能晚于今天")
    if registered < row["id_number"].birth_date:
        raise RowError("registered_date", "注册日期不能早于出生日期")
    return (
        uuid.uuid4(),
        str(row["id_number"]),
        row["name"],
        row["phone"],
        str(area),
        registered,
        _skills(row.get("skills")),
        VolunteerStatus.ACTIVE.value,
    )


class VolunteerRegisterImport:
    """The register import, with an unknown village answered as a 422, not a 500."""

    prefix: Final = PREFIX
    columns: Final = COLUMNS

    def __init__(self) -> None:
        self._inner = RegisterImport[VolunteerCells](
            prefix=PREFIX,
            table=Volunteer.__tablename__,
            columns=COLUMNS,
            cells=TypeAdapter(VolunteerCells),
            record_columns=RECORD_COLUMNS,
            to_record=to_record,
            key="id_number",
            registered=registered_in(Volunteer.id_number),
            audit_model=AuditEvent,
        )

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ImportResult:
        try:
            return await self._inner.run(session, upload, principal)
        except Exception as exc:
            if getattr(exc, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
                raise Unprocessable(
                    "文件中有村（社区）代码不在行政区划中，未导入任何数据",
                    code="GOVERNANCE_VILLAGE_UNKNOWN",
                ) from exc
            raise


volunteer_register_import: Final = VolunteerRegisterImport()
