"""A method a path of its own lacks is its 405, not a record's 422 (see civil_cli.access)."""

import httpx
import pytest

from civil_cli import access
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
    headers = tokens.headers("admin")
    failures = await access.literal_path_lacks(client, headers, method, path, allow)
    assert not failures, "\n".join(failures)


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
