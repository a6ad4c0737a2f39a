"""De facto unsupported children: qualification on the assessment day, no public notice,
the allowance topping up other support, one case a month with orphans, the monthly run."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import AppError
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period
from civil_welfare.children.unsupported.payable import payable_lines

URL = "/api/v1/unsupported-children"
DUOBAO = "429006100"
VILLAGE = "429006100201"
ZHANGGANG_VILLAGE = "429006102201"
GUARDIAN = {"name": "刘奶奶", "relation": "grandparent"}
LOST_15_JAN = {"state": "out_of_contact", "out_of_contact_since": "2020-01-15"}


def case(birth: date = date(2012, 9, 1), **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "陈小花",
        "area_code": VILLAGE,
        "father": {"state": "imprisoned"},
        "mother": {"state": "disabled", "disability_category": "mental", "disability_grade": 3},
        "guardian": GUARDIAN,
        "assessed_date": "2020-07-15",
        "start_period": "2020-08",
        **extra,
    }


def officer(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def create(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or case(), headers=officer(tokens))


async def test_a_qualifying_child_is_recorded_without_public_notice(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens)
    assert created.status_code == 201
    out = created.json()
    assert out["scheme"] == "de_facto_unsupported"
    assert out["status"] == "active"  # in force at once: no notice period
    assert out["qualification"]["outcome"] == "qualifies"
    assert out["qualification"]["father_unable"] is True
    assert out["qualification"]["mother_unable"] is True
    assert out["qualification"]["parent_missing_min_months"] == 6
    assert out["mother"]["disability_grade"] == 3
    assert out["end_period"] == "2030-09"
    assert out["monthly_allowance"] == "1260.00"  # 2020's standard still applies
    # The route's documentation says there is no public-notice step.
    spec = (await client.get("/openapi.json")).json()
    assert "不公示" in spec["paths"][URL]["post"]["description"]


async def test_exactly_six_months_out_of_contact_qualifies(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    father_dead_mother_lost: dict[str, Any] = {"father": {"state": "dead"}, "mother": LOST_15_JAN}
    on_the_day = await create(client, tokens, case(**father_dead_mother_lost))
    a_day_early = await create(
        client, tokens, case(**father_dead_mother_lost, assessed_date="2020-07-14")
    )
    assert on_the_day.status_code == 201
    assert on_the_day.json()["qualification"]["reasons"][1] == "母亲失联 6 个月（满 6 个月）"
    assert a_day_early.status_code == 422
    problem = a_day_early.json()
    assert problem["code"] == "WELFARE_UNSUPPORTED_CHILD_NOT_QUALIFIED"
    assert "母亲失联 5 个月（不满 6 个月）" in problem["reasons"]


async def test_the_months_out_of_contact_are_a_parameter(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await client.post(
        "/api/v1/parameters",
        json={
            "key": "parent_missing_min_months",
            "year": 2020,
            "area_code": DUOBAO,
            "value": "3",
            "effective_date": "2020-01-01",
        },
        headers=tokens.headers("admin"),
    )
    lost_since_april = {"state": "out_of_contact", "out_of_contact_since": "2020-04-15"}
    body: dict[str, Any] = {"father": {"state": "dead"}, "mother": lost_since_april}
    in_duobao = await create(client, tokens, case(**body))
    in_zhanggang = await create(client, tokens, case(**body, area_code=ZHANGGANG_VILLAGE))
    assert in_duobao.status_code == 201
    assert in_duobao.json()["qualification"]["parent_missing_min_months"] == 3
    assert in_zhanggang.status_code == 422


async def test_children_who_do_not_qualify_are_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    one_parent_cares = await create(
        client, tokens, case(father={"state": "imprisoned"}, mother={"state": "normal"})
    )
    orphan = await create(
        client, tokens, case(father={"state": "dead"}, mother={"state": "missing"})
    )
    mild = await create(
        client,
        tokens,
        case(
            mother={"state": "disabled", "disability_category": "physical", "disability_grade": 3}
        ),
    )
    assert one_parent_cares.status_code == 422
    assert one_parent_cares.json()["code"] == "WELFARE_UNSUPPORTED_CHILD_NOT_QUALIFIED"
    assert orphan.status_code == 422
    assert orphan.json()["code"] == "WELFARE_UNSUPPORTED_CHILD_IS_ORPHAN"
    assert mild.status_code == 422


@pytest.mark.parametrize(
    "parent",
    [
        {"state": "disabled"},  # needs category and grade
        {"state": "disabled", "disability_category": "mental", "disability_grade": 5},
        {"state": "out_of_contact"},  # needs the date
        {"state": "imprisoned", "out_of_contact_since": "2020-01-01"},
        {"state": "dead", "disability_category": "mental", "disability_grade": 1},
        {"state": "out_of_contact", "out_of_contact_since": "2999-01-01"},
    ],
)
async def test_a_parents_situation_is_consistent(
    client: httpx.AsyncClient, tokens: Tokens, parent: dict[str, Any]
) -> None:
    response = await create(client, tokens, case(mother=parent))
    assert response.status_code == 422
    assert any(e["field"].startswith("mother") for e in response.json()["errors"])


async def test_the_qualification_can_be_checked_without_recording(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = {"father": {"state": "detained"}, "mother": LOST_15_JAN, "on": "2020-07-15"}
    qualifies = await client.post(
        f"{URL}/qualification", json=body, headers=tokens.headers("auditor")
    )
    early = await client.post(
        f"{URL}/qualification", json={**body, "on": "2020-07-14"}, headers=tokens.headers("auditor")
    )
    listed = await client.get(URL, headers=officer(tokens))
    assert qualifies.json()["outcome"] == "qualifies"
    assert early.json()["outcome"] == "not_qualified"
    assert early.json()["mother_unable"] is False
    assert listed.json()["total"] == 0


async def test_the_allowance_tops_up_what_the_child_already_gets(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await create(client, tokens, case(name="无其他保障"))
    await create(
        client,
        tokens,
        case(name="有低保", other_support_monthly="350.00", other_support_note="农村低保"),
    )
    await create(client, tokens, case(name="差一分", other_support_monthly="1259.99"))
    await create(client, tokens, case(name="已足额", other_support_monthly="1260.00"))
    await create(client, tokens, case(name="特困更多", other_support_monthly="1500.00"))
    # Turns 18 on 20 August 2020: paid for August, not September.
    await create(client, tokens, case(birth=date(2002, 8, 20), name="八月满十八"))

    august = {
        row.payee_name: row.amount
        for row in (await session.execute(await payable_lines(session, Period("2020-08")))).all()
    }
    september = {
        row.payee_name
        for row in (await session.execute(await payable_lines(session, Period("2020-09")))).all()
    }
    july = (await session.execute(await payable_lines(session, Period("2020-07")))).all()

    assert august == {
        "无其他保障": Decimal("1260.00"),
        "有低保": Decimal("910.00"),
        "差一分": Decimal("0.01"),
        "八月满十八": Decimal("1260.00"),
    }
    assert september == {"无其他保障", "有低保", "差一分"}
    assert july == []  # before the first month


async def test_the_allowance_shown_is_never_negative(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens, case(other_support_monthly="1500.00"))
    assert created.json()["monthly_allowance"] == "0.00"


async def test_a_change_of_situation_is_qualified_again(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}"
    headers = officer(tokens)
    released = await client.patch(
        url, json={"father": {"state": "normal"}}, headers={**headers, "If-Match": '"1"'}
    )
    support = await client.patch(
        url,
        json={"other_support_monthly": "300.00", "other_support_note": "困难残疾人生活补贴"},
        headers={**headers, "If-Match": '"1"'},
    )
    died = await client.patch(
        url,
        json={"father": {"state": "dead"}, "assessed_date": "2020-09-01"},
        headers={**headers, "If-Match": support.headers["ETag"]},
    )
    assert released.status_code == 422
    assert released.json()["code"] == "WELFARE_UNSUPPORTED_CHILD_NOT_QUALIFIED"
    assert support.status_code == 200
    assert support.json()["monthly_allowance"] == "960.00"
    assert died.status_code == 200
    assert died.json()["qualification"]["reasons"][0] == "父亲死亡"


async def test_never_both_orphan_and_unsupported(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = case()
    first = await create(client, tokens, body)
    as_orphan = await client.post(
        "/api/v1/orphans",
        json={
            "id_number": body["id_number"],
            "name": "陈小花",
            "area_code": VILLAGE,
            "kind": "scattered",
            "father_state": "dead",
            "mother_state": "dead",
            "guardian": GUARDIAN,
            "assessed_date": "2021-03-01",
            "start_period": "2021-04",
        },
        headers=officer(tokens),
    )
    assert as_orphan.status_code == 409
    assert as_orphan.json()["code"] == "WELFARE_CHILD_ALREADY_SUPPORTED"
    assert as_orphan.json()["scheme"] == "de_facto_unsupported"
    assert as_orphan.json()["conflicting_case_id"] == first.json()["id"]


async def test_scoping_masking_and_search(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = case(name="陈小花")
    inside = (await create(client, tokens, body)).json()
    outside = (
        await create(client, tokens, case(area_code=ZHANGGANG_VILLAGE, name="周小宝"))
    ).json()
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    listed = await client.get(URL, headers=duobao)
    hidden = await client.get(f"{URL}/{outside['id']}", headers=duobao)
    hidden_end = await client.post(
        f"{URL}/{outside['id']}/status",
        json={"status": "revoked", "changed_date": "2020-08-01", "note": "误登记"},
        headers={**duobao, "If-Match": '"1"'},
    )
    by_number = await client.get(URL, params={"q": body["id_number"]}, headers=officer(tokens))
    paid_in_august = await client.get(URL, params={"period": "2020-08"}, headers=officer(tokens))
    paid_in_july = await client.get(URL, params={"period": "2020-07"}, headers=officer(tokens))

    assert [c["id"] for c in listed.json()["items"]] == [inside["id"]]
    assert hidden.status_code == 404
    assert hidden_end.status_code == 404
    assert inside["id_number"] != body["id_number"]
    assert inside["id_number"].endswith(body["id_number"][-4:])
    assert [c["name"] for c in by_number.json()["items"]] == ["陈小花"]
    assert paid_in_august.json()["total"] == 2
    assert paid_in_july.json()["total"] == 0


async def test_a_run_without_the_years_standard_is_refused(session: AsyncSession) -> None:
    with pytest.raises(AppError) as refused:
        await payable_lines(session, Period("2019-06"))
    assert refused.value.code == "WELFARE_PARAMETER_MISSING"
