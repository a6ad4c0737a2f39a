"""A real service for a benchmark (assistance unless told): started, timed, measured, stopped."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil

from civil_cli.keys import ensure_dev_keys, mint_token
from civil_shared.runtime.settings import asyncpg_url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _watch_rss(process: psutil.Process, stop: threading.Event, peak: list[int]) -> None:
    while not stop.is_set():
        try:
            peak[0] = max(peak[0], process.memory_info().rss)
        except psutil.Error:
            return
        time.sleep(0.05)


@contextlib.contextmanager
def running_service(
    database_url: str, *, package: str = "civil_assistance"
) -> Iterator[tuple[httpx.Client, psutil.Process]]:
    """A service (``civil_assistance`` unless told) on ``database_url``, ready.

    Yields a client with the base URL and a city officer's token, and the
    server's process; stops the server afterwards.
    """
    keys = ensure_dev_keys(Path(tempfile.mkdtemp()))
    port = _free_port()
    prefix = package.removeprefix("civil_").upper()
    env = {
        **os.environ,
        f"{prefix}_DATABASE_URL": asyncpg_url(database_url),
        f"{prefix}_JWKS_FILE": str(keys.jwks_path),
        f"{prefix}_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", f"{package}.main:app", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    token = mint_token(keys, sub="bench", roles=["city_officer"])
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )
    try:
        for _ in range(150):
            try:
                if client.get("/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield client, psutil.Process(server.pid)
    finally:
        client.close()
        server.terminate()
        server.wait(10)


def timed(
    client: httpx.Client,
    process: psutil.Process,
    send: Callable[[httpx.Client], httpx.Response],
) -> tuple[float, int, httpx.Response]:
    """Time one request of a running service: (seconds, its peak RSS in bytes, the response)."""
    peak = [process.memory_info().rss]
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_rss, args=(process, stop, peak))
    watcher.start()
    started = time.perf_counter()
    try:
        response = send(client)
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        watcher.join()
    return elapsed, peak[0], response


def timed_request(
    database_url: str,
    send: Callable[[httpx.Client], httpx.Response],
    *,
    package: str = "civil_assistance",
) -> tuple[float, int, httpx.Response]:
    """Start the service on ``database_url``, time one request, stop it.

    ``send`` gets a client with the base URL and a city officer's token; returns
    (seconds, peak RSS of the service in bytes, the response).
    """
    with running_service(database_url, package=package) as (client, process):
        return timed(client, process, send)
