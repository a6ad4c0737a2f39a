"""Bad input is a 4xx problem, never a 500: bodies too large or of the wrong type,
unreadable files, wrong encodings and extreme values (issue 9, item 5).

The limits are the runtime's (``civil_shared.runtime.limits``), stated in the
README: 2 MB for a JSON body, 50 MB for an imported file.
"""

import io
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import xlsxwriter

from civil_cli.pytest_plugin import Tokens
from civil_shared.testing.factories import make_id_number

PROBLEM = "application/problem+json"


def member(relation: str = "head") -> dict[str, Any]:
    return {
        "id_number": str(make_id_number()),
        "name": "张三",
        "relation": relation,
        "employment_status": "employed",
    }


def household(**fields: Any) -> dict[str, Any]:
    return {
        "area_code": "429006100201",
        "address": "多宝镇新华村1号",
        "residence_type": "rural",
        "income_stability": "stable",
        "in_poverty_alleviation": False,
        "properties": [],
        "members": [member()],
        **fields,
    }


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body["detail"]
    if code is not None:
        assert body["code"] == code


async def test_a_json_body_over_the_limit_is_413_declared_or_chunked(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = {**tokens.headers("city_officer"), "Content-Type": "application/json"}
    big = b'{"address": "' + b"x" * (3 * 1024 * 1024) + b'"}'

    declared = await client.post("/api/v1/households", content=big, headers=headers)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    chunked = await client.post("/api/v1/households", content=chunks(), headers=headers)

    assert "content-length" not in chunked.request.headers
    for response in (declared, chunked):
        assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
        assert response.json()["max_bytes"] == 2 * 1024 * 1024
        assert "2 MB" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "text/html; charset=utf-8"]
)
async def test_a_body_of_another_media_type_is_415(
    client: httpx.AsyncClient, tokens: Tokens, content_type: str
) -> None:
    response = await client.post(
        "/api/v1/households",
        content=b"area_code=429006100201",
        headers={**tokens.headers("city_officer"), "Content-Type": content_type},
    )
    assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")


