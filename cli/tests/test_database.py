"""The database helpers: URLs of the services' databases, and creating and dropping them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from civil_cli import database
from civil_cli.services import SERVICES, spec


@pytest.fixture(scope="module")
def server() -> str:
    """A real PostgreSQL server: ``TEST_DATABASE_URL``, else the embedded one."""
    return os.environ.get("TEST_DATABASE_URL") or database.server_url()


@pytest.fixture
def dbname(server: str) -> Iterator[str]:
    name = f"test_cli_{uuid.uuid4().hex[:12]}"
    yield name
    database.drop_database(server, name)


def test_database_url_keeps_host_port_credentials_and_query() -> None:
    server = "postgresql://civil:s%40cret@db.example:5433/postgres?sslmode=require"
    url = database.database_url(server, "civil_assistance")
    assert url == "postgresql://civil:s%40cret@db.example:5433/civil_assistance?sslmode=require"
    parsed = make_url(url)
    assert parsed.password == "s@cret"
    assert parsed.database == "civil_assistance"


def test_database_url_of_a_unix_socket_server() -> None:
    server = "postgresql://postgres:@/postgres?host=/work/main/.data/pg"
    url = database.database_url(server, "civil_welfare")
    assert url == "postgresql://postgres:@/civil_welfare?host=/work/main/.data/pg"
    parsed = make_url(url)
    assert parsed.query["host"] == "/work/main/.data/pg"
    assert parsed.host is None


def test_database_url_keeps_the_driver() -> None:
    server = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    assert (
        database.database_url(server, "civil_gateway")
        == "postgresql+asyncpg://postgres@127.0.0.1:5432/civil_gateway"
    )
    assert database.libpq_url(server) == "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.mark.parametrize(
    "name", ["", "Civil", "1db", "civil-assistance", 'x"; DROP DATABASE postgres; --', "a" * 64]
)
def test_database_names_are_identifiers(name: str) -> None:
    with pytest.raises(ValueError, match="invalid database name"):
        database.database_url("postgresql://postgres@localhost/postgres", name)


def test_a_configured_service_url_does_not_start_a_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WELFARE_DATABASE_URL", "postgresql+asyncpg://u@h:5432/welfare_db")
    server = database.ServerOnDemand()
    url = database.service_database_url(spec("welfare"), server)
    assert url == "postgresql+asyncpg://u@h:5432/welfare_db"
    assert not server.started


def test_data_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(database.DATA_DIR_ENV, str(tmp_path / "state"))
    assert database.data_dir() == tmp_path / "state"
    assert database.pgdata_dir() == tmp_path / "state" / "pg"


def test_repo_root_is_the_folder_with_the_lock(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_text("")
    nested = tmp_path / "services" / "assistance"
    nested.mkdir(parents=True)
    assert database.repo_root(nested) == tmp_path
    assert database.repo_root(tmp_path.parent) == tmp_path.parent  # no lock above: the start


def test_every_service_has_its_own_database() -> None:
    assert [s.name for s in SERVICES] == ["gateway", "assistance", "welfare", "governance"]
    assert [s.port for s in SERVICES] == [8000, 8001, 8002, 8003]
    assert spec("civil_assistance").database == "civil_assistance"
    assert spec("welfare").env("DATABASE_URL") == "WELFARE_DATABASE_URL"
    with pytest.raises(ValueError, match="unknown service"):
        spec("finance")


def test_ensure_creates_once_and_drop_removes(server: str, dbname: str) -> None:
    assert not database.database_exists(server, dbname)

    assert database.ensure_database(server, dbname) is True
    assert database.database_exists(server, dbname)
    assert database.ensure_database(server, dbname) is False

    assert database.drop_database(server, dbname) is True
    assert not database.database_exists(server, dbname)
    assert database.drop_database(server, dbname) is False


def test_the_new_database_is_reachable_at_its_url(server: str, dbname: str) -> None:
    database.ensure_database(server, dbname)
    url = database.database_url(server, dbname)
    # The maintenance database of the "server" is now the new one: it sees itself.
    assert database.database_exists(url, dbname)


def test_drop_disconnects_open_sessions(server: str, dbname: str) -> None:
    import asyncio

    import asyncpg  # type: ignore[import-untyped]

    database.ensure_database(server, dbname)

    async def drop_while_connected() -> None:
        connection = await asyncpg.connect(
            database.libpq_url(database.database_url(server, dbname))
        )
        try:
            assert await database.drop_database_async(server, dbname)
        finally:
            await connection.close(timeout=1)

    asyncio.run(drop_while_connected())
    assert not database.database_exists(server, dbname)
