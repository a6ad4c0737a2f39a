"""make load: staff working through the gateway at several concurrencies, no error allowed.

Starts the four services itself (fresh databases on a private PostgreSQL server,
or LOAD_DATABASE_URL's; free ports), makes a city officer for each simulated
user, registers a few households to read, then runs locust headless (bench/locustfile.py: sign in,
list, search and read households, register some, standards, welfare and
governance lists, the dashboard when the gateway has it) for ``--step-s``
seconds at each of ``--users``. Prints throughput, p50/p95/p99 and errors per
concurrency, and per request at the highest one; exits 1 on any error.

With ``--url`` it drives a platform already running (``make run``) instead;
LOAD_USERNAME (one name or several, comma-separated, shared out among the
simulated users) and LOAD_PASSWORD must then name users who may read and write
households (city officers or administrators).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

from civil_cli.processes import PrivatePostgres, local_platform
from civil_cli.services import SERVICES
from civil_cli.traffic import NewRecords

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SEED_HOUSEHOLDS = 60
SERVICE_PREFIXES = [spec.env_prefix.rstrip("_") for spec in SERVICES]
#: The locustfile's sign-in requests are named so (bench/locustfile.py).
SIGN_IN = "POST /api/v1/auth/token"
OFFICER = "load-officer"
OFFICER_PASSWORD = "Load-test-2020-tianmen"  # noqa: S105 - a throw-away user of fresh databases


#: One request: its name, milliseconds, and whether it succeeded.
Sample = tuple[str, float, bool]


@dataclass(frozen=True)
class Figures:
    """One set of requests: how many, how fast, how slow, how many failed."""

    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int

    @classmethod
    def of(cls, samples: list[Sample], seconds: float) -> Figures:
        times = sorted(time for _, time, _ in samples)

        def pct(q: float) -> float:
            return times[min(len(times) - 1, int(q * len(times)))] if times else 0.0

        return cls(
            requests=len(times),
            rps=len(times) / seconds,
            p50=pct(0.50),
            p95=pct(0.95),
            p99=pct(0.99),
            errors=sum(1 for _, _, ok in samples if not ok),
        )

    def line(self, label: str) -> str:
        return (
            f"{label:<36} {self.requests:>8} {self.rps:>7.1f} {self.p50:>7.0f} "
            f"{self.p95:>7.0f} {self.p99:>7.0f} {self.errors:>6}"
        )


HEADER = (
    f"{'':<36} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
)


@dataclass(frozen=True)
class Target:
    gateway: str
    #: One account per simulated user where there are enough: sign-ins of one
    #: account are serialised by the gateway (its failure count is locked per name).
    usernames: list[str]
    password: str
    #: The services' process ids, when started here (their CPU time is reported).
    pids: dict[str, int]


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    times = {name: psutil.Process(pid).cpu_times() for name, pid in pids.items()}
    return {name: t.user + t.system for name, t in times.items()}


@contextmanager
def database_server() -> Iterator[str]:
    """LOAD_DATABASE_URL's server, else a private one started (and deleted) here.

    Private by default: the machine's shared server may be near its connection
    limit with other people's tests, and this run must not push it over either.
    """
    configured = os.environ.get("LOAD_DATABASE_URL")
    if configured:
        yield configured
        return
    with PrivatePostgres.in_temporary_folder() as server:
        yield server.url


@contextmanager
def platform_to_drive(url: str | None, accounts: int) -> Iterator[Target]:
    """The given platform, or one started here with ``accounts`` city officers."""
    if url is not None:
        names = os.environ["LOAD_USERNAME"].split(",")
        yield Target(url, names, os.environ["LOAD_PASSWORD"], {})
        return
    # No access line per request, as in bench/gateway_proxy.py: the figures are the platform's.
    quiet = {f"{name}_LOG_LEVEL": "WARNING" for name in SERVICE_PREFIXES}
    with (
        database_server() as server,
        local_platform(
            server, Path(tempfile.mkdtemp()), prefix="bench_load", env=quiet
        ) as platform,
    ):
        gateway = platform.url("gateway")
        admin = {"Authorization": f"Bearer {platform.token('admin')}"}
        names = [f"{OFFICER}-{n:02d}" for n in range(accounts)]
        with httpx.Client(base_url=gateway, headers=admin, timeout=60) as client:
            for name in names:
                made = client.post(
                    "/api/v1/users",
                    json={
                        "username": name,
                        "display_name": "压测用户",
                        "role": "city_officer",
                        "password": OFFICER_PASSWORD,
                    },
                )
                made.raise_for_status()
        yield Target(gateway, names, OFFICER_PASSWORD, platform.pids())


def seed(gateway: str, username: str, password: str) -> dict[str, str]:
    """Sign in once, register households to read; the officer's headers."""
    signed_in = httpx.post(
        f"{gateway}/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
        timeout=60,
    )
    signed_in.raise_for_status()
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    records = NewRecords()
    with httpx.Client(base_url=gateway, headers=headers, timeout=60) as client:
        for _ in range(SEED_HOUSEHOLDS):
            write = records.household()
            client.post(write.path, json=write.body).raise_for_status()
    return headers


