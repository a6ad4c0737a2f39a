"""A database that cannot be reached is a 503 to retry, not a 500; a write that lost a race
to another is a 409; other errors stay 500s."""

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from civil_shared.runtime.problems import install_problem_handlers
from civil_shared.runtime.settings import asyncpg_url


def _app(database_url: str) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/query")
    async def query() -> None:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        finally:
            await engine.dispose()

    @app.get("/bad-sql")
    async def bad_sql() -> None:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT no_such_column FROM pg_class"))
        finally:
            await engine.dispose()

    @app.get("/race/{state}")
    async def race(state: str) -> None:
        # The errors of a writer that lost a race: the referenced row deleted meanwhile,
        # the same key taken meanwhile (raised by PostgreSQL itself).
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.begin() as connection:
                await connection.execute(text("CREATE TEMPORARY TABLE parent (id int PRIMARY KEY)"))
                await connection.execute(
                    text("CREATE TEMPORARY TABLE child (parent_id int REFERENCES parent)")
                )
                await connection.execute(text("INSERT INTO parent VALUES (1)"))
                if state == "foreign-key":
                    await connection.execute(text("INSERT INTO child VALUES (2)"))
                else:
                    await connection.execute(text("INSERT INTO parent VALUES (1)"))
        finally:
            await engine.dispose()

    @app.get("/own-file")
    def own_file() -> str:
        return Path("/nonexistent/civil/template.docx").read_text()

    return app


def _busy_app(database_url: str) -> FastAPI:
    """A service whose only connection is taken: the next request waits 0.1 s for it."""
    app = FastAPI()
    install_problem_handlers(app)
    engine = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)

    @app.get("/query")
    async def query() -> None:
        async with engine.connect() as held, engine.connect() as second:
            await held.execute(text("SELECT 1"))
            await second.execute(text("SELECT 1"))

    app.state.engine = engine
    return app


async def _get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_a_refused_connection_is_a_503_with_retry_after() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    response = await _get(_app("postgresql+asyncpg://postgres@127.0.0.1:9/postgres"), "/query")

    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert int(response.headers["retry-after"]) > 0


async def test_a_missing_socket_is_a_503() -> None:
    url = "postgresql+asyncpg://postgres@/postgres?host=/nonexistent/civil-socket-dir"
    response = await _get(_app(url), "/query")

    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"


@pytest.mark.parametrize("path", ["/bad-sql", "/own-file"])
async def test_other_errors_stay_server_errors(path: str, pg_server_url: str) -> None:
    response = await _get(_app(asyncpg_url(pg_server_url)), path)

    assert response.status_code == 500
    assert response.json()["code"] != "DATABASE_UNAVAILABLE"


@pytest.mark.parametrize("state", ["foreign-key", "unique"])
async def test_a_write_that_lost_a_race_is_a_409_to_retry(state: str, pg_server_url: str) -> None:
    response = await _get(_app(asyncpg_url(pg_server_url)), f"/race/{state}")

    assert response.status_code == 409
    assert response.json()["code"] == "DATABASE_CONFLICT"
    assert "请刷新后重试" in response.json()["detail"]


async def test_an_exhausted_pool_is_a_503_busy(pg_server_url: str) -> None:
    app = _busy_app(asyncpg_url(pg_server_url))
    try:
        response = await _get(app, "/query")
    finally:
        await app.state.engine.dispose()

    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_BUSY"
    assert int(response.headers["retry-after"]) > 0
