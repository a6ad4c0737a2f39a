"""The pytest plugin every member's tests share.

A service's ``conftest.py`` provides a ``service_under_test`` fixture; from it
this plugin builds, once per test run and xdist worker, a fresh database
migrated by the service's real Alembic migrations, and per test:

- ``db_connection``: a connection inside a transaction rolled back after the test;
- ``session``: an ``AsyncSession`` on that connection (commits become savepoints);
- ``app`` / ``client``: the service's app bound to that connection, and an httpx
  ``AsyncClient`` speaking ASGI to it;
- ``tokens``: signed platform tokens for any role, verified by the app exactly as
  the gateway's would be.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.pool import NullPool

from civil_cli import database
from civil_cli.keys import DevKeys, ensure_dev_keys, mint_token
from civil_shared.runtime.app import bind_database
from civil_shared.runtime.database import create_sessionmaker
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.settings import ServiceSettings, asyncpg_url
from civil_shared.testing.factories import forget_issued_id_numbers


@dataclass(frozen=True)
class ServiceUnderTest:
    """What the plugin needs to know of a service to test it."""

    package: str  # "civil_assistance": where alembic.ini and migrations/ live
    settings_class: type[ServiceSettings]
    create_app: Callable[..., FastAPI]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(autouse=True)
def _distinct_id_numbers() -> None:
    """Each test's people have distinct ID numbers (its database starts fresh)."""
    forget_issued_id_numbers()


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The PostgreSQL server tests run on: ``TEST_DATABASE_URL`` or the embedded one."""
    return os.environ.get("TEST_DATABASE_URL") or database.server_url()


@pytest.fixture(scope="session")
def create_database(pg_server_url: str) -> Iterator[Callable[[str], str]]:
    """A factory of fresh, empty databases, dropped at the end of the run."""
    created: list[str] = []

    def create(name: str) -> str:
        # The pid too: two test runs on one server (two checkouts, or CI beside a
        # developer) must not drop each other's databases.
        dbname = f"test_{name}_{_worker()}_{os.getpid()}"[:63]
        database.drop_database(pg_server_url, dbname)
        database.ensure_database(pg_server_url, dbname)
        created.append(dbname)
        return database.database_url(pg_server_url, dbname)

    yield create
    for dbname in created:
        database.drop_database(pg_server_url, dbname)


@pytest.fixture(scope="session")
def _migrated_databases() -> dict[str, str]:
    return {}


@pytest.fixture
def service_database_url(
    service_under_test: ServiceUnderTest,
    create_database: Callable[[str], str],
    _migrated_databases: dict[str, str],
) -> str:
    """The service's test database, migrated to head by its real migrations.

    Cached per service by hand: one run tests several services, and a
    session-scoped fixture would keep the first service's database for all.
    """
    package = service_under_test.package
    if package not in _migrated_databases:
        url = create_database(package)
        upgrade(package, url)
        _migrated_databases[package] = asyncpg_url(url)
    return _migrated_databases[package]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def _engines() -> AsyncIterator[dict[str, AsyncEngine]]:
    engines: dict[str, AsyncEngine] = {}
    yield engines
    for engine in engines.values():
        await engine.dispose()


@pytest.fixture
def db_engine(service_database_url: str, _engines: dict[str, AsyncEngine]) -> AsyncEngine:
    if service_database_url not in _engines:
        _engines[service_database_url] = _create_async_engine(
            service_database_url, poolclass=NullPool
        )
    return _engines[service_database_url]


@pytest_asyncio.fixture(loop_scope="session")
async def db_connection(db_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose transaction is rolled back after the test: no test sees another's rows."""
    async with db_engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


