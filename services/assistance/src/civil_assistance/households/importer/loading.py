"""Set-based database work of the import: per chunk of rows, one lookup and three COPYs."""

import uuid
from collections.abc import Iterable
from typing import Any, Final

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import CHAR

from civil_assistance.households.importer.validation import Plan

HOUSEHOLD_COLUMNS: Final = (
    "id",
    "area_code",
    "address",
    "residence_type",
    "income_stability",
    "in_poverty_alleviation",
)
MEMBER_COLUMNS: Final = (
    "id",
    "household_id",
    "id_number",
    "name",
    "relation",
    "employment_status",
    "phone",
    "disability_category",
    "disability_grade",
    "death_date",
)
INCOME_COLUMNS: Final = ("member_id", "kind", "monthly_amount")

# One join against the whole file's ID numbers, not one query per person.
_TAKEN = text(
    "SELECT m.id_number, m.household_id FROM household_member AS m "
    "JOIN unnest(:id_numbers) AS f(id_number) ON m.id_number = f.id_number"
).bindparams(bindparam("id_numbers", type_=ARRAY(CHAR(18))))


async def households_of(session: AsyncSession, id_numbers: Iterable[str]) -> dict[str, uuid.UUID]:
    """Which of these persons already belong to a household, and to which."""
    rows = (await session.execute(_TAKEN, {"id_numbers": list(id_numbers)})).all()
    return {row.id_number: row.household_id for row in rows}


async def copy_plan(session: AsyncSession, plan: Plan) -> None:
    """COPY the plan's rows on the session's own connection, inside its transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement; without
        # one the driver would COPY outside the transaction, in autocommit.
        await connection.exec_driver_sql("SELECT 1")
    if not driver.is_in_transaction():
        raise RuntimeError("COPY outside the session's transaction")
    await driver.copy_records_to_table(
        "household", records=plan.households, columns=HOUSEHOLD_COLUMNS
    )
    await driver.copy_records_to_table(
        "household_member", records=plan.members, columns=MEMBER_COLUMNS
    )
    await driver.copy_records_to_table(
        "member_income", records=plan.incomes, columns=INCOME_COLUMNS
    )
