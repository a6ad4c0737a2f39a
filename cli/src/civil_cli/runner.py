"""``civil run``: the whole platform on one machine, and ``civil migrate``.

The runner owns everything it starts. The services run in process groups of
their own, so a Ctrl-C reaches only the runner, which then stops them in order
(SIGTERM, then SIGKILL after a grace period) and releases the embedded database.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, TextIO

import asyncpg  # type: ignore[import-untyped]  # ships no type information
import httpx
from sqlalchemy.engine import make_url

from civil_cli import database
from civil_cli.keys import DevKeys, ensure_dev_keys, write_service_token
from civil_cli.services import SERVICES, ServiceSpec
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.settings import asyncpg_url

READY_TIMEOUT_S = 120.0
#: Where the gateway publishes its public keys.
JWKS_PATH = "/.well-known/jwks.json"
STOP_GRACE_S = 10.0
POLL_INTERVAL_S = 0.25
HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StartupError(Exception):
    """The platform cannot start; the message says why in plain words."""


class _Stop(BaseException):
    """A stop signal arrived. BaseException, so no library's ``except Exception`` eats it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Console:
    """Progress lines and the services' output, one whole line at a time."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()
        #: While set, the services' lines are dropped (the demo load's progress bar
        #: would drown in a log line a request).
        self.muted = threading.Event()

    def say(self, line: str = "") -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def relay(self, prefix: str, source: IO[str]) -> None:
        """Copy a child's output line by line, each line marked with the child's name."""
        for line in source:
            if not self.muted.is_set():
                self.say(f"{prefix} | {line.rstrip()}")


# --- Checks before anything starts ---------------------------------------------


def port_in_use(host: str, port: int) -> bool:
    """Whether binding ``host:port`` would fail the way uvicorn's bind would."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise StartupError(f"cannot use host {host!r}: {exc.strerror}") from exc
    with socket.socket(family, kind, proto) as probe:
        # uvicorn sets SO_REUSEADDR too, so a port in TIME_WAIT is not "in use".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError:
            return True
    return False


def check_ports(services: Sequence[ServiceSpec], host: str) -> None:
    busy = [service for service in services if port_in_use(host, service.port)]
    if busy:
        ports = ", ".join(f"{s.port} ({s.name})" for s in busy)
        raise StartupError(
            f"port {ports} is already in use on {host}. Is another `civil run` still running? "
            "Stop it, or free the port, and try again."
        )


def check_installed(services: Sequence[ServiceSpec]) -> None:
    missing = [s for s in services if importlib.util.find_spec(f"{s.package}.main") is None]
    if missing:
        names = ", ".join(f"{s.package}.main" for s in missing)
        raise StartupError(
            f"cannot find {names}. Run `uv sync` to install the workspace, "
            "or name the services to run, e.g. `civil run assistance welfare`."
        )


# --- Databases and migrations ----------------------------------------------------


def prepare_databases(
    services: Sequence[ServiceSpec],
    server: database.ServerOnDemand,
    console: Console,
    *,
    created_now: set[str] | None = None,
    fresh: bool = False,
) -> dict[str, str]:
    """Each service's database URL, creating the databases that are missing.

    ``created_now`` collects the services whose database was created here;
    ``fresh`` drops each database first (``make demo``: a new start).
    """
    urls: dict[str, str] = {}
    for service in services:
        configured = os.environ.get(service.env("DATABASE_URL"))
        if configured:
            console.say(f"  {service.name}: using {service.env('DATABASE_URL')}")
            urls[service.name] = configured
            continue
        if not server.started:
            if os.environ.get(database.SERVER_URL_ENV):
                console.say(f"Using the PostgreSQL server in {database.SERVER_URL_ENV}.")
            else:
                console.say(
                    f"Starting the embedded PostgreSQL (data in {database.pgdata_dir()}; "
                    "the first start takes a little longer)..."
                )
        url = server()
        try:
            if fresh and database.drop_database(url, service.database):
                console.say(f"  {service.name}: database {service.database} dropped")
            created = database.ensure_database(url, service.database)
        except (OSError, asyncpg.PostgresError) as exc:
            shown = make_url(url).render_as_string(hide_password=True)
            raise StartupError(f"cannot use the PostgreSQL server at {shown}: {exc}") from exc
        verb = "created" if created else "found"
        if created and created_now is not None:
            created_now.add(service.name)
        console.say(f"  {service.name}: database {service.database} {verb}")
        urls[service.name] = database.database_url(url, service.database)
    return urls


