"""The two disability subsidies with both services running for real.

``civil run assistance welfare`` starts the two services as `make run` would, on
fresh databases and ports of their own; the welfare service finds assistance
and its own service token the way the runner tells it. Households and
enrolments are set up through the assistance API, the subsidies decided through
the welfare API, which asks assistance over HTTP.
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

from civil_cli.keys import ensure_dev_keys, mint_token
from civil_cli.processes import free_port_base
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period

PORTS = {"gateway": 0, "assistance": 1, "welfare": 2, "governance": 3}
READY_WITHIN_S = 120
VILLAGE = "429006100201"
THIS_MONTH = str(Period.of(date.today()))
CATEGORY_DIGITS = {"physical": "4", "intellectual": "5"}


class Platform:
    def __init__(self, base: int, data_dir: Path) -> None:
        self.base = base
        self.data_dir = data_dir
        keys = ensure_dev_keys(data_dir)
        token = mint_token(keys, sub="e2e-officer", roles=["city_officer"], scopes=["pii:read"])
        self.headers = {"Authorization": f"Bearer {token}"}

    def url(self, service: str, path: str) -> str:
        return f"http://127.0.0.1:{self.base + PORTS[service]}{path}"

    def post(self, service: str, path: str, body: dict[str, Any], **headers: str) -> httpx.Response:
        return httpx.post(
            self.url(service, path), json=body, headers={**self.headers, **headers}, timeout=30
        )

    def get(self, service: str, path: str, **params: str) -> httpx.Response:
        return httpx.get(self.url(service, path), params=params, headers=self.headers, timeout=30)


@pytest.fixture(scope="module")
def platform(
    create_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    base = free_port_base(4, 19400, 20400)
    data_dir = tmp_path_factory.mktemp("civil-e2e-disability")
    env = {
        **os.environ,
        "CIVIL_PORT_BASE": str(base),
        "CIVIL_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        "ASSISTANCE_DATABASE_URL": create_database("e2e_dis_assistance"),
        "WELFARE_DATABASE_URL": create_database("e2e_dis_welfare"),
    }
    for name in ("WELFARE_ASSISTANCE_URL", "WELFARE_SERVICE_TOKEN", "WELFARE_SERVICE_TOKEN_FILE"):
        env.pop(name, None)  # the runner sets them, as `make run` does
    log_path = data_dir / "run.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "civil_cli", "run", "assistance", "welfare"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    platform = Platform(base, data_dir)
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        for name in ("assistance", "welfare"):
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
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def household_in_dibao(platform: Platform, disabled_id: str) -> tuple[dict[str, Any], str]:
    """A rural household of two, the second member disabled, enrolled in dibao."""
    head = {"id_number": str(make_id_number(birth_date=date(1965, 3, 1))), "name": "刘户主"}
    disabled = {"id_number": disabled_id, "name": "刘残"}
    created(
        platform.post(
            "assistance",
            "/api/v1/households",
            {
                "area_code": VILLAGE,
                "address": "多宝镇某村3组",
                "residence_type": "rural",
                "income_stability": "stable",
                "members": [
                    {**head, "relation": "head", "employment_status": "unemployed"},
                    {
                        **disabled,
                        "relation": "child",
                        "employment_status": "unable_to_work",
                        "disability_category": "physical",
                        "disability_grade": 1,
                    },
                ],
            },
        )
    )
    response = platform.post(
        "assistance",
        "/api/v1/enrolments",
        {
            "programme": "rural_dibao",
            "area_code": VILLAGE,
            "payee": head,
            "people": [head, disabled],
            "monthly_amount": "600.00",
            "start_period": "2020-01",
        },
    )
    return created(response), response.headers["ETag"]


def register_disabled(platform: Platform, id_number: str, grade: int = 1) -> dict[str, Any]:
    return created(
        platform.post(
            "welfare",
            "/api/v1/disabled-persons",
            {
                "id_number": id_number,
                "name": "刘残",
                "area_code": VILLAGE,
                "certificate_number": f"{id_number}{CATEGORY_DIGITS['physical']}{grade}",
                "category": "physical",
                "grade": grade,
                "care_need_since": "2019-01-01",
            },
        )
    )


def apply(platform: Platform, person_id: str, subsidies: list[str]) -> dict[str, Any]:
    response = platform.post(
        "welfare",
        f"/api/v1/disabled-persons/{person_id}/subsidy-applications",
        {"subsidies": subsidies, "start_period": THIS_MONTH},
    )
    return created(response)


def outcomes(application: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {d["subsidy"]: (d["outcome"], d["reasons"]) for d in application["decisions"]}


def test_living_subsidy_follows_the_households_dibao(platform: Platform) -> None:
    disabled_id = str(make_id_number(birth_date=date(1995, 6, 1)))
    enrolment, enrolment_etag = household_in_dibao(platform, disabled_id)
    person = register_disabled(platform, disabled_id)

    granted = apply(platform, person["id"], ["living"])

    assert outcomes(granted) == {"living": ("granted", [])}
    assert granted["assistance"]["in_dibao"] is True
    assert granted["assistance"]["programmes"] == ["rural_dibao"]
    grant_id = granted["decisions"][0]["grant_id"]

    # The household leaves dibao; the grant is stopped on review and the person applies again.
    ended = platform.post(
        "assistance",
        f"/api/v1/enrolments/{enrolment['id']}/status",
        {"status": "ended", "reason": "家庭收入超过低保标准", "end_period": THIS_MONTH},
        **{"If-Match": enrolment_etag},
    )
    assert ended.status_code == 200, ended.text
    grant = platform.get("welfare", f"/api/v1/disability-subsidy-grants/{grant_id}")
    stopped = platform.post(
        "welfare",
        f"/api/v1/disability-subsidy-grants/{grant_id}/stop",
        {"reason": "家庭退出低保", "end_period": THIS_MONTH},
        **{"If-Match": grant.headers["ETag"]},
    )
    assert stopped.status_code == 200, stopped.text

    refused = apply(platform, person["id"], ["living"])

    assert outcomes(refused) == {"living": ("refused", ["not_in_dibao"])}
    assert refused["assistance"]["in_dibao"] is False


def test_a_tekun_person_is_refused_both(platform: Platform) -> None:
    tekun = {"id_number": str(make_id_number(birth_date=date(1950, 2, 1))), "name": "孙特困"}
    created(
        platform.post(
            "assistance",
            "/api/v1/enrolments",
            {
                "programme": "rural_tekun",
                "area_code": VILLAGE,
                "payee": tekun,
                "people": [tekun],
                "monthly_amount": "750.00",
                "start_period": "2020-01",
            },
        )
    )
    person = register_disabled(platform, tekun["id_number"], grade=1)

    application = apply(platform, person["id"], ["living", "care"])

    assert outcomes(application) == {
        "living": ("refused", ["not_in_dibao", "in_tekun"]),
        "care": ("refused", ["in_tekun"]),
    }
    assert application["assistance"]["in_tekun"] is True
    grants = platform.get("welfare", "/api/v1/disability-subsidy-grants", person_id=person["id"])
    assert grants.json()["total"] == 0
