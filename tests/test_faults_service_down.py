"""A service dies or hangs under the gateway: the dashboard still answers in time.

The four services run as real processes (``local_services``); welfare is killed
(SIGKILL: its port refuses connections) or frozen (SIGSTOP: its port accepts
connections and never answers, the worse case), and started or thawed again.
``CIVIL_FAULT_CYCLES`` (``make faults``) repeats each fault more times.
"""

from __future__ import annotations

import os
import time

import httpx
import pytest

from civil_cli.processes import LocalPlatform

DEADLINE_S = 1.5
#: What a loaded machine (two cores shared by a whole test run) may add to the deadline.
SLACK_S = 2.5
CYCLES = int(os.environ.get("CIVIL_FAULT_CYCLES", "1"))
RECOVERY_S = 30.0


@pytest.fixture(scope="module")
def platform_env() -> dict[str, str]:
    # No cache: each dashboard asks the services, so a dead one shows at once.
    return {
        "GATEWAY_DASHBOARD_CACHE_TTL_S": "0",
        "GATEWAY_DASHBOARD_DEADLINE_S": str(DEADLINE_S),
    }


@pytest.fixture(scope="module")
def officer(local_services: LocalPlatform) -> httpx.Client:
    token = local_services.token("city_officer")
    return httpx.Client(
        base_url=local_services.url("gateway"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def dashboard(officer: httpx.Client) -> tuple[float, dict[str, object]]:
    started = time.monotonic()
    response = officer.get("/api/v1/dashboard", params={"year": 2020})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return elapsed, body


def sources_of(body: dict[str, object]) -> set[str]:
    indicators = body["indicators"]
    assert isinstance(indicators, list)
    return {indicator["source"] for indicator in indicators}


def failure_of(body: dict[str, object], service: str) -> object:
    sources = body["sources"]
    assert isinstance(sources, list)
    return next(source["failure"] for source in sources if source["service"] == service)


def wait_until_whole(officer: httpx.Client) -> dict[str, object]:
    """The dashboard once every service answers it again."""
    deadline = time.monotonic() + RECOVERY_S
    while True:
        _, body = dashboard(officer)
        if body["degraded"] == []:
            return body
        assert time.monotonic() < deadline, f"still degraded after {RECOVERY_S} s: {body}"
        time.sleep(0.5)


def test_the_whole_dashboard_before_any_fault(officer: httpx.Client) -> None:
    # The services' first statistics may miss the deadline on a loaded machine (cold caches).
    body = wait_until_whole(officer)

    assert sources_of(body) == {"assistance", "welfare", "governance"}


@pytest.mark.parametrize("cycle", range(CYCLES))
def test_a_killed_service_is_a_503_to_retry_and_the_others_carry_on(
    local_services: LocalPlatform, officer: httpx.Client, cycle: int
) -> None:
    local_services.kill("welfare")
    try:
        proxied = officer.get("/api/v1/welfare/disabled-persons")
        other = officer.get("/api/v1/governance/boundary-trainings")
    finally:
        local_services.start("welfare")
    back = officer.get("/api/v1/welfare/disabled-persons")

    assert proxied.status_code == 503
    assert proxied.json()["code"] == "GATEWAY_SERVICE_UNAVAILABLE"
    assert proxied.headers["retry-after"]
    assert other.status_code == 200
    assert back.status_code == 200


@pytest.mark.parametrize("cycle", range(CYCLES))
def test_a_killed_service_is_degraded_on_the_dashboard_in_time_and_back_once_restarted(
    local_services: LocalPlatform, officer: httpx.Client, cycle: int
) -> None:
    local_services.kill("welfare")
    try:
        elapsed, body = dashboard(officer)
    finally:
        local_services.start("welfare")

    assert elapsed < DEADLINE_S + SLACK_S
    assert body["degraded"] == ["welfare"]
    assert failure_of(body, "welfare") == "unreachable"
    assert sources_of(body) == {"assistance", "governance"}  # the others' figures still shown
    assert sources_of(wait_until_whole(officer)) == {"assistance", "welfare", "governance"}


@pytest.mark.parametrize("cycle", range(CYCLES))
def test_a_hung_service_costs_the_dashboard_no_more_than_its_deadline(
    local_services: LocalPlatform, officer: httpx.Client, cycle: int
) -> None:
    local_services.freeze("welfare")
    try:
        elapsed, body = dashboard(officer)
    finally:
        local_services.thaw("welfare")

    assert DEADLINE_S * 0.9 <= elapsed < DEADLINE_S + SLACK_S
    assert body["degraded"] == ["welfare"]
    assert failure_of(body, "welfare") == "timeout"
    assert sources_of(body) == {"assistance", "governance"}
    assert sources_of(wait_until_whole(officer)) == {"assistance", "welfare", "governance"}
