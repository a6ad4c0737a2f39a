"""The dashboard and the annual report on stubbed services' statistics.

The three services are an httpx transport answering ``/internal/v1/stats`` with
figures made here, the year's and (``previous``) the year before's in one answer
(2020 and 2019 differ, so growth shows), or not answering.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import docx
import httpx
import jwt
import pytest
import pytest_asyncio
from fastapi import FastAPI
from pydantic import BaseModel

from civil_cli.pytest_plugin import Tokens
from civil_gateway.config import GatewaySettings
from civil_gateway.dashboard.cache import StatsCache
from civil_gateway.dashboard.catalogue import CATALOGUE, CONTRACTS, read
from civil_gateway.peers import Peers
from civil_gateway.routing.upstreams import Upstreams
from civil_gateway.routing.writes import add_write_listener
from civil_shared.runtime.settings import ServiceSettings

URLS = {
    "assistance_url": "http://assistance.internal:8001",
    "welfare_url": "http://welfare.internal:8002",
    "governance_url": "http://governance.internal:8003",
}
TOWNSHIP = "429006100"
OTHER_TOWNSHIP = "429006101"


def assistance(year: int, area: str | None) -> dict[str, Any]:
    k = 1 if area is None else 0  # a township has fewer
    rural = 17344 if year == 2020 else 16000
    return {
        "year": year,
        "area_code": area,
        "programmes": [
            {
                "programme": "rural_dibao",
                "households": rural - (0 if k else 17000),
                "persons": 34015,
                "poverty_alleviation_households": 12040,
                "poverty_alleviation_persons": 24431,
            },
            {
                "programme": "rural_tekun",
                "households": 3780,
                "persons": 3780,
                "poverty_alleviation_households": 0,
                "poverty_alleviation_persons": 0,
            },
        ],
        "standards": [
            {
                "programme": "urban_tekun_basic",
                "amount": "1260.00",
                "unit": "per_month",
                "previous_amount": None,
                "growth_pct": None,
            },
            {
                "programme": "rural_tekun_basic",
                "amount": "9000.00",
                "unit": "per_year",
                "previous_amount": None,
                "growth_pct": None,
            },
            {
                "programme": "urban_dibao",
                "amount": "630.00" if year == 2020 else "600.00",
                "unit": "per_month",
                "previous_amount": None,
                "growth_pct": None,
            },
            {
                "programme": "rural_dibao",
                "amount": "5400.00" if year == 2020 else "4800.00",
                "unit": "per_year",
                "previous_amount": None,
                "growth_pct": None,
            },
        ],
        "temporary": {
            "cases": 4321,
            "total_amount": "8300641.00",
            "average_amount": "1921.00" if year == 2020 else "1463.00",
            "previous_average_amount": None,
            "average_growth_pct": None,
        },
        "paid": [{"programme": "rural_dibao", "amount": "200000000.00"}],
        "paid_total": "268000000.00",
        "helper_ledger": 6325,
        "rescues": 103,
        "by_township": [],
    }


def welfare(year: int, area: str | None) -> dict[str, Any]:
    counts: dict[str, Any] = {
        name: 0
        for name, field in CONTRACTS["welfare"].model_fields.items()
        if field.annotation in (int, int | None)
    }
    counts.update(
        left_behind_elderly=3760,
        left_behind_children=5853 if year == 2020 else 5000,
        child_directors=629,
        child_supervisors=26,
        de_facto_unsupported_children=227,
        disability_living_subsidy_persons=9194,
        disability_care_subsidy_persons=7265,
        year=year,
    )
    subsidies = [
        {"subsidy": s, "persons": 1, "paid_amount": a, "paid_person_months": 12}
        for s, a in (
            ("high_age", "18950000.00"),
            ("disability_living", "5516400.00"),
            ("disability_care", "11834600.00"),
        )
    ]
    return {
        **counts,
        "area_code": area,
        "as_of": f"{year}-12-31",
        "funeral_waiver_amount": "1152700.00",
        "subsidies": subsidies,
        "paid_total": "36301000.00",
        "standards": [
            {"key": k, "label": k, "amount": a, "previous_amount": None, "growth_pct": None}
            for k, a in (
                ("orphan_scattered_allowance", "1260.00"),
                ("orphan_institution_allowance", "2016.00"),
                ("disability_living_subsidy", "50.00"),
                ("disability_care_subsidy", "100.00"),
            )
        ],
        "by_township": [],
    }


def governance(year: int, area: str | None) -> dict[str, Any]:
    counts: dict[str, Any] = {
        name: 0
        for name, field in CONTRACTS["governance"].model_fields.items()
        if field.annotation is int
    }
    counts.update(
        year=year,
        township_units=25,
        pilots=46,
        communities_with_three_councils=621,
        illegal_dispersed=3,
        volunteers_registered=194200 if year == 2020 else 150000,
        boundary_training_batches=7,
        boundary_training_townships=25,
    )
    return {
        **counts,
        "area_code": area,
        "as_of": f"{year}-12-31",
        "donation_amount": "162162600.00",
        "volunteer_hours": "4014142.00",
        "organisations_by_type": [],
        "donations": [{"purpose": "epidemic", "count": 9, "amount": "111264200.00"}],
        "by_township": [],
    }


MAKERS = {"assistance": assistance, "welfare": welfare, "governance": governance}


def answer(service: str, year: int, area: str | None) -> dict[str, Any]:
    """A service's answer: the year's figures, and the year before's as ``previous``."""
    before = MAKERS[service](year - 1, area)
    for name in ("area_code", "by_township"):
        del before[name]
    return {**MAKERS[service](year, area), "previous": before}


