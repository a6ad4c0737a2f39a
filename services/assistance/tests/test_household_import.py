"""Bulk import of households: all rows checked first, nothing written on any error,
COPY when all is well; CSV in UTF-8 or GBK, XLSX, the template."""

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

import httpx
import pytest
import xlsxwriter
from fastapi import FastAPI
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.db import AuditEvent
from civil_assistance.households.importer import reading
from civil_assistance.households.importer import service as service_module
from civil_assistance.households.importer.columns import COLUMNS
from civil_assistance.households.importer.rows import (
    household_cells,
    member_cells,
    quick_household,
    quick_member,
)
from civil_assistance.households.models import Household, HouseholdMember, MemberIncome
from civil_cli.pytest_plugin import Tokens, unique
from civil_shared.testing.factories import make_id_number
from civil_shared.types import id_check_char

URL = "/api/v1/households/import"
KEYS = [column.key for column in COLUMNS]
HEADERS_ZH = [column.header_zh for column in COLUMNS]


def row(ref: str, relation: str = "户主", **extra: Any) -> dict[str, Any]:
    return {
        "household_ref": ref,
        "area_code": "429006100201",
        "address": f"多宝镇新华村{ref}号",
        "residence_type": "农村",
        "income_stability": "稳定",
        "in_poverty_alleviation": "否",
        "id_number": str(make_id_number()),
        "name": "张三",
        "relation": relation,
        "employment_status": "就业",
        **extra,
    }


def good_rows() -> list[dict[str, Any]]:
    return [
        row("1", income_wages="1200"),
        row("1", "配偶", name="李四", income_wages="300", income_assistance="630"),
        row("1", "子女", name="张小", employment_status="在校学生"),
        row(
            "2",
            address="多宝镇新华村2号",
            residence_type="urban",
            income_stability="unstable",
            in_poverty_alleviation="是",
            disability_category="肢体",
            disability_grade="2",
            phone="13800138000",
        ),
        row("2", "父母", address="多宝镇新华村2号", residence_type="urban",
            income_stability="unstable", in_poverty_alleviation="是", death_date="2020-05-01"),
    ]  # fmt: skip


