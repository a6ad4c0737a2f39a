"""A run's lines as the bank takes them: CSV streamed row by row, or an XLSX file."""

import csv
import io
import tempfile
from collections.abc import AsyncIterator
from typing import IO

import xlsxwriter

from civil_shared.runtime.disbursements.models import DisbursementLineMixin
from civil_shared.types import IdNumber

HEADER = ("区划代码", "领款人", "身份证号", "保障人数", "发放金额（元）", "记录编号")


def _row(line: DisbursementLineMixin, reveal: bool) -> tuple[str, ...]:
    id_number = line.payee_id_number if reveal else IdNumber(line.payee_id_number).masked
    return (
        line.area_code,
        line.payee_name,
        id_number,
        str(line.persons),
        f"{line.amount:.2f}",
        str(getattr(line, line.__line_reference__)),
    )


async def csv_chunks(
    lines: AsyncIterator[DisbursementLineMixin], reveal: bool, batch: int = 1000
) -> AsyncIterator[bytes]:
    """UTF-8 with a BOM, so Excel opens the Chinese header correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    count = 0
    async for line in lines:
        writer.writerow(_row(line, reveal))
        count += 1
        if count % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


async def xlsx_file(lines: AsyncIterator[DisbursementLineMixin], reveal: bool) -> IO[bytes]:
    """The workbook in a temporary file (constant memory, whatever the run's size)."""
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("发放明细")
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": "0.00"})
    sheet.write_row(0, 0, HEADER)
    row = 1
    async for line in lines:
        values = _row(line, reveal)
        sheet.write_string(row, 0, values[0], text)
        sheet.write_string(row, 1, values[1])
        # Text, not a number: an 18-digit ID loses its last digits as a float in Excel.
        sheet.write_string(row, 2, values[2], text)
        sheet.write_number(row, 3, line.persons)
        sheet.write_number(row, 4, float(line.amount), money)
        sheet.write_string(row, 5, values[5])
        row += 1
    workbook.close()
    target.seek(0)
    return target
