"""Benchmark: a GET through the gateway against the same GET straight to the service.

Starts the real assistance service and the real gateway (uvicorn subprocesses,
one worker each, the gateway told where assistance is as ``civil run`` does)
on fresh databases, creates households through the API, then sends the same
GETs at the same concurrency two ways, in many short alternating rounds (the
order swapped every round, so a burst of other work on the machine falls on
both ways alike):

- direct: ``GET /api/v1/households/{id}`` (and ``?limit=20``) on the service;
- proxied: ``GET /api/v1/assistance/households/{id}`` on the gateway.

Each client keeps one HTTP/1.1 connection open and sends its next request when
the answer is in (a closed loop); the clients are a few lines of asyncio, so the
load generator takes little of the CPU the two servers share. Prints
throughput, latency percentiles, the CPU each server spent per request, and the
ratio proxied / direct of the mean latency, pooled and the median over the
rounds (target: at most 1.5), and the load average before and after.

    uv run python -m bench.gateway_proxy [--requests 500] [--concurrency 20] [--rounds 10]

Uses TEST_DATABASE_URL's server, or the embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import psutil

from civil_cli import database
from civil_cli.keys import DevKeys, ensure_dev_keys, mint_token
from civil_shared.runtime.migrations import upgrade
from civil_shared.runtime.settings import asyncpg_url
from civil_shared.testing.factories import make_id_number

DBS = {"assistance": "bench_proxy_assistance", "gateway": "bench_proxy_gateway"}
HOUSEHOLDS = 40
VILLAGE = "429006100201"
HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_s(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


@contextmanager
def serve(name: str, env: dict[str, str], *, own_session: bool = False) -> Iterator[Server]:
    """Run ``civil_<name>`` under uvicorn until the block ends; wait until it is ready.

    ``own_session``: in a session of its own, hence (Linux autogroup) its own share of the
    CPU, as a separately deployed service has, rather than a slice of the bench's.
    """
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", f"civil_{name}.main:app"]
    process = subprocess.Popen(
        [*command, "--host", HOST, "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=own_session,
    )
    server = Server(name, port, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"{name} exited with {process.returncode}"
            try:
                if httpx.get(f"{server.url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"{name} not ready in 60 s"
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(10)


def service_env(name: str, database_url: str, keys: DevKeys, **extra: str) -> dict[str, str]:
    prefix = f"{name.upper()}_"
    env = {
        f"{prefix}DATABASE_URL": asyncpg_url(database_url),
        f"{prefix}JWKS_FILE": str(keys.jwks_path),
        # As bench/service.py: no access line per request, on either server.
        f"{prefix}LOG_LEVEL": "WARNING",
    }
    env.update({f"{prefix}{key.upper()}": value for key, value in extra.items()})
    return env


def create_households(service: Server, token: str) -> list[str]:
    ids = []
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        for index in range(HOUSEHOLDS):
            members = [
                {
                    "id_number": str(make_id_number()),
                    "name": name,
                    "relation": relation,
                    "employment_status": "employed",
                }
                for name, relation in (("张三", "head"), ("李四", "spouse"), ("张小", "child"))
            ]
            response = client.post(
                "/api/v1/households",
                json={
                    "area_code": VILLAGE,
                    "address": f"多宝镇新华村3组{index + 1}号",
                    "residence_type": "rural",
                    "income_stability": "stable",
                    "members": members,
                },
            )
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


# --- The load: closed-loop keep-alive clients in plain asyncio ------------------------


@dataclass
class Result:
    requests: int
    wall_s: float
    latencies_s: list[float]
    cpu_s: dict[str, float]

    @property
    def throughput(self) -> float:
        return self.requests / self.wall_s

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies_s)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def mean_ms(self) -> float:
        return 1000 * statistics.fmean(self.latencies_s)


async def _client(
    port: int, paths: list[bytes], token: bytes, remaining: list[int], latencies: list[float]
) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        turn = 0
        while remaining[0] > 0:
            remaining[0] -= 1
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            writer.write(
                b"GET " + path + b" HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n"
                b"Authorization: Bearer " + token + b"\r\n\r\n"
            )
            head = await reader.readuntil(b"\r\n\r\n")
            length = None
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if length is None:
                raise RuntimeError(f"no Content-Length in {head!r}")
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{path!r}: {head.splitlines()[0]!r}")
    finally:
        writer.close()
        await writer.wait_closed()


async def _load(
    port: int, paths: list[bytes], token: bytes, requests: int, clients: int
) -> tuple[float, list[float]]:
    remaining = [requests]
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_client(port, paths, token, remaining, latencies) for _ in range(clients))
    )
    return time.perf_counter() - started, latencies


def run_load(
    target: Server, servers: list[Server], paths: list[str], token: str, requests: int, clients: int
) -> Result:
    encoded = [path.encode() for path in paths]
    before = {s.name: s.cpu_s() for s in servers}
    wall, latencies = asyncio.run(_load(target.port, encoded, token.encode(), requests, clients))
    after = {s.name: s.cpu_s() for s in servers}
    return Result(requests, wall, latencies, {name: after[name] - before[name] for name in before})


def report(label: str, direct: list[Result], proxied: list[Result]) -> float:
    def pooled(results: list[Result]) -> Result:
        return Result(
            sum(r.requests for r in results),
            sum(r.wall_s for r in results),
            [x for r in results for x in r.latencies_s],
            {k: sum(r.cpu_s[k] for r in results) for k in results[0].cpu_s},
        )

    d, p = pooled(direct), pooled(proxied)
    ratios = [pr.mean_ms / dr.mean_ms for dr, pr in zip(direct, proxied, strict=True)]
    ratio = p.mean_ms / d.mean_ms
    print(f"\n{label}")
    print("            req/s   mean ms  p50 ms  p95 ms  p99 ms  CPU ms/req: service gateway")
    for name, r in (("direct", d), ("proxied", p)):
        per = {k: 1000 * v / r.requests for k, v in r.cpu_s.items()}
        print(
            f"  {name:8} {r.throughput:7.0f}  {r.mean_ms:7.2f} {r.ms(0.5):7.2f} {r.ms(0.95):7.2f}"
            f" {r.ms(0.99):7.2f}  {per['assistance']:17.2f} {per['gateway']:7.2f}"
        )
    rounds = ", ".join(f"{x:.2f}" for x in ratios)
    print(
        f"  ratio proxied/direct (mean latency) {ratio:.2f} pooled, {statistics.median(ratios):.2f}"
        " median of rounds  (target <= 1.5)"
    )
    print(f"  rounds: {rounds}")
    print(f"  ratio direct/proxied (throughput)   {d.throughput / p.throughput:.2f}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="per round and way")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    server_url = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    urls = {}
    for name, dbname in DBS.items():
        database.drop_database(server_url, dbname)
        database.ensure_database(server_url, dbname)
        urls[name] = database.database_url(server_url, dbname)
        upgrade(f"civil_{name}", urls[name])
    keys = ensure_dev_keys(Path(tempfile.mkdtemp()))
    token = mint_token(keys, sub="bench", roles=["city_officer"], ttl=timedelta(hours=2))
    try:
        with (
            serve("assistance", service_env("assistance", urls["assistance"], keys)) as service,
            serve(
                "gateway",
                service_env("gateway", urls["gateway"], keys, assistance_url=service.url),
            ) as gateway,
        ):
            ids = create_households(service, token)
            cases = {
                "one household: GET /api/v1/households/{id}": [
                    f"/api/v1/households/{i}" for i in ids
                ],
                "a page of 20: GET /api/v1/households?limit=20": [
                    "/api/v1/households?limit=20&offset=0"
                ],
            }
            load_before = _load_average()
            print(
                f"{args.concurrency} concurrent clients, {args.requests} requests per round"
                f" and way, {args.rounds} rounds; {os.cpu_count()} CPUs"
            )
            servers = [service, gateway]
            for label, paths in cases.items():
                proxied_paths = [p.replace("/api/v1/", "/api/v1/assistance/", 1) for p in paths]
                # Warm both ways up (connections, caches, JIT of nothing: just first calls).
                run_load(service, servers, paths, token, 300, args.concurrency)
                run_load(gateway, servers, proxied_paths, token, 300, args.concurrency)
                direct: list[Result] = []
                proxied: list[Result] = []
                for turn in range(args.rounds):
                    ways = [(direct, service, paths), (proxied, gateway, proxied_paths)]
                    for results, target, sent in ways if turn % 2 == 0 else ways[::-1]:
                        results.append(
                            run_load(target, servers, sent, token, args.requests, args.concurrency)
                        )
                report(label, direct, proxied)
            print(f"\nload average before {load_before}, after {_load_average()}")
    finally:
        for dbname in DBS.values():
            database.drop_database(server_url, dbname)


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
