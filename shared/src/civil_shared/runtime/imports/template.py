"""The downloadable import template: the header row, and in Excel a sheet of notes."""

import csv
import io
from typing import Final

import xlsxwriter

from civil_shared.runtime.imports.columns import ColumnSet

CSV_MEDIA_TYPE: Final = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOTES_SHEET: Final = "填写说明"
#: Rows of the data sheet that get drop-down lists and text formats.
_PREPARED_ROWS: Final = 10_000


def csv_template(columns: ColumnSet) -> bytes:
    """UTF-8 with a BOM, so that Excel shows the Chinese header."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.header_zh for column in columns.columns])
    return "\ufeff".encode() + buffer.getvalue().encode()


def xlsx_template(columns: ColumnSet, sheet_name: str) -> bytes:
    """The data sheet (text formats, drop-down lists) and a sheet of notes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    as_text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(sheet_name)
    for index, column in enumerate(columns.columns):
        sheet.write_string(0, index, column.header_zh, bold)
        # Text format keeps 18-digit ID numbers and 12-digit codes from becoming numbers.
        sheet.set_column(
            index, index, max(10, 2 * len(column.header_zh) + 2), as_text if column.text else None
        )
        if column.allowed:
            sheet.data_validation(
                1, index, _PREPARED_ROWS, index,
                {"validate": "list", "source": list(column.allowed), "ignore_blank": True},
            )  # fmt: skip
    sheet.freeze_panes(1, 0)

    notes = workbook.add_worksheet(NOTES_SHEET)
    for index, title in enumerate(("列名", "英文列名", "是否必填", "可填写的值", "说明")):
        notes.write_string(0, index, title, bold)
    for row, column in enumerate(columns.columns, start=1):
        notes.write_row(
            row,
            0,
            [
                column.header_zh,
                column.key,
                "必填" if column.required else "选填",
                "、".join(column.allowed),
                column.note,
            ],
        )
    notes.set_column(0, 1, 24)
    notes.set_column(2, 2, 10)
    notes.set_column(3, 4, 50)
    workbook.close()
    return buffer.getvalue()
