"""Public cemeteries: a built one has its year, the status only moves forward, lists by
township and status, the built count by year, area scoping."""

from datetime import date
from typing import Any

import httpx
import pytest

from civil_cli.pytest_plugin import Tokens, unique

DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
TUOSHI = "429006101"
TUOSHI_VILLAGE = "429006101001"
URL = "/api/v1/public-cemeteries"


def cemetery(**extra: Any) -> dict[str, Any]:
    return {
        "name": unique("公益性公墓"),
        "area_code": DUOBAO_VILLAGE,
        "status": "in_use",
        "year_built": 2018,
        "graves_capacity": 800,
        "pilot": True,
        **extra,
    }


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer")


async def register(client: httpx.AsyncClient, tokens: Tokens, **extra: Any) -> dict[str, Any]:
    response = await client.post(URL, json=cemetery(**extra), headers=city(tokens))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def change(
    client: httpx.AsyncClient, tokens: Tokens, found: dict[str, Any], **fields: Any
) -> httpx.Response:
    return await client.patch(
        f"{URL}/{found['id']}",
        json=fields,
        headers={**city(tokens), "If-Match": f'"{found["version"]}"'},
    )


async def test_a_cemetery_is_registered_in_its_village(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.post(URL, json=cemetery(), headers=city(tokens))

    assert response.status_code == 201
    assert response.headers["etag"] == '"1"'
    assert response.json()["township_code"] == DUOBAO
    assert response.json()["allowed_statuses"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"status": "built", "year_built": None}, "body"),
        ({"status": "planned", "year_built": 2020}, "body"),
        ({"year_built": date.today().year + 1}, "body"),
        ({"year_built": 1900}, "year_built"),
        ({"area_code": DUOBAO}, "area_code"),
        ({"graves_capacity": 0}, "graves_capacity"),
        ({"status": "demolished"}, "status"),
    ],
)
async def test_invalid_cemeteries_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, fields: dict[str, Any], field: str
) -> None:
    response = await client.post(URL, json=cemetery(**fields), headers=city(tokens))

    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


async def test_names_are_unique_within_a_village(client: httpx.AsyncClient, tokens: Tokens) -> None:
    first = await register(client, tokens)

    same_village = await client.post(URL, json=cemetery(name=first["name"]), headers=city(tokens))
    other_village = await client.post(
        URL, json=cemetery(name=first["name"], area_code=TUOSHI_VILLAGE), headers=city(tokens)
    )

    assert same_village.status_code == 409
    assert same_village.json()["code"] == "WELFARE_CEMETERY_NAME_TAKEN"
    assert other_village.status_code == 201


async def test_the_status_moves_forward_and_a_built_cemetery_has_its_year(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    planned = await register(client, tokens, status="planned", year_built=None)

    building = await change(client, tokens, planned, status="under_construction")
    no_year = await change(client, tokens, building.json(), status="built")
    built = await change(client, tokens, building.json(), status="built", year_built=2020)
    back = await change(client, tokens, built.json(), status="planned")
    stale = await change(client, tokens, building.json(), status="in_use")
    opened = await change(client, tokens, built.json(), status="in_use", graves_capacity=900)

    assert planned["allowed_statuses"] == ["under_construction", "built", "in_use"]
    assert building.status_code == 200
    assert no_year.status_code == 422
    assert no_year.json()["code"] == "WELFARE_CEMETERY_INVALID"
    assert built.status_code == 200
    assert built.json()["allowed_statuses"] == ["in_use"]
    assert back.status_code == 409
    assert back.json()["code"] == "WELFARE_CEMETERY_INVALID_TRANSITION"
    assert back.json()["allowed"] == ["in_use"]
    assert stale.status_code == 412
    assert opened.status_code == 200
    assert opened.json()["status"] == "in_use"
    assert opened.json()["graves_capacity"] == 900
    assert opened.headers["etag"] == '"4"'


async def test_lists_by_township_and_status_and_scoping(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    in_use = await register(client, tokens)
    planned = await register(client, tokens, status="planned", year_built=None, pilot=False)
    theirs = await register(client, tokens, area_code=TUOSHI_VILLAGE)
    officer = tokens.headers("township_officer", area_codes=[DUOBAO])

    def ids(response: httpx.Response) -> set[str]:
        return {c["id"] for c in response.json()["items"]}

    by_township = await client.get(URL, params={"area_code": DUOBAO}, headers=city(tokens))
    by_status = await client.get(
        URL, params={"area_code": DUOBAO, "status": "planned"}, headers=city(tokens)
    )
    pilots = await client.get(URL, params={"pilot": True}, headers=city(tokens))
    scoped = await client.get(URL, headers=officer)
    hidden = await client.get(f"{URL}/{theirs['id']}", headers=officer)
    hidden_write = await client.patch(
        f"{URL}/{theirs['id']}", json={"pilot": False}, headers={**officer, "If-Match": '"1"'}
    )
    elsewhere = await client.post(URL, json=cemetery(area_code=TUOSHI_VILLAGE), headers=officer)
    auditor = await client.post(URL, json=cemetery(), headers=tokens.headers("auditor"))

    assert ids(by_township) == {in_use["id"], planned["id"]}
    assert ids(by_status) == {planned["id"]}
    assert ids(pilots) == {in_use["id"], theirs["id"]}
    assert ids(scoped) == {in_use["id"], planned["id"]}
    assert hidden.status_code == hidden_write.status_code == 404
    assert elsewhere.status_code == auditor.status_code == 403


async def test_built_cemeteries_are_counted_by_year_and_township(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await register(client, tokens, year_built=2018)
    await register(client, tokens, status="built", year_built=2020, pilot=False)
    await register(client, tokens, area_code=TUOSHI_VILLAGE, year_built=2020)
    await register(client, tokens, year_built=2021)
    await register(client, tokens, status="under_construction", year_built=None)

    in_2020 = await client.get(f"{URL}/stats", params={"year": 2020}, headers=city(tokens))
    scoped = await client.get(
        f"{URL}/stats",
        params={"year": 2020},
        headers=tokens.headers("township_officer", area_codes=[TUOSHI]),
    )

    body = in_2020.json()
    assert (body["built"], body["built_in_year"], body["pilots"]) == (3, 2, 2)
    assert body["by_township"] == [
        {"area_code": DUOBAO, "built": 2, "built_in_year": 1},
        {"area_code": TUOSHI, "built": 1, "built_in_year": 1},
    ]
    assert (scoped.json()["built"], scoped.json()["built_in_year"]) == (1, 1)
