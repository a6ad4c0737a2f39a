"""Load the ``tianmen-2020`` dataset into a running platform, through the gateway.

Every record goes in the way staff would put it in: bulk imports (CSV upload)
where the service has one, the single-record API elsewhere, disbursement runs
created, approved by a second person and paid, with ``Idempotency-Key``s.

Loading twice changes nothing. Each step first asks the platform how much of
it is there (a list's ``total``) and is skipped when it is all there;
otherwise every record is sent and a 409 (the record's natural key: an ID
number, a name, a receipt number...) counts as already loaded. Imports go in
chunks of one township, each all-or-nothing, each skipped when its township
holds it already. Steps without a natural key look their records up first.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from civil_cli.demo import figures as F
from civil_cli.demo.dataset import Body, Dataset, generate
from civil_cli.keys import DevKeys, mint_token

DEFAULT_PASSWORD = "demo-password"  # noqa: S105 - the demo's, printed by `make run`
PASSWORD_ENV = "CIVIL_DEMO_PASSWORD"  # noqa: S105 - a variable's name
CONCURRENCY = 8
#: The demo's sign-ins: user name → (role, display name, areas, pii:read).
USERS: dict[str, tuple[str, str, list[str], bool]] = {
    "admin": ("admin", "系统管理员", [], True),
    "city": ("city_officer", "市民政局业务员", [], True),
    "duobao": ("township_officer", "多宝镇民政办", ["429006100"], False),
    "auditor": ("auditor", "审计员", [], False),
}
ASSISTANCE_PROGRAMMES = ("rural_dibao", "urban_dibao", "rural_tekun", "urban_tekun")
WELFARE_SUBSIDIES = ("disability_living", "disability_care", "de_facto_unsupported")
#: Paid from registers that need nothing of assistance: run while the dibao loads.
ALLOWANCES = ("high_age", "orphan_scattered", "orphan_institution")
MONTHS = [f"{F.YEAR}-{m:02d}" for m in range(1, 13)]


class LoadError(Exception):
    """The platform refused something the dataset needs; the message says what."""


def demo_password() -> str:
    return os.environ.get(PASSWORD_ENV) or DEFAULT_PASSWORD


@dataclass
class Gateway:
    """The gateway's API with a signed-in user's token, renewed when it runs out."""

    base_url: str
    username: str
    password: str
    bootstrap: str | None = None  # a token used before the user exists
    client: httpx.AsyncClient = field(init=False)
    token: str | None = None

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(600, connect=10),
            limits=httpx.Limits(max_connections=CONCURRENCY * 2),
        )
        self._lock = asyncio.Lock()

    async def sign_in(self) -> None:
        async with self._lock:
            response = await self.client.post(
                "/api/v1/auth/token",
                data={
                    "grant_type": "password",
                    "username": self.username,
                    "password": self.password,
                },
            )
            if response.status_code != 200:
                raise LoadError(f"{self.username} cannot sign in: {response.text}")
            self.token = response.json()["access_token"]

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for attempt in range(6):
            token = self.token or self.bootstrap
            headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
            try:
                response = await self.client.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError:
                if attempt == 5:
                    raise
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            if response.status_code == 401 and self.token is not None:
                await self.sign_in()  # the 15-minute token ran out
                continue
            if response.status_code in (502, 503, 504) and attempt < 5:
                await asyncio.sleep(0.5 * (attempt + 1))
                continue
            return response
        raise AssertionError("unreachable")

    async def total(self, path: str, **params: Any) -> int:
        response = await self.request("GET", path, params={**params, "limit": 1})
        expect(response, 200)
        return int(response.json()["total"] or 0)

    async def every(self, path: str, **params: Any) -> list[Body]:
        """All items of a list, 500 a page."""
        items: list[Body] = []
        while True:
            response = await self.request(
                "GET", path, params={**params, "limit": 500, "offset": len(items)}
            )
            expect(response, 200)
            page = response.json()
            items += page["items"]
            if not page["items"] or len(items) >= (page["total"] or 0):
                return items

    async def close(self) -> None:
        await self.client.aclose()


def expect(response: httpx.Response, *codes: int) -> httpx.Response:
    if response.status_code not in codes:
        request = response.request
        raise LoadError(
            f"{request.method} {request.url.path} answered {response.status_code}: "
            f"{response.text[:800]}"
        )
    return response


def csv_bytes(rows: Sequence[dict[str, str]]) -> bytes:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@dataclass
class Loader:
    data: Dataset
    admin: Gateway
    city: Gateway  # the second person: approves what the admin prepared
    progress: Progress
    timings: dict[str, float] = field(default_factory=dict)

    async def run(self) -> None:
        """Three lines at once, one a service, so that every core has work: governance;
        assistance; welfare, whose disability subsidies wait for the dibao enrolments
        (the living subsidy asks assistance whether the person is in dibao)."""
        enrolled = asyncio.Event()

        async def governance() -> None:
            for step in (
                self.divisions,
                self.communities,
                self.councils,
                self.illegal_cases,
                self.donations,
                self.boundary_trainings,
                self.social_work,
                self.volunteers,
            ):
                await self.timed(step)

        async def assistance() -> None:
            try:
                await self.timed(self.households)
                await self.timed(self.enrolments)
            finally:
                enrolled.set()
            for step in (
                self.assistance_runs,
                self.temporary_cases,
                self.helper_ledger,
                self.rescues,
            ):
                await self.timed(step)

        async def welfare() -> None:
            for step in (
                self.welfare_parameters,
                self.elders,
                self.child_files,
                self.workforce,
                self.unsupported_children,
                self.institutions,
                self.cemeteries,
                self.funeral_waivers,
                self.high_age_allowances,
                self.orphans,
                self.visits,
                self.allowance_runs,
            ):
                await self.timed(step)
            await enrolled.wait()
            await self.timed(self.disabled_persons)
            await self.timed(self.welfare_runs)

        await asyncio.gather(governance(), assistance(), welfare())

    async def timed(self, step: Callable[[], Awaitable[None]]) -> None:
        started = time.monotonic()
        await step()
        self.timings[step.__name__] = time.monotonic() - started

    # --- plumbing -------------------------------------------------------------------

    def task(self, label: str, total: int) -> TaskID:
        return self.progress.add_task(label, total=total)

    async def each(
        self,
        label: str,
        items: Sequence[Any],
        send: Callable[[Any], Awaitable[object]],
        *,
        done: int = 0,
    ) -> None:
        """``send`` every item, a few at a time, counting them on the progress bar."""
        task = self.task(label, len(items))
        if done >= len(items):
            self.progress.update(task, completed=len(items), description=f"{label} (已有)")
            return
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(item: Any) -> None:
            async with gate:
                await send(item)
            self.progress.advance(task)

        await asyncio.gather(*(one(item) for item in items))

    async def post(
        self, api: Gateway, path: str, body: Body, *, key: str | None = None
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key} if key else {}
        return expect(await api.request("POST", path, json=body, headers=headers), 200, 201, 409)

    async def upload(self, path: str, rows: Sequence[dict[str, str]], name: str) -> None:
        response = await self.admin.request(
            "POST", path, files={"file": (f"{name}.csv", csv_bytes(rows), "text/csv")}
        )
        expect(response, 200, 201)

    async def imports(
        self,
        label: str,
        path: str,
        rows: Sequence[dict[str, str]],
        count_path: str,
        township_of: Callable[[dict[str, str]], str],
        units: Callable[[str, list[dict[str, str]]], int] = lambda _, r: len(r),
        **count_params: Any,
    ) -> None:
        """An import in township chunks, each skipped when its township holds it already."""
        chunks: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            chunks.setdefault(township_of(row), []).append(row)
        task = self.task(label, len(rows))
        for township, chunk in sorted(chunks.items()):
            expected = units(township, chunk)
            there = await self.admin.total(count_path, area_code=township, **count_params)
            if there == 0:
                await self.upload(path, chunk, f"{label}-{township}")
            elif there < expected:
                raise LoadError(
                    f"{label}: {township} 已有 {there} 条，本数据集为 {expected} 条；"
                    "数据库中是另一版本的演示数据，请用 make demo 从空数据库重新加载"
                )
            self.progress.advance(task, len(chunk))

    # --- governance -------------------------------------------------------------------

    async def divisions(self) -> None:
        path = "/api/v1/governance/divisions"
        existing = {d["code"] for d in await self.admin.every(path, level="village")}
        missing = [d for d in self.data.divisions if d.code not in existing]
        task = self.task("区划（村、社区）", len(self.data.divisions))
        self.progress.advance(task, len(self.data.divisions) - len(missing))
        for start in range(0, len(missing), 500):
            batch = missing[start : start + 500]
            body = [{"code": d.code, "name": d.name, "kind": d.kind} for d in batch]
            expect(await self.admin.request("POST", f"{path}/batch", json=body), 200, 201)
            self.progress.advance(task, len(batch))

    async def communities(self) -> None:
        path = "/api/v1/governance/communities"
        done = await self.admin.total(path)
        await self.each(
            "村（社区）",
            self.data.communities,
            lambda body: self.post(self.admin, path, body),
            done=done,
        )

    async def councils(self) -> None:
        done = await self.admin.total("/api/v1/governance/communities", councils_complete="true")
        await self.each(
            "三会（协商议事会、理事会、监督委员会）",
            self.data.councils,
            lambda item: self.post(
                self.admin, f"/api/v1/governance/communities/{item[0]}/councils", item[1]
            ),
            done=done * 3,
        )

    async def illegal_cases(self) -> None:
        path = "/api/v1/governance/illegal-organisation-cases"
        known = {c["name"]: c for c in await self.admin.every(path)}

        async def one(item: tuple[Body, Body]) -> None:
            case, outcome = item
            found = known.get(case["name"])
            if found is None:
                response = expect(await self.admin.request("POST", path, json=case), 201)
                found = response.json()
                found["etag"] = response.headers["ETag"]
            elif found.get("outcome"):
                return
            etag = found.get("etag") or f'"{found["version"]}"'
            expect(
                await self.admin.request(
                    "POST",
                    f"{path}/{found['id']}/outcome",
                    json=outcome,
                    headers={"If-Match": etag},
                ),
                200,
            )

        await self.each("非法社会组织（劝散）", self.data.illegal_cases, one)

    async def donations(self) -> None:
        path = "/api/v1/governance/donations"
        done = await self.admin.total(path, **{"from": "2020-01-01", "to": "2020-12-31"})
        await self.each(
            "慈善捐赠",
            self.data.donations,
            lambda body: self.post(self.admin, path, body),
            done=done,
        )

    async def boundary_trainings(self) -> None:
        path = "/api/v1/governance/boundary-trainings"
        held = {(t["held_date"], t["topic"]) for t in await self.admin.every(path)}
        todo = [t for t in self.data.boundary_trainings if (t["held_date"], t["topic"]) not in held]
        await self.each(
            "界线勘定培训",
            todo,
            lambda body: self.post(self.admin, path, body),
        )

    async def social_work(self) -> None:
        path = "/api/v1/governance/social-work-projects"
        await self.each(
            "社会工作心理援助试点",
            self.data.social_work_projects,
            lambda body: self.post(self.admin, path, body),
        )

    async def volunteers(self) -> None:
        await self.imports(
            "注册志愿者（批量导入）",
            "/api/v1/governance/volunteers/import",
            self.data.volunteers,
            "/api/v1/governance/volunteers",
            lambda row: row["area_code"][:9],
        )
        organisations = "/api/v1/governance/volunteer-organisations"
        await self.each(
            "志愿服务组织",
            self.data.volunteer_organisations,
            lambda body: self.post(self.admin, organisations, body),
        )
        ids = {o["name"]: o["id"] for o in await self.admin.every(organisations)}
        activities = "/api/v1/governance/volunteer-activities"
        done = await self.admin.total(activities, year=F.YEAR)
        await self.each(
            "志愿服务活动",
            self.data.volunteer_activities,
            lambda body: self.post(
                self.admin,
                activities,
                {k: v for k, v in body.items() if k != "organisation"}
                | {"organisation_id": ids[body["organisation"]]},
            ),
            done=done,
        )
        await self.imports(
            "志愿服务记录（批量导入）",
            "/api/v1/governance/volunteer-services/import",
            self.data.volunteer_services,
            "/api/v1/governance/volunteer-services",
            lambda row: f"{F.TIANMEN}{row['activity_code'][2:5]}",
            year=F.YEAR,
        )

    # --- assistance -------------------------------------------------------------------

    async def households(self) -> None:
        def households_in(_: str, rows: list[dict[str, str]]) -> int:
            return len({row["household_ref"] for row in rows})

        await self.imports(
            "低保家庭（批量导入）",
            "/api/v1/assistance/households/import",
            self.data.households,
            "/api/v1/assistance/households",
            lambda row: row["area_code"][:9],
            units=households_in,
        )

    async def enrolments(self) -> None:
        await self.imports(
            "低保、特困在保对象（批量导入）",
            "/api/v1/assistance/enrolments/import",
            [enrolment_row(e) for e in self.data.enrolments],
            "/api/v1/assistance/enrolments",
            lambda row: row["area_code"][:9],
        )

    async def runs(self, service: str, programmes: Sequence[str], label: str) -> None:
        """Twelve monthly runs a programme: made by the admin, approved and paid by the city."""
        path = f"/api/v1/{service}/disbursement-runs"
        items = [(p, m) for p in programmes for m in MONTHS]

        async def one(item: tuple[str, str]) -> None:
            programme, period = item
            made = await self.post(
                self.admin,
                path,
                {"programme": programme, "period": period},
                key=f"demo-{service}-{programme}-{period}",
            )
            run = made.json()
            if made.status_code == 409:
                found = await self.admin.every(path, programme=programme, period=period)
                run = found[0]
            current = expect(await self.city.request("GET", f"{path}/{run['id']}"), 200)
            status = current.json()["status"]
            etag = current.headers.get("ETag", "")
            if status == "draft":
                approved = await self.city.request(
                    "POST", f"{path}/{run['id']}/approve", headers={"If-Match": etag}
                )
                etag = expect(approved, 200).headers.get("ETag", "")
                status = approved.json()["status"]
            if status == "approved":
                expect(
                    await self.city.request(
                        "POST", f"{path}/{run['id']}/pay", headers={"If-Match": etag}
                    ),
                    200,
                )

        await self.each(label, items, one)

    async def assistance_runs(self) -> None:
        await self.runs("assistance", ASSISTANCE_PROGRAMMES, "低保、特困月度发放（48批）")

    async def temporary_cases(self) -> None:
        """2019's and 2020's cases as each township's register (临时救助台账), decided
        and paid in the old system: the admin imports them as the county."""
        await self.imports(
            "临时救助（台账导入）",
            "/api/v1/assistance/temporary-cases/import",
            [temporary_row(case) for case in self.data.temporary_cases],
            "/api/v1/assistance/temporary-cases",
            lambda row: row["area_code"][:9],
        )

    async def helper_ledger(self) -> None:
        await self.imports(
            "帮扶人台账（批量导入）",
            "/api/v1/assistance/helper-ledger/assignments/import",
            [helper_row(assignment) for assignment in self.data.helper_assignments],
            "/api/v1/assistance/helper-ledger/assignments",
            lambda row: row["area_code"][:9],
            active="true",
        )

    async def rescues(self) -> None:
        path = "/api/v1/assistance/rescue-records"
        known = {
            (r["person_name"], r["found_date"]) for r in await self.admin.every(path, year=F.YEAR)
        }
        todo = [r for r in self.data.rescues if (r["person_name"], r["found_date"]) not in known]
        await self.each(
            "流浪乞讨救助",
            self.data.rescues,
            lambda body: self.post(self.admin, path, body) if body in todo else _nothing(body),
            done=len(self.data.rescues) - len(todo),
        )

    # --- welfare ----------------------------------------------------------------------

    async def welfare_parameters(self) -> None:
        """The high-age allowance's amounts, which the report does not give."""
        path = "/api/v1/welfare/parameters"
        known = {
            p["key"]
            for p in await self.admin.every(path, year=F.YEAR)
            if p["area_code"] == F.TIANMEN
        }
        todo = [
            {
                "key": key,
                "year": F.YEAR,
                "area_code": F.TIANMEN,
                "value": str(value),
                "effective_date": f"{F.YEAR}-01-01",
                "source": "演示数据（报告未给出，取合理值）",
            }
            for key, value in F.HIGH_AGE_ALLOWANCES.items()
            if key not in known
        ]
        await self.each("高龄津贴标准（政策参数）", todo, lambda b: self.post(self.admin, path, b))

    async def elders(self) -> None:
        await self.imports(
            "农村留守老人（批量导入）",
            "/api/v1/welfare/left-behind-elderly/import",
            [elder_row(e) for e in self.data.elders],
            "/api/v1/welfare/left-behind-elderly",
            lambda row: row["area_code"][:9],
        )

    async def child_files(self) -> None:
        await self.imports(
            "农村留守儿童（批量导入，一人一档）",
            "/api/v1/welfare/child-files/import",
            [child_row(c) for c in self.data.child_files],
            "/api/v1/welfare/child-files",
            lambda row: row["area_code"][:9],
        )

    async def workforce(self) -> None:
        roles = (
            (
                "supervisor",
                "/api/v1/welfare/child-supervisors",
                self.data.supervisors,
                "儿童督导员",
            ),
            ("director", "/api/v1/welfare/child-directors", self.data.directors, "儿童主任"),
        )
        for role, path, items, label in roles:
            trained = await self.admin.total(path, trained="true", year=F.YEAR)
            if trained >= len(items):
                await self.each(f"{label}（含培训）", items, _nothing, done=trained)
                continue

            async def appoint(body: Body, path: str = path) -> None:
                await self.post(self.admin, path, body)

            await self.each(label, items, appoint)
            training = self.data.trainings[role]

            async def train(worker: Body, path: str = path, training: Body = training) -> None:
                await self.post(self.admin, f"{path}/{worker['id']}/trainings", training)

            await self.each(f"{label}培训", await self.admin.every(path), train)

    async def unsupported_children(self) -> None:
        path = "/api/v1/welfare/unsupported-children"
        done = await self.admin.total(path)
        await self.each(
            "事实无人抚养儿童",
            self.data.unsupported_children,
            lambda b: self.post(self.admin, path, b),
            done=done,
        )

    async def disabled_persons(self) -> None:
        """The register by import; the subsidies by the bulk decision import (same rules)."""
        path = "/api/v1/welfare/disabled-persons"
        grants = await self.admin.total("/api/v1/welfare/disability-subsidy-grants")
        wanted = sum(len(p["subsidies"]) for p in self.data.disabled_persons)
        if grants >= wanted:
            await self.each("残疾人两项补贴", self.data.disabled_persons, _nothing, done=grants)
            return
        register = ("subsidies", "start_period")
        await self.imports(
            "残疾人名册（批量导入）",
            f"{path}/import",
            [
                {k: "" if v is None else str(v) for k, v in p.items() if k not in register}
                for p in self.data.disabled_persons
            ],
            path,
            lambda row: row["area_code"][:9],
        )
        # The applications by the bulk decision import, a township a file: each file is
        # all-or-nothing, so a township holding any grant has been decided already.
        chunks: dict[str, list[dict[str, str]]] = {}
        for p in self.data.disabled_persons:
            chunks.setdefault(p["area_code"][:9], []).append(
                {
                    "id_number": p["id_number"],
                    "subsidies": "、".join(p["subsidies"]),
                    "start_period": p["start_period"],
                }
            )
        task = self.task("残疾人两项补贴（批量申请、审核）", len(self.data.disabled_persons))
        for township, rows in sorted(chunks.items()):
            there = await self.admin.total(
                "/api/v1/welfare/disability-subsidy-grants", area_code=township
            )
            if there == 0:
                await self.upload(
                    "/api/v1/welfare/disability-subsidy-applications/import",
                    rows,
                    f"disability-subsidies-{township}",
                )
            self.progress.advance(task, len(rows))

    async def institutions(self) -> None:
        path = "/api/v1/welfare/care-institutions"
        await self.each(
            "养老机构、福利院", self.data.institutions, lambda b: self.post(self.admin, path, b)
        )
        ids = {i["name"]: i["id"] for i in await self.admin.every(path)}
        ledger = await self.admin.total("/api/v1/welfare/disabled-tekun-residents")
        await self.each(
            "失能特困人员台账",
            self.data.disabled_tekun,
            lambda r: self.post(
                self.admin,
                f"{path}/{ids[r['institution']]}/disabled-tekun-residents",
                {k: v for k, v in r.items() if k != "institution"},
            ),
            done=ledger,
        )
        await self.each(
            "疫情封闭管理",
            self.data.closures,
            lambda c: self.post(
                self.admin,
                f"{path}/{ids[c['institution']]}/closed-management-periods",
                {k: v for k, v in c.items() if k != "institution"},
            ),
        )

    async def cemeteries(self) -> None:
        path = "/api/v1/welfare/public-cemeteries"
        done = await self.admin.total(path)
        await self.each(
            "农村公益性公墓",
            self.data.cemeteries,
            lambda b: self.post(self.admin, path, b),
            done=done,
        )

    async def funeral_waivers(self) -> None:
        path = "/api/v1/welfare/funeral-waivers"
        done = await self.admin.total(path)
        await self.each(
            "殡葬救助（减免）",
            self.data.funeral_waivers,
            lambda b: self.post(self.admin, path, b),
            done=done,
        )

    async def high_age_allowances(self) -> None:
        path = "/api/v1/welfare/high-age-allowances"
        await self.imports(
            "高龄津贴对象（批量导入）",
            f"{path}/import",
            self.data.high_age,
            path,
            lambda row: row["area_code"][:9],
        )

    async def orphans(self) -> None:
        path = "/api/v1/welfare/orphans"
        done = await self.admin.total(path)
        await self.each(
            "孤儿（散居、集中供养）",
            self.data.orphans,
            lambda b: self.post(self.admin, path, b),
            done=done,
        )

    async def visits(self) -> None:
        """The elders' and children's visits, in the townships' chunks (counted where the
        person lives)."""
        township = {
            p["id_number"]: p["area_code"][:9] for p in self.data.elders + self.data.child_files
        }
        await self.imports(
            "留守老人、儿童探访记录（批量导入）",
            "/api/v1/welfare/visits/import",
            self.data.visits,
            "/api/v1/welfare/visits",
            lambda row: township[row["id_number"]],
        )

    async def allowance_runs(self) -> None:
        await self.runs("welfare", ALLOWANCES, "高龄津贴、孤儿基本生活费月度发放（36批）")

    async def welfare_runs(self) -> None:
        await self.runs("welfare", WELFARE_SUBSIDIES, "残疾人两项补贴、事实无人抚养儿童月度发放")


