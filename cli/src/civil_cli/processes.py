"""The four services as processes of their own, each stopped and started at will.

``civil run`` stops everything when one service dies, which is right for a
developer and wrong for a fault test, which kills one service and watches the
others carry on; the load benchmark needs the whole platform on fresh databases
and ports of its own. Both use :class:`LocalPlatform`, built from the runner's
own pieces (environment, start, readiness, stop), so a service starts here
exactly as `make run` starts it.

:class:`PrivatePostgres` is a PostgreSQL server of a test's own (the embedded
``pgserver`` binaries in a folder of its own), which it may stop and start
without disturbing anybody else's server.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from civil_cli import database
from civil_cli.keys import DevKeys, ensure_dev_keys, mint_token
from civil_cli.runner import (
    Child,
    Console,
    base_url,
    run_migrations,
    service_env,
    start_service,
    stop_children,
    wait_until_ready,
)
from civil_cli.services import SERVICES

HOST = "127.0.0.1"


def free_port_base(count: int = len(SERVICES), low: int = 20_000, high: int = 30_000) -> int:
    """The first of ``count`` consecutive free ports, from a random start.

    Random, so two test runs on one machine seldom try the same ports first.
    """
    starts = list(range(low, high - count, 10))
    random.shuffle(starts)
    for base in starts:
        sockets: list[socket.socket] = []
        try:
            for offset in range(count):
                s = socket.socket()
                sockets.append(s)
                s.bind((HOST, base + offset))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError(f"no {count} consecutive free ports in {low}-{high}")


class LocalPlatform:
    """The services of ``database_urls`` (name to URL), each a uvicorn process of its own.

    ``env`` adds settings for every service (``GATEWAY_DASHBOARD_CACHE_TTL_S``);
    the services' output goes to ``data_dir/platform.log``.
    """

    def __init__(
        self,
        database_urls: Mapping[str, str],
        data_dir: Path,
        *,
        port_base: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        base = free_port_base() if port_base is None else port_base
        self.specs = {
            spec.name: dataclasses.replace(spec, port=base + index)
            for index, spec in enumerate(SERVICES)
            if spec.name in database_urls
        }
        self.database_urls = dict(database_urls)
        self.data_dir = data_dir
        self.keys: DevKeys = ensure_dev_keys(data_dir)
        self.log_path = data_dir / "platform.log"
        self._log = self.log_path.open("a", encoding="utf-8")
        self._console = Console(self._log)
        self._env = dict(env or {})
        self._children: dict[str, Child] = {}

    # --- Lifecycle ---------------------------------------------------------------------

    def migrate(self) -> None:
        run_migrations(list(self.specs.values()), self.database_urls, self._console)

    def start(self, *names: str, timeout: float = 120.0) -> None:
        """Start ``names`` (all services by default) and wait until each is ready."""
        started: list[Child] = []
        for name in names or tuple(self.specs):
            spec = self.specs[name]
            env = service_env(
                spec,
                self.database_urls[name],
                self.keys,
                HOST,
                gateway_running="gateway" in self.specs,
                peers=list(self.specs.values()),
            )
            env.update(self._env)
            child = start_service(
                spec, host=HOST, reload=False, env=env, console=self._console, width=10
            )
            self._children[name] = child
            started.append(child)
        wait_until_ready(started, HOST, self._console, timeout=timeout)

    def kill(self, name: str, signum: signal.Signals = signal.SIGKILL) -> None:
        """Send ``signum`` to the service; with SIGKILL (or SIGTERM), wait until it is gone."""
        process = self._children[name].process
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
        if signum in (signal.SIGKILL, signal.SIGTERM):
            process.wait(30)

    def freeze(self, name: str) -> None:
        """Stop the service's process without ending it: it accepts connections, answers none."""
        self.kill(name, signal.SIGSTOP)

    def thaw(self, name: str) -> None:
        self.kill(name, signal.SIGCONT)

    def stop(self) -> None:
        for child in self._children.values():
            if child.process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGCONT)  # a frozen one must hear SIGTERM
        stop_children(list(self._children.values()), self._console, force=lambda: False)
        self._children.clear()

    def close(self) -> None:
        self.stop()
        self._log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- Reaching it ---------------------------------------------------------------------

    def pids(self) -> dict[str, int]:
        """The process id of each running service (uvicorn itself: no reloader here)."""
        return {
            name: child.process.pid
            for name, child in self._children.items()
            if child.process.poll() is None
        }

    def url(self, name: str, path: str = "") -> str:
        return f"{base_url(HOST, self.specs[name])}{path}"

    def token(self, *roles: str, **claims: Any) -> str:
        """A token of the platform's signing key (the gateway's), as ``civil token`` makes."""
        return mint_token(
            self.keys, sub=claims.pop("sub", "local-platform"), roles=list(roles), **claims
        )

    def log_tail(self, chars: int = 5000) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]


@contextmanager
def local_platform(
    server_url: str,
    data_dir: Path,
    *,
    prefix: str,
    services: Sequence[str] = tuple(spec.name for spec in SERVICES),
    env: Mapping[str, str] | None = None,
) -> Iterator[LocalPlatform]:
    """``services`` on fresh databases ``<prefix>_<service>`` of ``server_url``, migrated, ready.

    The databases are dropped afterwards.
    """
    names = {name: f"{prefix}_{name}" for name in services}
    for dbname in names.values():
        database.drop_database(server_url, dbname)
        database.ensure_database(server_url, dbname)
    urls = {name: database.database_url(server_url, dbname) for name, dbname in names.items()}
    platform = LocalPlatform(urls, data_dir, env=env)
    try:
        platform.migrate()
        platform.start()
        yield platform
    finally:
        platform.close()
        for dbname in names.values():
            with suppress(Exception):
                database.drop_database(server_url, dbname)


class PrivatePostgres:
    """A PostgreSQL server in ``folder`` for one test's own use, to stop and start at will.

    The embedded server's binaries (``pgserver``), so it runs wherever `make run`
    does; it listens on a unix socket in its folder only.
    """

    def __init__(self, folder: Path) -> None:
        self._pgserver = database._pgserver()
        self.folder = folder
        self._server = self._pgserver.get_server(folder, cleanup_mode="stop")
        self.url: str = str(self._server.get_uri())

    @classmethod
    @contextmanager
    def in_temporary_folder(cls) -> Iterator[PrivatePostgres]:
        """A server in a new folder, stopped and deleted afterwards.

        Not under pytest's temporary folder: run as root, the server runs as the
        ``pgserver`` user, and every pytest run takes the others' access to that
        folder away again (mode 0700), which would pull the files from under it.
        """
        folder = Path(tempfile.mkdtemp(prefix="civil-private-pg-"))
        try:
            with cls(folder / "pg") as server:
                yield server
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        self._pgserver.pg_ctl(["-w", *args], pgdata=self.folder, user=self._server.system_user)

    def stop(self) -> None:
        """Stop the server at once (``-m fast``: open sessions are ended, as at a failover)."""
        with self._pgserver.PostgresServer._lock:
            self._pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        with self._pgserver.PostgresServer._lock:
            self._server.ensure_postgres_running()

    def restart(self) -> None:
        with self._pgserver.PostgresServer._lock:
            self._pg_ctl("-m", "fast", "restart")

    def close(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self.start()  # pgserver's own stop expects a running server
        self._server.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


__all__ = ["LocalPlatform", "PrivatePostgres", "free_port_base", "local_platform"]
