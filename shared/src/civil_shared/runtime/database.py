"""Engine, sessions and the declarative base each service's models build on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, Numeric, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Mapped, mapped_column

from civil_shared.errors import AppError
from civil_shared.runtime.settings import ServiceSettings

#: Constraint names Alembic can rely on, so migrations drop what they created.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error: the driver's own (a COPY raises it unwrapped),
    or the one SQLAlchemy's error wraps."""
    orig = getattr(exc, "orig", None)
    for error in (exc, orig, getattr(orig, "__cause__", None)):
        state = getattr(error, "sqlstate", None)
        if isinstance(state, str):
            return state
    return None


#: Money is yuan with 2 places (NUMERIC(14,2)), never float.
MoneyColumn = Numeric(14, 2, asdecimal=True)


def one_of(column: str, values: Iterable[str]) -> str:
    """A CHECK expression keeping ``column`` to the values of an enumeration."""
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


def id_number_point(column: str) -> str:
    """An exclusion constraint's "equal ID number" part, as a range that overlaps only itself.

    Equality on a text or uuid column inside a GiST exclusion constraint needs the
    ``btree_gist`` extension, which the embedded PostgreSQL (pgserver) lacks; ranges
    are native to GiST. The first 17 digits decide the check character, so two ID
    numbers are equal exactly when these points are.
    """
    return f"int8range(left({column}, 17)::bigint, left({column}, 17)::bigint, '[]')"


def uuid_point(column: str) -> str:
    """Like :func:`id_number_point` for a uuid: a range of its first 64 bits.

    Two different uuids share them with a chance of 2⁻⁶⁴ (random uuids), which
    would only ever refuse a write, never let a forbidden one through.
    """
    bits = f"('x' || translate(left({column}::text, 18), '-', ''))::bit(64)::bigint"
    return f"int8range({bits}, {bits}, '[]')"


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


#: Column types of a service's ``Base``: a service declares
#: ``class Base(DeclarativeBase)`` with ``metadata = new_metadata()`` and this map,
#: so its tables live in its own metadata (its own database) only.
TYPE_ANNOTATION_MAP: dict[Any, Any] = {Decimal: MoneyColumn, datetime: DateTime(timezone=True)}


class Timestamps:
    """``created_at`` / ``updated_at`` kept by the database clock."""

    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    if settings.database_url is None:
        prefix = settings.model_config.get("env_prefix", "")
        raise RuntimeError(
            f"{prefix}DATABASE_URL is not set: start the platform with `make run`, "
            "or point it at the service's PostgreSQL database"
        )
    connect_args: dict[str, Any] = {
        "server_settings": {
            "application_name": f"civil-{settings.service_name}",
            "statement_timeout": str(settings.database_statement_timeout_ms),
            "timezone": "UTC",
        }
    }
    return create_async_engine(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout_s,
        pool_pre_ping=True,
        connect_args=connect_args,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: a use case returns the objects it committed, and the
    # router serialises them after the commit without another round trip.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; the use case commits, anything else is rolled back.

    The session carries the request's state so the audit hook can name the actor
    and the request id of every write it records.
    """
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    async with maker() as session:
        session.info["request_state"] = request.state
        try:
            yield session
        finally:
            if session.in_transaction():
                await session.rollback()


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def count_rows(session: AsyncSession, query: Select[*tuple[Any, ...]]) -> int:
    """How many rows ``query`` returns, ignoring its order, limit and offset."""
    inner = query.order_by(None).limit(None).offset(None).subquery()
    return (await session.scalar(select(func.count()).select_from(inner))) or 0


@asynccontextmanager
async def unique_or_conflict(session: AsyncSession, conflict: AppError) -> AsyncIterator[None]:
    """Turn a unique violation inside the block (a concurrent duplicate) into ``conflict``.

    The use case checks for a duplicate first, to answer the common case with a
    clear message; this answers the race that check cannot see.
    """
    try:
        yield
    except IntegrityError as exc:
        await session.rollback()
        if sqlstate(exc) == UNIQUE_VIOLATION:
            raise conflict from exc
        raise
