"""The PostgreSQL server the platform runs on during development.

With ``CIVIL_DATABASE_URL`` set (CI, a shared server) that server is used.
Otherwise a real PostgreSQL 16 from the ``pgserver`` wheel is started with its
data under ``<repo>/.data/pg``; ``CIVIL_DATA_DIR`` moves ``.data`` elsewhere.

pgserver counts the processes that hold a server (``.handle_pids.json`` in the
data folder): a process that asked for ``cleanup_mode="stop"`` stops it at exit
when it is the last holder, one that asked for ``None`` leaves it running.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

import asyncpg  # type: ignore[import-untyped]  # ships no type information
from sqlalchemy.engine import URL, make_url

from civil_cli.services import ServiceSpec

SERVER_URL_ENV = "CIVIL_DATABASE_URL"
DATA_DIR_ENV = "CIVIL_DATA_DIR"

CleanupMode = Literal["stop"] | None

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

#: The pgserver handle of this process; holding it keeps the server counted as in use.
_embedded: Any = None


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (the cwd) holding ``uv.lock``, else ``start``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "uv.lock").is_file():
            return folder
    return here


def data_dir() -> Path:
    """Where local state lives: the embedded database and the development keys."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    return repo_root() / ".data"


def pgdata_dir() -> Path:
    return data_dir() / "pg"


def _pgserver() -> Any:
    # platformdirs warns on import when XDG_RUNTIME_DIR is unset (containers, CI);
    # pgserver then keeps its lock file under /tmp, which is what we want anyway.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    # pgserver logs every pg_ctl call at INFO, also from its atexit hook, when
    # the handlers an app or pytest installed may already write to closed streams.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver


def server_url(cleanup_mode: CleanupMode = "stop") -> str:
    """A libpq URL of the PostgreSQL server, pointing at its maintenance database.

    Starts the embedded server unless ``CIVIL_DATABASE_URL`` is set. With
    ``cleanup_mode="stop"`` the server stops when this process (the last one
    holding it) exits or calls :func:`stop_embedded`; with ``None`` it keeps
    running until ``civil db-stop``.
    """
    configured = os.environ.get(SERVER_URL_ENV)
    if configured:
        return configured
    global _embedded
    if _embedded is None:
        pgdata = pgdata_dir()
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        pgserver = _pgserver()
        _forget_dead_holders(pgserver, pgdata)
        _embedded = pgserver.get_server(pgdata, cleanup_mode=cleanup_mode)
    return str(_embedded.get_uri())


def holds_embedded() -> bool:
    """Whether this process started or joined the embedded server."""
    return _embedded is not None


def embedded_running() -> bool:
    """Whether the embedded server (of this data folder) is running."""
    info = _pgserver().utils.PostmasterInfo.read_from_pgdata(pgdata_dir())
    return info is not None and bool(info.is_running())


def stop_embedded(*, force: bool = False) -> bool:
    """Give up this process's hold on the embedded server; True if it is now stopped.

    Without ``force`` the server stops only when no other process holds it
    (``civil run`` must not pull the database from under a test run). With
    ``force`` it is stopped whoever holds it: that is ``civil db-stop``.
    """
    global _embedded
    handle, _embedded = _embedded, None
    if handle is not None:
        handle.cleanup()  # pgserver's reference-counted stop
    if force and embedded_running():
        _force_stop()
    return not embedded_running()


def _force_stop() -> None:
    pgserver = _pgserver()
    pgdata = pgdata_dir()
    with pgserver.PostgresServer._lock:
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=_system_user(pgdata))
        # Nobody holds a stopped server; a stale list would keep the next run from stopping it.
        (pgdata / ".handle_pids.json").write_text("[]")


def _system_user(pgdata: Path) -> str | None:
    # pgserver runs postgres as its own system user when started by root; pg_ctl must match.
    if os.name != "posix" or os.geteuid() != 0:
        return None
    import pwd

    return pwd.getpwuid(pgdata.stat().st_uid).pw_name


def _forget_dead_holders(pgserver: Any, pgdata: Path) -> None:
    """Drop processes that died without releasing the server (killed, crashed).

    Otherwise their ids stay in pgserver's holder list for good and no later
    process ever counts itself the last holder, so the server is never stopped.
    """
    holders = pgdata / ".handle_pids.json"
    if not holders.is_file():
        return
    with pgserver.PostgresServer._lock:
        try:
            pids = json.loads(holders.read_text())
        except (OSError, ValueError):
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and _alive(pid)]
        if alive != pids:
            holders.write_text(json.dumps(alive))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


# --- URLs -------------------------------------------------------------------


