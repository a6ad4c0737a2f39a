"""A method a path of its own lacks is its 405, not a record's 422 (see civil_cli.access)."""

import httpx
import pytest

from civil_cli import access
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
    headers = tokens.headers("admin")
    failures = await access.literal_path_lacks(client, headers, method, path, allow)
    assert not failures, "\n".join(failures)