def csv_bytes(
    rows: Sequence[dict[str, Any]],
    *,
    headers: Sequence[str] = HEADERS_ZH,
    encoding: str = "utf-8",
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(key, "") for key in KEYS])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[dict[str, Any]], *, numbers: Sequence[str] = ()) -> bytes:
    """A workbook as staff fill it; ``numbers`` are columns typed as numbers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS_ZH)
    for r, values in enumerate(rows, start=1):
        for c, key in enumerate(KEYS):
            value = values.get(key, "")
            if key in numbers and value != "":
                sheet.write_number(r, c, float(value))
            elif value != "":
                sheet.write_string(r, c, str(value))
    workbook.close()
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    filename: str = "households.csv",
) -> httpx.Response:
    return await client.post(URL, files={"file": (filename, content)}, headers=headers)


async def counts(session: AsyncSession) -> tuple[int, ...]:
    """Rows of the three tables and bulk audit events."""
    found = [
        await session.scalar(select(func.count()).select_from(model))
        for model in (Household, HouseholdMember, MemberIncome)
    ]
    found.append(
        await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bulk")
        )
    )
    return tuple(n or 0 for n in found)


# --- success ---------------------------------------------------------------


async def test_a_good_file_is_loaded_and_audited(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    rows = good_rows()
    before = await counts(session)

    response = await upload(client, tokens.headers("city_officer"), csv_bytes(rows))

    assert response.status_code == 201, response.text
    assert response.json() == {
        "households": 2,
        "members": 5,
        "incomes": 3,
        "format": "csv",
        "encoding": "utf-8",
    }
    assert await counts(session) == (before[0] + 2, before[1] + 5, before[2] + 3, before[3] + 1)
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "bulk"))
    assert event is not None
    assert event.actor == "test-city_officer"
    assert event.entity == "household"
    assert event.new_values is not None
    assert (event.new_values["households"], event.new_values["members"]) == (2, 5)

    found = await client.get(
        "/api/v1/households",
        params={"q": rows[3]["id_number"]},
        headers=tokens.headers("city_officer", scopes=["pii:read"]),
    )
    (second,) = found.json()["items"]
    assert (second["residence_type"], second["income_stability"]) == ("urban", "unstable")
    assert second["in_poverty_alleviation"] is True
    assert second["member_count"] == 1  # the parent has died
    head = next(m for m in second["members"] if m["relation"] == "head")
    assert (head["disability_category"], head["disability_grade"]) == ("physical", 2)
    assert head["phone"] == "13800138000"
    parent = next(m for m in second["members"] if m["relation"] == "parent")
    assert parent["death_date"] == "2020-05-01"

    first = (
        await client.get(
            "/api/v1/households",
            params={"q": rows[0]["id_number"]},
            headers=tokens.headers("auditor"),
        )
    ).json()["items"][0]
    assert first["income_per_person"] == "500.00"  # (1200 + 300) / 3; assistance not counted
    assert {m["name"] for m in first["members"]} == {"张三", "李四", "张小"}


async def test_english_headers_and_a_utf8_bom_are_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    rows = [row("a", relation="head", residence_type="rural", employment_status="employed")]
    content = b"\xef\xbb\xbf" + csv_bytes(rows, headers=KEYS)

    response = await upload(client, tokens.headers("city_officer"), content)

    assert response.status_code == 201, response.text
    assert response.json()["encoding"] == "utf-8-sig"


async def test_a_gbk_csv_from_chinese_excel_is_read(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    rows = [row("1", name="欧阳娜娜", address="竟陵街道钟惺大道88号")]
    content = csv_bytes(rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    response = await upload(client, tokens.headers("city_officer"), content)

    assert response.status_code == 201, response.text
    assert response.json()["encoding"] == "gb18030"
    listed = await client.get(
        "/api/v1/households", params={"q": "欧阳"}, headers=tokens.headers("city_officer")
    )
    (household,) = listed.json()["items"]
    assert household["address"] == "竟陵街道钟惺大道88号"
    assert household["members"][0]["name"] == "欧阳娜娜"


async def test_an_xlsx_file_is_read(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    rows = good_rows()
    content = xlsx_bytes(rows, numbers=("area_code", "income_wages", "disability_grade"))

    response = await upload(client, tokens.headers("city_officer"), content, "households.xlsx")

    assert response.status_code == 201, response.text
    assert response.json()["format"] == "xlsx"
    assert response.json()["encoding"] is None
    stored = await session.scalar(
        select(MemberIncome.monthly_amount)
        .join(HouseholdMember, HouseholdMember.id == MemberIncome.member_id)
        .where(HouseholdMember.id_number == rows[0]["id_number"])
    )
    assert str(stored) == "1200.00"


# --- nothing written on any error ------------------------------------------


async def test_one_bad_row_among_good_ones_writes_nothing(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    rows = good_rows()
    rows[2]["id_number"] = "429006200001011234"  # wrong check character
    before = await counts(session)

    response = await upload(client, tokens.headers("city_officer"), csv_bytes(rows))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "ASSISTANCE_IMPORT_INVALID"
    assert problem["error_count"] == 1
    assert problem["report"] == [
        {"row": 4, "field": "id_number", "column": "身份证号", "message": "身份证号校验位错误"}
    ]
    assert "第 4 行" in problem["detail"]
    assert await counts(session) == before


async def test_every_bad_row_and_field_is_reported(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    existing = await client.post(
        "/api/v1/households",
        json={
            "area_code": "429006100201",
            "address": "已登记",
            "residence_type": "rural",
            "income_stability": "stable",
            "members": [
                {
                    "id_number": (taken := str(make_id_number())),
                    "name": "已登记",
                    "relation": "head",
                    "employment_status": "employed",
                }
            ],
        },
        headers=tokens.headers("city_officer"),
    )
    assert existing.status_code == 201
    twice = str(make_id_number(birth_date=date(1980, 1, 1)))
    rows = [
        row("1", id_number=twice),  # row 2
        row("1", "户主"),  # row 3: a second head
        row("2", "配偶"),  # row 4: household 2 has no head
        row("3", id_number=twice),  # row 5: the same person again
        row("4", id_number=taken),  # row 6: already in a household
        row("5", area_code="429006", income_wages="-5"),  # row 7
        row("6"),  # row 8
        row("6", "子女", address="别处"),  # row 9: not the household's address
        row("7", relation="老板", employment_status="", death_date="昨天"),  # row 10
        row("8", disability_grade="2"),  # row 11: a grade without its category
    ]
    before = await counts(session)

    response = await upload(client, tokens.headers("city_officer"), csv_bytes(rows))

    assert response.status_code == 422
    report = {(p["row"], p["field"]) for p in response.json()["report"]}
    assert report == {
        (3, "relation"),
        (4, "relation"),
        (5, "id_number"),
        (6, "id_number"),
        (7, "area_code"),
        (7, "income_wages"),
        (9, "address"),
        (10, "relation"),
        (10, "employment_status"),
        (10, "death_date"),
        (11, "disability_category"),
    }
    messages = {(p["row"], p["field"]): p["message"] for p in response.json()["report"]}
    assert messages[(3, "relation")] == "本户已有户主（第 2 行）"
    assert messages[(5, "id_number")] == "与第 2 行的身份证号重复"
    assert existing.json()["id"] in messages[(6, "id_number")]
    assert taken not in response.text
    assert messages[(10, "employment_status")] == "必填项未填写"
    assert "户主" in messages[(10, "relation")]
    assert response.json()["error_count"] == len(report)
    assert await counts(session) == before


async def test_an_id_number_turned_into_a_number_by_excel_is_explained(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    digits_only = next(n for n in iter(make_id_number, None) if n[-1] != "X")
    content = xlsx_bytes([row("1", id_number=str(digits_only))], numbers=("id_number",))

    response = await upload(client, tokens.headers("city_officer"), content, "x.xlsx")

    assert response.status_code == 422
    (problem,) = response.json()["report"]
    assert problem["field"] == "id_number"
    assert "文本格式" in problem["message"]


async def test_bad_headers_are_reported_before_any_row(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = ["户编号", "区划代码", "家庭住址", "城乡类别", "身份证", "姓名", "姓名"]
    response = await upload(client, tokens.headers("city_officer"), csv_bytes([], headers=headers))

    assert response.status_code == 422
    report = response.json()["report"]
    assert {p["row"] for p in report} == {1}
    messages = [p["message"] for p in report]
    assert "无法识别的列名「身份证」" in messages
    assert "列「姓名」重复出现" in messages
    assert "缺少必填列「身份证号」" in messages
    assert "缺少必填列「与户主关系」" in messages


async def test_empty_files_are_refused(client: httpx.AsyncClient, tokens: Tokens) -> None:
    headers = tokens.headers("city_officer")
    empty = await upload(client, headers, b"")
    header_only = await upload(client, headers, csv_bytes([]))

    assert empty.status_code == 422
    assert header_only.status_code == 422
    assert header_only.json()["code"] == "ASSISTANCE_IMPORT_EMPTY"


async def test_township_officer_imports_only_into_own_areas(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    rows = [row("1"), row("2", area_code="429006102201", address="张港镇")]
    before = await counts(session)

    response = await upload(
        client, tokens.headers("township_officer", area_codes=["429006100"]), csv_bytes(rows)
    )

    assert response.status_code == 422
    assert [(p["row"], p["field"]) for p in response.json()["report"]] == [(3, "area_code")]
    assert await counts(session) == before


async def test_auditor_cannot_import(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await upload(client, tokens.headers("auditor"), csv_bytes([row("1")]))
    assert response.status_code == 403


# --- the quick path --------------------------------------------------------


def _with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


_MEMBER = {"name": "张三", "relation": "户主", "employment_status": "就业"}
_LOWER_X = next(str(n) for n in iter(make_id_number, None) if n.endswith("X")).lower()
_ID_NUMBERS = [
    str(make_id_number()),
    _with_check("42900619000101001"),  # the earliest birth date
    _with_check("42900618991231001"),  # a day too early
    _with_check("42900620990101001"),  # not born yet
    _with_check("42900619800230001"),  # no such day
    _with_check("10900619800101001"),  # no such province
    _with_check("82900619800101001"),
    _with_check("83900619800101001"),
    "429006198001010011",  # wrong check character
    _LOWER_X,
    "４29006198001010018",  # a full-width digit
    "4.29006198001E+17",
    "42900619800101001",
]
_MEMBER_CELLS = [
    *({**_MEMBER, "id_number": number} for number in _ID_NUMBERS),
    *(
        {**_MEMBER, "id_number": _ID_NUMBERS[0], key: value}
        for key, value in [
            ("name", "名" * 100),
            ("name", "名" * 101),
            ("relation", "HEAD"),
            ("relation", "spouse"),
            ("relation", "女儿"),
            ("relation", "老板"),
            ("employment_status", "在校学生"),
            ("phone", "13800138000"),
            ("phone", "+86 138-0013-8000"),
            ("phone", "1380"),
            ("phone", "１3800138000"),
            ("disability_category", "肢体"),
            ("disability_grade", "2"),
            ("disability_grade", "二级"),
            ("disability_grade", "5"),
            ("death_date", "2020-05-01"),
            ("death_date", "2020年5月1日"),
            ("death_date", "20200230"),
            ("income_wages", "300"),
            ("income_wages", "300.5"),
            ("income_wages", "300.001"),
            ("income_wages", "-1"),
            ("income_wages", "1e3"),
            ("income_wages", "1_000"),
            ("income_property", "NaN"),
            ("income_assistance", "1000000000000"),
        ]
    ),
    {"id_number": _ID_NUMBERS[0], "name": "张三", "relation": "户主"},  # a required cell missing
]
_HOUSEHOLD = {
    "area_code": "429006100201",
    "address": "多宝镇新华村1号",
    "residence_type": "农村",
    "income_stability": "稳定",
}
_HOUSEHOLD_CELLS = [
    _HOUSEHOLD,
    *(
        {**_HOUSEHOLD, key: value}
        for key, value in [
            ("area_code", "429006100"),
            ("area_code", "429006"),
            ("area_code", "420100100201"),
            ("area_code", "4290061002"),
            ("address", "址" * 200),
            ("address", "址" * 201),
            ("residence_type", "urban"),
            ("residence_type", "城市"),
            ("income_stability", "不稳定"),
            ("income_stability", "maybe"),
            ("in_poverty_alleviation", "是"),
            ("in_poverty_alleviation", "No"),
            ("in_poverty_alleviation", "也许"),
        ]
    ),
    {key: value for key, value in _HOUSEHOLD.items() if key != "address"},
]


#: Good cells in a form only the model puts right (it upper-cases the x, lower-cases HEAD).
_MODEL_ONLY = {_LOWER_X, "HEAD"}


def _typed(values: Any) -> dict[str, tuple[type, str]] | None:
    return None if values is None else {k: (type(v), str(v)) for k, v in values.items()}


def _model(adapter: Any, cells: dict[str, str]) -> Any:
    try:
        return adapter.validate_python(cells)
    except ValueError:
        return None


@pytest.mark.parametrize("cells", _MEMBER_CELLS + _HOUSEHOLD_CELLS)
def test_the_quick_path_gives_what_the_row_model_gives_or_leaves_it_to_the_model(
    cells: dict[str, str],
) -> None:
    member = "id_number" in cells
    quick = (quick_member if member else quick_household)(cells)
    model = _model(member_cells if member else household_cells, cells)
    if model is not None and not _MODEL_ONLY & set(cells.values()):
        assert quick is not None  # a clean row takes the quick path
    if quick is not None:
        assert _typed(quick) == _typed(model)


# --- the upload itself -----------------------------------------------------


async def test_uploads_over_the_limit_are_refused(
    client: httpx.AsyncClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reading, "MAX_UPLOAD_BYTES", 1000)
    monkeypatch.setattr(reading, "_LIMIT_WITH_ENVELOPE", 2000)
    headers = tokens.headers("city_officer")
    big = csv_bytes([row(str(i)) for i in range(100)])

    declared = await upload(client, headers, big)

    body = httpx.Request("POST", URL, files={"file": ("x.csv", big)})
    content = body.read()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(content), 500):
            yield content[start : start + 500]

    chunked = await client.post(
        URL, content=chunks(), headers={**headers, "Content-Type": body.headers["Content-Type"]}
    )

    for response in (declared, chunked):
        assert response.status_code == 413
        assert response.json()["code"] == "ASSISTANCE_IMPORT_TOO_LARGE"
    assert "content-length" not in chunked.request.headers


async def test_upload_must_be_multipart_with_a_file(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    headers = tokens.headers("city_officer")
    raw = await client.post(
        URL, content=csv_bytes([row("1")]), headers={**headers, "Content-Type": "text/csv"}
    )
    no_file = await client.post(
        URL, data={"other": "x"}, files={"x": ("a.csv", b"a")}, headers=headers
    )

    assert raw.status_code == 415
    assert no_file.status_code == 422
    assert no_file.json()["code"] == "ASSISTANCE_IMPORT_FILE_MISSING"


async def test_an_unreadable_excel_file_is_422(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await upload(client, tokens.headers("city_officer"), b"PK\x03\x04broken", "a.xlsx")
    assert response.status_code == 422
    assert response.json()["code"] == "ASSISTANCE_IMPORT_UNREADABLE"


# --- the template ----------------------------------------------------------


async def test_csv_template_is_the_chinese_header(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await client.get(
        f"{URL}/template", params={"format": "csv"}, headers=tokens.headers("auditor")
    )

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == HEADERS_ZH


async def test_xlsx_template_filled_in_imports(client: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await client.get(f"{URL}/template", headers=tokens.headers("city_officer"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names == ["家庭成员", "填写说明"]
    rows = workbook.get_sheet_by_index(0).to_python()
    assert rows[0] == HEADERS_ZH
    notes = workbook.get_sheet_by_name("填写说明").to_python()
    assert notes[1][:3] == ["户编号", "household_ref", "必填"]

    # The header of the template, then the rows staff type in: it imports.
    filled = csv_bytes([row("1")], headers=[str(h) for h in rows[0]])
    assert (await upload(client, tokens.headers("city_officer"), filled)).status_code == 201


async def test_template_requires_a_caller(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{URL}/template")).status_code == 401


# --- on a database whose writes really commit ------------------------------


async def test_the_copy_commits_with_the_request(committed_app: FastAPI, tokens: Tokens) -> None:
    rows = [row("1", name=unique("甲")), row("1", "配偶", name=unique("乙"))]
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        loaded = await upload(client, tokens.headers("city_officer"), csv_bytes(rows))
        found = await client.get(
            "/api/v1/households", params={"q": rows[1]["name"]}, headers=tokens.headers("auditor")
        )

    assert loaded.status_code == 201, loaded.text
    (household,) = found.json()["items"]
    assert {m["name"] for m in household["members"]} == {rows[0]["name"], rows[1]["name"]}


async def test_a_person_claimed_during_the_import_rolls_all_of_it_back(
    committed_app: FastAPI, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = httpx.ASGITransport(app=committed_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        headers = tokens.headers("city_officer")
        first = [row("1", name=unique("先"))]
        assert (await upload(client, headers, csv_bytes(first))).status_code == 201

        async def nobody_yet(*_: object) -> dict[str, object]:
            return {}  # as if the other request committed after our check

        monkeypatch.setattr(service_module, "households_of", nobody_yet)
        late = [row("2", name=unique("后")), row("3", id_number=first[0]["id_number"])]
        response = await upload(client, headers, csv_bytes(late))
        found = await client.get(
            "/api/v1/households", params={"q": late[0]["name"]}, headers=headers
        )

    assert response.status_code == 409
    assert response.json()["code"] == "ASSISTANCE_IMPORT_CONFLICT"
    assert found.json()["total"] == 0