def _render(url: URL) -> str:
    # Keep "/" readable in ?host=/socket/dir: libpq and asyncpg decode either form.
    base = url.set(query={}).render_as_string(hide_password=False)
    if not url.query:
        return base
    return f"{base}?{urlencode(dict(url.query), doseq=True, safe='/')}"


def database_url(server: str, dbname: str) -> str:
    """The URL of database ``dbname`` on the same server as ``server``.

    Works for ``host:port`` URLs and for the unix-socket form
    ``postgresql://postgres:@/postgres?host=/socket/dir``; the driver, the
    credentials and the query (sslmode, host) are kept.
    """
    return _render(make_url(server).set(database=_checked(dbname)))


def libpq_url(url: str) -> str:
    """The same URL without a SQLAlchemy driver suffix, as libpq and asyncpg read it."""
    return _render(make_url(url).set(drivername="postgresql"))


def _checked(dbname: str) -> str:
    if not _IDENTIFIER.fullmatch(dbname):
        raise ValueError(
            f"invalid database name {dbname!r}: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)"
        )
    return dbname


def _quoted(dbname: str) -> str:
    return '"' + _checked(dbname) + '"'


# --- Creating and dropping databases -----------------------------------------


async def _connect(server: str) -> asyncpg.Connection:
    return await asyncpg.connect(libpq_url(server), timeout=30)


async def ensure_database_async(server: str, dbname: str) -> bool:
    """Create ``dbname`` on the server unless it exists; True if it was created."""
    statement = f"CREATE DATABASE {_quoted(dbname)}"
    connection = await _connect(server)
    try:
        for attempt in range(5):
            exists = await connection.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", dbname
            )
            if exists:
                return False
            try:
                await connection.execute(statement)
            except asyncpg.DuplicateDatabaseError:
                return False  # another process (a parallel test worker) won the race
            except asyncpg.ObjectInUseError:
                # Someone is connected to template1 for a moment; try again.
                if attempt == 4:
                    raise
                await asyncio.sleep(0.2 * (attempt + 1))
            else:
                return True
    finally:
        await connection.close()
    return False


async def drop_database_async(server: str, dbname: str) -> bool:
    """Drop ``dbname`` (disconnecting its sessions) if it exists; True if it existed."""
    connection = await _connect(server)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", dbname)
        await connection.execute(f"DROP DATABASE IF EXISTS {_quoted(dbname)} WITH (FORCE)")
        return bool(exists)
    finally:
        await connection.close()


async def database_exists_async(server: str, dbname: str) -> bool:
    connection = await _connect(server)
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", dbname)
        return bool(found)
    finally:
        await connection.close()


async def analyze_async(database_urls: Iterable[str]) -> None:
    """``VACUUM (ANALYZE)`` each database: after a bulk load, the planner's statistics
    of the new rows now rather than when autovacuum next looks (a minute or two)."""
    for url in database_urls:
        connection = await _connect(url)
        try:
            await connection.execute("VACUUM (ANALYZE)")
        finally:
            await connection.close()


def analyze(database_urls: Iterable[str]) -> None:
    """:func:`analyze_async`, not inside an event loop."""
    asyncio.run(analyze_async(database_urls))


def ensure_database(server: str, dbname: str) -> bool:
    """Create ``dbname`` unless it exists; True if it was created. Not inside an event loop."""
    return asyncio.run(ensure_database_async(server, dbname))


def drop_database(server: str, dbname: str) -> bool:
    """Drop ``dbname`` if it exists, even with sessions open. Not inside an event loop."""
    return asyncio.run(drop_database_async(server, dbname))


def database_exists(server: str, dbname: str) -> bool:
    return asyncio.run(database_exists_async(server, dbname))


# --- The services' databases ---------------------------------------------------


class ServerOnDemand:
    """The server URL, started (or read from the environment) only when first needed."""

    def __init__(self, cleanup_mode: CleanupMode = "stop") -> None:
        self._cleanup_mode = cleanup_mode
        self._url: str | None = None

    @property
    def started(self) -> bool:
        return self._url is not None

    def __call__(self) -> str:
        if self._url is None:
            self._url = server_url(self._cleanup_mode)
        return self._url


def service_database_url(service: ServiceSpec, server: ServerOnDemand) -> str:
    """The service's database: ``<PREFIX>DATABASE_URL`` if set, else its own on the server.

    Only the second case touches the server, creating the database if missing.
    """
    configured = os.environ.get(service.env("DATABASE_URL"))
    if configured:
        return configured
    url = server()
    ensure_database(url, service.database)
    return database_url(url, service.database)
