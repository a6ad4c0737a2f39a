"""End to end: the four services running for real, one person followed through the gateway.

``civil run`` starts the gateway, assistance, welfare and governance as `make run`
does, on fresh databases of the test server and ports of their own. An
administrator made with the CLI signs in at the gateway and makes a city
officer, who signs in too; everything after goes through the gateway with the
officer's token: a household is created in assistance, read back and enrolled
in dibao; its head is found in the person profile, which the gateway gathers
from the three services' internal APIs with a service token it signs itself,
and the household is counted on the dashboard.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from civil_cli.processes import free_port_base
from civil_shared.testing.factories import make_id_number

SERVICES = ("gateway", "assistance", "welfare", "governance")
READY_WITHIN_S = 120
VILLAGE = "429006100201"
ADMIN_PASSWORD = "Tianmen-bureau-2020-pw"
OFFICER_PASSWORD = "Jingling-street-2020-pw"


class Platform:
    def __init__(self, base: int, data_dir: Path, env: dict[str, str]) -> None:
        self.base = base
        self.data_dir = data_dir
        self.env = env
        self.gateway = httpx.Client(base_url=f"http://127.0.0.1:{base}", timeout=30)

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.base + SERVICES.index(service)}{path}"

    def sign_in(self, username: str, password: str) -> dict[str, str]:
        response = self.gateway.post(
            "/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="module")
def platform(
    create_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    base = free_port_base(4, 17400, 18400)
    data_dir = tmp_path_factory.mktemp("civil-e2e-platform")
    env = {
        **os.environ,
        "CIVIL_PORT_BASE": str(base),
        "CIVIL_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "CIVIL_DEMO": "0",  # fresh, empty databases: only what the test makes
        # A service's first answer (its first connections, the gateway's keys fetched)
        # may take seconds on a loaded test machine: this test is about what is answered.
        "GATEWAY_PROFILE_DEADLINE_S": "20",
        "GATEWAY_DASHBOARD_DEADLINE_S": "20",
    }
    for name in SERVICES:
        env[f"{name.upper()}_DATABASE_URL"] = create_database(f"e2e_all_{name}")
        for setting in ("SERVICE_TOKEN", "SERVICE_TOKEN_FILE", "JWKS_URL", "JWKS_FILE"):
            env.pop(f"{name.upper()}_{setting}", None)  # the runner sets them, as `make run` does
    log_path = data_dir / "run.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "civil_cli", "run"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    platform = Platform(base, data_dir, env)
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        for name in SERVICES:
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    if httpx.get(platform.url(name, "/readyz"), timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{name} not ready in {READY_WITHIN_S} s"
                time.sleep(0.5)
        yield platform
    finally:
        platform.gateway.close()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def officer(platform: Platform) -> dict[str, str]:
    """A city officer with pii:read, made by an administrator, both signed in at the gateway."""
    made = subprocess.run(
        [sys.executable, "-m", "civil_cli", "create-admin", "--username", "e2e-admin"],
        env={**platform.env, "CIVIL_ADMIN_PASSWORD": ADMIN_PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    admin = platform.sign_in("e2e-admin", ADMIN_PASSWORD)
    user = platform.gateway.post(
        "/api/v1/users",
        json={
            "username": "e2e-officer",
            "display_name": "市局经办人",
            "role": "city_officer",
            "pii_read": True,
            "password": OFFICER_PASSWORD,
        },
        headers=admin,
    )
    assert user.status_code == 201, user.text
    return platform.sign_in("e2e-officer", OFFICER_PASSWORD)


def _household(head: str, spouse: str) -> dict[str, Any]:
    return {
        "area_code": VILLAGE,
        "address": "多宝镇某村3组",
        "residence_type": "rural",
        "income_stability": "stable",
        "members": [
            {
                "id_number": head,
                "name": "周户主",
                "relation": "head",
                "employment_status": "unemployed",
            },
            {
                "id_number": spouse,
                "name": "吴配偶",
                "relation": "spouse",
                "employment_status": "employed",
            },
        ],
    }


def test_a_household_made_through_the_gateway_is_read_back_and_seen_in_profile_and_dashboard(
    platform: Platform, officer: dict[str, str]
) -> None:
    head = str(make_id_number(birth_date=date(1958, 7, 1)))
    spouse = str(make_id_number(birth_date=date(1960, 2, 14)))

    created = platform.gateway.post(
        "/api/v1/assistance/households", json=_household(head, spouse), headers=officer
    )
    assert created.status_code == 201, created.text
    household = created.json()
    location = created.headers["location"]
    assert location == f"/api/v1/assistance/households/{household['id']}"

    read = platform.gateway.get(location, headers=officer)
    assert read.status_code == 200, read.text
    assert read.json()["id"] == household["id"]
    assert sorted(m["id_number"] for m in read.json()["members"]) == sorted([head, spouse])

    enrolled = platform.gateway.post(
        "/api/v1/assistance/enrolments",
        json={
            "programme": "rural_dibao",
            "area_code": VILLAGE,
            "payee": {"id_number": head, "name": "周户主"},
            "people": [
                {"id_number": head, "name": "周户主"},
                {"id_number": spouse, "name": "吴配偶"},
            ],
            "monthly_amount": "600.00",
            "start_period": "2020-01",
        },
        headers=officer,
    )
    assert enrolled.status_code == 201, enrolled.text

    profile = platform.gateway.get(f"/api/v1/persons/{head}/profile", headers=officer)
    assert profile.status_code == 200, profile.text
    body = profile.json()
    assert body["degraded"] == []  # all three services answered the gateway's own token
    assert body["id_number"] == head
    assert body["name"] == "周户主"
    assert body["assistance"]["household"]["household_id"] == household["id"]
    assert body["assistance"]["household"]["relation"] == "head"
    assert sorted(m["id_number"] for m in body["assistance"]["household"]["members"]) == sorted(
        [head, spouse]
    )
    enrolments = [r for r in body["assistance"]["records"] if r["resource"] == "enrolment"]
    assert [(r["record_id"], r["facts"]["programme"]) for r in enrolments] == [
        (enrolled.json()["id"], "rural_dibao")
    ]
    assert body["welfare"]["records"] == []
    assert body["governance"]["records"] == []

    unknown = platform.gateway.get(f"/api/v1/persons/{make_id_number()}/profile", headers=officer)
    assert unknown.status_code == 404

    # The bureau's dashboard counts it among the year's rural dibao households.
    dashboard = platform.gateway.get("/api/v1/dashboard", params={"year": 2020}, headers=officer)
    assert dashboard.status_code == 200, dashboard.text
    assert dashboard.json()["degraded"] == []
    figures = {(i["key"], i["area_code"]): i["value"] for i in dashboard.json()["indicators"]}
    assert figures[("assistance.rural_dibao.households", "429006")] == 1
    assert figures[("assistance.rural_dibao.persons", "429006")] == 2


def test_the_cross_programme_checks_run_on_the_real_services(
    platform: Platform, officer: dict[str, str]
) -> None:
    response = platform.gateway.get(
        "/api/v1/checks/conflicts", params={"year": 2020}, headers=officer
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == []
    assert all(rule["evaluated"] for rule in body["rules"])
    assert body["findings"] == []
