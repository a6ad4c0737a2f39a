"""What the fuzzer found in the welfare service: 500s for input a client may send."""

import uuid

import httpx

from civil_cli.pytest_plugin import Tokens


async def test_an_explicit_null_date_in_a_patch_is_a_422(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.patch(
        f"/api/v1/funeral-waivers/{uuid.uuid4()}",
        json={"death_date": None, "approved_date": None},
        headers={**tokens.headers("admin"), "If-Match": '"1"'},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "VALIDATION_FAILED"


async def test_an_explicit_null_area_or_item_list_in_a_patch_is_a_422(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = {**tokens.headers("admin"), "If-Match": '"1"'}
    for path, body in (
        ("/api/v1/funeral-waivers", {"items": None}),
        ("/api/v1/funeral-waivers", {"area_code": None}),
        ("/api/v1/care-institutions", {"area_code": None}),
    ):
        response = await client.patch(f"{path}/{uuid.uuid4()}", json=body, headers=headers)
        assert response.status_code == 422, (path, body, response.text)  # was a 500
        assert response.json()["code"] == "VALIDATION_FAILED"


async def test_elders_asked_with_a_childrens_director_is_an_empty_schedule(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # A director runs children's files: no elder is on their round.
    response = await client.get(
        "/api/v1/visit-schedule",
        params={"subject_kind": "elderly", "director_id": str(uuid.uuid4())},
        headers=tokens.headers("admin"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0
