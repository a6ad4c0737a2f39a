"""Bulk enrolment from CSV or XLSX (``RegisterImport``): existing dibao households and
tekun persons brought onto the platform at once, all or nothing.

One row an enrolment, checked by the API's own model (``EnrolmentCreate``): the
programme, the payee (the household head in dibao, the person in tekun), the
people covered (``身份证号:姓名`` separated by semicolons; tekun only the
payee), the monthly amount and the first month. For dibao the household is
found in the register by its head's ID number (one query for the file). Payees
already enrolled are refused, and so is anyone the file covers who is enrolled
already (never in dibao and tekun at once); the partial unique index decides
a race. The people are COPYed after their enrolments.
"""

import uuid
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Final

from pydantic import BaseModel, BeforeValidator, TypeAdapter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.enrolments.models import ENROLLED_STATUSES, EnrolledPerson, Enrolment
from civil_assistance.enrolments.schemas import EnrolmentCreate, EnrolmentStatus, Programme
from civil_assistance.households.models import HouseholdMember
from civil_shared.runtime.imports import (
    Checked,
    Column,
    ColumnSet,
    Dependent,
    Location,
    Problems,
    RegisterImport,
    RowError,
    a_date,
    id_number_text,
    registered_in,
    yes_no,
)

PREFIX: Final = "ASSISTANCE_ENROLMENT"
PROGRAMME_LABELS: Final = {
    Programme.URBAN_DIBAO: "城市低保",
    Programme.RURAL_DIBAO: "农村低保",
    Programme.URBAN_TEKUN: "城市特困",
    Programme.RURAL_TEKUN: "农村特困",
}
_BY_LABEL: Final = {label: p for p, label in PROGRAMME_LABELS.items()}

COLUMNS: Final = ColumnSet(
    (
        Column("programme", "救助项目", True, allowed=tuple(PROGRAMME_LABELS.values())),
        Column("area_code", "区划代码", True, "所在村（社区）或乡镇代码", text=True),
        Column(
            "payee_id_number",
            "领款人身份证号",
            True,
            "低保为户主（须已在家庭登记中），特困为本人；一人只能在保一次",
            text=True,
        ),
        Column("payee_name", "领款人姓名", True),
        Column(
            "people",
            "保障对象",
            True,
            "身份证号:姓名，多人用分号分隔（低保为家庭在保成员，特困只能是本人）",
            text=True,
        ),
        Column("monthly_amount", "月保障金额（元）", True),
        Column("start_period", "起始月份", True, "YYYY-MM"),
        Column("in_poverty_alleviation", "精准扶贫建档立卡", False, "填“是”或“否”，空白为否"),
        Column("next_review_date", "下次复核日期", False, "YYYY-MM-DD"),
    )
)


def _programme(value: Any) -> Any:
    return _BY_LABEL.get(str(value).strip(), value)


def _people(value: Any) -> list[dict[str, str]]:
    people = []
    for part in str(value).replace("；", ";").split(";"):
        if not part.strip():
            continue
        number, _, name = part.replace("：", ":").partition(":")
        people.append({"id_number": number.strip(), "name": name.strip()})
    return people


class EnrolmentCells(BaseModel):
    programme: Annotated[Programme, BeforeValidator(_programme)]
    area_code: str
    payee_id_number: Annotated[str, BeforeValidator(id_number_text)]
    payee_name: str
    people: Annotated[list[dict[str, str]], BeforeValidator(_people)]
    monthly_amount: str
    start_period: str
    in_poverty_alleviation: Annotated[bool, BeforeValidator(yes_no)] = False
    next_review_date: Annotated[str | None, BeforeValidator(lambda v: str(a_date(v)))] = None


RECORD_COLUMNS: Final = (
    "id",
    "programme",
    "household_id",
    "payee_id_number",
    "payee_name",
    "area_code",
    "persons",
    "monthly_amount",
    "start_period",
    "status",
    "in_poverty_alleviation",
    "next_review_date",
)
_HOUSEHOLD: Final = RECORD_COLUMNS.index("household_id")