def run_step(
    gateway: str,
    users: int,
    seconds: int,
    env: dict[str, str],
    folder: Path,
    spawn_rate: float | None = None,
) -> tuple[list[Sample], list[str]]:
    """Every request's (name, ms, ok) of one step, and what went wrong, as locust tells it."""
    prefix = folder / f"u{users}"
    samples = folder / f"u{users}.json"
    log = folder / f"u{users}.log"
    with log.open("wb") as output:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(LOCUSTFILE),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(spawn_rate or users),
                "--run-time",
                f"{seconds}s",
                "--host",
                gateway,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env={**env, "LOAD_SAMPLES": str(samples)},
            check=False,  # locust exits 1 on any failure: the samples say which
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    if not samples.is_file():
        return [], [f"locust wrote no figures; its output:\n{log.read_text()[-3000:]}"]
    found: list[Sample] = [(name, time, ok) for name, time, ok in json.loads(samples.read_text())]
    problems = []
    with Path(f"{prefix}_failures.csv").open(encoding="utf-8") as f:
        problems += [
            f"{row['Occurrences']}x {row['Method']} {row['Name']}: {row['Error'][:300]}"
            for row in csv.DictReader(f)
        ]
    with Path(f"{prefix}_exceptions.csv").open(encoding="utf-8") as f:
        problems += [f"{row['Count']}x {row['Message'][:300]}" for row in csv.DictReader(f)]
    return found, problems


def commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return head or "unknown"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="the gateway of a running platform (else one is started)")
    parser.add_argument("--users", default="5,20,50", help="concurrencies, comma-separated")
    parser.add_argument("--step-s", type=int, default=30, help="seconds at each concurrency")
    parser.add_argument(
        "--spawn-rate",
        type=float,
        help="users started per second (default: all of a step's users in its first second, "
        "so every one of them signs in at once)",
    )
    args = parser.parse_args()
    concurrencies = [int(n) for n in args.users.split(",")]

    with platform_to_drive(args.url, max(concurrencies)) as target:
        gateway, password = target.gateway, target.password
        headers = seed(gateway, target.usernames[0], password)
        has_dashboard = (
            httpx.get(
                f"{gateway}/api/v1/dashboard", params={"year": 2020}, headers=headers, timeout=60
            ).status_code
            == 200
        )
        env = {
            **os.environ,
            "LOAD_USERNAME": ",".join(target.usernames),
            "LOAD_PASSWORD": password,
            "LOAD_DASHBOARD": "1" if has_dashboard else "0",
        }
        folder = Path(tempfile.mkdtemp(prefix="civil-load-"))
        print(
            f"commit {commit()}; {os.cpu_count()} CPUs; {args.step_s} s per step; "
            f"dashboard {'in' if has_dashboard else 'not in'} the mix; "
            f"users started {f'{args.spawn_rate:g} per second' if args.spawn_rate else 'at once'}; "
            f"load average before {load_average()}"
        )
        errors: list[str] = []
        for users in concurrencies:
            cpu_before = cpu_seconds(target.pids)
            samples, problems = run_step(gateway, users, args.step_s, env, folder, args.spawn_rate)
            cpu = {n: t - cpu_before[n] for n, t in cpu_seconds(target.pids).items()}
            work = [sample for sample in samples if not sample[0].startswith(SIGN_IN)]
            print(f"\n{users} users (load average after: {load_average()})")
            print(HEADER)
            print(Figures.of(samples, args.step_s).line("all requests"))
            print(Figures.of(work, args.step_s).line("all but the sign-ins"))
            for name in sorted({name for name, _, _ in samples}):
                one = [sample for sample in samples if sample[0] == name]
                print(Figures.of(one, args.step_s).line(f"  {name[:34]}"))
            if cpu:
                used = ", ".join(f"{name} {seconds:.1f}" for name, seconds in cpu.items())
                print(f"CPU seconds of the {args.step_s} s step: {used}")
            errors += [f"at {users} users: {line}" for line in problems]
            if any(not ok for _, _, ok in samples) and not problems:
                errors.append(f"at {users} users: failed requests")
    if errors:
        print("\nERRORS (zero required):")
        print("\n".join(errors))
        return 1
    print("\nno errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
