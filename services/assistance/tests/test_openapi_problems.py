"""What the runtime documents and answers on every route: problem+json errors, Allow on 405."""

import httpx

from civil_cli.pytest_plugin import Tokens


async def test_every_error_answer_is_documented_as_a_problem(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert {"401", "403", "404", "422", "503"} <= responses.keys(), (method, path)
            if method in ("put", "patch", "delete"):
                assert {"412", "428"} <= responses.keys(), (method, path)
            for status, response in responses.items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"]
                    schema = response["content"]["application/problem+json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Problem"}


async def test_a_405_allows_every_method_of_the_path(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # GET and POST /api/v1/households are two routes; the 405 names both.
    response = await client.request(
        "OPTIONS", "/api/v1/households", headers=tokens.headers("admin")
    )
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
    assert response.headers["allow"] == "GET, POST"