async def _nothing(_: Any) -> None:
    return None


def enrolment_row(enrolment: Body) -> dict[str, str]:
    """An enrolment as a row of the assistance service's import."""
    return {
        "programme": enrolment["programme"],
        "area_code": enrolment["area_code"],
        "payee_id_number": enrolment["payee"]["id_number"],
        "payee_name": enrolment["payee"]["name"],
        "people": ";".join(f"{p['id_number']}:{p['name']}" for p in enrolment["people"]),
        "monthly_amount": enrolment["monthly_amount"],
        "start_period": enrolment["start_period"],
        "in_poverty_alleviation": "是" if enrolment.get("in_poverty_alleviation") else "否",
    }


def elder_row(elder: Body) -> dict[str, str]:
    """A left-behind elder as a row of the welfare service's import."""
    row = {
        key: str(elder[key])
        for key in ("id_number", "name", "area_code", "living_situation", "risk_level")
    }
    row["worker_name"] = elder["responsible_worker"]["name"]
    row["registered_date"] = elder["registered_date"]
    for n, child in enumerate(elder["children"], start=1):
        for key in ("name", "relation", "away_for", "whereabouts", "away_since"):
            row[f"child{n}_{key}"] = child.get(key) or ""
    return row


def child_row(child: Body) -> dict[str, str]:
    """A child's file as a row of the welfare service's import."""
    row = {key: str(child[key]) for key in ("id_number", "name", "area_code", "category")}
    guardian = child["guardian"]
    row |= {
        "guardian_name": guardian["name"],
        "guardian_relation": guardian["relation"],
        "guardian_phone": guardian.get("phone") or "",
        "situation": child.get("situation") or "",
        "registered_date": child.get("registered_date") or "",
    }
    return row


