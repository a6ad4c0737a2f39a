"""Helper ledger: one active helper per beneficiary, ending, visits, scoping, the count."""

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.helper_ledger.models import HelperAssignment
from civil_assistance.helper_ledger.repository import HelperLedgerRepository, helper_ledger_stats
from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
URL = "/api/v1/helper-ledger/assignments"


def assignment(**extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number()),
        "name": "李四",
        "area_code": DUOBAO_VILLAGE,
        "reason": "severely_disabled",
        "helper_name": "王五",
        "helper_phone": "13800000000",
        "helper_role": "village_cadre",
        "helper_relation": "村委会主任",
        "start_date": "2020-03-01",
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def assign(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def end(
    client: httpx.AsyncClient, tokens: Tokens, assignment_id: str, end_date: str = "2020-09-01"
) -> httpx.Response:
    return await client.post(
        f"{URL}/{assignment_id}/end",
        json={"end_date": end_date, "reason": "更换帮扶人"},
        headers=city(tokens),
    )


async def test_a_beneficiary_has_one_active_helper(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = assignment()
    first = await assign(client, tokens, body)
    second = await assign(client, tokens, {**body, "helper_name": "赵六"})

    assert first.status_code == 201
    assert first.json()["active"] is True
    assert first.json()["has_phone"] is False
    assert first.json()["visits"] == []
    assert first.headers["etag"] == '"1"'
    assert second.status_code == 409
    assert second.json()["code"] == "ASSISTANCE_HELPER_ASSIGNMENT_EXISTS"
    assert second.json()["conflicting_assignment_id"] == first.json()["id"]


async def test_ending_an_assignment_frees_the_beneficiary_for_a_new_helper(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = assignment()
    first = await assign(client, tokens, body)
    ended = await end(client, tokens, first.json()["id"])
    again = await end(client, tokens, first.json()["id"])
    replacement = await assign(client, tokens, {**body, "start_date": "2020-09-01"})

    assert ended.status_code == 200
    assert ended.json()["active"] is False
    assert ended.json()["end_date"] == "2020-09-01"
    assert ended.json()["end_reason"] == "更换帮扶人"
    assert again.status_code == 409
    assert again.json()["code"] == "ASSISTANCE_HELPER_ASSIGNMENT_ENDED"
    assert replacement.status_code == 201
    rows = await session.scalar(
        select(func.count())
        .select_from(HelperAssignment)
        .where(HelperAssignment.id_number == body["id_number"])
    )
    assert rows == 2


async def test_the_database_holds_the_one_active_rule_in_a_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = assignment()
    await assign(client, tokens, body)

    async def nobody(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(HelperLedgerRepository, "active_for", nobody)
    raced = await assign(client, tokens, body)

    assert raced.status_code == 409
    assert raced.json()["code"] == "ASSISTANCE_HELPER_ASSIGNMENT_EXISTS"


async def test_an_end_before_the_start_or_a_stale_version_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await assign(client, tokens, assignment())
    url = f"{URL}/{created.json()['id']}/end"
    too_early = await end(client, tokens, created.json()["id"], "2020-02-28")
    stale = await client.post(
        url,
        json={"end_date": "2020-09-01", "reason": "对象死亡"},
        headers={**city(tokens), "If-Match": '"5"'},
    )
    fresh = await client.post(
        url,
        json={"end_date": "2020-09-01", "reason": "对象死亡"},
        headers={**city(tokens), "If-Match": created.headers["etag"]},
    )

    assert too_early.status_code == 422
    assert too_early.json()["code"] == "ASSISTANCE_HELPER_END_DATE"
    assert stale.status_code == 412
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"2"'


async def test_visits_are_logged_within_the_assignment(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await assign(client, tokens, assignment())
    assignment_id = created.json()["id"]
    visits = f"{URL}/{assignment_id}/visits"

    first = await client.post(
        visits,
        json={"visit_date": "2020-04-01", "findings": "身体状况稳定，生活用品充足"},
        headers=city(tokens),
    )
    second = await client.post(
        visits,
        json={"visit_date": "2020-05-01", "findings": "需要轮椅", "follow_up": "联系残联"},
        headers=city(tokens),
    )
    before_start = await client.post(
        visits, json={"visit_date": "2020-02-01", "findings": "走访"}, headers=city(tokens)
    )
    await end(client, tokens, assignment_id, "2020-06-01")
    after_end = await client.post(
        visits, json={"visit_date": "2020-06-01", "findings": "走访"}, headers=city(tokens)
    )
    listed = await client.get(visits, headers=city(tokens))
    detail = await client.get(f"{URL}/{assignment_id}", headers=city(tokens))

    assert first.status_code == second.status_code == 201
    assert second.json()["follow_up"] == "联系残联"
    assert second.json()["recorded_by"] == "test-city_officer"
    assert before_start.status_code == after_end.status_code == 422
    assert before_start.json()["code"] == "ASSISTANCE_HELPER_VISIT_DATE"
    assert listed.json()["total"] == 2
    assert [v["visit_date"] for v in listed.json()["items"]] == ["2020-05-01", "2020-04-01"]
    assert detail.json()["last_visit_date"] == "2020-05-01"
    assert [v["id"] for v in detail.json()["visits"]] == [second.json()["id"], first.json()["id"]]


async def test_lists_filter_and_show_the_last_visit(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = assignment()
    visited = await assign(client, tokens, person)
    await client.post(
        f"{URL}/{visited.json()['id']}/visits",
        json={"visit_date": "2020-04-01", "findings": "正常"},
        headers=city(tokens),
    )
    tekun = await assign(client, tokens, assignment(reason="dispersed_tekun"))
    ended = await assign(client, tokens, assignment(area_code=TUOSHI_VILLAGE))
    await end(client, tokens, ended.json()["id"])

    everyone = await client.get(URL, headers=city(tokens))
    active = await client.get(URL, params={"active": True}, headers=city(tokens))
    by_reason = await client.get(URL, params={"reason": "dispersed_tekun"}, headers=city(tokens))
    by_person = await client.get(
        URL,
        params={"id_number": person["id_number"]},
        headers=tokens.headers("city_officer", scopes=["pii:read"]),
    )

    assert everyone.json()["total"] == 3
    last_visits = {a["id"]: a["last_visit_date"] for a in everyone.json()["items"]}
    assert last_visits[visited.json()["id"]] == "2020-04-01"
    assert last_visits[tekun.json()["id"]] is None
    assert active.json()["total"] == 2
    assert [a["id"] for a in by_reason.json()["items"]] == [tekun.json()["id"]]
    assert [a["id"] for a in by_person.json()["items"]] == [visited.json()["id"]]


async def test_township_officers_see_only_their_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = await assign(client, tokens, assignment())
    outside = await assign(client, tokens, assignment(area_code=TUOSHI_VILLAGE))
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=officer)
    hidden = await client.get(f"{URL}/{outside.json()['id']}", headers=officer)
    hidden_visits = await client.get(f"{URL}/{outside.json()['id']}/visits", headers=officer)
    visit_hidden = await client.post(
        f"{URL}/{outside.json()['id']}/visits",
        json={"visit_date": "2020-04-01", "findings": "走访"},
        headers=officer,
    )
    created_outside = await client.post(
        URL, json=assignment(area_code=TUOSHI_VILLAGE), headers=officer
    )
    created_inside = await client.post(URL, json=assignment(), headers=officer)

    assert [a["id"] for a in listed.json()["items"]] == [inside.json()["id"]]
    assert hidden.status_code == hidden_visits.status_code == visit_hidden.status_code == 404
    assert created_outside.status_code == 403
    assert created_inside.status_code == 201


async def test_an_auditor_reads_but_never_writes(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await assign(client, tokens, assignment())
    auditor = tokens.headers("auditor")
    assignment_id = created.json()["id"]

    new = await client.post(URL, json=assignment(), headers=auditor)
    visit = await client.post(
        f"{URL}/{assignment_id}/visits",
        json={"visit_date": "2020-04-01", "findings": "走访"},
        headers=auditor,
    )
    ended = await client.post(
        f"{URL}/{assignment_id}/end",
        json={"end_date": "2020-05-01", "reason": "死亡"},
        headers=auditor,
    )
    read = await client.get(f"{URL}/{assignment_id}", headers=auditor)

    assert [new.status_code, visit.status_code, ended.status_code] == [403, 403, 403]
    assert read.status_code == 200
    number = created.json()["id_number"]
    assert "*" * 8 in number  # masked for a caller without pii:read


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"helper_phone": "12345"}, "helper_phone"),
        ({"reason": "other"}, "须说明原因"),
        ({"area_code": "429006"}, "area_code"),
        ({"start_date": "2999-01-01"}, "start_date"),
    ],
)
async def test_bad_assignments_are_422(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], problem: str
) -> None:
    response = await assign(client, tokens, assignment(**change))

    assert response.status_code == 422
    assert problem in response.text


async def test_the_ledger_count_is_the_active_assignments_at_the_end_of_the_year(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await assign(client, tokens, assignment())
    await assign(client, tokens, assignment(start_date="2019-06-01"))
    await assign(client, tokens, assignment(area_code=TUOSHI_VILLAGE))
    ended_in_year = await assign(client, tokens, assignment(area_code=TUOSHI_VILLAGE))
    await end(client, tokens, ended_in_year.json()["id"], "2020-10-01")
    ended_later = await assign(client, tokens, assignment())
    await end(client, tokens, ended_later.json()["id"], "2021-02-01")
    await assign(client, tokens, assignment(start_date="2021-01-05"))

    in_2020 = await helper_ledger_stats(session, 2020)
    in_2019 = await helper_ledger_stats(session, 2019)
    duobao = await helper_ledger_stats(session, 2020, DUOBAO)

    assert in_2020.active == 4
    assert {t.area_code: t.count for t in in_2020.by_township} == {DUOBAO: 3, "429006101": 1}
    assert (in_2019.active, str(in_2019.on)) == (1, "2019-12-31")
    assert (duobao.active, len(duobao.by_township)) == (3, 1)
