"""Many persons' subsidy applications decided at once from a file, against the database,
with the assistance service stubbed at the HTTP layer (one batched question a file)."""

import csv
import io
import json
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.clients.assistance import AssistanceClient
from civil_shared.testing.factories import make_id_number
from civil_welfare.config import WelfareSettings
from civil_welfare.db import AuditEvent
from civil_welfare.disability.models import (
    DisabilitySubsidyApplication,
    DisabilitySubsidyDecision,
    DisabilitySubsidyGrant,
    DisabledPerson,
)

from .test_disability import (
    FAST,
    GRANTS,
    OTHER_TOWNSHIP_VILLAGE,
    THIS_MONTH,
    URL,
    AssistanceStub,
    apply,
    orphan_case,
    register,
)

IMPORT = "/api/v1/disability-subsidy-applications/import"
DUOBAO = "429006100"
BATCH_PATH = "/internal/v1/persons/statuses"


class BatchStub(AssistanceStub):
    """Also answers ``POST /internal/v1/persons/statuses`` from the same facts."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != BATCH_PATH:
            return super().__call__(request)
        self.requests.append(request)
        if self.failure is not None:
            return self.failure()
        asked = json.loads(request.content)
        statuses = []
        for id_number in asked["id_numbers"]:
            single = super().__call__(
                httpx.Request(
                    "GET",
                    f"http://assistance.test/internal/v1/persons/{id_number}/status",
                    params={"on": asked["on"]},
                )
            )
            self.requests.pop()
            statuses.append(single.json())
        return httpx.Response(200, json={"statuses": statuses})

    @property
    def batches(self) -> int:
        return sum(1 for r in self.requests if r.url.path == BATCH_PATH)


@pytest.fixture
def assistance(app: FastAPI) -> BatchStub:
    stub = BatchStub()
    settings = WelfareSettings(service_token="welfare-service-token")
    app.state.assistance = AssistanceClient.create(
        "assistance",
        "http://assistance.test",
        settings,
        transport=httpx.MockTransport(stub),
        retry=FAST,
    )
    return stub


def a_file(rows: list[dict[str, str]]) -> dict[str, Any]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
    writer.writeheader()
    writer.writerows(rows)
    return {"file": ("applications.csv", buffer.getvalue().encode(), "text/csv")}


async def upload(
    client: httpx.AsyncClient,
    tokens: Tokens,
    rows: list[dict[str, str]],
    role: str = "city_officer",
    **token: Any,
) -> httpx.Response:
    return await client.post(IMPORT, files=a_file(rows), headers=tokens.headers(role, **token))


def row(person: dict[str, Any], subsidies: str = "两项", **cells: str) -> dict[str, str]:
    return {
        "身份证号": person["id_number"],
        "申请补贴": subsidies,
        "起始发放月份": THIS_MONTH,
        **cells,
    }


async def people(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub
) -> list[dict[str, Any]]:
    """A dibao member of grade 1 (both subsidies), one of grade 4 (the living one), one
    outside dibao of grade 2 (the care one)."""
    both = await register(client, tokens, grade=1)
    living = await register(client, tokens, grade=4, care_need_since=None)
    care = await register(client, tokens, grade=2)
    assistance.set(both["id_number"], in_dibao=True, programmes=["rural_dibao"])
    assistance.set(living["id_number"], in_dibao=True, programmes=["urban_dibao"])
    return [both, living, care]


async def grant_count(session: AsyncSession) -> int:
    return len((await session.scalars(select(DisabilitySubsidyGrant.id))).all())


async def test_a_good_file_grants_every_row_and_the_grants_are_listed_and_counted(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    both, living, care = await people(client, tokens, assistance)

    response = await upload(
        client,
        tokens,
        [row(both), row(living, "生活补贴", 姓名=living["name"]), row(care, "护理补贴")],
    )

    assert response.status_code == 201, response.text
    assert response.json() | {"encoding": None} == {
        "rows": 3,
        "format": "csv",
        "encoding": None,
        "living_grants": 2,
        "care_grants": 2,
    }
    assert assistance.batches == 1  # one question for the whole file
    listed = await client.get(
        GRANTS, params={"area_code": DUOBAO}, headers=tokens.headers("city_officer")
    )
    granted = {(g["person_id"], g["subsidy"], g["start_period"]) for g in listed.json()["items"]}
    assert granted == {
        (both["id"], "living", THIS_MONTH),
        (both["id"], "care", THIS_MONTH),
        (living["id"], "living", THIS_MONTH),
        (care["id"], "care", THIS_MONTH),
    }
    person = await client.get(f"{URL}/{both['id']}", headers=tokens.headers("city_officer"))
    assert person.json()["active_subsidies"] == ["living", "care"]
    figures = await client.get(
        "/internal/v1/stats",
        params={"year": date.today().year, "area_code": DUOBAO},
        headers=tokens.headers("service", scopes=["internal"]),
    )
    assert figures.status_code == 200, figures.text
    assert figures.json()["disability_living_subsidy_persons"] == 2
    assert figures.json()["disability_care_subsidy_persons"] == 2
    audit = await session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "disability_subsidy_application", AuditEvent.action == "bulk"
        )
    )
    events = audit.all()
    assert [(e.new_values or {}).get("granted") for e in events] == [{"living": 2, "care": 2}]
    assert events[0].actor == "test-city_officer"


async def test_the_file_writes_exactly_what_one_application_a_person_writes(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    """Twin persons (same facts), one decided by the single-person API, one by the file:
    their applications, decisions and grants are the same but for ids and the person."""
    facts: list[tuple[dict[str, Any], dict[str, Any], str]] = [
        ({"grade": 1}, {"in_dibao": True, "programmes": ["rural_dibao"]}, "两项"),
        (
            {"grade": 3, "care_need_since": None, "category": "mental"},
            {"in_dibao": True, "household_edge_of_dibao": False, "household_id": "h1"},
            "生活补贴",
        ),
        ({"grade": 2}, {"household_edge_of_dibao": True, "household_id": "h2"}, "护理补贴"),
    ]
    twins: list[tuple[dict[str, Any], dict[str, Any]]] = []
    file_rows = []
    for person_kwargs, assistance_facts, subsidies in facts:
        single = await register(client, tokens, **person_kwargs)
        bulk = await register(client, tokens, **person_kwargs)
        for one in (single, bulk):
            assistance.set(one["id_number"], **dict(assistance_facts))
        wanted = {"两项": ["living", "care"], "生活补贴": ["living"], "护理补贴": ["care"]}
        decided = await apply(
            client, tokens, single["id"], subsidies=wanted[subsidies], start_period="2020-01",
            role="admin", sub="test-admin",
        )  # fmt: skip
        assert decided.status_code == 201, decided.text
        twins.append((single, bulk))
        file_rows.append(row(bulk, subsidies, 起始发放月份="2020-01", 备注="补录"))
    # The single path's notes are none; the file's are "补录": set equal for the comparison.
    await session.execute(
        DisabilitySubsidyApplication.__table__.update().values(notes="补录")  # type: ignore[attr-defined]
    )
    await session.commit()

    response = await upload(client, tokens, file_rows, "admin", sub="test-admin")
    assert response.status_code == 201, response.text

    async def records(person_id: str) -> dict[str, Any]:
        application = (
            (
                await session.execute(
                    select(DisabilitySubsidyApplication.__table__).where(
                        DisabilitySubsidyApplication.person_id == person_id
                    )
                )
            )
            .one()
            ._asdict()
        )
        decisions = (
            await session.execute(
                select(DisabilitySubsidyDecision.__table__).where(
                    DisabilitySubsidyDecision.application_id == application["id"]
                )
            )
        ).all()
        grants = (
            await session.execute(
                select(DisabilitySubsidyGrant.__table__).where(
                    DisabilitySubsidyGrant.person_id == person_id
                )
            )
        ).all()
        unrelated = {"id", "person_id", "application_id", "grant_id", "created_at", "updated_at"}

        def kept(values: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in values.items() if k not in unrelated}

        return {
            "application": kept(application),
            "decisions": sorted((kept(d._asdict()) for d in decisions), key=str),
            "grants": sorted((kept(g._asdict()) for g in grants), key=str),
        }

    async def api_view(person_id: str) -> Any:
        headers = tokens.headers("city_officer")
        applications = await client.get(f"{URL}/{person_id}/subsidy-applications", headers=headers)
        grants = await client.get(GRANTS, params={"person_id": person_id}, headers=headers)
        person = await client.get(f"{URL}/{person_id}", headers=headers)
        drop = {"id", "person_id", "grant_id", "id_number"}
        return (
            [
                {k: v for k, v in a.items() if k not in drop}
                | {"decisions": [{k: v for k, v in d.items() if k not in drop}
                                 for d in a["decisions"]]}
                for a in applications.json()["items"]
            ],
            sorted(
                (g["subsidy"], g["start_period"], g["end_period"], g["status"], g["version"])
                for g in grants.json()["items"]
            ),
            person.json()["active_subsidies"],
        )  # fmt: skip

    for single, bulk in twins:
        assert await records(bulk["id"]) == await records(single["id"])
        assert await api_view(bulk["id"]) == await api_view(single["id"])
    wanted_grants = {("living", 2), ("care", 2)}
    kinds = await session.execute(
        select(DisabilitySubsidyGrant.subsidy, DisabilitySubsidyGrant.id).where(
            DisabilitySubsidyGrant.person_id.in_([bulk["id"] for _, bulk in twins])
        )
    )
    counted: dict[str, int] = {}
    for subsidy, _ in kinds:
        counted[subsidy] = counted.get(subsidy, 0) + 1
    assert set(counted.items()) == wanted_grants


async def test_one_ineligible_row_rejects_the_whole_file_with_its_reasons(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    both, living, care = await people(client, tokens, assistance)
    tekun = await register(client, tokens, grade=1)
    assistance.set(tekun["id_number"], in_tekun=True, programmes=["rural_tekun"])

    response = await upload(
        client, tokens, [row(both), row(care, "两项"), row(living), row(tekun, "护理补贴")]
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "WELFARE_DISABILITY_SUBSIDY_IMPORT_INVALID"
    assert problem["error_count"] == 3
    by_row = {(p["row"], p["message"]) for p in problem["report"]}
    assert (3, "不符合困难残疾人生活补贴条件：家庭未享受最低生活保障") in by_row
    assert any(r == 4 and "残疾类别和等级不在护理补贴范围内" in m for r, m in by_row)
    assert any(r == 5 and "本人享受特困人员救助供养" in m for r, m in by_row)
    assert await grant_count(session) == 0
    assert (await session.scalars(select(DisabilitySubsidyApplication.id))).all() == []


async def test_invalid_rows_are_reported_without_asking_assistance(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    both, living, care = await people(client, tokens, assistance)
    granted = await apply(client, tokens, care["id"], subsidies=["care"])
    assert granted.status_code == 201
    stranger = str(make_id_number(birth_date=date(1980, 1, 1)))
    late = await register(client, tokens, grade=2)

    response = await upload(
        client,
        tokens,
        [
            row(both, "生活", 起始发放月份="2020-13"),
            {"身份证号": stranger, "申请补贴": "两项", "起始发放月份": THIS_MONTH},
            row(care, "护理补贴"),
            row(living, 姓名="别人"),
            row(both),
            row(late, 起始发放月份="2020-01"),
        ],
    )

    assert response.status_code == 422, response.text
    report = {(p["row"], p["field"]) for p in response.json()["report"]}
    assert report >= {
        (2, "subsidies"),
        (2, "start_period"),
        (3, "id_number"),
        (4, "subsidies"),
        (5, "name"),
        (7, "start_period"),
    }
    assert assistance.batches == 0
    assert await grant_count(session) == 1  # the one granted before


async def test_when_assistance_cannot_answer_nothing_is_decided(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    both, living, care = await people(client, tokens, assistance)

    def unreachable() -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    assistance.failure = unreachable
    response = await upload(
        client, tokens, [row(both), row(living, "生活补贴"), row(care, "护理补贴")]
    )

    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "WELFARE_ASSISTANCE_UNAVAILABLE"
    assert "无法连接救助服务" in response.json()["detail"]
    assert response.headers["Retry-After"] == "30"
    assert await grant_count(session) == 0
    assert (await session.scalars(select(DisabilitySubsidyApplication.id))).all() == []


async def test_auditors_may_not_and_officers_decide_only_in_their_areas(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    both, living, care = await people(client, tokens, assistance)
    elsewhere = await register(client, tokens, grade=1, area_code=OTHER_TOWNSHIP_VILLAGE)
    rows = [row(both), row(living, "生活补贴"), row(care, "护理补贴")]

    auditor = await upload(client, tokens, rows, "auditor")
    outside = await upload(
        client, tokens, [*rows, row(elsewhere, "护理补贴")], "township_officer",
        area_codes=[DUOBAO],
    )  # fmt: skip
    inside = await upload(client, tokens, rows, "township_officer", area_codes=[DUOBAO])

    assert auditor.status_code == 403
    assert outside.status_code == 422, outside.text
    assert [(p["row"], p["message"]) for p in outside.json()["report"]] == [
        (5, "残疾人名册中没有此人，或此人不在您负责的区域内")
    ]
    assert inside.status_code == 201, inside.text
    assert inside.json()["rows"] == 3
    stored = await session.scalars(
        select(DisabledPerson.area_code)
        .join(DisabilitySubsidyGrant, DisabilitySubsidyGrant.person_id == DisabledPerson.id)
        .distinct()
    )
    assert stored.all() == [both["area_code"]]


async def test_an_orphan_gets_no_living_subsidy_from_a_file_either(
    client: httpx.AsyncClient, tokens: Tokens, assistance: BatchStub, session: AsyncSession
) -> None:
    child_number = str(make_id_number(birth_date=date(date.today().year - 10, 3, 1)))
    child = await register(client, tokens, grade=1, id_number=child_number)
    assistance.set(child_number, in_dibao=True, programmes=["rural_dibao"])
    await orphan_case(session, child_number, end_period=f"{date.today().year + 8}-03")

    refused = await upload(client, tokens, [row(child)])
    care_only = await upload(client, tokens, [row(child, "护理补贴")])

    assert refused.status_code == 422
    assert "已纳入孤儿基本生活保障" in refused.json()["report"][0]["message"]
    assert care_only.status_code == 201, care_only.text
    application = await session.scalar(select(DisabilitySubsidyApplication))
    assert application is not None
    assert application.in_orphan_scheme is True


async def test_the_template_names_the_columns(client: httpx.AsyncClient, tokens: Tokens) -> None:
    template = await client.get(
        f"{IMPORT}/template", params={"format": "csv"}, headers=tokens.headers("auditor")
    )
    assert template.status_code == 200
    assert template.content.decode("utf-8-sig").splitlines()[0].startswith("身份证号,姓名,申请补贴")