async def ensure_users(api: Gateway, password: str) -> None:
    """The demo's sign-ins, made through the gateway's admin API (a 409: already there)."""
    for username, (role, display_name, areas, pii) in USERS.items():
        response = await api.request(
            "POST",
            "/api/v1/users",
            json={
                "username": username,
                "display_name": display_name,
                "role": role,
                "area_codes": areas,
                "pii_read": pii,
                "password": password,
            },
        )
        expect(response, 201, 409)


async def load(
    gateway_url: str,
    keys: DevKeys,
    *,
    seed: int = F.SEED,
    console: Console | None = None,
) -> float:
    """Load the dataset into the platform behind ``gateway_url``; the seconds it took."""
    console = console or Console()
    started = time.monotonic()
    password = demo_password()
    bootstrap = mint_token(
        keys, sub="demo-loader", roles=["admin"], ttl=timedelta(minutes=30), name="演示数据加载"
    )
    first = Gateway(gateway_url, "admin", password, bootstrap=bootstrap)
    try:
        await ensure_users(first, password)
    finally:
        await first.close()
    admin = Gateway(gateway_url, "admin", password)
    city = Gateway(gateway_url, "city", password)
    try:
        await admin.sign_in()
        await city.sign_in()
        console.print("生成 tianmen-2020 演示数据…")
        data = await asyncio.to_thread(generate, seed)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console, transient=False) as progress:
            loader = Loader(data, admin, city, progress)
            await loader.run()
        if os.environ.get("CIVIL_DEMO_TIMINGS"):
            for name, seconds in loader.timings.items():
                console.print(f"  {name}: {seconds:.1f} s")
    finally:
        await admin.close()
        await city.close()
    return time.monotonic() - started


