"""Orphans: the allowance by year and kind, ending at 18, the standards' growth, one case a
month per child, and what a monthly run pays."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import AppError
from civil_shared.testing.factories import make_id_number
from civil_shared.types import Period
from civil_welfare.children.orphans.payable import (
    institution_payable_lines,
    scattered_payable_lines,
)
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.db import AuditEvent

URL = "/api/v1/orphans"
UNSUPPORTED = "/api/v1/unsupported-children"
PARAMETERS = "/api/v1/parameters"
DUOBAO = "429006100"
VILLAGE = "429006100201"
ZHANGGANG_VILLAGE = "429006102201"
GUARDIAN = {"name": "刘奶奶", "relation": "grandparent", "phone": "13807280002"}


def orphan(birth: date = date(2010, 5, 6), **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "刘小军",
        "area_code": VILLAGE,
        "kind": "scattered",
        "father_state": "dead",
        "mother_state": "missing",
        "guardian": GUARDIAN,
        "assessed_date": "2020-02-10",
        "start_period": "2020-03",
        **extra,
    }


def unsupported(id_number: str, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": id_number,
        "name": "刘小军",
        "area_code": VILLAGE,
        "father": {"state": "imprisoned"},
        "mother": {"state": "dead"},
        "guardian": GUARDIAN,
        "assessed_date": "2020-02-10",
        "start_period": "2020-03",
        **extra,
    }


def officer(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def create(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any] | None = None
) -> httpx.Response:
    return await client.post(URL, json=body or orphan(), headers=officer(tokens))


async def set_parameter(
    client: httpx.AsyncClient, tokens: Tokens, key: str, year: int, value: str, area: str = "429006"
) -> None:
    response = await client.post(
        PARAMETERS,
        json={
            "key": key,
            "year": year,
            "area_code": area,
            "value": value,
            "effective_date": f"{year}-01-01",
        },
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 201, response.text


async def lines(session: AsyncSession, query: Any) -> dict[str, Decimal]:
    rows = (await session.execute(query)).all()
    return {row.payee_name: row.amount for row in rows}


async def test_an_orphan_is_paid_until_the_month_of_the_18th_birthday(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens, orphan(birth=date(2002, 7, 15)))
    assert created.status_code == 201
    out = created.json()
    assert (out["start_period"], out["end_period"], out["turns_18_period"]) == (
        "2020-03",
        "2020-07",
        "2020-07",
    )
    assert out["scheme"] == "orphan"
    assert out["guardian"]["name"] == "刘奶奶"
    assert out["monthly_allowance"] is None  # not paid this month: the case ended in 2020


async def test_the_child_must_be_a_minor_when_assessed(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    adult = await create(
        client, tokens, orphan(birth=date(2002, 2, 10), assessed_date="2020-02-10")
    )
    late_start = await create(
        client,
        tokens,
        orphan(birth=date(2002, 2, 11), assessed_date="2020-02-10", start_period="2020-03"),
    )
    last_month = await create(
        client,
        tokens,
        orphan(birth=date(2002, 2, 11), assessed_date="2020-02-10", start_period="2020-02"),
    )
    assert adult.status_code == 422
    assert adult.json()["code"] == "WELFARE_CHILD_NOT_MINOR"
    assert late_start.status_code == 422
    assert late_start.json()["code"] == "WELFARE_CHILD_NOT_MINOR"
    assert last_month.status_code == 201
    assert last_month.json()["end_period"] == "2020-02"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "institution"}, "body"),  # an institution must be named
        ({"institution_name": "天门市儿童福利院"}, "body"),  # scattered: no institution
        ({"guardian": None}, "body"),  # a scattered orphan needs a guardian
        ({"father_state": "imprisoned"}, "father_state"),  # an orphan's parents are gone
        ({"area_code": DUOBAO}, "area_code"),
        ({"start_period": "2020-13"}, "start_period"),
        ({"assessed_date": "2999-01-01"}, "assessed_date"),
    ],
)
async def test_invalid_orphans_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], field: str
) -> None:
    response = await create(client, tokens, {**orphan(), **change})
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_never_orphan_and_de_facto_unsupported_at_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = orphan()
    first = await create(client, tokens, body)
    number = body["id_number"]
    assert first.json()["id_number"] != number  # masked without pii:read

    as_unsupported = await client.post(
        UNSUPPORTED, json=unsupported(number), headers=officer(tokens)
    )
    twice = await create(client, tokens, orphan(id_number=number, start_period="2021-01"))

    assert as_unsupported.status_code == 409
    problem = as_unsupported.json()
    assert problem["code"] == "WELFARE_CHILD_ALREADY_SUPPORTED"
    assert problem["scheme"] == "orphan"
    assert problem["conflicting_case_id"] == first.json()["id"]
    assert number not in as_unsupported.text
    assert twice.status_code == 409
    assert twice.json()["code"] == "WELFARE_CHILD_ALREADY_SUPPORTED"

    # Ended after June 2021, the child may be supported from July 2021 on, not before.
    ended = await client.post(
        f"{URL}/{first.json()['id']}/status",
        json={
            "status": "ended",
            "reason": "scheme_changed",
            "end_period": "2021-06",
            "changed_date": "2021-06-20",
        },
        headers={**officer(tokens), "If-Match": first.headers["ETag"]},
    )
    overlapping = await client.post(
        UNSUPPORTED, json=unsupported(number, start_period="2021-06"), headers=officer(tokens)
    )
    following = await client.post(
        UNSUPPORTED, json=unsupported(number, start_period="2021-07"), headers=officer(tokens)
    )
    assert ended.status_code == 200
    assert ended.json()["end_period"] == "2021-06"
    assert overlapping.status_code == 409
    assert following.status_code == 201


async def test_the_database_keeps_one_case_a_month(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await create(client, tokens)
    case = await session.get(ChildSupportCase, created.json()["id"])
    assert case is not None
    session.add(
        ChildSupportCase(
            scheme="de_facto_unsupported",
            id_number=case.id_number,
            name=case.name,
            area_code=case.area_code,
            father_state="imprisoned",
            mother_state="dead",
            guardian_name="刘奶奶",
            guardian_relation="grandparent",
            assessed_date=date(2020, 2, 10),
            start_period=case.end_period,
            end_period=case.end_period,
        )
    )
    with pytest.raises(IntegrityError, match="ex_child_support_case_one_case_a_month"):
        await session.flush()


async def test_a_revoked_case_frees_the_months(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = orphan()
    first = await create(client, tokens, body)
    url = f"{URL}/{first.json()['id']}/status"
    headers = officer(tokens)
    no_note = await client.post(
        url,
        json={"status": "revoked", "changed_date": "2020-02-11"},
        headers={**headers, "If-Match": '"1"'},
    )
    revoked = await client.post(
        url,
        json={"status": "revoked", "changed_date": "2020-02-11", "note": "身份证号录入错误"},
        headers={**headers, "If-Match": '"1"'},
    )
    again = await create(client, tokens, body)
    ended = await client.post(
        url,
        json={
            "status": "ended",
            "reason": "adopted",
            "end_period": "2020-05",
            "changed_date": "2020-05-01",
        },
        headers={**headers, "If-Match": revoked.headers["ETag"]},
    )
    assert no_note.status_code == 422
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert again.status_code == 201
    assert ended.status_code == 409
    assert ended.json()["code"] == "WELFARE_CHILD_SUPPORT_INVALID_TRANSITION"
    assert ended.json()["allowed"] == []


async def test_ending_stays_within_the_cases_months(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens, orphan(birth=date(2005, 1, 20)))
    url = f"{URL}/{created.json()['id']}/status"
    headers = {**officer(tokens), "If-Match": created.headers["ETag"]}
    body = {"status": "ended", "reason": "adopted", "changed_date": "2021-01-05"}
    past_18 = await client.post(url, json={**body, "end_period": "2023-02"}, headers=headers)
    before_start = await client.post(url, json={**body, "end_period": "2020-02"}, headers=headers)
    missing = await client.post(url, json=body, headers=headers)
    assert created.json()["end_period"] == "2023-01"
    assert past_18.status_code == 422
    assert past_18.json()["code"] == "WELFARE_CHILD_PERIOD_INVALID"
    assert before_start.status_code == 422
    assert missing.status_code == 422


async def test_change_of_kind_and_institution(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await create(client, tokens)
    url = f"{URL}/{created.json()['id']}"
    headers = officer(tokens)
    unnamed = await client.patch(
        url, json={"kind": "institution"}, headers={**headers, "If-Match": '"1"'}
    )
    moved_in = await client.patch(
        url,
        json={"kind": "institution", "institution_name": "天门市儿童福利院"},
        headers={**headers, "If-Match": '"1"'},
    )
    stale = await client.patch(url, json={"name": "x"}, headers={**headers, "If-Match": '"1"'})
    listed = await client.get(URL, params={"kind": "institution"}, headers=headers)

    assert unnamed.status_code == 422
    assert unnamed.json()["code"] == "WELFARE_ORPHAN_INVALID"
    assert moved_in.status_code == 200
    assert (moved_in.json()["kind"], moved_in.json()["institution_name"]) == (
        "institution",
        "天门市儿童福利院",
    )
    assert stale.status_code == 412
    assert [o["id"] for o in listed.json()["items"]] == [created.json()["id"]]


async def test_township_officer_sees_only_its_orphans(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    inside = await create(client, tokens)
    outside = await create(client, tokens, orphan(area_code=ZHANGGANG_VILLAGE))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])
    listed = await client.get(URL, headers=duobao)
    hidden = await client.get(f"{URL}/{outside.json()['id']}", headers=duobao)
    refused = await client.post(URL, json=orphan(area_code=ZHANGGANG_VILLAGE), headers=duobao)
    auditor = await client.post(URL, json=orphan(), headers=tokens.headers("auditor"))

    assert [o["id"] for o in listed.json()["items"]] == [inside.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "WELFARE_ORPHAN_NOT_FOUND"
    assert refused.status_code == 403
    assert auditor.status_code == 403
    inserts = (
        await session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "child_support_case", AuditEvent.action == "insert"
            )
        )
    ).all()
    assert len(inserts) == 2


async def test_an_orphan_is_not_found_as_unsupported(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await create(client, tokens)
    response = await client.get(f"{UNSUPPORTED}/{created.json()['id']}", headers=officer(tokens))
    assert response.status_code == 404
    assert response.json()["code"] == "WELFARE_UNSUPPORTED_CHILD_NOT_FOUND"


async def test_standards_by_year_with_growth_and_the_institution_check(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_parameter(client, tokens, "orphan_scattered_allowance", 2021, "1330")
    await set_parameter(client, tokens, "orphan_institution_allowance", 2021, "2100")
    await set_parameter(client, tokens, "orphan_scattered_allowance", 2022, "1400")
    await set_parameter(client, tokens, "orphan_institution_allowance", 2022, "1400")
    response = await client.get(
        f"{URL}/standards", params={"to_year": 2023}, headers=tokens.headers("auditor")
    )
    body = response.json()
    years = {y["year"]: y for y in body["years"]}

    assert sorted(years) == [2020, 2021, 2022, 2023]
    assert (years[2020]["scattered"], years[2020]["institution"]) == ("1260.00", "2016.00")
    assert years[2020]["scattered_growth_pct"] is None
    assert years[2021]["scattered_growth_pct"] == "5.56"
    assert years[2021]["institution_growth_pct"] == "4.17"
    assert years[2021]["institution_above_scattered"] is True
    assert years[2022]["institution_above_scattered"] is False
    assert years[2023]["scattered"] == "1400.00"  # unchanged until set again
    assert years[2023]["scattered_growth_pct"] == "0.00"
    assert len(body["warnings"]) == 2  # 2022 and 2023
    assert "2022 年" in body["warnings"][0]


async def test_monthly_lines_for_both_kinds(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await create(client, tokens, orphan(name="散居甲"))
    in_care = await create(
        client,
        tokens,
        orphan(
            name="集中乙", kind="institution", institution_name="天门市儿童福利院", guardian=None
        ),
    )
    # Turns 18 on 15 July 2020: paid for July, not for August.
    await create(client, tokens, orphan(birth=date(2002, 7, 15), name="满十八"))
    await create(client, tokens, orphan(name="八月起", start_period="2020-08"))
    ended = await create(client, tokens, orphan(name="已终止"))
    await client.post(
        f"{URL}/{ended.json()['id']}/status",
        json={
            "status": "ended",
            "reason": "adopted",
            "end_period": "2020-07",
            "changed_date": "2020-07-20",
        },
        headers={**officer(tokens), "If-Match": ended.headers["ETag"]},
    )
    revoked = await create(client, tokens, orphan(name="已撤销"))
    await client.post(
        f"{URL}/{revoked.json()['id']}/status",
        json={"status": "revoked", "changed_date": "2020-03-01", "note": "误登记"},
        headers={**officer(tokens), "If-Match": revoked.headers["ETag"]},
    )
    # A township that sets its own, higher standard for 2020.
    await set_parameter(client, tokens, "orphan_scattered_allowance", 2020, "1300", "429006102")
    await create(client, tokens, orphan(name="张港丙", area_code=ZHANGGANG_VILLAGE))

    july = await lines(session, await scattered_payable_lines(session, Period("2020-07")))
    august = await lines(session, await scattered_payable_lines(session, Period("2020-08")))
    institution = await lines(session, await institution_payable_lines(session, Period("2020-08")))

    assert july == {
        "散居甲": Decimal("1260.00"),
        "满十八": Decimal("1260.00"),
        "已终止": Decimal("1260.00"),
        "张港丙": Decimal("1300.00"),
    }
    assert august == {
        "散居甲": Decimal("1260.00"),
        "八月起": Decimal("1260.00"),
        "张港丙": Decimal("1300.00"),
    }
    assert institution == {"集中乙": Decimal("2016.00")}
    row = (await session.execute(await institution_payable_lines(session, Period("2020-08")))).one()
    assert set(row._mapping) == {
        "source_id",
        "payee_id_number",
        "payee_name",
        "area_code",
        "amount",
    }
    assert str(row.source_id) == in_care.json()["id"]
    assert (row.payee_name, row.area_code) == ("集中乙", VILLAGE)
    assert len(row.payee_id_number) == 18
    assert "*" not in row.payee_id_number


async def test_a_run_refuses_standards_that_break_the_rule(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_parameter(client, tokens, "orphan_institution_allowance", 2021, "1200")
    with pytest.raises(AppError) as refused:
        await institution_payable_lines(session, Period("2021-01"))
    assert refused.value.code == "WELFARE_ORPHAN_STANDARDS_INCONSISTENT"
    # The scattered allowance is unaffected.
    await scattered_payable_lines(session, Period("2021-01"))


async def test_a_run_without_the_years_standard_is_refused(session: AsyncSession) -> None:
    with pytest.raises(AppError) as refused:
        await scattered_payable_lines(session, Period("2019-12"))
    assert refused.value.code == "WELFARE_PARAMETER_MISSING"
