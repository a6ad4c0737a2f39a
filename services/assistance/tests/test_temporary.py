"""Temporary assistance: amounts against the urban dibao standard, township and county
approval, one case per cause per person per year, paid once, scoping, statistics."""

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.temporary.models import TemporaryCase
from civil_assistance.temporary.policy import temporary_policy
from civil_assistance.temporary.repository import TemporaryCaseRepository, temporary_stats
from civil_cli.pytest_plugin import Tokens
from civil_shared.errors import Conflict
from civil_shared.testing.factories import make_id_number

# Tianmen 2020: urban dibao 630 a month (seeded), so the township approves up to
# 3 × 630 = 1,890.00 and a case may reach 6 × 630 = 3,780.00.
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
URL = "/api/v1/temporary-cases"


def case(**extra: Any) -> dict[str, Any]:
    return {
        "id_number": str(make_id_number()),
        "name": "张三",
        "area_code": DUOBAO_VILLAGE,
        "kind": "emergency",
        "cause": "illness",
        "application_date": "2020-05-10",
        "description": "突发重病住院，家中无力支付",
        "amount": "1000.00",
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


def township(tokens: Tokens, area: str = DUOBAO) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[area])


async def apply(client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any]) -> httpx.Response:
    return await client.post(URL, json=body, headers=city(tokens))


async def act(
    client: httpx.AsyncClient,
    case_id: str,
    action: str,
    headers: dict[str, str],
    json: dict[str, Any] | None = None,
) -> httpx.Response:
    return await client.post(f"{URL}/{case_id}/{action}", json=json, headers=headers)