def migrate(services: Sequence[ServiceSpec], console: Console | None = None) -> int:
    """``civil migrate``: bring the services' databases to the newest schema."""
    console = console or Console()
    server = database.ServerOnDemand("stop")
    try:
        urls = prepare_databases(services, server, console)
        run_migrations(services, urls, console)
    except StartupError as exc:
        console.say(f"Error: {exc}")
        return 1
    finally:
        if database.holds_embedded():
            database.stop_embedded()
    console.say("All migrations applied.")
    return 0


def run_migrations(services: Sequence[ServiceSpec], urls: dict[str, str], console: Console) -> None:
    for service in services:
        console.say(f"  {service.name}: migrating {service.database}...")
        try:
            upgrade(service.package, urls[service.name])
        except Exception as exc:
            traceback.print_exc()
            raise StartupError(f"the migrations of {service.name} failed: {exc}") from exc


# --- The service processes ----------------------------------------------------------


@dataclass
class Child:
    service: ServiceSpec
    process: subprocess.Popen[str]
    relay: threading.Thread
    ready: bool = False
    last_answer: str = field(default="no answer yet")


def _source_dirs(service: ServiceSpec) -> list[Path]:
    # --reload watches only the code the service runs, not the whole repository:
    # .data/pg changes all the time and may not even be readable.
    dirs: list[Path] = []
    for package in (service.package, "civil_shared"):
        found = importlib.util.find_spec(package)
        if found is not None and found.origin is not None:
            dirs.append(Path(found.origin).parent)
    return dirs


def service_env(
    service: ServiceSpec,
    database_url: str,
    keys: DevKeys,
    host: str = "127.0.0.1",
    *,
    gateway_running: bool = False,
    peers: Sequence[ServiceSpec] = SERVICES,
) -> dict[str, str]:
    """The service's environment; ``peers`` are where the services listen (other ports in tests)."""
    env = dict(os.environ)
    env[service.env("DATABASE_URL")] = asyncpg_url(database_url)
    # Who signs and who verifies: the gateway signs with the keys of its folder and
    # verifies its own tokens with them; the services fetch the gateway's JWKS, as
    # in production. A service run without the gateway reads the same keys' file.
    if service.name == "gateway":
        env.setdefault(service.env("SIGNING_KEYS_DIR"), str(keys.keys_dir))
    elif not env.get(service.env("JWKS_FILE")) and not env.get(service.env("JWKS_URL")):
        if gateway_running:
            gateway = next(s for s in peers if s.name == "gateway")
            env[service.env("JWKS_URL")] = f"{base_url(host, gateway)}{JWKS_PATH}"
        else:
            env[service.env("JWKS_FILE")] = str(keys.jwks_path)
    # How the service reaches its peers' internal APIs: their URLs and its own token.
    for peer in peers:
        if peer.name != service.name:
            env.setdefault(service.env(f"{peer.name.upper()}_URL"), base_url(host, peer))
    if not env.get(service.env("SERVICE_TOKEN_FILE")) and not env.get(service.env("SERVICE_TOKEN")):
        env[service.env("SERVICE_TOKEN_FILE")] = str(write_service_token(keys, service.name))
    env.setdefault(service.env("LOG_FORMAT"), "console")
    env["PYTHONUNBUFFERED"] = "1"  # logs must reach the console as they happen
    return env


def start_service(
    service: ServiceSpec,
    *,
    host: str,
    reload: bool,
    env: dict[str, str],
    console: Console,
    width: int,
) -> Child:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        service.app,
        "--host",
        host,
        "--port",
        str(service.port),
    ]
    if reload:
        command.append("--reload")
        for folder in _source_dirs(service):
            command += ["--reload-dir", str(folder)]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
        process_group=0,
    )
    assert process.stdout is not None
    relay = threading.Thread(
        target=console.relay,
        args=(service.name.ljust(width), process.stdout),
        name=f"relay-{service.name}",
        daemon=True,
    )
    relay.start()
    return Child(service=service, process=process, relay=relay)


def _client_host(host: str) -> str:
    """Where to reach a server bound to ``host`` from this machine."""
    if host in ("0.0.0.0", ""):  # noqa: S104 - recognising, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    if ":" in host:
        return f"[{host}]"
    return host


def base_url(host: str, service: ServiceSpec) -> str:
    return f"http://{_client_host(host)}:{service.port}"


class ServiceDied(Exception):
    def __init__(self, child: Child) -> None:
        code = child.process.returncode
        how = f"exit code {code}" if code >= 0 else f"signal {signal.Signals(-code).name}"
        super().__init__(f"the {child.service.name} service stopped unexpectedly ({how})")
        self.child = child


def _check_alive(children: Sequence[Child]) -> None:
    for child in children:
        if child.process.poll() is not None:
            raise ServiceDied(child)


