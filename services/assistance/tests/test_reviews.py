"""Reviews: the next review by the rule, the four outcomes, and what is due by township."""

from typing import Any

import httpx

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number


def enrolment(area_code: str = "429006100201", next_review: str | None = None) -> dict[str, Any]:
    person = {"id_number": str(make_id_number()), "name": "李四"}
    return {
        "programme": "rural_dibao",
        "area_code": area_code,
        "payee": person,
        "people": [person],
        "monthly_amount": "400.00",
        "start_period": "2020-01",
        "next_review_date": next_review,
    }


def review(outcome: str = "continue", **extra: Any) -> dict[str, Any]:
    return {
        "review_date": "2021-01-15",
        "outcome": outcome,
        "findings": "入户核查，家庭情况无变化",
        "income_stability": "stable",
        "working_age_members": 0,
        **extra,
    }


async def reviewed(
    client: httpx.AsyncClient, tokens: Tokens, body: dict[str, Any], **enrolment_args: Any
) -> httpx.Response:
    headers = tokens.headers("township_officer", area_codes=["429006100"])
    created = await client.post(
        "/api/v1/enrolments", json=enrolment(**enrolment_args), headers=headers
    )
    assert created.status_code == 201, created.text
    return await client.post(
        f"/api/v1/enrolments/{created.json()['id']}/reviews",
        json=body,
        headers={**headers, "If-Match": created.headers["etag"]},
    )


async def test_next_review_follows_the_rule(client: httpx.AsyncClient, tokens: Tokens) -> None:
    stable = await reviewed(client, tokens, review())
    unstable = await reviewed(client, tokens, review(income_stability="unstable"))
    can_work = await reviewed(client, tokens, review(working_age_members=1))
    death = await reviewed(client, tokens, review(member_death_date="2021-02-10"))

    assert stable.json()["review"]["next_review_date"] == "2022-01-15"
    assert unstable.json()["review"]["next_review_date"] == "2021-07-15"
    assert can_work.json()["review"]["next_review_date"] == "2021-07-15"
    assert death.json()["review"]["next_review_date"] == "2021-05-10"
    assert stable.json()["enrolment"]["next_review_date"] == "2022-01-15"


async def test_a_review_changes_the_amount(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await reviewed(client, tokens, review("change_amount", new_monthly_amount="350.50"))
    assert response.status_code == 201
    body = response.json()
    assert (body["review"]["previous_amount"], body["review"]["monthly_amount"]) == (
        "400.00",
        "350.50",
    )
    assert body["enrolment"]["monthly_amount"] == "350.50"


async def test_gradual_exit_is_limited_by_the_parameter(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    too_long = await reviewed(client, tokens, review("gradual_exit", gradual_exit_months=7))
    allowed = await reviewed(client, tokens, review("gradual_exit", gradual_exit_months=3))

    assert too_long.status_code == 422
    assert too_long.json()["code"] == "ASSISTANCE_GRADUAL_EXIT_TOO_LONG"
    enrolment_after = allowed.json()["enrolment"]
    assert enrolment_after["status"] == "gradual_exit"
    assert enrolment_after["gradual_exit_until"] == "2021-04"  # Feb, Mar, Apr
    assert enrolment_after["next_review_date"] is None


async def test_ending_in_a_review_stops_payment_and_frees_the_person(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    ended = await reviewed(client, tokens, review("end", findings="家庭收入已超过低保标准"))
    body = ended.json()["enrolment"]
    assert (body["status"], body["end_period"]) == ("ended", "2021-01")


async def test_outcome_details_are_required_and_if_match_too(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    missing_amount = await reviewed(client, tokens, review("change_amount"))
    headers = tokens.headers("city_officer")
    created = await client.post("/api/v1/enrolments", json=enrolment(), headers=headers)
    no_if_match = await client.post(
        f"/api/v1/enrolments/{created.json()['id']}/reviews", json=review(), headers=headers
    )
    assert missing_amount.status_code == 422
    assert no_if_match.status_code == 428


async def test_due_and_overdue_reviews_by_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("city_officer")
    for area, due in (
        ("429006100201", "2021-01-01"),  # overdue on 2021-02-01
        ("429006100202", "2021-02-10"),  # due within 30 days
        ("429006101001", "2021-01-20"),  # overdue, another township
        ("429006101002", "2021-06-01"),  # not yet due
    ):
        await client.post("/api/v1/enrolments", json=enrolment(area, due), headers=headers)

    params = {"as_of": "2021-02-01"}
    listed = await client.get("/api/v1/reviews/due", params=params, headers=headers)
    counts = await client.get("/api/v1/reviews/due/by-township", params=params, headers=headers)
    duobao = await client.get(
        "/api/v1/reviews/due",
        params=params,
        headers=tokens.headers("township_officer", area_codes=["429006100"]),
    )

    assert [(r["next_review_date"], r["overdue"]) for r in listed.json()["items"]] == [
        ("2021-01-01", True),
        ("2021-01-20", True),
        ("2021-02-10", False),
    ]
    assert counts.json() == [
        {"township": "429006100", "due": 2, "overdue": 1},
        {"township": "429006101", "due": 1, "overdue": 1},
    ]
    assert duobao.json()["total"] == 2