async def paid(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> dict[str, Any]:
    created = await apply(client, tokens, case(**extra))
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    assert (await act(client, case_id, "approve", city(tokens))).status_code == 200
    done = await act(client, case_id, "pay", city(tokens))
    assert done.status_code == 200
    return dict(done.json())


# --- amounts and limits --------------------------------------------------------


async def test_a_multiple_is_turned_into_an_amount_with_the_years_standard(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    in_2020 = await apply(client, tokens, case(amount=None, multiple="2"))
    in_2019 = await apply(
        client, tokens, case(amount=None, multiple="2.5", application_date="2019-11-02")
    )
    by_amount = await apply(client, tokens, case(amount="1000.00"))

    assert in_2020.status_code == 201
    assert in_2020.json()["amount"] == "1260.00"
    assert in_2020.json()["multiple"] == "2.00"
    assert in_2020.json()["standard_monthly"] == "630.00"
    assert in_2020.json()["year"] == 2020
    assert in_2020.json()["status"] == "applied"
    assert in_2020.json()["allowed"] == ["approve", "reject"]
    assert in_2019.json()["amount"] == "1500.00"  # 2.5 × 600
    assert in_2019.json()["year"] == 2019
    assert by_amount.json()["multiple"] == "1.59"  # 1000 / 630, for reporting only


async def test_amount_and_multiple_are_one_or_the_other(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    both = await apply(client, tokens, case(multiple="2"))
    neither = await apply(client, tokens, case(amount=None))
    zero = await apply(client, tokens, case(amount="0"))

    assert [both.status_code, neither.status_code, zero.status_code] == [422, 422, 422]


async def test_the_township_approves_exactly_at_its_limit(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    created = await apply(client, tokens, case(amount="1890.00"))
    approved = await act(client, created.json()["id"], "approve", township(tokens))

    assert created.json()["approval_required"] == "township"
    assert approved.status_code == 200
    assert approved.json()["status"] == "township_approved"
    assert approved.json()["approved_by"] == "test-township_officer"
    assert approved.json()["allowed"] == ["pay"]
    stored = await session.scalar(
        select(TemporaryCase.status).where(TemporaryCase.id == created.json()["id"])
    )
    assert stored == "township_approved"


async def test_above_the_township_limit_the_county_approves(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await apply(client, tokens, case(amount="1890.01"))
    case_id = created.json()["id"]
    by_township = await act(client, case_id, "approve", township(tokens))
    by_county = await act(client, case_id, "approve", city(tokens))

    assert created.json()["approval_required"] == "county"
    assert by_township.status_code == 403
    assert by_township.json()["code"] == "ASSISTANCE_TEMPORARY_COUNTY_APPROVAL_REQUIRED"
    assert by_county.status_code == 200
    assert by_county.json()["status"] == "county_approved"


async def test_six_times_the_standard_is_the_most_a_case_gets(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    at_max = await apply(client, tokens, case(amount="3780.00"))
    by_multiple = await apply(client, tokens, case(amount=None, multiple="6"))
    above = await apply(client, tokens, case(amount="3780.01"))
    above_by_multiple = await apply(client, tokens, case(amount=None, multiple="6.01"))

    assert at_max.status_code == 201
    assert at_max.json()["approval_required"] == "county"
    assert by_multiple.status_code == 201
    assert above.status_code == 422
    assert above.json()["code"] == "ASSISTANCE_TEMPORARY_ABOVE_MAX"
    assert above.json()["max_amount"] == "3780.00"
    assert above_by_multiple.status_code == 422


async def test_a_major_hardship_case_may_exceed_the_maximum_with_a_reason(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    flagged = await apply(
        client,
        tokens,
        case(amount="8000.00", major_hardship=True, major_hardship_reason="重大疾病，医疗费用极高"),
    )
    without_reason = await apply(client, tokens, case(amount="8000.00", major_hardship=True))
    approved_by_township = await act(client, flagged.json()["id"], "approve", township(tokens))

    assert flagged.status_code == 201
    assert flagged.json()["approval_required"] == "county"
    assert flagged.json()["multiple"] == "12.70"
    assert without_reason.status_code == 422
    assert approved_by_township.status_code == 403


async def test_an_amount_of_a_million_times_the_standard_is_refused_even_for_major_hardship(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # 630,000,000 is 1,000,000 × 630: more than the case's multiple can hold (a typo).
    huge = case(amount="630000000.00", major_hardship=True, major_hardship_reason="核对金额")
    below = case(amount="629999996.00", major_hardship=True, major_hardship_reason="核对金额")

    refused = await apply(client, tokens, huge)
    accepted = await apply(client, tokens, below)

    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "ASSISTANCE_TEMPORARY_AMOUNT"
    assert "超出范围" in refused.json()["detail"]
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["multiple"] == "999999.99"


async def test_the_limits_come_from_the_parameter_store(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # Duobao sets its own township limit of 2 × for 2020; elsewhere the city's 3 × holds.
    await session.execute(
        text(
            "INSERT INTO assistance_parameter (key, year, area_code, value, effective_date)"
            " VALUES ('temporary_township_limit_multiple', 2020, :area, 2, '2020-01-01')"
        ),
        {"area": DUOBAO},
    )
    await session.commit()
    in_duobao = await apply(client, tokens, case(amount="1260.01"))
    in_tuoshi = await apply(client, tokens, case(amount="1260.01", area_code=TUOSHI_VILLAGE))

    assert in_duobao.json()["approval_required"] == "county"
    assert in_duobao.json()["township_limit_multiple"] == "2"
    assert in_tuoshi.json()["approval_required"] == "township"


async def test_policy_uses_the_most_specific_standard_and_the_parameter_store(
    session: AsyncSession,
) -> None:
    await session.execute(
        text(
            "INSERT INTO assistance_standard (programme, year, area_code, amount, unit,"
            " effective_date) VALUES ('urban_dibao', 2020, :area, 700, 'per_month', '2020-01-01')"
        ),
        {"area": DUOBAO},
    )
    village = await temporary_policy(session, 2020, DUOBAO_VILLAGE)
    elsewhere = await temporary_policy(session, 2020, TUOSHI_VILLAGE)

    assert village.standard_monthly == Decimal("700.00")
    assert elsewhere.standard_monthly == Decimal("630.00")
    assert village.max_multiple == Decimal(6)  # the seeded city parameters
    assert village.township_limit_multiple == Decimal(3)

    # No value for the key in or before the year: missing, never a default from code.
    await session.execute(text("DELETE FROM assistance_parameter WHERE key LIKE 'temporary_%'"))
    with pytest.raises(Conflict) as missing:
        await temporary_policy(session, 2020, DUOBAO_VILLAGE)
    assert missing.value.code == "ASSISTANCE_PARAMETER_MISSING"


async def test_a_year_without_a_standard_is_a_conflict(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await apply(client, tokens, case(application_date="2005-03-01"))

    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_STANDARD_MISSING"


async def test_a_standard_of_nothing_is_a_conflict_not_a_division_by_zero(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    await zero_standard(session)

    response = await apply(client, tokens, case(amount="500.00"))

    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_STANDARD_NOT_POSITIVE"
    assert "0 元" in response.json()["detail"]


async def zero_standard(session: AsyncSession) -> None:
    """多宝镇's urban standard for 2020 entered as 0 (a placeholder, say)."""
    await session.execute(
        text(
            "INSERT INTO assistance_standard (programme, year, area_code, amount, unit,"
            " effective_date) VALUES ('urban_dibao', 2020, :area, 0, 'per_month', '2020-01-01')"
        ),
        {"area": DUOBAO},
    )
    await session.commit()


# --- spending type -------------------------------------------------------------


async def test_spending_type_needs_income_below_last_years_average(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    spending = {"kind": "spending", "cause": "education", "average_disposable_income": "20000.00"}
    at_average = await apply(client, tokens, case(**spending, income_per_person_yearly="20000.00"))
    just_below = await apply(client, tokens, case(**spending, income_per_person_yearly="19999.99"))
    no_income = await apply(client, tokens, case(kind="spending"))
    emergency = await apply(client, tokens, case(kind="emergency"))

    assert at_average.status_code == 422
    assert at_average.json()["code"] == "ASSISTANCE_TEMPORARY_INCOME_TOO_HIGH"
    assert "不符合支出型临时救助条件" in at_average.json()["detail"]
    assert just_below.status_code == 201
    assert just_below.json()["income_per_person_yearly"] == "19999.99"
    assert no_income.status_code == 422
    assert emergency.status_code == 201


# --- one case per cause per person per year ------------------------------------


async def test_one_case_per_cause_per_person_per_year(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    person = str(make_id_number())
    first = await apply(client, tokens, case(id_number=person))
    again = await apply(client, tokens, case(id_number=person, application_date="2020-11-30"))
    other_cause = await apply(client, tokens, case(id_number=person, cause="fire"))
    next_year = await apply(client, tokens, case(id_number=person, application_date="2019-12-31"))

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["code"] == "ASSISTANCE_TEMPORARY_DUPLICATE"
    assert again.json()["conflicting_case_id"] == first.json()["id"]
    assert other_cause.status_code == 201
    assert next_year.status_code == 201
    count = await session.scalar(
        select(func.count()).select_from(TemporaryCase).where(TemporaryCase.id_number == person)
    )
    assert count == 3


async def test_the_database_holds_the_rule_when_two_requests_race(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both requests pass the look-up before either commits: the partial unique index decides.
    person = str(make_id_number())
    first = await apply(client, tokens, case(id_number=person))

    async def nothing_yet(*_: Any, **__: Any) -> None:
        return None

    monkeypatch.setattr(TemporaryCaseRepository, "same_cause_in_year", nothing_yet)
    raced = await apply(client, tokens, case(id_number=person))

    assert first.status_code == 201
    assert raced.status_code == 409
    assert raced.json()["code"] == "ASSISTANCE_TEMPORARY_DUPLICATE"


async def test_a_rejected_case_does_not_count_against_the_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    person = str(make_id_number())
    first = await apply(client, tokens, case(id_number=person))
    rejected = await act(
        client, first.json()["id"], "reject", city(tokens), json={"reason": "经核实已有医保报销"}
    )
    second = await apply(client, tokens, case(id_number=person))
    third = await apply(client, tokens, case(id_number=person))

    assert rejected.json()["status"] == "rejected"
    assert second.status_code == 201
    assert third.status_code == 409


# --- the state machine ---------------------------------------------------------


async def test_a_case_is_paid_once(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await apply(client, tokens, case())
    case_id = created.json()["id"]
    await act(client, case_id, "approve", township(tokens))
    first = await act(client, case_id, "pay", township(tokens))
    second = await act(client, case_id, "pay", city(tokens))

    assert first.status_code == 200
    assert first.json()["status"] == "paid"
    assert first.json()["paid_at"] is not None
    assert first.json()["allowed"] == []
    assert second.status_code == 409
    assert second.json()["code"] == "ASSISTANCE_INVALID_TRANSITION"
    assert second.json()["allowed"] == []
    assert second.json()["current"] == "paid"


async def test_an_invalid_transition_lists_the_allowed_actions(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    created = await apply(client, tokens, case())
    case_id = created.json()["id"]
    pay_unapproved = await act(client, case_id, "pay", city(tokens))
    await act(client, case_id, "approve", city(tokens))
    reject_approved = await act(client, case_id, "reject", city(tokens), json={"reason": "重复"})
    approve_again = await act(client, case_id, "approve", city(tokens))

    assert pay_unapproved.status_code == 409
    assert pay_unapproved.json()["allowed"] == ["approve", "reject"]
    assert reject_approved.status_code == 409
    assert reject_approved.json()["allowed"] == ["pay"]
    assert approve_again.json()["code"] == "ASSISTANCE_INVALID_TRANSITION"


async def test_a_rejection_needs_a_reason_and_ends_the_case(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    case_id = (await apply(client, tokens, case())).json()["id"]
    no_reason = await act(client, case_id, "reject", city(tokens), json={})
    rejected = await act(client, case_id, "reject", city(tokens), json={"reason": "不符合条件"})
    pay = await act(client, case_id, "pay", city(tokens))

    assert no_reason.status_code == 422
    assert rejected.json()["rejection_reason"] == "不符合条件"
    assert pay.status_code == 409
    assert pay.json()["allowed"] == []


async def test_if_match_is_honoured_when_sent(client: httpx.AsyncClient, tokens: Tokens) -> None:
    created = await apply(client, tokens, case())
    case_id = created.json()["id"]
    stale = await act(client, case_id, "approve", {**city(tokens), "If-Match": '"7"'})
    fresh = await act(
        client, case_id, "approve", {**city(tokens), "If-Match": created.headers["etag"]}
    )

    assert stale.status_code == 412
    assert fresh.status_code == 200
    assert fresh.headers["etag"] == '"2"'


# --- who may do what -----------------------------------------------------------


async def test_township_officers_see_and_act_only_in_their_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    inside = await apply(client, tokens, case())
    outside = await apply(client, tokens, case(area_code=TUOSHI_VILLAGE))
    officer = township(tokens)

    listed = await client.get(URL, headers=officer)
    filtered = await client.get(URL, params={"area_code": "429006101"}, headers=city(tokens))
    hidden = await client.get(f"{URL}/{outside.json()['id']}", headers=officer)
    approve_hidden = await act(client, outside.json()["id"], "approve", officer)
    create_outside = await client.post(URL, json=case(area_code=TUOSHI_VILLAGE), headers=officer)

    assert [c["id"] for c in listed.json()["items"]] == [inside.json()["id"]]
    assert listed.json()["total"] == 1
    assert [c["id"] for c in filtered.json()["items"]] == [outside.json()["id"]]
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "ASSISTANCE_TEMPORARY_NOT_FOUND"
    assert approve_hidden.status_code == 404
    assert create_outside.status_code == 403


async def test_lists_filter_by_year_status_and_kind(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await paid(client, tokens)
    await apply(client, tokens, case(application_date="2019-06-01"))
    spending = await apply(
        client,
        tokens,
        case(kind="spending", income_per_person_yearly="1000", average_disposable_income="20000"),
    )

    def total(response: httpx.Response) -> Any:
        return response.json()["total"]

    assert total(await client.get(URL, params={"year": 2020}, headers=city(tokens))) == 2
    assert total(await client.get(URL, params={"status": "paid"}, headers=city(tokens))) == 1
    by_kind = await client.get(URL, params={"kind": "spending"}, headers=city(tokens))
    assert [c["id"] for c in by_kind.json()["items"]] == [spending.json()["id"]]


async def test_an_auditor_reads_but_never_writes(client: httpx.AsyncClient, tokens: Tokens) -> None:
    case_id = (await apply(client, tokens, case())).json()["id"]
    auditor = tokens.headers("auditor")

    created = await client.post(URL, json=case(), headers=auditor)
    approved = await act(client, case_id, "approve", auditor)
    rejected = await act(client, case_id, "reject", auditor, json={"reason": "不符合条件"})
    paid_ = await act(client, case_id, "pay", auditor)
    read = await client.get(f"{URL}/{case_id}", headers=auditor)

    assert [created.status_code, approved.status_code, rejected.status_code] == [403, 403, 403]
    assert paid_.status_code == 403
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'


async def test_id_numbers_are_masked_without_pii_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = case()
    case_id = (await apply(client, tokens, body)).json()["id"]
    masked = await client.get(f"{URL}/{case_id}", headers=tokens.headers("auditor"))
    full = await client.get(
        f"{URL}/{case_id}", headers=tokens.headers("auditor", scopes=["pii:read"])
    )

    number = body["id_number"]
    assert masked.json()["id_number"] == number[:6] + "*" * 8 + number[-4:]
    assert full.json()["id_number"] == number


# --- Idempotency-Key -----------------------------------------------------------


async def test_an_idempotency_key_creates_one_case(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    body = case()
    headers = {**city(tokens), "Idempotency-Key": "temporary-case-0001"}
    first = await client.post(URL, json=body, headers=headers)
    repeat = await client.post(URL, json=body, headers=headers)
    other = await client.post(URL, json=case(), headers=headers)

    assert first.status_code == repeat.status_code == 201
    assert repeat.json() == first.json()
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    count = await session.scalar(
        select(func.count())
        .select_from(TemporaryCase)
        .where(TemporaryCase.id_number == body["id_number"])
    )
    assert count == 1


# --- statistics ----------------------------------------------------------------


async def test_statistics_count_paid_cases_with_the_average_and_its_growth(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    # 2019: 1,000 in Duobao and 1,000 in Tuoshi, average 1,000.
    await paid(client, tokens, amount="1000.00", application_date="2019-04-01")
    await paid(
        client, tokens, amount="1000.00", application_date="2019-08-01", area_code=TUOSHI_VILLAGE
    )
    # 2020: Duobao 1,200 and 1,500; Tuoshi 1,290; average 1,330 (+33 %).
    await paid(client, tokens, amount="1200.00")
    await paid(client, tokens, amount="1500.00", cause="fire", area_code=DUOBAO)
    await paid(client, tokens, amount="1290.00", area_code=TUOSHI_VILLAGE)
    # Neither an unpaid nor a rejected case counts.
    await apply(client, tokens, case(amount="3000.00"))
    rejected = await apply(client, tokens, case(amount="500.00"))
    await act(client, rejected.json()["id"], "reject", city(tokens), json={"reason": "不符合"})

    stats = await temporary_stats(session, 2020)
    tuoshi_only = await temporary_stats(session, 2020, "429006101")
    empty = await temporary_stats(session, 2018)

    assert (stats.cases, stats.total_amount) == (3, Decimal("3990.00"))
    assert stats.average_amount == Decimal("1330.00")
    assert stats.previous_average_amount == Decimal("1000.00")
    assert stats.average_growth_pct == Decimal("33.00")
    by_township = {str(t.area_code): t for t in stats.by_township}
    assert by_township[DUOBAO].cases == 2
    assert by_township[DUOBAO].average_amount == Decimal("1350.00")
    assert by_township[DUOBAO].average_growth_pct == Decimal("35.00")
    assert by_township["429006101"].total_amount == Decimal("1290.00")
    assert by_township["429006101"].average_growth_pct == Decimal("29.00")
    assert (tuoshi_only.cases, len(tuoshi_only.by_township)) == (1, 1)
    assert (empty.cases, empty.average_amount, empty.by_township) == (0, None, [])