def wait_until_ready(
    children: Sequence[Child], host: str, console: Console, timeout: float = READY_TIMEOUT_S
) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=httpx.Timeout(2.0)) as client:
        while True:
            _check_alive(children)
            for child in children:
                if child.ready:
                    continue
                try:
                    response = client.get(base_url(host, child.service) + "/readyz")
                except httpx.HTTPError as exc:
                    child.last_answer = type(exc).__name__
                    continue
                child.last_answer = f"HTTP {response.status_code}"
                if response.status_code == 200:
                    child.ready = True
                    console.say(f"  {child.service.name} is ready")
            if all(child.ready for child in children):
                return
            if time.monotonic() > deadline:
                late = ", ".join(
                    f"{c.service.name} ({c.last_answer})" for c in children if not c.ready
                )
                raise StartupError(f"not ready after {timeout:.0f} s: {late}")
            time.sleep(POLL_INTERVAL_S)


def stop_children(children: Sequence[Child], console: Console, force: Callable[[], bool]) -> None:
    """SIGTERM every service, then SIGKILL what is still running after the grace period.

    A second Ctrl-C (``force``) skips the rest of the grace period.
    """
    running = [child for child in children if child.process.poll() is None]
    if not running:
        return
    console.say("Stopping the services...")
    for child in running:
        _signal_group(child.process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_S
    while any(c.process.poll() is None for c in running):
        if time.monotonic() > deadline or force():
            for child in running:
                if child.process.poll() is None:
                    console.say(f"  {child.service.name} did not stop in time; killing it")
                    _signal_group(child.process, signal.SIGKILL)
            for child in running:
                child.process.wait()
            break
        time.sleep(0.1)
    for child in children:
        child.relay.join(timeout=2)  # let the last lines of each service reach the console


def _signal_group(process: subprocess.Popen[str], signum: int) -> None:
    # The whole group: with --reload, uvicorn's worker is a child of the reloader.
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


class StopSignals:
    """SIGINT, SIGTERM and SIGHUP while the runner is active.

    The first one raises :class:`_Stop` wherever the runner is; once it is
    stopping (``stopping``), later ones are only recorded, to hurry it up.
    """

    def __init__(self) -> None:
        self.stopping = False
        #: A signal came after the runner began stopping: skip the grace period.
        self.hurry = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            self.hurry = True
            return
        self.stopping = True
        raise _Stop(signum)

    @contextmanager
    def installed(self) -> Iterator[StopSignals]:
        previous = {signum: signal.signal(signum, self._handle) for signum in HANDLED_SIGNALS}
        try:
            yield self
        finally:
            for signum, old in previous.items():
                signal.signal(signum, old)


# --- civil run ------------------------------------------------------------------------


# --- The demo dataset -------------------------------------------------------------------

#: CIVIL_DEMO=0 starts an empty platform even on the first start.
DEMO_ENV = "CIVIL_DEMO"


def demo_wanted(services: Sequence[ServiceSpec], created_now: set[str], demo: bool | None) -> bool:
    """Load the dataset? Only with all four services; on request, or into new databases."""
    if demo is False or {s.name for s in services} != {s.name for s in SERVICES}:
        return False
    if demo:
        return True
    return os.environ.get(DEMO_ENV, "1") != "0" and created_now == {s.name for s in SERVICES}


def load_demo(
    services: Sequence[ServiceSpec],
    host: str,
    keys: DevKeys,
    console: Console,
    database_urls: Iterable[str],
) -> bool:
    """Load ``tianmen-2020`` through the gateway, then analyze the databases (the first
    dashboard is planned on the new rows: 0.2 s, not 0.8 s until autovacuum has looked);
    False (and the reason said) if it failed."""
    import asyncio

    from civil_cli.demo.loader import LoadError, load  # rich and faker only when loading

    gateway = base_url(host, next(s for s in services if s.name == "gateway"))
    console.say("Loading the tianmen-2020 demo dataset (first start; CIVIL_DEMO=0 skips it)...")
    console.say("(the services' log lines are not shown while it loads)")
    console.muted.set()
    try:
        seconds = asyncio.run(load(gateway, keys))
    except (LoadError, httpx.HTTPError) as exc:
        console.say(f"Error: the demo dataset could not be loaded: {exc}")
        console.say("The platform runs without it; `make demo` starts again from empty databases.")
        return False
    finally:
        console.muted.clear()
    database.analyze(database_urls)
    console.say(f"Demo dataset loaded in {seconds:.0f} s.")
    return True


def print_summary(
    services: Sequence[ServiceSpec], host: str, console: Console, *, demo: bool = False
) -> None:
    width = max(len(s.name) for s in services)
    console.say()
    console.say("The Tianmen civil-affairs platform is running:")
    console.say()
    console.say(f"  {'service'.ljust(width)}  port  API docs")
    for service in services:
        docs = f"{base_url(host, service)}/docs"
        console.say(f"  {service.name.ljust(width)}  {service.port}  {docs}")
    names = [s.name for s in services]
    # The gateway's /api/v1/me echoes the token back: the quickest proof that it works.
    if "gateway" in names:
        example = f"{base_url(host, services[names.index('gateway')])}/api/v1/me"
    else:
        example = f"{base_url(host, services[0])}/api/v1/...   (the paths are in /docs)"
    if "gateway" in names and demo:
        from civil_cli.demo.loader import sign_ins

        gateway = base_url(host, services[names.index("gateway")])
        console.say()
        for line in sign_ins(gateway):
            console.say(line)
        console.say(
            f"  Dashboard for 2020: {gateway}/api/v1/dashboard?year=2020 "
            "(with the token as a bearer token); the API in the browser: "
            f"{gateway}/docs"
        )
    elif "gateway" in names:
        gateway = base_url(host, services[names.index("gateway")])
        console.say()
        console.say("To sign in, make an administrator once, then ask the gateway for a token:")
        console.say("  uv run civil create-admin          (or: make admin)")
        console.say(
            "  curl -d grant_type=password -d username=admin --data-urlencode password=... "
            f"{gateway}/api/v1/auth/token"
        )
    console.say()
    console.say("Or, to try the API, get a development token and send it as a bearer token:")
    console.say("  TOKEN=$(uv run civil token --role admin)")
    console.say(f'  curl -H "Authorization: Bearer $TOKEN" {example}')
    console.say(
        "Other callers: uv run civil token --role township_officer --area 429006100 "
        "(see uv run civil token --help)"
    )
    console.say()
    console.say("Press Ctrl-C to stop everything.")
    console.say()


def run(
    services: Sequence[ServiceSpec],
    *,
    host: str = "127.0.0.1",
    reload: bool = False,
    console: Console | None = None,
    demo: bool | None = None,
) -> int:
    """``civil run``: start the database and the services, wait, and stop them all.

    The ``tianmen-2020`` demo dataset is loaded once the services are up: on the
    first start of empty databases (``demo`` None, unless CIVIL_DEMO=0), or into
    databases made afresh (``demo`` True, ``make demo``); never when False.
    """
    console = console or Console()
    children: list[Child] = []
    server = database.ServerOnDemand("stop")
    exit_code = 0
    with StopSignals().installed() as signals:
        try:
            check_installed(services)
            check_ports(services, host)
            console.say("Preparing the databases...")
            created_now: set[str] = set()
            urls = prepare_databases(
                services, server, console, created_now=created_now, fresh=bool(demo)
            )
            keys = ensure_dev_keys(database.data_dir())
            console.say(f"Signing keys: {keys.keys_dir} (civil keys rotate adds one)")
            console.say("Applying database migrations...")
            run_migrations(services, urls, console)
            console.say("Starting the services...")
            width = max(len(s.name) for s in services)
            for service in services:
                env = service_env(
                    service,
                    urls[service.name],
                    keys,
                    host,
                    gateway_running=any(s.name == "gateway" for s in services),
                )
                child = start_service(
                    service, host=host, reload=reload, env=env, console=console, width=width
                )
                children.append(child)
            wait_until_ready(children, host, console)
            loaded = False
            if demo_wanted(services, created_now, demo):
                loaded = load_demo(services, host, keys, console, urls.values())
            print_summary(services, host, console, demo=loaded)
            while True:
                _check_alive(children)
                time.sleep(0.5)
        except _Stop as stop:
            console.say(f"Received {signal.Signals(stop.signum).name}; shutting down.")
        except ServiceDied as exc:
            console.say(f"Error: {exc}; stopping everything.")
            exit_code = 1
        except StartupError as exc:
            console.say(f"Error: {exc}")
            exit_code = 1
        except Exception:
            traceback.print_exc()
            console.say("Error: the platform could not start (see above).")
            exit_code = 1
        finally:
            # A signal during the clean-up must not cut it short: it only hurries it.
            signals.stopping = True
            stop_children(children, console, force=lambda: signals.hurry)
            if database.holds_embedded():
                console.say("Stopping the embedded database...")
                if database.stop_embedded():
                    console.say("  database stopped")
                else:
                    console.say("  database left running: another process still uses it")
    if exit_code == 0:
        console.say("Stopped.")
    elif children or server.started:
        console.say(f"Stopped (exit code {exit_code}).")
    return exit_code
