"""A path of its own beside a resource's id path (`/visits/import` beside
`/visits/{visit_id}`): a method it lacks is a 405 of that path, not a 422 (or a
404) of a record whose id would be "import". The id paths match uuids only."""

import httpx
import pytest

from civil_cli.pytest_plugin import Tokens


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/donations/totals", "GET"),
        ("GET", "/api/v1/volunteers/import", "POST"),
        ("DELETE", "/api/v1/volunteer-services/import", "POST"),
        ("DELETE", "/api/v1/community-workers/quotas", "GET"),
        ("PATCH", "/api/v1/divisions/tree", "GET"),
        ("DELETE", "/api/v1/divisions/tree", "GET"),
        ("GET", "/api/v1/divisions/batch", "POST"),
    ],
)
async def test_a_method_a_literal_path_lacks_is_a_405(
    client: httpx.AsyncClient, tokens: Tokens, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path, headers=tokens.headers("admin"))

    assert response.status_code == 405, response.text
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
    # The literal path's own methods, not the id path's beside it.
    assert response.headers["allow"] == allow


async def test_an_area_code_path_answers_as_before_and_is_documented_as_before(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("admin")
    township = await client.get("/api/v1/divisions/429006100", headers=headers)
    history = await client.get("/api/v1/divisions/429006/history", headers=headers)
    put = await client.put("/api/v1/divisions/429006100", json={}, headers=headers)
    openapi = (await client.get("/openapi.json")).json()

    assert township.status_code == 200, township.text
    assert township.json()["name"] == "多宝镇"
    assert history.status_code == 200, history.text
    assert put.status_code == 405
    assert put.headers["allow"] == "DELETE, GET, PATCH"
    operation = openapi["paths"]["/api/v1/divisions/{code}"]["get"]
    (code,) = [p for p in operation["parameters"] if p["in"] == "path"]
    assert code["name"] == "code"
    assert code["schema"]["pattern"] == r"^(\d{6}|\d{9}|\d{12})$"