class Services(httpx.AsyncBaseTransport):
    """Stands in for the three services' statistics; records what was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str | None]] = []
        self.scopes: set[str] = set()
        self.delay: dict[str, float] = {}
        self.down: set[str] = set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        service = request.url.host.split(".")[0]
        assert request.url.path == "/internal/v1/stats"
        token = request.headers["authorization"].removeprefix("Bearer ")
        self.scopes.update(jwt.decode(token, options={"verify_signature": False})["scopes"])
        year = int(request.url.params["year"])
        area = request.url.params.get("area_code")
        self.asked.append((service, str(year), area))
        if service in self.down:
            raise httpx.ConnectError("refused", request=request)
        if service in self.delay:
            await asyncio.sleep(self.delay[service])
        return httpx.Response(200, json=answer(service, year, area))


def gateway_settings(settings: ServiceSettings, **changes: Any) -> GatewaySettings:
    assert isinstance(settings, GatewaySettings)
    return settings.model_copy(update={**URLS, **changes})


@pytest_asyncio.fixture(loop_scope="session")
async def services(app: FastAPI, settings: ServiceSettings) -> AsyncIterator[Services]:
    transport = Services()
    # The default deadline: shorter, a stub's answer could miss it when make test shares
    # two cores with the demo acceptance's four services.
    configured = gateway_settings(settings, dashboard_deadline_s=2.0)
    app.state.settings = configured
    peers = Peers.from_settings(configured, app.state.gateway_keys, transport=transport)
    own, app.state.peers = getattr(app.state, "peers", None), peers
    yield transport
    app.state.peers = own
    await peers.aclose()


Get = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def get(client: httpx.AsyncClient, tokens: Tokens) -> Get:
    async def call(path: str, *roles: str, **kwargs: Any) -> httpx.Response:
        headers = {**tokens.headers(*(roles or ("city_officer",)), **kwargs)}
        return await client.get(path, headers=headers)

    return call


def by_key(body: dict[str, Any], area: str = "429006") -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in body["indicators"] if i["area_code"] == area}


# --- The catalogue ---------------------------------------------------------------------


def _numeric_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    out = set()
    for name, field in model.model_fields.items():
        if field.annotation in (int, Decimal, int | None, Decimal | None) and name != "year":
            out.add(prefix + name)
    return out


@pytest.mark.parametrize("source", ["assistance", "welfare", "governance"])
def test_every_numeric_figure_of_a_contract_has_an_indicator(source: str) -> None:
    contract = CONTRACTS[source]
    paths = {f.path.split(".")[0] for f in CATALOGUE if f.source == source}
    nested = {f.path for f in CATALOGUE if f.source == source}
    for name in _numeric_fields(contract):
        assert name in paths, f"{source}.{name} has no indicator"
    sample = contract.model_validate(answer(source, 2020, None))
    for figure in CATALOGUE:
        if figure.source == source:
            read(figure, sample)  # every path resolves
    assert nested


# --- The dashboard ---------------------------------------------------------------------


async def test_indicators_are_built_from_the_services_figures_with_growth(
    get: Get, services: Services
) -> None:
    response = await get("/api/v1/dashboard?year=2020")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["degraded"] == []
    figures = by_key(body)
    households = figures["assistance.rural_dibao.households"]
    assert households["value"] == 17344
    assert households["previous"] == 16000
    assert households["growth_pct"] == "8.40"
    assert households["label"] == "农村低保户数"
    assert households["unit"] == "户"
    assert households["source"] == "assistance"
    assert figures["assistance.standards.rural_dibao"]["unit"] == "元/人·年"
    assert figures["assistance.standards.rural_dibao"]["growth_pct"] == "12.50"
    assert figures["welfare.left_behind_children.count"]["value"] == 5853
    assert figures["governance.volunteers.registered"]["value"] == 194200
    assert figures["governance.volunteers.registered"]["growth_pct"] == "29.47"
    assert figures["assistance.urban_dibao.households"]["value"] == 0  # nobody enrolled
    assert figures["assistance.standards.tekun_care_self_care"]["value"] is None  # not set
    # One call a service: the year before comes in the same answer.
    assert sorted(services.asked) == [(s, "2020", None) for s in sorted(MAKERS)]
    # Asked with a token that reads no ID numbers: the figures carry none.
    assert services.scopes == {"internal"}


async def test_a_service_down_or_slow_is_degraded_and_the_rest_served_within_the_deadline(
    get: Get, services: Services
) -> None:
    services.down.add("welfare")
    services.delay["governance"] = 10.0
    started = time.monotonic()

    response = await get("/api/v1/dashboard?year=2020")

    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert sorted(body["degraded"]) == ["governance", "welfare"]
    assert elapsed < 4.0  # the deadline is 2 s, the slow service takes 10 s
    sources = {s["service"]: s for s in body["sources"]}
    assert sources["governance"]["failure"] == "timeout"
    assert sources["welfare"]["failure"] in ("unreachable", "timeout")  # retried until the deadline
    assert {i["source"] for i in body["indicators"]} == {"assistance"}


async def test_figures_are_cached_and_a_write_through_the_gateway_drops_them(
    app: FastAPI, get: Get, services: Services, client: httpx.AsyncClient, tokens: Tokens
) -> None:
    app.state.dashboard_cache = cache = StatsCache(ttl_s=60)
    app.state.write_listeners = []
    add_write_listener(app, cache.invalidate)

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b'{"id": "h1"}'

    class Upstream(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await request.aread()
            return httpx.Response(201, headers={"content-length": "12"}, stream=Body())

    upstreams = Upstreams.from_settings(gateway_settings(app.state.settings), transport=Upstream())
    app.state.upstreams = upstreams
    try:
        assert (await get("/api/v1/dashboard?year=2020")).status_code == 200
        asked = len(services.asked)
        assert (await get("/api/v1/dashboard?year=2020")).status_code == 200
        assert len(services.asked) == asked  # all three from the cache

        written = await client.post(
            "/api/v1/assistance/households", json={}, headers=tokens.headers("city_officer")
        )
        assert written.status_code == 201
        assert (await get("/api/v1/dashboard?year=2020")).status_code == 200
        again = services.asked[asked:]
        assert [s for s, _, _ in again] == ["assistance"]
    finally:
        await upstreams.aclose()


async def test_a_township_officer_sees_only_their_townships(get: Get, services: Services) -> None:
    mine = await get(
        "/api/v1/dashboard?year=2020", "township_officer", area_codes=[TOWNSHIP, OTHER_TOWNSHIP]
    )
    assert mine.status_code == 200, mine.text
    assert mine.json()["area_codes"] == [TOWNSHIP, OTHER_TOWNSHIP]
    assert {i["area_code"] for i in mine.json()["indicators"]} == {TOWNSHIP, OTHER_TOWNSHIP}
    assert {a for _, _, a in services.asked} == {TOWNSHIP, OTHER_TOWNSHIP}
    assert by_key(mine.json(), TOWNSHIP)["assistance.rural_dibao.households"]["value"] == 344

    one = await get(
        f"/api/v1/dashboard?year=2020&area_code={TOWNSHIP}", "township_officer",
        area_codes=[TOWNSHIP],
    )  # fmt: skip
    assert one.status_code == 200
    assert one.json()["area_codes"] == [TOWNSHIP]

    for area in ("429006", OTHER_TOWNSHIP):
        outside = await get(
            f"/api/v1/dashboard?year=2020&area_code={area}", "township_officer",
            area_codes=[TOWNSHIP],
        )  # fmt: skip
        assert outside.status_code == 404, outside.text
        assert outside.json()["code"] == "GATEWAY_DASHBOARD_AREA_NOT_FOUND"


async def test_without_a_token_or_the_scope_no_dashboard(
    client: httpx.AsyncClient, get: Get, services: Services
) -> None:
    assert (await client.get("/api/v1/dashboard?year=2020")).status_code == 401
    assert (await get("/api/v1/dashboard?year=2020", "integrator")).status_code == 403
    allowed = await get("/api/v1/dashboard?year=2020", "integrator", scopes=["dashboard:read"])
    assert allowed.status_code == 200
    assert (await get("/api/v1/dashboard?year=2020", "auditor")).status_code == 200


# --- The annual report -----------------------------------------------------------------

FIGURES_IN_REPORT = (
    "2.68亿元",
    "17344户34015人",
    "5400元/人·年",
    "12.5%",
    "19.42万人",
    "401.4142万小时",
)


async def test_the_report_in_markdown_html_and_docx_carries_the_figures(
    get: Get, client: httpx.AsyncClient, tokens: Tokens, services: Services
) -> None:
    md = await get("/api/v1/reports/annual?year=2020")
    assert md.status_code == 200, md.text
    assert md.headers["content-type"].startswith("text/markdown")
    assert "（一）基本民生保障更加有力" in md.text
    assert "（数据暂缺）" not in md.text.replace("显示为“（数据暂缺）”", "")
    for figure in FIGURES_IN_REPORT:
        assert figure in md.text, figure
    assert "1735.1万元" in md.text  # the two disability subsidies added up

    page = await client.get(
        "/api/v1/reports/annual?year=2020",
        headers={**tokens.headers("city_officer"), "Accept": "text/html"},
    )
    assert page.headers["content-type"].startswith("text/html")
    assert "<h3>（二）基层社会治理基础更加夯实</h3>" in page.text
    for figure in FIGURES_IN_REPORT:
        assert figure in page.text, figure

    word = await get("/api/v1/reports/annual?year=2020&format=docx")
    assert word.status_code == 200
    assert word.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "（三）基本社会服务体系不断完善" in text
    for figure in FIGURES_IN_REPORT:
        assert figure in text, figure


async def test_the_report_names_a_degraded_service_and_its_figures_are_missing(
    get: Get, services: Services
) -> None:
    services.down.add("governance")
    md = await get("/api/v1/reports/annual?year=2020")
    assert md.status_code == 200
    assert "基层治理服务（governance）" in md.text
    assert "注册志愿者（数据暂缺）万人" in md.text
    assert "17344户34015人" in md.text


async def test_an_unacceptable_accept_is_406_and_an_unknown_format_name_422(
    client: httpx.AsyncClient, tokens: Tokens, get: Get, services: Services
) -> None:
    pdf = await client.get(
        "/api/v1/reports/annual?year=2020",
        headers={**tokens.headers("city_officer"), "Accept": "application/pdf"},
    )
    assert pdf.status_code == 406
    assert pdf.headers["content-type"].startswith("application/problem+json")
    assert pdf.json()["code"] == "GATEWAY_REPORT_FORMAT_NOT_ACCEPTABLE"
    named = await get("/api/v1/reports/annual?year=2020&format=pdf")
    assert named.status_code == 422
    assert [error["field"] for error in named.json()["errors"]] == ["format"]
