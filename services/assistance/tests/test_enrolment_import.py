"""Enrolling existing dibao households and tekun persons from a file, all or nothing."""

import csv
import io
from datetime import date

import httpx

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

IMPORT = "/api/v1/enrolments/import"
VILLAGE = "429006100201"


def person(year: int = 1960) -> str:
    return str(make_id_number(birth_date=date(year, 3, 1)))


def csv_file(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


async def household(client: httpx.AsyncClient, tokens: Tokens) -> tuple[str, str, str]:
    """A household of two in the register: (its id, the head's and the spouse's ID numbers)."""
    head, spouse = person(1958), person(1961)
    response = await client.post(
        "/api/v1/households",
        json={
            "area_code": VILLAGE,
            "address": "多宝镇某村2组",
            "residence_type": "rural",
            "income_stability": "stable",
            "members": [
                {
                    "id_number": head,
                    "name": "周户主",
                    "relation": "head",
                    "employment_status": "unemployed",
                },
                {
                    "id_number": spouse,
                    "name": "吴配偶",
                    "relation": "spouse",
                    "employment_status": "unemployed",
                },
            ],
        },
        headers=tokens.headers("city_officer"),
    )
    assert response.status_code == 201, response.text
    return response.json()["id"], head, spouse


def dibao_row(head: str, spouse: str) -> dict[str, str]:
    return {
        "programme": "农村低保",
        "area_code": VILLAGE,
        "payee_id_number": head,
        "payee_name": "周户主",
        "people": f"{head}:周户主;{spouse}:吴配偶",
        "monthly_amount": "900",
        "start_period": "2020-01",
        "in_poverty_alleviation": "是",
    }


def tekun_row(number: str) -> dict[str, str]:
    return {
        "programme": "rural_tekun",
        "area_code": VILLAGE,
        "payee_id_number": number,
        "payee_name": "郑特困",
        "people": f"{number}:郑特困",
        "monthly_amount": "750",
        "start_period": "2019-06",
        "in_poverty_alleviation": "",
    }


async def test_households_and_tekun_persons_are_enrolled_from_a_file_once(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    household_id, head, spouse = await household(client, tokens)
    alone = person(1940)
    content = csv_file([dibao_row(head, spouse), tekun_row(alone)])
    headers = tokens.headers("city_officer", scopes=["pii:read"])

    first = await client.post(IMPORT, files={"file": ("e.csv", content)}, headers=headers)
    again = await client.post(IMPORT, files={"file": ("e.csv", content)}, headers=headers)
    listed = await client.get(
        "/api/v1/enrolments", params={"area_code": VILLAGE, "limit": 500}, headers=headers
    )

    assert first.status_code == 201, first.text
    assert first.json()["rows"] == 2
    mine = {e["payee"]["id_number"]: e for e in listed.json()["items"]}
    assert mine[head]["household_id"] == household_id
    assert mine[head]["persons"] == 2
    assert mine[head]["in_poverty_alleviation"] is True
    assert mine[head]["status"] == "active"
    assert mine[alone]["programme"] == "rural_tekun"
    assert mine[alone]["start_period"] == "2019-06"
    assert again.status_code == 422
    assert {p["field"] for p in again.json()["report"]} == {"payee_id_number", "people"}


async def test_a_person_enrolled_elsewhere_or_a_household_not_registered_enrols_nobody(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    _, head, spouse = await household(client, tokens)
    headers = tokens.headers("city_officer")
    first = csv_file([tekun_row(spouse)])
    assert (
        await client.post(IMPORT, files={"file": ("t.csv", first)}, headers=headers)
    ).status_code == 201
    stranger, alone = person(1970), person(1941)
    content = csv_file(
        [dibao_row(head, spouse), dibao_row(stranger, person(1972)), tekun_row(alone)]
    )

    refused = await client.post(IMPORT, files={"file": ("e.csv", content)}, headers=headers)
    listed = await client.get(
        "/api/v1/enrolments",
        params={"area_code": VILLAGE, "limit": 500},
        headers=tokens.headers("city_officer", scopes=["pii:read"]),
    )

    assert refused.status_code == 422, refused.text
    problems = {(p["row"], p["field"]) for p in refused.json()["report"]}
    assert problems == {(2, "people"), (3, "payee_id_number")}
    assert alone not in {e["payee"]["id_number"] for e in listed.json()["items"]}
