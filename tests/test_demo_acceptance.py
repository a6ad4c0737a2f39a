"""Acceptance: the tianmen-2020 demo dataset, loaded through the gateway into a fresh
platform, shows the bureau's 2020 report figure for figure.

The four services run as `make run` runs them (``civil run``, on fresh databases
of the test's own and ports of its own); the dataset goes in with ``civil demo
load``'s loader, through the gateway, as the demo sign-ins. The figures are read
back as a user reads them: the gateway's dashboard indicators for 2020 and the
annual report for 2020 in Chinese. A second load changes nothing.

The whole dataset (194,200 volunteers and about 390,000 service records, 34,015 dibao
persons, 13,459 subsidy decisions, 66,214 visits...) goes in by the services'
bulk imports in about four minutes on a 2-core machine; it is part of ``make test``
(and so of CI): the longest test file, run first (``tests/conftest.py``) so that the
other worker takes the rest meanwhile.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from civil_cli.demo import figures as F
from civil_cli.demo.loader import load
from civil_cli.keys import ensure_dev_keys
from civil_cli.processes import free_port_base
from civil_cli.runner import demo_wanted
from civil_cli.services import SERVICES

READY_WITHIN_S = 180
PASSWORD = "demo-acceptance-2020"
CITY = "429006"
DUOBAO = "429006100"

#: Dashboard indicator → the report's figure (an exact count or amount).
EXACT: dict[str, int | Decimal] = {
    "assistance.rural_dibao.households": F.RURAL_DIBAO_HOUSEHOLDS,
    "assistance.rural_dibao.persons": F.RURAL_DIBAO_PERSONS,
    "assistance.rural_dibao.poverty_alleviation_households": F.RURAL_DIBAO_PA_HOUSEHOLDS,
    "assistance.rural_dibao.poverty_alleviation_persons": F.RURAL_DIBAO_PA_PERSONS,
    "assistance.rural_tekun.persons": F.RURAL_TEKUN_PERSONS,
    "assistance.temporary.cases": F.TEMPORARY_CASES,
    "assistance.temporary.average_amount": F.TEMPORARY_AVERAGE,
    "assistance.helper_ledger.persons": F.HELPER_LEDGER,
    "assistance.rescues.person_times": F.RESCUES,
    "welfare.left_behind_elderly.count": F.LEFT_BEHIND_ELDERLY,
    "welfare.left_behind_children.count": F.LEFT_BEHIND_CHILDREN,
    "welfare.child_supervisors.count": F.CHILD_SUPERVISORS,
    "welfare.child_directors.count": F.CHILD_DIRECTORS,
    "welfare.child_directors.trained": F.CHILD_DIRECTORS,
    "welfare.standards.orphan_scattered_allowance": F.ORPHAN_SCATTERED_ALLOWANCE,
    "welfare.standards.orphan_institution_allowance": F.ORPHAN_INSTITUTION_ALLOWANCE,
    "welfare.de_facto_unsupported_children.count": F.DE_FACTO_UNSUPPORTED,
    "welfare.orphans.scattered": F.ORPHANS_SCATTERED,
    "welfare.orphans.institution": F.ORPHANS_INSTITUTION,
    "welfare.subsidies.high_age.paid_amount": F.HIGH_AGE_PAID,
    "welfare.visits.overdue": F.VISITS_OVERDUE_AT_YEAR_END,
    "welfare.disability_living_subsidy.persons": F.DISABILITY_LIVING_PERSONS,
    "welfare.disability_care_subsidy.persons": F.DISABILITY_CARE_PERSONS,
    "welfare.institutions.count": F.INSTITUTIONS,
    "welfare.institutions.residents": F.INSTITUTION_RESIDENTS,
    "welfare.institutions.staff": F.INSTITUTION_STAFF,
    "welfare.closed_management.institutions": F.INSTITUTIONS,
    "welfare.closed_management.residents": F.INSTITUTION_RESIDENTS,
    "welfare.closed_management.staff": F.INSTITUTION_STAFF,
    "welfare.closed_management.infections": 0,
    "welfare.institutions.disabled_tekun_residents": F.DISABLED_TEKUN_RESIDENTS,
    "welfare.funeral_waivers.count": F.FUNERAL_WAIVERS,
    "welfare.funeral_waivers.amount": F.FUNERAL_WAIVER_AMOUNT,
    "welfare.cemeteries.count": F.CEMETERIES,
    "welfare.cemeteries.built_in_year": F.CEMETERIES_BUILT_IN_YEAR,
    "governance.township_units.count": F.TOWNSHIP_UNITS,
    "governance.councils.communities_complete": F.COMMUNITIES,
    "governance.pilots.count": F.PILOTS,
    "governance.illegal_organisations.dispersed": F.ILLEGAL_DISPERSED,
    "governance.boundaries.training_batches": F.BOUNDARY_TRAINING_BATCHES,
    "governance.boundaries.training_townships": F.TOWNSHIP_UNITS,
    "governance.donations.amount": F.DONATIONS_TOTAL,
    "governance.donations.epidemic.amount": F.DONATIONS_EPIDEMIC,
    "governance.donations.other.amount": F.DONATIONS_OTHER,
    "governance.volunteers.registered": F.VOLUNTEERS,
    "governance.volunteers.hours": F.VOLUNTEER_HOURS,
}
#: Standards (the 2020 amount and its growth on 2019, in %).
STANDARDS: dict[str, tuple[Decimal, Decimal]] = {
    "assistance.standards.urban_dibao": (Decimal(630), Decimal("5.00")),
    "assistance.standards.rural_dibao": (Decimal(5400), Decimal("12.50")),
    "assistance.standards.urban_tekun_basic": (Decimal(1260), Decimal("5.00")),
    "assistance.standards.rural_tekun_basic": (Decimal(9000), Decimal("11.11")),
}


class Platform:
    def __init__(self, base: int, data_dir: Path) -> None:
        self.base = base
        self.gateway = f"http://127.0.0.1:{base}"
        self.data_dir = data_dir
        self.load_seconds: list[float] = []

    def token(self, username: str) -> str:
        response = httpx.post(
            f"{self.gateway}/api/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": PASSWORD},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def get(self, path: str, username: str = "city", **params: Any) -> httpx.Response:
        return httpx.get(
            f"{self.gateway}{path}",
            params=params,
            headers={"Authorization": f"Bearer {self.token(username)}"},
            timeout=120,
        )

    def load(self) -> None:
        keys = ensure_dev_keys(self.data_dir)
        self.load_seconds.append(asyncio.run(load(self.gateway, keys)))

    def dashboard(self) -> dict[str, Any]:
        """The city's 2020 indicators on the gateway's dashboard, by key."""
        response = self.get("/api/v1/dashboard", year=F.YEAR)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["degraded"] == [], body["sources"]
        return {i["key"]: i for i in body["indicators"] if i["area_code"] == CITY}


@pytest.fixture(scope="module")
def platform(
    create_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    base = free_port_base(4, 20600, 21600)
    data_dir = tmp_path_factory.mktemp("civil-demo-acceptance")
    env = {
        **os.environ,
        "CIVIL_PORT_BASE": str(base),
        "CIVIL_DATA_DIR": str(data_dir),
        "CIVIL_DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    for service in SERVICES:
        prefix = service.name.upper()
        env[f"{prefix}_DATABASE_URL"] = create_database(f"demo_{service.name}")
        env[f"{prefix}_LOG_LEVEL"] = "WARNING"
        for name in ("SERVICE_TOKEN", "SERVICE_TOKEN_FILE", "JWKS_URL", "JWKS_FILE"):
            env.pop(f"{prefix}_{name}", None)  # the runner sets them, as `make run` does
    log_path = data_dir / "run.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "civil_cli", "run", "--no-demo"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    platform = Platform(base, data_dir)
    os.environ["CIVIL_DEMO_PASSWORD"] = PASSWORD  # the loader's, in this process
    try:
        deadline = time.monotonic() + READY_WITHIN_S
        for offset in range(4):
            while True:
                assert process.poll() is None, log_path.read_text()
                try:
                    url = f"http://127.0.0.1:{base + offset}/readyz"
                    if httpx.get(url, timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, log_path.read_text()[-3000:]
                time.sleep(0.5)
        platform.load()
        yield platform
    finally:
        os.environ.pop("CIVIL_DEMO_PASSWORD", None)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _value(indicator: dict[str, Any]) -> Decimal:
    return Decimal(str(indicator["value"]))


def test_the_dashboard_shows_every_figure_of_the_2020_report(platform: Platform) -> None:
    shown = platform.dashboard()

    wrong = {
        key: (shown[key]["value"] if key in shown else "missing", expected)
        for key, expected in EXACT.items()
        if key not in shown or _value(shown[key]) != Decimal(expected)
    }
    assert wrong == {}
    communities = sum(_value(shown[f"governance.communities.{k}"]) for k in ("urban", "rural"))
    assert communities == F.COMMUNITIES
    paid = _value(shown["assistance.paid.total"])
    assert abs(paid - F.ASSISTANCE_PAID) <= F.ASSISTANCE_PAID * F.ASSISTANCE_PAID_TOLERANCE
    for key, (amount, growth) in STANDARDS.items():
        assert _value(shown[key]) == amount, key
        assert Decimal(shown[key]["growth_pct"]) == growth, key
    average = shown["assistance.temporary.average_amount"]
    assert Decimal(average["growth_pct"]).quantize(Decimal("0.1")) == F.TEMPORARY_GROWTH_PCT


def test_the_annual_report_tells_the_figures_in_chinese(platform: Platform) -> None:
    response = platform.get("/api/v1/reports/annual", year=F.YEAR, format="markdown")
    assert response.status_code == 200, response.text
    report = response.text.replace(",", "")

    for phrase in (
        "天门市民政局2020年工作情况报告",
        "2.68亿元",
        "农村低保17344户34015人",
        "纳入精准扶贫12040户24431人",
        "农村特困供养3780人",
        "全年临时救助4321人次，人均救助1921",
        "留守老人3760名",
        "5853名农村留守儿童",
        "儿童督导员26名、儿童主任629名",
        "227名事实无人抚养儿童",
        "全年发放高龄津贴1895万元",
        f"保障散居孤儿{F.ORPHANS_SCATTERED}名、集中供养孤儿{F.ORPHANS_INSTITUTION}名",
        "9194人享受困难残疾人生活补贴，7265人享受重度残疾人护理补贴",
        "46个农村社区建设试点",
        "621个城乡社区",
        "非法社会组织3家",
        "分7个批次对25个乡（镇、街道）",
        "16216.26万元",
        "11126.42万元",
        "19.42万人",
        "401.4142万小时",
        "养老机构、福利院34所，在院1715人，工作人员259人",
        "49个农村公益性公墓",
        "失能特困老人台帐118人",
        "殡葬减免共计1017例，费用115.27万元",
        "103人次",
    ):
        assert phrase in report, phrase


def test_the_demo_sign_ins_see_what_their_roles_allow(platform: Platform) -> None:
    path = "/api/v1/assistance/enrolments"
    city = platform.get(path, "city", limit=1)
    duobao = platform.get(path, "duobao", limit=500)
    auditor = platform.get(path, "auditor", limit=1)
    refused = httpx.post(
        f"{platform.gateway}/api/v1/welfare/public-cemeteries",
        json={
            "name": "审计员公墓",
            "area_code": "429006100201",
            "status": "planned",
            "graves_capacity": 10,
        },
        headers={"Authorization": f"Bearer {platform.token('auditor')}"},
        timeout=30,
    )

    assert city.json()["total"] > F.RURAL_DIBAO_HOUSEHOLDS + F.RURAL_TEKUN_PERSONS
    assert 0 < duobao.json()["total"] < city.json()["total"]
    assert {e["area_code"][:9] for e in duobao.json()["items"]} == {DUOBAO}
    assert auditor.json()["total"] == city.json()["total"]
    assert refused.status_code == 403


def test_loading_again_changes_nothing(platform: Platform) -> None:
    before = platform.dashboard()
    platform.load()
    after = platform.dashboard()

    assert {k: v["value"] for k, v in after.items()} == {k: v["value"] for k, v in before.items()}
    assert platform.load_seconds[1] < platform.load_seconds[0] / 3


def test_the_first_start_of_empty_databases_loads_the_demo_and_only_then() -> None:
    everything = {s.name for s in SERVICES}
    assert demo_wanted(SERVICES, everything, None)
    assert not demo_wanted(SERVICES, set(), None)  # databases found: already loaded
    assert not demo_wanted(SERVICES, everything, False)  # --no-demo
    assert demo_wanted(SERVICES, set(), True)  # make demo
    assert not demo_wanted(SERVICES[1:], everything, True)  # not without the gateway
