"""`make run` for real: the four services start, answer, and stop on Ctrl-C.

The runner is started as a subprocess, exactly as `make run` starts it, on
fresh databases of the test server and on ports of its own.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from civil_cli.keys import ensure_dev_keys, mint_token
from civil_cli.processes import free_port_base

SERVICES = ("gateway", "assistance", "welfare", "governance")
READY_WITHIN_S = 120


class Platform:
    def __init__(
        self, base: int, data_dir: Path, process: subprocess.Popen[bytes], env: dict[str, str]
    ) -> None:
        self.base = base
        self.data_dir = data_dir
        self.process = process
        self.env = env

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.base + SERVICES.index(service)}{path}"

    def token(self, *roles: str) -> str:
        keys = ensure_dev_keys(self.data_dir)
        return mint_token(keys, sub="e2e", roles=list(roles))


@pytest.fixture(scope="module")
def platform(
    create_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    base = free_port_base(4, 18400, 19400)
    data_dir = tmp_path_factory.mktemp("civil-data")
    env = {
        **os.environ,
        "CIVIL_PORT_BASE": str(base),
        "CIVIL_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = create_database(f"e2e_{name}")
    log = (data_dir / "run.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "civil_cli", "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    platform = Platform(base, data_dir, process, env)
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        for name in SERVICES:
            while True:
                assert process.poll() is None, (data_dir / "run.log").read_text()
                try:
                    if httpx.get(platform.url(name, "/readyz"), timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{name} not ready in {READY_WITHIN_S} s"
                time.sleep(0.5)
        yield platform
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_answers_health_readiness_metrics_and_docs(
    platform: Platform, service: str
) -> None:
    assert httpx.get(platform.url(service, "/healthz")).json()["service"] == service
    assert httpx.get(platform.url(service, "/readyz")).status_code == 200
    metrics = httpx.get(platform.url(service, "/metrics"))
    assert metrics.headers["content-type"].startswith("text/plain")
    assert f'service="{service}"' in metrics.text
    docs = httpx.get(platform.url(service, "/docs"))
    assert docs.status_code == 200
    assert "swagger-ui" in docs.text


def test_protected_route_without_token_is_a_401_problem(platform: Platform) -> None:
    response = httpx.get(platform.url("governance", "/api/v1/divisions"))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "AUTH_REQUIRED"


def test_a_dev_token_is_accepted_and_a_write_lands(platform: Platform) -> None:
    headers = {"Authorization": f"Bearer {platform.token('city_officer')}"}
    created = httpx.post(
        platform.url("assistance", "/api/v1/standards"),
        json={
            "programme": "urban_dibao",
            "year": 2031,
            "amount": "630",
            "unit": "per_month",
            "effective_date": "2031-01-01",
        },
        headers=headers,
    )
    listed = httpx.get(
        platform.url("assistance", "/api/v1/standards"), params={"year": 2031}, headers=headers
    )
    bad = httpx.get(
        platform.url("governance", "/api/v1/divisions"),
        params={"area_code": "42900"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert listed.json()["total"] == 1
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "area_code"


def test_an_admin_made_by_the_cli_signs_in_and_the_services_trust_the_gateways_token(
    platform: Platform,
) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "civil_cli", "create-admin", "--username", "e2e-admin"],
        env={**platform.env, "CIVIL_ADMIN_PASSWORD": "Tianmen-e2e-2020"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    signed_in = httpx.post(
        platform.url("gateway", "/api/v1/auth/token"),
        data={"grant_type": "password", "username": "e2e-admin", "password": "Tianmen-e2e-2020"},
    )
    assert signed_in.status_code == 200, signed_in.text
    headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    # The services verify it against the gateway's /.well-known/jwks.json (civil run's JWKS_URL).
    for service, path in [("assistance", "/api/v1/standards"), ("governance", "/api/v1/divisions")]:
        response = httpx.get(platform.url(service, path), headers=headers)
        assert response.status_code == 200, (service, response.text)
    me = httpx.get(platform.url("gateway", "/api/v1/me"), headers=headers)
    assert me.json()["roles"] == ["admin"]


def test_ctrl_c_stops_everything(platform: Platform) -> None:
    os.killpg(platform.process.pid, signal.SIGINT)
    assert platform.process.wait(30) == 0
    for service in SERVICES:
        with pytest.raises(httpx.TransportError):
            httpx.get(platform.url(service, "/healthz"), timeout=1)
    assert "Stopped." in (platform.data_dir / "run.log").read_text()