def field_of(loc: Location) -> str:
    match loc:
        case ("payee", *_):
            return "payee_id_number"
        case (str(field), *_) if field in COLUMNS.by_key:
            return field
    return "people"


def to_record(row: EnrolmentCells) -> tuple[Any, ...]:
    data = EnrolmentCreate.model_validate(
        {
            "programme": row.programme,
            "area_code": row.area_code,
            "payee": {"id_number": row.payee_id_number, "name": row.payee_name},
            "people": row.people,
            "monthly_amount": row.monthly_amount,
            "start_period": row.start_period,
            "in_poverty_alleviation": row.in_poverty_alleviation,
            "next_review_date": row.next_review_date,
        }
    )
    if data.programme.is_tekun and data.people[0].id_number != data.payee.id_number:
        raise RowError("people", "特困供养的保障对象只能是领款人本人")
    return (
        uuid.uuid4(),
        data.programme.value,
        None,  # the household, found by look_up
        str(data.payee.id_number),
        data.payee.name,
        str(data.area_code),
        len(data.people),
        data.monthly_amount,
        str(data.start_period),
        EnrolmentStatus.ACTIVE.value,
        data.in_poverty_alleviation,
        data.next_review_date,
    )


def _numbers(row: EnrolmentCells) -> list[str]:
    # As the API model reads them (a lower-case x made upper-case).
    return [str(p.id_number) for p in EnrolmentCreate.model_validate(_payload(row)).people]


def _payload(row: EnrolmentCells) -> dict[str, Any]:
    return {
        "programme": row.programme,
        "area_code": row.area_code,
        "payee": {"id_number": row.payee_id_number, "name": row.payee_name},
        "people": row.people,
        "monthly_amount": row.monthly_amount,
        "start_period": row.start_period,
    }


async def look_up(
    session: AsyncSession, checked: Sequence[Checked[EnrolmentCells]], problems: Problems
) -> list[tuple[Any, ...]]:
    """The dibao households by their heads, and people enrolled already: two queries."""
    covered = {n: c.number for c in checked for n in _numbers(c.row)}
    enrolled = set(
        await session.scalars(
            select(EnrolledPerson.id_number).where(
                EnrolledPerson.id_number.in_(list(covered)), EnrolledPerson.enrolled
            )
        )
    )
    for number in sorted(enrolled):
        problems.add(covered[number], "people", f"保障对象 {number[:6]}… 已在其他救助项目中保障")
    heads = [str(c.record[3]) for c in checked if not c.row.programme.is_tekun]
    found = await session.execute(
        select(HouseholdMember.id_number, HouseholdMember.household_id).where(
            HouseholdMember.id_number.in_(heads), HouseholdMember.relation == "head"
        )
    )
    households = {row.id_number: row.household_id for row in found.all()}
    records = []
    for item in checked:
        record = list(item.record)
        if not item.row.programme.is_tekun:
            household = households.get(str(record[3]))
            if household is None:
                problems.add(item.number, "payee_id_number", "该户主的家庭未在家庭登记中")
            record[_HOUSEHOLD] = household
        records.append(tuple(record))
    return records


def people_of(row: EnrolmentCells, record: tuple[Any, ...]) -> Iterable[tuple[Any, ...]]:
    data = EnrolmentCreate.model_validate(_payload(row))
    return ((record[0], str(p.id_number), p.name, True) for p in data.people)


enrolment_import: Final = RegisterImport[EnrolmentCells](
    prefix=PREFIX,
    table=Enrolment.__tablename__,
    columns=COLUMNS,
    cells=TypeAdapter(EnrolmentCells),
    record_columns=RECORD_COLUMNS,
    to_record=to_record,
    key="payee_id_number",
    # Payees with an enrolment in force.
    registered=registered_in(Enrolment.payee_id_number, Enrolment.status.in_(ENROLLED_STATUSES)),
    audit_model=AuditEvent,
    key_label="领款人身份证号",
    field_of=field_of,
    look_up=look_up,
    dependents=(
        Dependent(
            table=EnrolledPerson.__tablename__,
            columns=("enrolment_id", "id_number", "name", "enrolled"),
            records=people_of,
        ),
    ),
)
