"""The year's figures other services read for the dashboard and the annual report."""

from typing import Any

import httpx

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

DUOBAO_VILLAGE = "429006100201"
TUOSHI_VILLAGE = "429006101001"
SERVICE = {"scopes": ["internal"]}


def person() -> dict[str, str]:
    return {"id_number": str(make_id_number()), "name": "受助人"}


async def post(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


async def test_stats_add_up_the_year_by_programme_and_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    clerk = tokens.headers("city_officer", sub="clerk")
    head = tokens.headers("city_officer", sub="head")
    for area, size, alleviated in ((DUOBAO_VILLAGE, 3, True), (TUOSHI_VILLAGE, 2, False)):
        people = [person() for _ in range(size)]
        await post(
            client,
            clerk,
            "/api/v1/enrolments",
            {
                "programme": "rural_dibao",
                "area_code": area,
                "payee": people[0],
                "people": people,
                "monthly_amount": "300.00",
                "start_period": "2020-01",
                "in_poverty_alleviation": alleviated,
            },
        )
    tekun = person()
    await post(
        client,
        clerk,
        "/api/v1/enrolments",
        {
            "programme": "rural_tekun",
            "area_code": TUOSHI_VILLAGE,
            "payee": tekun,
            "people": [tekun],
            "monthly_amount": "903.33",
            "start_period": "2020-01",
        },
    )
    run = await post(
        client,
        clerk,
        "/api/v1/disbursement-runs",
        {"programme": "rural_dibao", "period": "2020-03"},
    )
    await post(client, head, f"/api/v1/disbursement-runs/{run['id']}/approve", {})
    await post(client, head, f"/api/v1/disbursement-runs/{run['id']}/pay", {})
    case = await post(
        client,
        clerk,
        "/api/v1/temporary-cases",
        {
            **person(),
            "area_code": DUOBAO_VILLAGE,
            "kind": "emergency",
            "cause": "fire",
            "application_date": "2020-05-10",
            "description": "房屋失火",
            "amount": "1921.00",
        },
    )
    await post(client, head, f"/api/v1/temporary-cases/{case['id']}/approve", {})
    await post(client, head, f"/api/v1/temporary-cases/{case['id']}/pay", {})
    await post(
        client,
        clerk,
        "/api/v1/rescue-records",
        {
            "person_name": "无名氏",
            "sex": "male",
            "approximate_age": 50,
            "found_date": "2020-12-20",
            "place": "车站",
            "area_code": TUOSHI_VILLAGE,
            "help_given": ["food"],
            "outcome": "returned_home",
        },
    )

    response = await client.get(
        "/internal/v1/stats", params={"year": 2020}, headers=tokens.headers("service", **SERVICE)
    )
    officer = await client.get(
        "/internal/v1/stats", params={"year": 2020}, headers=tokens.headers("city_officer")
    )

    assert response.status_code == 200, response.text
    stats = response.json()
    figures = {p["programme"]: p for p in stats["programmes"]}
    assert figures["rural_dibao"] == {
        "programme": "rural_dibao",
        "households": 2,
        "persons": 5,
        "poverty_alleviation_households": 1,
        "poverty_alleviation_persons": 3,
    }
    assert figures["rural_tekun"]["persons"] == 1
    assert stats["paid"] == [{"programme": "rural_dibao", "amount": "600.00"}]
    assert stats["paid_total"] == "600.00"
    assert (stats["temporary"]["cases"], stats["temporary"]["average_amount"]) == (1, "1921.00")
    assert stats["rescues"] == 1
    growth = {s["programme"]: s["growth_pct"] for s in stats["standards"]}
    assert growth["rural_dibao"] == "12.50"
    assert growth["urban_tekun_basic"] == "5.00"
    by_township = {t["area_code"]: t for t in stats["by_township"]}
    assert by_township["429006100"]["temporary_cases"] == 1
    assert by_township["429006101"]["rescues"] == 1
    assert by_township["429006101"]["paid"] == [{"programme": "rural_dibao", "amount": "300.00"}]
    assert officer.status_code == 403

    # The year before comes in the same answer: 2019 had none of this.
    assert stats["previous"]["year"] == 2019
    assert (stats["previous"]["programmes"], stats["previous"]["paid"]) == ([], [])
    assert stats["previous"]["temporary"]["cases"] == 0
    # And 2021's ``previous`` is what asking for 2020 answers.
    later = await client.get(
        "/internal/v1/stats", params={"year": 2021}, headers=tokens.headers("service", **SERVICE)
    )
    assert later.status_code == 200, later.text
    previous = later.json()["previous"]
    for name in (
        "programmes",
        "standards",
        "temporary",
        "paid",
        "paid_total",
        "helper_ledger",
        "rescues",
    ):
        assert previous[name] == stats[name], name
