"""COPY inside the session's transaction: the fastest way in, still all-or-nothing."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def copy_records(
    session: AsyncSession, table: str, columns: Sequence[str], records: Iterable[Sequence[Any]]
) -> None:
    """COPY ``records`` into ``table`` on the session's own connection.

    The session must already be in a transaction (a statement has run), or the
    driver would COPY outside it, in autocommit, and a later failure would leave
    the rows behind.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        raise RuntimeError("COPY outside the session's transaction")
    await driver.copy_records_to_table(table, records=records, columns=list(columns))
