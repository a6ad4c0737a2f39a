"""A method a path of its own lacks is its 405, not a record's 422 (see civil_cli.access)."""

import httpx
import pytest

from civil_cli import access
from civil_cli.pytest_plugin import Tokens


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/api/v1/standards/in-force", "GET"),
        ("GET", "/api/v1/enrolments/import", "POST"),
        ("GET", "/api/v1/households/import", "POST"),
        ("DELETE", "/api/v1/households/import", "POST"),
        ("GET", "/api/v1/temporary-cases/import", "POST"),
        ("GET", "/api/v1/helper-ledger/assignments/import", "POST"),
    ],
)
async def test_a_method_a_literal_path_lacks_is_a_405(
    client: httpx.AsyncClient, tokens: Tokens, method: str, path: str, allow: str
) -> None:
    headers = tokens.headers("admin")
    failures = await access.literal_path_lacks(client, headers, method, path, allow)
    assert not failures, "\n".join(failures)