@pytest.fixture
def sessionmaker(db_connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # create_savepoint: the use case's commit releases a savepoint, the outer
    # transaction stays open and is rolled back by db_connection.
    return async_sessionmaker(
        bind=db_connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest_asyncio.fixture(loop_scope="session")
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session


class Tokens:
    """Signs tokens with a test key the app under test trusts."""

    def __init__(self, keys: DevKeys) -> None:
        self.keys = keys

    def make(
        self,
        *roles: str,
        sub: str | None = None,
        area_codes: Sequence[str] = (),
        scopes: Sequence[str] = (),
        ttl: timedelta = timedelta(minutes=10),
    ) -> str:
        return mint_token(
            self.keys,
            sub=sub or f"test-{'-'.join(roles) or 'nobody'}",
            roles=list(roles),
            area_codes=list(area_codes),
            scopes=list(scopes),
            ttl=ttl,
        )

    def headers(self, *roles: str, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.make(*roles, **kwargs)}"}


@pytest.fixture(scope="session")
def test_keys(tmp_path_factory: pytest.TempPathFactory) -> DevKeys:
    return ensure_dev_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def tokens(test_keys: DevKeys) -> Tokens:
    return Tokens(test_keys)


@pytest.fixture
def settings(
    service_under_test: ServiceUnderTest, service_database_url: str, test_keys: DevKeys
) -> ServiceSettings:
    return service_under_test.settings_class(
        database_url=service_database_url, jwks_file=test_keys.jwks_path, log_format="console"
    )


@pytest.fixture
def app(
    service_under_test: ServiceUnderTest,
    settings: ServiceSettings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> FastAPI:
    app = service_under_test.create_app(settings)
    bind_database(app, None, sessionmaker)
    return app


@pytest_asyncio.fixture(loop_scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def committed_database_url(
    service_under_test: ServiceUnderTest,
    create_database: Callable[[str], str],
    _migrated_databases: dict[str, str],
) -> str:
    """A second database of the service, for tests whose writes must really commit."""
    name = f"{service_under_test.package}_committed"
    if name not in _migrated_databases:
        url = create_database(name)
        upgrade(service_under_test.package, url)
        _migrated_databases[name] = asyncpg_url(url)
    return _migrated_databases[name]


@pytest_asyncio.fixture(loop_scope="session")
async def committed_app(
    service_under_test: ServiceUnderTest, committed_database_url: str, test_keys: DevKeys
) -> AsyncIterator[FastAPI]:
    """The service's app on a pooled engine whose writes really commit.

    For what one rolled-back connection cannot show: concurrent requests on
    separate connections, locks, unique races. Its database is shared by the
    run's such tests, so each must use data no other test uses.
    """
    settings = service_under_test.settings_class(
        database_url=committed_database_url, jwks_file=test_keys.jwks_path, log_format="console"
    )
    app = service_under_test.create_app(settings)
    engine = _create_async_engine(committed_database_url, pool_size=10)
    bind_database(app, engine, create_sessionmaker(engine))
    yield app
    await engine.dispose()


def unique(prefix: str = "") -> str:
    """A short unique suffix for names that must not collide between tests."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


__all__ = ["ServiceUnderTest", "Tokens", "unique"]


def assert_migrations_roundtrip(package: str, database_url: str) -> None:
    """One head; upgrade to it, find no drift, downgrade to base, upgrade again.

    Run on an empty database of its own: downgrading drops every table. One head,
    because a deployment's migration job runs ``alembic upgrade head``.
    """
    import asyncio

    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from civil_shared.runtime.migrations import alembic_config, check, downgrade

    heads = ScriptDirectory.from_config(alembic_config(package)).get_heads()
    assert len(heads) == 1, f"{package}'s migrations have {len(heads)} heads: {heads}"
    upgrade(package, database_url)
    check(package, database_url)
    downgrade(package, database_url, "base")

    async def tables() -> set[str]:
        engine = _create_async_engine(asyncpg_url(database_url), poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                names = await connection.run_sync(lambda c: inspect(c).get_table_names())
        finally:
            await engine.dispose()
        return set(names)

    left = asyncio.run(tables())
    assert left <= {"alembic_version"}, f"downgrade to base left tables behind: {left}"
    upgrade(package, database_url)
    check(package, database_url)
