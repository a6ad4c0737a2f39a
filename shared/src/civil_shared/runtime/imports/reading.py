"""From an upload to rows of text cells: size limit, multipart, CSV encodings, Excel.

Problem codes are ``<PREFIX>_IMPORT_<WHAT>``, the prefix being the service's.
"""

import codecs
import csv
import io
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final, Literal

from fastapi import Request
from python_calamine import CalamineError, CalamineWorkbook
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from civil_shared.errors import (
    BadRequest,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
)

#: The largest file accepted by default: about 250,000 rows of a register.
MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
#: Room for the multipart boundaries and part headers around the file.
_ENVELOPE: Final = 64 * 1024
#: The trial decode of a CSV goes this much at a time.
_TRIAL_BYTES: Final = 1024 * 1024

FileFormat = Literal["csv", "xlsx", "xls"]

_ZIP: Final = b"PK\x03\x04"  # xlsx, ods
_OLE: Final = b"\xd0\xcf\x11\xe0"  # xls


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass
class Table:
    """The rows of the file's first sheet, numbered as a spreadsheet shows them."""

    format: FileFormat
    encoding: str | None  # for CSV: which encoding was read
    rows: Iterator[tuple[int, list[str]]]


def too_large(prefix: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"导入文件不能超过 {max_bytes // (1024 * 1024)} MB，请分批导入",
        code=f"{prefix}_IMPORT_TOO_LARGE",
        max_bytes=max_bytes,
    )


async def _limited(
    stream: AsyncIterator[bytes], prefix: str, max_bytes: int
) -> AsyncGenerator[bytes, None]:
    # Counted while it arrives: a chunked upload has no Content-Length to trust.
    received = 0
    async for chunk in stream:
        received += len(chunk)
        if received > max_bytes + _ENVELOPE:
            raise too_large(prefix, max_bytes)
        yield chunk


async def receive_upload(
    request: Request, *, prefix: str, max_bytes: int = MAX_UPLOAD_BYTES
) -> Upload:
    """The ``file`` part of a multipart body, refused above the size limit before parsing."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "请以 multipart/form-data 上传文件（字段名 file）",
            code=f"{prefix}_IMPORT_MULTIPART_REQUIRED",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + _ENVELOPE:
        raise too_large(prefix, max_bytes)
    parser = MultiPartParser(
        request.headers, _limited(request.stream(), prefix, max_bytes), max_files=1, max_fields=10
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(
            "上传内容不是有效的 multipart/form-data", code=f"{prefix}_IMPORT_BAD_UPLOAD"
        ) from exc
    file = form.get("file")
    try:
        if not isinstance(file, UploadFile):
            raise Unprocessable(
                "缺少上传文件：请在字段 file 中上传 CSV 或 XLSX 文件",
                code=f"{prefix}_IMPORT_FILE_MISSING",
            )
        content = await file.read()
        if len(content) > max_bytes:
            raise too_large(prefix, max_bytes)
        return Upload(filename=file.filename or "", content=content)
    finally:
        await form.close()


def csv_encoding(content: bytes, prefix: str) -> str:
    """The encoding the file reads in: UTF-8 (with or without BOM), else GB18030.

    GB18030 is a superset of GBK and GB2312, what Chinese Excel saves as "CSV".
    The trial decode keeps nothing; the rows are decoded again as they are read.
    """
    bom = content.startswith(codecs.BOM_UTF8)
    for encoding in ["utf-8-sig"] if bom else ["utf-8", "gb18030"]:
        if _decodes(content, encoding):
            return encoding
    raise Unprocessable(
        "无法识别文件编码：请保存为 UTF-8 或 GBK 编码的 CSV 文件",
        code=f"{prefix}_IMPORT_ENCODING",
    )


def _decodes(content: bytes, encoding: str) -> bool:
    # A megabyte at a time: decoded whole, a large file would briefly take several
    # times its size again (Chinese text decodes to 2 or 4 bytes a character).
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(content)
    try:
        for start in range(0, len(view), _TRIAL_BYTES):
            decoder.decode(view[start : start + _TRIAL_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(content: bytes, encoding: str, prefix: str) -> Iterator[tuple[int, list[str]]]:
    first_line = content.split(b"\n", 1)[0]
    delimiter = "\t" if first_line.count(b"\t") > first_line.count(b",") else ","
    # Decoded as it is read: the whole file never sits in memory twice more.
    text = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise Unprocessable(
            f"CSV 格式错误（第 {reader.line_num} 行）：{exc}", code=f"{prefix}_IMPORT_UNREADABLE"
        ) from None


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Whole numbers typed into a number cell (area codes, amounts, grades).
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _excel_rows(content: bytes, prefix: str) -> Iterator[tuple[int, list[str]]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = workbook.get_sheet_by_index(0)
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [_cell_text(cell) for cell in cells]
    except CalamineError as exc:
        raise Unprocessable(
            f"无法读取 Excel 文件：{exc}", code=f"{prefix}_IMPORT_UNREADABLE"
        ) from None


def read_table(upload: Upload, *, prefix: str) -> Table:
    """Recognised by content, not by name: a renamed file still reads."""
    content = upload.content
    if content.startswith(_ZIP):
        return Table("xlsx", None, _excel_rows(content, prefix))
    if content.startswith(_OLE):
        return Table("xls", None, _excel_rows(content, prefix))
    encoding = csv_encoding(content, prefix)
    return Table("csv", encoding, _csv_rows(content, encoding, prefix))
