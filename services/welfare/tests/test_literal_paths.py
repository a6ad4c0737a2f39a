"""A path of its own beside a resource's id path (`/visits/import` beside
`/visits/{visit_id}`): a method it lacks is a 405 of that path, not a 422 (or a
404) of a record whose id would be "import". The id paths match uuids only."""

import httpx
import pytest

from civil_cli.pytest_plugin import Tokens


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/v1/left-behind-elderly/import", "POST"),
        ("GET", "/api/v1/high-age-allowances/preview", "POST"),
        ("PATCH", "/api/v1/care-institutions/summary", "GET"),
        ("PATCH", "/api/v1/closed-management-periods/summary", "GET"),
        ("PATCH", "/api/v1/funeral-waivers/totals", "GET"),
        ("PATCH", "/api/v1/public-cemeteries/stats", "GET"),
        ("GET", "/api/v1/child-files/import", "POST"),
        ("PATCH", "/api/v1/orphans/standards", "GET"),
        ("GET", "/api/v1/unsupported-children/qualification", "POST"),
        ("DELETE", "/api/v1/visits/summary", "GET"),
        ("GET", "/api/v1/visits/import", "POST"),
        ("GET", "/api/v1/disabled-persons/import", "POST"),
        ("PUT", "/api/v1/disabled-persons/import", "POST"),
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
