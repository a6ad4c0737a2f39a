"""An administrator enters subsidy decisions taken before the platform (补录)."""

import httpx

from civil_cli.pytest_plugin import Tokens

from .test_disability import AssistanceStub, apply, assistance, register

__all__ = ["assistance"]  # the fixture, used by name


async def test_an_administrator_may_start_a_subsidy_in_a_past_month_an_officer_may_not(
    client: httpx.AsyncClient, tokens: Tokens, assistance: AssistanceStub
) -> None:
    person = await register(client, tokens)
    assistance.set(person["id_number"], in_dibao=True)

    officer = await apply(client, tokens, person["id"], start_period="2020-01")
    admin = await apply(client, tokens, person["id"], start_period="2020-01", role="admin")
    listed = await client.get(
        "/api/v1/disability-subsidy-grants",
        params={"person_id": person["id"]},
        headers=tokens.headers("city_officer"),
    )

    assert officer.status_code == 422
    assert officer.json()["code"] == "WELFARE_SUBSIDY_START_IN_PAST"
    assert admin.status_code == 201, admin.text
    granted = {d["subsidy"] for d in admin.json()["decisions"] if d["outcome"] == "granted"}
    assert granted == {"living", "care"}
    assert listed.status_code == 200
    assert {g["start_period"] for g in listed.json()["items"]} == {"2020-01"}
