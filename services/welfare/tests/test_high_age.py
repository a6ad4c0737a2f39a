"""High-age allowance: registration refused below the first tier, the preview, status
changes with the last month paid, scoping; the monthly lines computed in SQL."""

import random
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import AppError
from civil_shared.testing.factories import make_id_number
from civil_shared.types import IdNumber, Period
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.high_age.payable import payable_lines
from civil_welfare.high_age.tiers import Tiers, assess

URL = "/api/v1/high-age-allowances"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
AMOUNTS_2020 = {"1": "50", "2": "100", "3": "300"}


def recipient(birth: date = date(1935, 3, 1), **extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "周奶奶",
        "area_code": DUOBAO_VILLAGE,
        "start_period": "2020-01",
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def register(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def set_parameter(
    client: httpx.AsyncClient,
    tokens: Tokens,
    key: str,
    value: str,
    year: int = 2020,
    area_code: str = "429006",
) -> None:
    response = await client.post(
        "/api/v1/parameters",
        json={
            "key": key,
            "year": year,
            "area_code": area_code,
            "value": value,
            "effective_date": f"{year}-01-01",
            "source": "测试",
        },
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 201, response.text


async def set_amounts(
    client: httpx.AsyncClient, tokens: Tokens, amounts: dict[str, str] = AMOUNTS_2020
) -> None:
    for tier, value in amounts.items():
        await set_parameter(client, tokens, f"high_age_tier{tier}_allowance", value)


# --- registration ----------------------------------------------------------


async def test_a_recipient_is_registered_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = recipient()
    created = await register(client, tokens, body)
    again = await register(client, tokens, {**body, "start_period": "2020-05"})

    assert created.status_code == 201
    assert created.headers["etag"] == '"1"'
    out = created.json()
    assert (out["status"], out["birth_date"], out["end_period"]) == ("active", "1935-03-01", None)
    assert out["id_number"].startswith("429006********")
    assert again.status_code == 409
    assert again.json()["code"] == "WELFARE_HIGH_AGE_EXISTS"
    assert again.json()["existing_id"] == out["id"]


async def test_age_79_at_the_end_of_the_start_month_is_refused_with_a_reason(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # Turns 80 on 1 August 2020: 79 on 31 July.
    refused = await register(client, tokens, recipient(date(1940, 8, 1), start_period="2020-07"))
    accepted = await register(client, tokens, recipient(date(1940, 8, 1), start_period="2020-08"))

    assert refused.status_code == 422
    problem = refused.json()
    assert problem["code"] == "WELFARE_HIGH_AGE_NOT_ELIGIBLE"
    assert (problem["age"], problem["min_age"]) == (79, 80)
    assert problem["first_eligible_period"] == "2020-08"
    assert "2020-07-31" in problem["detail"]
    assert "80周岁" in problem["detail"]
    # Turning 80 on the last day of the start month is enough.
    assert accepted.status_code == 201


async def test_registration_needs_the_years_tier_ages(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # The tier ages are seeded from 2020; 2019 has none: never guessed.
    refused = await register(client, tokens, recipient(start_period="2019-12"))

    assert refused.status_code == 409
    assert refused.json()["code"] == "WELFARE_PARAMETER_MISSING"
    assert refused.json()["key"] == "high_age_tier1_min_age"


async def test_moving_the_start_before_the_80th_birthday_is_refused(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, recipient(date(1940, 3, 10), start_period="2020-04"))
    url = f"{URL}/{created.json()['id']}"
    headers = {**city(tokens), "If-Match": created.headers["etag"]}

    earlier = await client.patch(url, json={"start_period": "2020-02"}, headers=headers)
    to_march = await client.patch(url, json={"start_period": "2020-03"}, headers=headers)
    stale = await client.patch(url, json={"name": "周某"}, headers=headers)

    assert earlier.status_code == 422
    assert earlier.json()["code"] == "WELFARE_HIGH_AGE_NOT_ELIGIBLE"
    assert to_march.status_code == 200
    assert to_march.json()["start_period"] == "2020-03"
    assert stale.status_code == 412


# --- status ------------------------------------------------------------------


async def test_death_stops_payment_after_the_month_and_is_final(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await register(client, tokens, recipient())
    url = f"{URL}/{created.json()['id']}/status"
    headers = city(tokens)
    suspended = await client.post(
        url,
        json={"status": "suspended", "reason": "未按期完成生存认证"},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    stopped = await client.post(
        url,
        json={
            "status": "stopped",
            "reason": "村委会报告死亡",
            "stop_reason": "death",
            "stop_date": "2020-06-10",
        },
        headers={**headers, "If-Match": suspended.headers["etag"]},
    )
    revived = await client.post(
        url,
        json={"status": "active", "reason": "误操作"},
        headers={**headers, "If-Match": stopped.headers["etag"]},
    )

    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    assert stopped.status_code == 200
    out = stopped.json()
    assert (out["status"], out["stop_reason"], out["stop_date"]) == (
        "stopped",
        "death",
        "2020-06-10",
    )
    assert out["end_period"] == "2020-06"  # the month of death is still paid
    assert revived.status_code == 409
    assert revived.json()["code"] == "WELFARE_HIGH_AGE_INVALID_TRANSITION"
    assert revived.json()["allowed"] == []


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"status": "stopped", "reason": "死亡"}, 422),  # no reason kind, no date
        ({"status": "suspended", "reason": "认证", "stop_date": "2020-06-01"}, 422),
        (
            {
                "status": "stopped",
                "reason": "死亡",
                "stop_reason": "death",
                "stop_date": "2019-11-30",
            },
            422,  # last month paid before the first
        ),
        ({"status": "active", "reason": "恢复"}, 409),  # already active
    ],
)
async def test_bad_status_changes_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, change: dict[str, Any], status: int
) -> None:
    created = await register(client, tokens, recipient())
    response = await client.post(
        f"{URL}/{created.json()['id']}/status",
        json=change,
        headers={**city(tokens), "If-Match": created.headers["etag"]},
    )

    assert response.status_code == status


# --- scoping and roles ----------------------------------------------------------


async def test_township_officers_see_and_write_only_their_areas(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    elsewhere = await register(client, tokens, recipient(area_code=TUOSHI_VILLAGE, name="拖市人"))
    await register(client, tokens, recipient(name="多宝人"))
    duobao = tokens.headers("township_officer", area_codes=[DUOBAO])

    hidden = await client.get(f"{URL}/{elsewhere.json()['id']}", headers=duobao)
    listed = await client.get(URL, headers=duobao)
    outside = await client.post(URL, json=recipient(area_code=TUOSHI_VILLAGE), headers=duobao)
    auditor = await client.post(URL, json=recipient(), headers=tokens.headers("auditor"))

    assert hidden.status_code == 404
    assert [r["name"] for r in listed.json()["items"]] == ["多宝人"]
    assert outside.status_code == 403
    assert auditor.status_code == 403


async def test_search_by_name_or_id_number(client: httpx.AsyncClient, tokens: Tokens) -> None:
    body = recipient(name="欧阳爷爷")
    await register(client, tokens, body)
    await register(client, tokens, recipient(name="司马奶奶"))
    headers = tokens.headers("city_officer", scopes=["pii:read"])

    by_name = await client.get(URL, params={"q": "欧阳"}, headers=headers)
    by_number = await client.get(URL, params={"q": body["id_number"]}, headers=headers)

    assert [r["name"] for r in by_name.json()["items"]] == ["欧阳爷爷"]
    assert [r["id_number"] for r in by_number.json()["items"]] == [body["id_number"]]


# --- preview -------------------------------------------------------------------


async def preview(
    client: httpx.AsyncClient, tokens: Tokens, birth: date, period: str, **extra: Any
) -> httpx.Response:
    return await client.post(
        f"{URL}/preview",
        json={"id_number": str(make_id_number(birth_date=birth)), "period": period, **extra},
        headers=tokens.headers("auditor"),
    )


async def test_preview_without_the_years_amounts_is_a_parameter_problem(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    missing = await preview(client, tokens, date(1935, 3, 1), "2020-07")

    assert missing.status_code == 409
    assert missing.json()["code"] == "WELFARE_PARAMETER_MISSING"
    assert missing.json()["key"] == "high_age_tier1_allowance"


async def test_preview_gives_tier_amount_and_the_rule(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_amounts(client, tokens)

    eighty = await preview(client, tokens, date(1940, 7, 31), "2020-07")
    seventy_nine = await preview(client, tokens, date(1940, 8, 1), "2020-07")
    hundred = await preview(client, tokens, date(1920, 7, 1), "2020-07")

    assert eighty.status_code == 200
    out = eighty.json()
    assert (out["age"], out["age_on"], out["tier"]) == (80, "2020-07-31", 1)
    assert out["tier_label"] == "第1档（80–89岁）"
    assert out["monthly_amount"] == "50.00"
    assert out["tier_min_ages"] == [80, 90, 100]
    assert "月末" in out["explanation"]
    no = seventy_nine.json()
    assert (no["eligible"], no["tier"], no["monthly_amount"]) == (False, None, None)
    assert no["first_eligible_period"] == "2020-08"
    assert (hundred.json()["tier"], hundred.json()["monthly_amount"]) == (3, "300.00")


async def test_preview_of_a_29_february_birthday_turning_90_in_a_common_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await set_amounts(client, tokens)  # 2020's amounts stay in force in 2022

    february = await preview(client, tokens, date(1932, 2, 29), "2022-02")
    march = await preview(client, tokens, date(1932, 2, 29), "2022-03")

    assert (february.json()["age"], february.json()["tier"]) == (89, 1)
    assert february.json()["monthly_amount"] == "50.00"
    assert (march.json()["age"], march.json()["tier"]) == (90, 2)
    assert march.json()["monthly_amount"] == "100.00"


async def test_preview_uses_an_areas_own_amount(client: httpx.AsyncClient, tokens: Tokens) -> None:
    await set_amounts(client, tokens)
    await set_parameter(client, tokens, "high_age_tier1_allowance", "60", area_code=DUOBAO)

    in_duobao = await preview(client, tokens, date(1935, 3, 1), "2020-07", area_code=DUOBAO_VILLAGE)
    in_city = await preview(client, tokens, date(1935, 3, 1), "2020-07")

    assert in_duobao.json()["monthly_amount"] == "60.00"
    assert in_city.json()["monthly_amount"] == "50.00"


# --- the monthly lines ------------------------------------------------------------


def person(birth: date, **extra: Any) -> HighAgeAllowance:
    fields: dict[str, Any] = {
        "id_number": str(make_id_number(birth_date=birth)),
        "name": "测试",
        "area_code": TUOSHI_VILLAGE,
        "start_period": "2020-01",
        "status": "active",
        **extra,
    }
    return HighAgeAllowance(**fields)


async def lines(session: AsyncSession, period: str) -> dict[str, Decimal]:
    rows = (await session.execute(await payable_lines(session, Period(period)))).all()
    return {row.payee_id_number: row.amount for row in rows}


async def test_the_lines_follow_tiers_periods_and_statuses(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_amounts(client, tokens)
    await set_parameter(client, tokens, "high_age_tier1_allowance", "60", area_code=DUOBAO)
    eighty_in_july = person(date(1940, 7, 31))
    ninety_in_december = person(date(1930, 12, 15))
    hundred = person(date(1920, 5, 20))
    in_duobao = person(date(1935, 3, 1), area_code=DUOBAO_VILLAGE)
    suspended = person(date(1935, 3, 1), status="suspended")
    died_in_june = person(
        date(1935, 3, 1),
        status="stopped",
        stop_reason="death",
        stop_date=date(2020, 6, 10),
        end_period="2020-06",
    )
    starts_in_september = person(date(1935, 3, 1), start_period="2020-09")
    everyone = [
        eighty_in_july,
        ninety_in_december,
        hundred,
        in_duobao,
        suspended,
        died_in_june,
        starts_in_september,
    ]
    session.add_all(everyone)
    await session.flush()

    june, july = await lines(session, "2020-06"), await lines(session, "2020-07")
    november, december = await lines(session, "2020-11"), await lines(session, "2020-12")

    assert july == {
        eighty_in_july.id_number: Decimal("50.00"),
        ninety_in_december.id_number: Decimal("50.00"),
        hundred.id_number: Decimal("300.00"),
        in_duobao.id_number: Decimal("60.00"),
    }
    assert eighty_in_july.id_number not in june  # 79 until the end of June
    assert june[died_in_june.id_number] == Decimal("50.00")
    assert november[ninety_in_december.id_number] == Decimal("50.00")
    assert december[ninety_in_december.id_number] == Decimal("100.00")
    assert december[starts_in_september.id_number] == Decimal("50.00")
    assert suspended.id_number not in december


async def test_the_lines_carry_the_labelled_columns(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_amounts(client, tokens)
    one = person(date(1935, 3, 1), name="吴爷爷")
    session.add(one)
    await session.flush()

    row = (await session.execute(await payable_lines(session, Period("2020-07")))).one()

    assert row._mapping == {
        "source_id": one.id,
        "payee_id_number": one.id_number,
        "payee_name": "吴爷爷",
        "area_code": TUOSHI_VILLAGE,
        "amount": Decimal("50.00"),
    }


async def test_the_lines_agree_with_the_tier_function(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    """Around every 80th, 90th and 100th birthday and on 29 February, SQL and Python agree."""
    await set_amounts(client, tokens)
    rng = random.Random(2020)  # noqa: S311 - test data
    births = [date(1940, 2, 29), date(1932, 2, 29), date(1922, 2, 28), date(1930, 3, 1)]
    births += [
        date(rng.randint(1915, 1945), rng.randint(1, 12), rng.randint(1, 28)) for _ in range(300)
    ]
    people = [person(b, id_number=str(make_id_number(rng, birth_date=b))) for b in births]
    session.add_all(people)
    await session.flush()
    amounts = (Decimal("50.00"), Decimal("100.00"), Decimal("300.00"))

    for period in ("2020-02", "2021-02", "2022-02", "2022-03", "2020-12"):
        got = await lines(session, period)
        expected: dict[str, Decimal] = {}
        for p in people:
            birth = IdNumber(p.id_number).birth_date
            found = assess(birth, Period(period), Tiers((80, 90, 100)), amounts)
            if found.monthly_amount is not None:
                expected[p.id_number] = found.monthly_amount
        assert got == expected, period


async def test_the_lines_need_the_years_amounts(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_parameter(client, tokens, "high_age_tier1_allowance", "50")
    await set_parameter(client, tokens, "high_age_tier2_allowance", "100")

    with pytest.raises(AppError) as missing:
        await payable_lines(session, Period("2020-07"))

    assert missing.value.code == "WELFARE_PARAMETER_MISSING"
    assert missing.value.extra["key"] == "high_age_tier3_allowance"


async def test_contradictory_tier_ages_are_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await set_amounts(client, tokens)
    await set_parameter(client, tokens, "high_age_tier2_min_age", "110", year=2021)

    with pytest.raises(AppError) as invalid:
        await payable_lines(session, Period("2021-01"))
    refused = await register(client, tokens, recipient(start_period="2021-01"))

    assert invalid.value.code == "WELFARE_HIGH_AGE_TIERS_INVALID"
    assert refused.status_code == 409
    assert refused.json()["code"] == "WELFARE_HIGH_AGE_TIERS_INVALID"
