"""The real assistance service for a benchmark: started, timed, measured, stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
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


def timed_request(
    database_url: str, send: Callable[[httpx.Client], httpx.Response]
) -> tuple[float, int, httpx.Response]:
    """Start the assistance service on ``database_url``, time one request, stop it.

    ``send`` gets a client with the base URL and a city officer's token; returns
    (seconds, peak RSS of the service in bytes, the response).
    """
    keys = ensure_dev_keys(Path(tempfile.mkdtemp()))
    port = _free_port()
    env = {
        **os.environ,
        "ASSISTANCE_DATABASE_URL": asyncpg_url(database_url),
        "ASSISTANCE_JWKS_FILE": str(keys.jwks_path),
        "ASSISTANCE_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "civil_assistance.main:app", "--port", str(port)],
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
        process = psutil.Process(server.pid)
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
    finally:
        client.close()
        server.terminate()
        server.wait(10)