async def test_json_with_a_charset_is_still_json(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(
        "/api/v1/households",
        content=httpx.Request("POST", "/", json=household()).read(),
        headers={
            **tokens.headers("city_officer"),
            "Content-Type": "application/json; charset=utf-8",
        },
    )
    assert response.status_code == 201, response.text


async def test_ten_thousand_members_is_a_422_not_a_500(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    members = [member()] + [member("other") for _ in range(9_999)]
    response = await client.post(
        "/api/v1/households",
        json=household(members=members),
        headers=tokens.headers("city_officer"),
    )
    assert_problem(response, 422, "VALIDATION_FAILED")
    assert any(error["field"] == "members" for error in response.json()["errors"])


async def test_negative_money_is_refused(client: httpx.AsyncClient, tokens: Tokens) -> None:
    income = member() | {"incomes": [{"kind": "wages", "monthly_amount": "-1200.00"}]}
    negative_income = await client.post(
        "/api/v1/households",
        json=household(members=[income]),
        headers=tokens.headers("city_officer"),
    )
    negative_standard = await client.post(
        "/api/v1/standards",
        json={
            "programme": "urban_dibao",
            "year": 2024,
            "amount": "-630.00",
            "unit": "per_month",
            "effective_date": "2024-01-01",
        },
        headers=tokens.headers("admin"),
    )
    for response in (negative_income, negative_standard):
        assert_problem(response, 422, "VALIDATION_FAILED")
        assert any("amount" in error["field"] for error in response.json()["errors"])


@pytest.mark.parametrize("period", ["9999-01", "1900-12", "2024-13", "99999-01"])
async def test_a_period_outside_2000_2100_is_refused(
    client: httpx.AsyncClient, tokens: Tokens, period: str
) -> None:
    response = await client.post(
        "/api/v1/disbursement-runs",
        json={"programme": "urban_dibao", "period": period},
        headers=tokens.headers("admin"),
    )
    assert_problem(response, 422, "VALIDATION_FAILED")
    assert [error["field"] for error in response.json()["errors"]] == ["period"]


@pytest.mark.parametrize("path", ["/api/v1/households", "/api/v1/reviews/due"])
async def test_an_offset_beyond_any_list_is_a_422_not_a_500(
    client: httpx.AsyncClient, tokens: Tokens, path: str
) -> None:
    response = await client.get(
        path, params={"offset": str(2**63)}, headers=tokens.headers("city_officer")
    )
    assert_problem(response, 422, "VALIDATION_FAILED")
    assert [error["field"] for error in response.json()["errors"]] == ["offset"]


async def test_a_year_9999_standard_is_refused(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.post(
        "/api/v1/standards",
        json={
            "programme": "urban_dibao",
            "year": 9999,
            "amount": "630.00",
            "unit": "per_month",
            "effective_date": "9999-01-01",
        },
        headers=tokens.headers("admin"),
    )
    assert_problem(response, 422, "VALIDATION_FAILED")


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for number in range(200):
        sheet.write_row(number, 0, ["户主", "张三", "429006100201", number])
    workbook.close()
    return buffer.getvalue()


def _zip_without_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "不是工作簿")
    return buffer.getvalue()


IMPORTS = {
    "/api/v1/households/import": "ASSISTANCE_IMPORT",
    "/api/v1/enrolments/import": "ASSISTANCE_ENROLMENT_IMPORT",
    "/api/v1/temporary-cases/import": "ASSISTANCE_TEMPORARY_IMPORT",
    "/api/v1/helper-ledger/assignments/import": "ASSISTANCE_HELPER_IMPORT",
}


@pytest.mark.parametrize("url", list(IMPORTS))
@pytest.mark.parametrize(
    "content",
    [_xlsx()[:2000], _zip_without_a_workbook(), b"\xd0\xcf\x11\xe0" + b"\x00" * 600],
    ids=["truncated-xlsx", "zip-not-a-workbook", "broken-xls"],
)
async def test_a_malformed_excel_file_is_a_422_in_chinese(
    client: httpx.AsyncClient, tokens: Tokens, url: str, content: bytes
) -> None:
    response = await client.post(
        url, files={"file": ("登记表.xlsx", content)}, headers=tokens.headers("city_officer")
    )
    assert_problem(response, 422, f"{IMPORTS[url]}_UNREADABLE")
    assert "Excel" in response.json()["detail"]


@pytest.mark.parametrize("url", list(IMPORTS))
async def test_a_csv_in_neither_utf8_nor_gbk_says_which_encodings_are_read(
    client: httpx.AsyncClient, tokens: Tokens, url: str
) -> None:
    # Excel's "Unicode text" is UTF-16: GB18030 cannot read its 0xFF 0xFE mark.
    content = "户主姓名,身份证号\n张三,429006199001011234\n".encode("utf-16")
    response = await client.post(
        url, files={"file": ("登记表.csv", content)}, headers=tokens.headers("city_officer")
    )
    assert_problem(response, 422, f"{IMPORTS[url]}_ENCODING")
    assert "UTF-8" in response.json()["detail"]
    assert "GBK" in response.json()["detail"]


async def test_a_nul_character_is_a_422_not_a_database_error(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    # PostgreSQL text cannot hold U+0000; the fuzzer found a search for it was a 500.
    in_query = await client.get(
        "/api/v1/households", params={"q": "张\x00"}, headers=tokens.headers("admin")
    )
    in_body = await client.post(
        "/api/v1/households",
        json=household(address="多宝镇\x00新华村"),
        headers=tokens.headers("city_officer"),
    )
    for response in (in_query, in_body):
        assert_problem(response, 422, "NUL_CHARACTER")
    escaped_backslash = await client.post(
        "/api/v1/households",
        json=household(address="多宝镇\\u0000新华村"),
        headers=tokens.headers("city_officer"),
    )
    assert escaped_backslash.status_code == 201, escaped_backslash.text
