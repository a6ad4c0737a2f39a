"""Bulk imports of left-behind elderly, child files and disabled persons (CSV and XLSX):
every row checked as the single-record API checks it, all or nothing with a per-row
report, scoped to the caller's areas, loaded by COPY and audited."""

import csv
import dataclasses
import io
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from civil_cli.pytest_plugin import Tokens
from civil_shared.auth import Principal, Role
from civil_shared.errors import Conflict
from civil_shared.runtime.imports import Upload
from civil_shared.testing.factories import make_id_number
from civil_welfare.children.files.models import ChildFile
from civil_welfare.db import AuditEvent
from civil_welfare.disability.importer import disabled_person_import
from civil_welfare.disability.models import DisabledPerson
from civil_welfare.elderly.models import LeftBehindElder, LeftBehindElderChild
from civil_welfare.elderly.qualification import add_months

ELDERLY = "/api/v1/left-behind-elderly"
CHILDREN = "/api/v1/child-files"
DISABLED = "/api/v1/disabled-persons"
DIRECTORS = "/api/v1/child-directors"
DUOBAO = "429006100"
DUOBAO_VILLAGE = "429006100201"
DUOBAO_NEIGHBOUR = "429006100202"
TUOSHI_VILLAGE = "429006101001"
TODAY = date.today()
LONG_AGO = add_months(TODAY, -14).isoformat()

ELDER_HEADER = [
    "身份证号",
    "姓名",
    "区划代码",
    "居住情况",
    "风险等级",
    "探访责任人",
    "子女1姓名",
    "子女1关系",
    "子女1外出情况",
    "子女1外出去向",
    "子女1外出起始日期",
    "子女2姓名",
    "子女2关系",
    "子女2外出情况",
    "子女2外出去向",
    "子女2外出起始日期",
]
CHILD_HEADER = [
    "身份证号",
    "姓名",
    "区划代码",
    "儿童类别",
    "监护人姓名",
    "监护人关系",
    "监护人联系电话",
    "就读学校",
    "基本情况",
    "儿童主任",
]
DISABLED_HEADER = ["身份证号", "姓名", "区划代码", "残疾人证号", "残疾类别", "残疾等级", "联系电话"]
CATEGORY_DIGITS = {"肢体残疾": "4", "视力残疾": "1", "智力残疾": "5"}


