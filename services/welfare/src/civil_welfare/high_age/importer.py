"""Bulk import of the high-age allowance register (高龄津贴名册) from CSV or XLSX.

One row a recipient. Each row is checked as ``POST /api/v1/high-age-allowances``
checks it: the API's own model (ID number, a village of Tianmen, the start month),
one entry per person (those on the register, stopped ones too, are refused), and
the first tier's age reached by the end of the start month. That age is a parameter
by year and area: it is read once for each start year in the file (every area that
sets its own, and the city), never once a row.
"""

import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.runtime.imports import (
    Checked,
    Column,
    ColumnSet,
    Problems,
    RegisterImport,
    RowError,
    id_number_text,
    registered_in,
)
from civil_shared.types import IdNumber, Period
from civil_welfare.db import AuditEvent
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.high_age.rules import TIER_AGE_KEYS, tiers_of
from civil_welfare.high_age.schemas import AllowanceCreate, AllowanceStatus
from civil_welfare.high_age.tiers import assess, first_period_at_age
from civil_welfare.parameters.by_area import AreaValues, values_by_area

PREFIX: Final = "WELFARE_HIGH_AGE"

COLUMNS: Final = ColumnSet(
    (
        Column("id_number", "身份证号", True, "18位，须设为文本格式；一人只登记一次", text=True),
        Column("name", "姓名", True),
        Column(
            "area_code", "区划代码", True, "户籍所在村（社区）12位代码，须在天门市内", text=True
        ),
        Column(
            "start_period",
            "起始发放月份",
            True,
            "YYYY-MM；该月月末须已满第一档起始年龄（默认80周岁）",
            text=True,
        ),
    )
)


class AllowanceCells(BaseModel):
    """The row's cells, typed; the API model checks them again with its own rules."""

    id_number: Annotated[IdNumber, BeforeValidator(id_number_text)]
    name: str
    area_code: str
    start_period: Period


RECORD_COLUMNS: Final = ("id", "id_number", "name", "area_code", "start_period", "status")


def to_record(row: AllowanceCells) -> tuple[Any, ...]:
    data = AllowanceCreate.model_validate(row.model_dump())
    if data.start_period.last_day < data.id_number.birth_date:
        raise RowError("start_period", "起始月份早于出生日期")
    return (
        uuid.uuid4(),
        str(data.id_number),
        data.name,
        str(data.area_code),
        str(data.start_period),
        AllowanceStatus.ACTIVE.value,
    )


async def below_first_tier(
    session: AsyncSession, checked: Sequence[Checked[AllowanceCells]], problems: Problems
) -> list[tuple[Any, ...]]:
    """Rows whose person is under the first tier's age at the end of the start month, with
    the tier ages of each start year read once (409 when a year's are not set)."""
    rules: dict[int, AreaValues] = {}
    for year in sorted({c.row.start_period.year for c in checked}):
        rules[year] = await values_by_area(session, TIER_AGE_KEYS, year)
    for c in checked:
        start, birth = c.row.start_period, c.row.id_number.birth_date
        tiers = tiers_of(rules[start.year].for_area(c.record[3]))
        found = assess(birth, start, tiers)
        if found.tier is None:
            first = first_period_at_age(birth, tiers.min_ages[0])
            problems.add(
                c.number,
                "start_period",
                f"不符合高龄津贴条件：{found.explanation}（最早可自 {first} 起发放）",
            )
    return [c.record for c in checked]


high_age_import: Final = RegisterImport[AllowanceCells](
    prefix=PREFIX,
    table=HighAgeAllowance.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(AllowanceCells),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="id_number",
    registered=registered_in(HighAgeAllowance.id_number),
    audit_model=AuditEvent,
    look_up=below_first_tier,
)
