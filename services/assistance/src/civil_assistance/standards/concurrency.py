from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from civil_shared.errors import PreconditionFailed


@asynccontextmanager
async def stale_is_precondition_failed(session: AsyncSession) -> AsyncIterator[None]:
    """A concurrent writer that also passed the If-Match check lost the race: 412.

    The version counter in the UPDATE's WHERE clause matches no row for the
    second writer, which SQLAlchemy reports as StaleDataError.
    """
    try:
        yield
    except StaleDataError:
        await session.rollback()
        raise PreconditionFailed() from None