def city(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("city_officer", scopes=["pii:read"])


def township(tokens: Tokens) -> dict[str, str]:
    return tokens.headers("township_officer", area_codes=[DUOBAO], scopes=["pii:read"])


def born(year: int, day: int = 0) -> str:
    """An ID number of someone born in ``year``; ``day`` keeps a test's people apart."""
    return str(make_id_number(birth_date=date(year, 3, 1) + timedelta(days=day)))


def born_with_x(year: int) -> str:
    """An ID number ending in X, whose lower-case spelling is the same number."""
    day = date(year, 1, 1)
    while not (number := str(make_id_number(birth_date=day))).endswith("X"):
        day += timedelta(days=1)
    return number


def years_ago(years: int) -> date:
    try:
        return TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        return TODAY.replace(year=TODAY.year - years, day=28)


def child_born(age: int, day: int = 0) -> str:
    """A child of ``age`` (40 days past the birthday, less ``day``)."""
    return str(make_id_number(birth_date=years_ago(age) - timedelta(days=40 - day)))


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """As Excel saves "CSV UTF-8": with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode()


def xlsx_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("导入")
    for number, cells in enumerate([header, *rows]):
        for index, cell in enumerate(cells):
            sheet.write_string(number, index, cell)
    workbook.close()
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], content: bytes, name: str
) -> httpx.Response:
    return await client.post(f"{url}/import", files={"file": (name, content)}, headers=headers)


def elder_row(id_number: str, area_code: str = DUOBAO_VILLAGE, **cells: str) -> list[str]:
    row = {
        "身份证号": id_number,
        "姓名": "张老汉",
        "区划代码": area_code,
        "居住情况": "与配偶同住",
        "风险等级": "中风险",
        "探访责任人": "李主任",
        "子女1姓名": "张大",
        "子女1关系": "儿子",
        "子女1外出情况": "外出务工",
        "子女1外出去向": "广东省东莞市",
        "子女1外出起始日期": LONG_AGO,
        "子女2姓名": "张二",
        "子女2关系": "女儿",
        "子女2外出情况": "未外出",
        "子女2外出去向": "",
        "子女2外出起始日期": "",
        **cells,
    }
    return [row[column] for column in ELDER_HEADER]


def child_row(id_number: str, area_code: str = DUOBAO_VILLAGE, **cells: str) -> list[str]:
    row = {
        "身份证号": id_number,
        "姓名": "王小明",
        "区划代码": area_code,
        "儿童类别": "留守儿童",
        "监护人姓名": "王大爷",
        "监护人关系": "爷爷",
        "监护人联系电话": "13807281234",
        "就读学校": "多宝镇中心小学",
        "基本情况": "父母在广东务工，与祖父同住",
        "儿童主任": "",
        **cells,
    }
    return [row[column] for column in CHILD_HEADER]


def disabled_row(
    id_number: str, category: str = "肢体残疾", grade: int = 2, **cells: str
) -> list[str]:
    row = {
        "身份证号": id_number,
        "姓名": "王残",
        "区划代码": DUOBAO_VILLAGE,
        "残疾人证号": f"{id_number}{CATEGORY_DIGITS[category]}{grade}",
        "残疾类别": category,
        "残疾等级": f"{grade}级",
        "联系电话": "",
        **cells,
    }
    return [row[column] for column in DISABLED_HEADER]


async def counts(session: AsyncSession) -> tuple[int, ...]:
    """Rows of each register and the bulk audit events: what an import writes."""
    found = []
    for model in (LeftBehindElder, LeftBehindElderChild, ChildFile, DisabledPerson):
        found.append(await session.scalar(select(func.count()).select_from(model)) or 0)
    bulk = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bulk")
    found.append(await session.scalar(bulk) or 0)
    return tuple(found)


async def read_back(
    client: httpx.AsyncClient, tokens: Tokens, url: str, id_number: str
) -> dict[str, Any]:
    listed = await client.get(url, params={"q": id_number}, headers=city(tokens))
    assert listed.status_code == 200, listed.text
    items: list[dict[str, Any]] = listed.json()["items"]
    assert len(items) == 1
    return items[0]


# --- good files ---------------------------------------------------------------------------


async def test_an_elder_file_loads_with_the_children_and_reads_back(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    first, second = born(1948), born(1950, 1)
    rows = [
        elder_row(first),
        [],  # a blank line is harmless
        elder_row(
            second.lower(),
            DUOBAO_NEIGHBOUR,
            姓名="李奶奶",
            居住情况="独居",
            风险等级="高",
            子女2姓名="",
            子女2关系="",
            子女2外出情况="",
        ),
    ]
    before = await counts(session)

    response = await upload(client, ELDERLY, city(tokens), csv_bytes(ELDER_HEADER, rows), "e.csv")

    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 2, "format": "csv", "encoding": "utf-8-sig"}
    after = await counts(session)
    assert (after[0] - before[0], after[1] - before[1], after[4] - before[4]) == (2, 3, 1)
    one = await read_back(client, tokens, ELDERLY, first)
    assert (one["name"], one["area_code"], one["living_situation"]) == (
        "张老汉",
        DUOBAO_VILLAGE,
        "with_spouse",
    )
    assert one["responsible_worker"]["name"] == "李主任"
    assert [
        (c["name"], c["relation"], c["away_for"], c["away_since"]) for c in one["children"]
    ] == [
        ("张大", "son", "work", LONG_AGO),
        ("张二", "daughter", "not_away", None),
    ]
    assert one["registered_date"] == TODAY.isoformat()
    assert one["qualification"]["qualified"] is False  # a child at home
    other = await read_back(client, tokens, ELDERLY, second)
    assert (other["living_situation"], other["risk_level"]) == ("alone", "high")
    assert other["qualification"]["qualified"] is True
    event = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "bulk", AuditEvent.entity == "left_behind_elder")
        .order_by(AuditEvent.id.desc())
    )
    assert event is not None
    assert event.new_values is not None
    assert event.actor == "test-city_officer"
    assert (event.new_values["rows"], event.new_values["left_behind_elder_child_rows"]) == (2, 3)


async def test_child_files_load_from_xlsx_with_their_villages_director(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    director = await client.post(
        DIRECTORS,
        json={
            "id_number": born(1980),
            "name": "李主任",
            "phone": "13907280001",
            "area_code": DUOBAO_VILLAGE,
            "appointed_date": "2019-03-01",
        },
        headers=city(tokens),
    )
    assert director.status_code == 201, director.text
    named, unnamed, elsewhere = child_born(9), child_born(12, 1), child_born(15, 2)
    rows = [
        child_row(named, 儿童主任="李主任"),
        child_row(unnamed, 儿童类别="留守且困境", 监护人关系="母亲", 就读学校=""),
        child_row(elsewhere, DUOBAO_NEIGHBOUR, 儿童类别="困境儿童"),
    ]
    before = await counts(session)

    response = await upload(
        client, CHILDREN, township(tokens), xlsx_bytes(CHILD_HEADER, rows), "c.xlsx"
    )

    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 3, "format": "xlsx", "encoding": None}
    assert (await counts(session))[2] - before[2] == 3
    first = await read_back(client, tokens, CHILDREN, named)
    assert first["director"]["id"] == director.json()["id"]
    assert first["guardian"] == {
        "name": "王大爷",
        "relation": "grandparent",
        "phone": "13807281234",
        "id_number": None,
    }
    assert (first["category"], first["school"], first["status"]) == (
        "left_behind",
        "多宝镇中心小学",
        "active",
    )
    second = await read_back(client, tokens, CHILDREN, unnamed)
    assert second["director"]["id"] == director.json()["id"]  # the village's, as by the API
    assert (second["category"], second["guardian"]["relation"], second["school"]) == (
        "both",
        "mother",
        None,
    )
    third = await read_back(client, tokens, CHILDREN, elsewhere)
    assert (third["category"], third["director"]) == ("hardship", None)


async def test_disabled_persons_load_without_subsidies(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    first, second = born(1970), born(1985, 1)
    rows = [
        disabled_row(first, 联系电话="13907281111"),
        disabled_row(second, "智力残疾", 3, 残疾等级="三级"),
    ]
    before = await counts(session)

    response = await upload(
        client, DISABLED, city(tokens), csv_bytes(DISABLED_HEADER, rows), "d.csv"
    )

    assert response.status_code == 201, response.text
    assert response.json()["rows"] == 2
    assert (await counts(session))[3] - before[3] == 2
    one = await read_back(client, tokens, DISABLED, first)
    assert (one["category"], one["grade"], one["phone"], one["status"]) == (
        "physical",
        2,
        "13907281111",
        "active",
    )
    assert one["certificate_number"] == f"{first}42"
    assert one["active_subsidies"] == []
    two = await read_back(client, tokens, DISABLED, second)
    assert (two["category"], two["grade"]) == ("intellectual", 3)


async def test_a_person_registered_while_the_file_was_checked_is_a_409_with_nothing_written(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    taken, other = born(1961, 7), born(1962, 7)
    first = await upload(
        client, DISABLED, city(tokens), csv_bytes(DISABLED_HEADER, [disabled_row(taken)]), "a.csv"
    )
    assert first.status_code == 201, first.text
    before = await counts(session)

    async def nobody(session: AsyncSession, keys: list[str]) -> set[str]:
        return set()

    # As if ``taken`` were registered by someone else after the file's keys were looked
    # up: the COPY meets the unique key.
    racing = dataclasses.replace(disabled_person_import, registered=nobody)
    content = csv_bytes(DISABLED_HEADER, [disabled_row(other), disabled_row(taken)])
    with pytest.raises(Conflict) as raised:
        await racing.run(
            session,
            Upload("b.csv", content),
            Principal(sub="city-officer", roles=frozenset({Role.CITY_OFFICER})),
        )

    assert raised.value.code == "WELFARE_DISABLED_PERSON_IMPORT_CONFLICT"
    assert raised.value.detail == "导入期间有记录被他人登记，未导入任何数据，请重新导入"
    assert await counts(session) == before


async def test_templates_carry_the_chinese_headers(
    client: httpx.AsyncClient, tokens: Tokens
) -> None:
    auditor = tokens.headers("auditor")
    as_csv = await client.get(
        f"{ELDERLY}/import/template", params={"format": "csv"}, headers=auditor
    )
    as_xlsx = await client.get(f"{DISABLED}/import/template", headers=auditor)

    assert as_csv.status_code == as_xlsx.status_code == 200
    assert as_csv.content.startswith("\ufeff".encode())
    header = as_csv.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["身份证号", "姓名", "区划代码"]
    assert "子女5外出起始日期" in header
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(as_xlsx.content)).get_sheet_by_index(0)
    assert sheet.to_python()[0][:6] == DISABLED_HEADER[:6]


# --- bad files: nothing written ----------------------------------------------------------


def bad_elder_file() -> tuple[str, bytes, list[tuple[int, str, str]]]:
    rows = [
        elder_row(born(1950)),
        elder_row(born(1970, 1)),  # row 3: 56 years old
        elder_row(born(1951, 2), 子女1外出去向=""),  # row 4: away without whereabouts
        elder_row(born(1952, 3), 区划代码="420106001001"),  # row 5: outside Tianmen
    ]
    expected = [
        (3, "身份证号", "未满60周岁"),
        (4, "子女1外出情况", "外出的子女须填写外出去向和起始日期"),
        (5, "区划代码", "天门市"),
    ]
    return ELDERLY, csv_bytes(ELDER_HEADER, rows), expected


def bad_child_file() -> tuple[str, bytes, list[tuple[int, str, str]]]:
    rows = [
        child_row(child_born(8)),
        child_row(child_born(18, 39)),  # row 3: turned 18 yesterday
        child_row(child_born(10, 1), 监护人关系="邻居"),  # row 4: not a relation
    ]
    expected = [(3, "身份证号", "已年满18周岁"), (4, "监护人关系", "应为以下之一")]
    return CHILDREN, csv_bytes(CHILD_HEADER, rows), expected


def bad_disabled_file() -> tuple[str, bytes, list[tuple[int, str, str]]]:
    good, wrong = born(1975), born(1976, 1)
    rows = [
        disabled_row(good),
        disabled_row(wrong, 残疾人证号=f"{wrong}43"),  # row 3: grade 3 in the certificate
        disabled_row(born(1977, 2), 残疾等级="5级"),  # row 4
    ]
    expected = [(3, "残疾人证号", "残疾类别代码和残疾等级"), (4, "残疾等级", "1至4级")]
    return DISABLED, csv_bytes(DISABLED_HEADER, rows), expected


@pytest.mark.parametrize("make", [bad_elder_file, bad_child_file, bad_disabled_file])
async def test_a_file_with_bad_rows_writes_nothing_and_names_row_and_column(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession, make: Any
) -> None:
    url, content, expected = make()
    before = await counts(session)

    response = await upload(client, url, city(tokens), content, "bad.csv")

    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"].endswith("_IMPORT_INVALID")
    assert problem["error_count"] == len(expected)
    found = [(p["row"], p["column"], p["message"]) for p in problem["report"]]
    assert [(row, column) for row, column, _ in found] == [(r, c) for r, c, _ in expected]
    for (_, _, message), (_, _, part) in zip(found, expected, strict=True):
        assert part in message
    assert await counts(session) == before


async def test_an_elder_row_needs_its_children_in_order(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    gap = elder_row(born(1949), 子女1姓名="", 子女1关系="", 子女1外出情况="", 子女1外出去向="")
    gap[ELDER_HEADER.index("子女1外出起始日期")] = ""
    other = elder_row(born(1949, 1), 居住情况="其他")
    before = await counts(session)

    response = await upload(
        client, ELDERLY, city(tokens), csv_bytes(ELDER_HEADER, [gap, other]), "e.csv"
    )

    assert response.status_code == 422
    assert [(p["row"], p["field"]) for p in response.json()["report"]] == [
        (2, "child2_name"),
        (3, "living_note"),
    ]
    assert await counts(session) == before


async def test_a_duplicate_id_number_in_the_file_or_on_the_register(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    kept, twice, fresh = born(1960), born_with_x(1961), born(1962, 2)
    existing = await upload(
        client, DISABLED, city(tokens), csv_bytes(DISABLED_HEADER, [disabled_row(kept)]), "a.csv"
    )
    assert existing.status_code == 201
    before = await counts(session)

    in_file = await upload(
        client,
        DISABLED,
        city(tokens),
        csv_bytes(
            DISABLED_HEADER,
            [
                disabled_row(twice),
                disabled_row(fresh),
                disabled_row(twice.lower(), "视力残疾", 1, 残疾人证号=f"{twice}11"),
            ],
        ),
        "b.csv",
    )
    registered = await upload(
        client,
        DISABLED,
        city(tokens),
        csv_bytes(DISABLED_HEADER, [disabled_row(fresh), disabled_row(kept)]),
        "c.csv",
    )

    assert in_file.status_code == registered.status_code == 422
    assert in_file.json()["report"] == [
        {"row": 4, "field": "id_number", "column": "身份证号", "message": "与第 2 行的身份证号重复"}
    ]
    assert registered.json()["report"] == [
        {
            "row": 3,
            "field": "id_number",
            "column": "身份证号",
            "message": "该身份证号已登记，不能重复导入",
        }
    ]
    assert await counts(session) == before


async def test_a_named_director_must_be_the_villages(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    before = await counts(session)
    response = await upload(
        client,
        CHILDREN,
        city(tokens),
        csv_bytes(CHILD_HEADER, [child_row(child_born(7), 儿童主任="张主任")]),
        "c.csv",
    )
    assert response.status_code == 422
    assert response.json()["report"][0]["column"] == "儿童主任"
    assert "没有在岗儿童主任" in response.json()["report"][0]["message"]
    assert await counts(session) == before


# --- who may import ---------------------------------------------------------------------


async def test_an_auditor_may_not_import(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    before = await counts(session)
    files = [
        (ELDERLY, csv_bytes(ELDER_HEADER, [elder_row(born(1945))])),
        (CHILDREN, csv_bytes(CHILD_HEADER, [child_row(child_born(6))])),
        (DISABLED, csv_bytes(DISABLED_HEADER, [disabled_row(born(1966))])),
    ]
    for url, content in files:
        response = await upload(client, url, tokens.headers("auditor"), content, "f.csv")
        assert response.status_code == 403, url
    assert await counts(session) == before


async def test_a_township_officer_imports_only_rows_of_their_areas(
    client: httpx.AsyncClient, tokens: Tokens, session: AsyncSession
) -> None:
    ours, theirs = born(1944), born(1946, 1)
    rows = [elder_row(ours), elder_row(theirs, TUOSHI_VILLAGE)]
    before = await counts(session)

    refused = await upload(
        client, ELDERLY, township(tokens), csv_bytes(ELDER_HEADER, rows), "e.csv"
    )
    children = await upload(
        client,
        CHILDREN,
        township(tokens),
        xlsx_bytes(CHILD_HEADER, [child_row(child_born(5), TUOSHI_VILLAGE)]),
        "c.xlsx",
    )

    assert refused.status_code == children.status_code == 422
    assert refused.json()["report"] == [
        {"row": 3, "field": "area_code", "column": "区划代码", "message": "不在您负责的区域内"}
    ]
    assert children.json()["report"][0]["row"] == 2
    assert await counts(session) == before
    accepted = await upload(
        client, ELDERLY, township(tokens), csv_bytes(ELDER_HEADER, rows[:1]), "e.csv"
    )
    assert accepted.status_code == 201
    assert (await counts(session))[0] - before[0] == 1
