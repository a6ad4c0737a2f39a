"""Benchmark: the dashboard through the gateway against the slowest service's stats call.

Starts the three services and the gateway (uvicorn subprocesses, one worker each,
the gateway told where the services are and signing with the same keys the
services verify with, as ``civil run`` does) on fresh, migrated databases, with
the gateway's statistics cache off (``GATEWAY_DASHBOARD_CACHE_TTL_S=0``: every
dashboard asks the services). Then, in alternating rounds:

- direct: ``GET /internal/v1/stats?year=2020`` on each service, one call at a time,
  with a service token (each answer carries 2020 and, as ``previous``, 2019);
- dashboard: ``GET /api/v1/dashboard?year=2020`` on the gateway, one at a time (it
  asks the three services at once: three calls);
- the same three calls straight from the bench, at once (the work the dashboard
  waits for, without the gateway).

The cache being off, every dashboard asks the services: no figure is served from a
previous request.

Prints the mean and median latency of each, and the ratio of the dashboard's mean
to the slowest service's mean stats call, pooled and the median over rounds
(target: at most 1.3, the fan-out being concurrent), and the load average.

    uv run python -m bench.dashboard [--requests 40] [--rounds 6] [--demo]

On empty databases the calls measure the fixed cost of a statistics call (every
statement, the HTTP and the JSON); ``--demo`` first loads the tianmen-2020 demo dataset
(``civil demo load``'s loader, through the gateway: about three minutes), so that the
figures are the bureau's and the services' queries do real work.

Uses TEST_DATABASE_URL's server, or the embedded one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import httpx

from bench.gateway_proxy import Server, serve, service_env
from civil_cli import database
from civil_cli.demo.loader import load
from civil_cli.keys import ensure_dev_keys, mint_token, write_service_token
from civil_shared.runtime.migrations import upgrade

SERVICES = ("assistance", "welfare", "governance")
DBS = {name: f"bench_dashboard_{name}" for name in (*SERVICES, "gateway")}
YEAR = 2020


def _timed(client: httpx.Client, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        out.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text[:300]
    return out


def _fan_out(urls: dict[str, str], token: str, n: int) -> list[float]:
    """The dashboard's three calls (each service's year, with the year before) straight, at
    once: the work the dashboard waits for, without the gateway."""

    async def run() -> list[float]:
        headers = {"Authorization": f"Bearer {token}"}
        clients = [
            httpx.AsyncClient(base_url=url, headers=headers, timeout=30) for url in urls.values()
        ]
        out = []
        try:
            for _ in range(n):
                started = time.perf_counter()
                answers = await asyncio.gather(
                    *(client.get(f"/internal/v1/stats?year={YEAR}") for client in clients)
                )
                out.append(time.perf_counter() - started)
                assert all(a.status_code == 200 for a in answers)
        finally:
            for client in clients:
                await client.aclose()
        return out

    return asyncio.run(run())


def _ms(values: list[float]) -> str:
    mean, median = statistics.fmean(values) * 1000, statistics.median(values) * 1000
    return f"mean {mean:6.1f} ms, median {median:6.1f} ms"


def _commit() -> str:
    try:
        command = ["git", "rev-parse", "--short", "HEAD"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="per round and way")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--shared-session",
        action="store_true",
        help="run the four servers in the bench's session (one autogroup: on a busy machine "
        "they share one slice of the CPU, so calls at once cannot overlap)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="load the demo dataset first (about 3 minutes)"
    )
    args = parser.parse_args()
    own = not args.shared_session

    server_url = os.environ.get("TEST_DATABASE_URL") or database.server_url()
    urls = {}
    for name, dbname in DBS.items():
        database.drop_database(server_url, dbname)
        database.ensure_database(server_url, dbname)
        urls[name] = database.database_url(server_url, dbname)
        upgrade(f"civil_{name}", urls[name])
    keys = ensure_dev_keys(Path(tempfile.mkdtemp()))
    reader = mint_token(keys, sub="bench", roles=["city_officer"], ttl=timedelta(hours=2))
    internal = mint_token(
        keys, sub="bench-service", roles=["service"], scopes=["internal"], ttl=timedelta(hours=2)
    )
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    try:
        with ExitStack() as stack:
            services: dict[str, Server] = {}
            for name in SERVICES:
                # Welfare asks assistance whether a person is in dibao (the demo's
                # disability-subsidy decisions); started after it, it is told where.
                peers = {"assistance_url": services["assistance"].url} if name == "welfare" else {}
                services[name] = stack.enter_context(
                    serve(
                        name,
                        service_env(
                            name,
                            urls[name],
                            keys,
                            service_token_file=str(write_service_token(keys, name)),
                            **peers,
                        ),
                        own_session=own,
                    )
                )
            gateway = stack.enter_context(
                serve(
                    "gateway",
                    service_env(
                        "gateway",
                        urls["gateway"],
                        keys,
                        signing_keys_dir=str(keys.keys_dir),
                        dashboard_cache_ttl_s="0",
                        **{f"{name}_url": services[name].url for name in SERVICES},
                    ),
                    own_session=own,
                )
            )
            direct = {
                name: stack.enter_context(
                    httpx.Client(
                        base_url=server.url,
                        headers={"Authorization": f"Bearer {internal}"},
                        timeout=30,
                    )
                )
                for name, server in services.items()
            }
            through = stack.enter_context(
                httpx.Client(
                    base_url=gateway.url,
                    headers={"Authorization": f"Bearer {reader}"},
                    timeout=30,
                )
            )
            if args.demo:
                seconds = asyncio.run(load(gateway.url, keys))
                print(f"demo dataset loaded in {seconds:.0f} s")
                # The steady state, as autovacuum leaves it a minute or two after a bulk
                # load: planner statistics of the new rows (without, welfare's call takes
                # about three times as long).
                database.analyze(urls.values())
            stats_path = f"/internal/v1/stats?year={YEAR}"
            dashboard_path = f"/api/v1/dashboard?year={YEAR}"
            for name in SERVICES:  # first calls open the services' database pools
                _timed(direct[name], stats_path, 3)
            for _ in range(10):
                body = through.get(dashboard_path).json()
                if not body["degraded"]:
                    break
            assert body["degraded"] == [], body["sources"]
            print(
                f"{len(body['indicators'])} indicators"
                f" ({'demo dataset' if args.demo else 'empty databases'});"
                f" {os.cpu_count()} CPUs; commit {_commit()};"
                f" servers {'each in a session of its own' if own else 'in the bench session'}"
            )
            for name in SERVICES:  # warm-up
                _timed(direct[name], stats_path, 5)
            _timed(through, dashboard_path, 5)

            stats: dict[str, list[float]] = {name: [] for name in SERVICES}
            dashboards: list[float] = []
            fan_outs: list[float] = []
            ratios = []
            service_urls = {name: server.url for name, server in services.items()}
            for turn in range(args.rounds):
                round_stats = {}
                round_dash: list[float] = []
                ways = ["direct", "dashboard"]
                for way in ways if turn % 2 == 0 else ways[::-1]:
                    if way == "direct":
                        for name in SERVICES:
                            round_stats[name] = _timed(direct[name], stats_path, args.requests)
                    else:
                        round_dash = _timed(through, dashboard_path, args.requests)
                slowest = max(statistics.fmean(v) for v in round_stats.values())
                ratios.append(statistics.fmean(round_dash) / slowest)
                for name in SERVICES:
                    stats[name] += round_stats[name]
                dashboards += round_dash
                fan_outs += _fan_out(service_urls, internal, args.requests)
            for name in SERVICES:
                print(f"  {name:10} stats call direct: {_ms(stats[name])}")
            print(f"  the three calls straight, at once: {_ms(fan_outs)}")
            print(f"  dashboard through the gateway: {_ms(dashboards)}")
            slowest_name = max(SERVICES, key=lambda n: statistics.fmean(stats[n]))
            pooled = statistics.fmean(dashboards) / statistics.fmean(stats[slowest_name])
            print(
                f"ratio dashboard / slowest stats call ({slowest_name}): pooled {pooled:.2f},"
                f" median of rounds {statistics.median(ratios):.2f} (target <= 1.3)"
            )
            print(
                "ratio dashboard / the three calls straight at once:"
                f" {statistics.fmean(dashboards) / statistics.fmean(fan_outs):.2f}"
            )
    finally:
        for dbname in DBS.values():
            database.drop_database(server_url, dbname)
    print(
        f"load average before {load_before}, after " + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )


if __name__ == "__main__":
    main()