def sign_ins(gateway_url: str) -> list[str]:
    """The lines that tell a user how to sign in to the demo."""
    password = os.environ.get(PASSWORD_ENV)
    shown = "$CIVIL_DEMO_PASSWORD" if password else DEFAULT_PASSWORD
    lines = [f"Demo sign-ins (password {shown}), at {gateway_url}/api/v1/auth/token:"]
    for username, (role, _name, areas, _pii) in USERS.items():
        where = f" for {', '.join(areas)} (多宝镇)" if areas else ""
        lines.append(f"  {username:8} {role}{where}")
    return lines


def temporary_row(case: Body) -> dict[str, str]:
    """A temporary-assistance case as a paid row of the assistance service's register
    import: approved three days after the application, paid four days later, both
    within the year of the application (the year its money counts in)."""
    applied = date.fromisoformat(case["application_date"])
    year_end = date(applied.year, 12, 31)
    row = {key: str(value) for key, value in case.items() if key != "key"}
    row |= {
        "status": "paid",
        "decided_date": min(applied + timedelta(days=3), year_end).isoformat(),
        "paid_date": min(applied + timedelta(days=7), year_end).isoformat(),
    }
    return row


def helper_row(assignment: Body) -> dict[str, str]:
    """A helper assignment as a row of the assistance service's helper-ledger import."""
    row = {key: str(value) for key, value in assignment.items()}
    row["has_phone"] = "是" if assignment.get("has_phone") else "否"
    return row
