"""The certificate of a volunteer's hours (志愿服务证明) as an Excel workbook."""

import io
from decimal import Decimal
from typing import Final

import xlsxwriter

from civil_governance.volunteers.repository import RecordRow
from civil_governance.volunteers.schemas import VolunteerCertificate

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def certificate_xlsx(
    certificate: VolunteerCertificate, records: list[RecordRow], *, reveal_id: bool
) -> bytes:
    """The certificate sheet and a sheet of the records it sums.

    The ID number is masked unless ``reveal_id`` (the caller holds pii:read).
    """
    id_number = certificate.id_number if reveal_id else certificate.id_number.masked
    period = (
        f"{certificate.period_from} 至 {certificate.period_to}"
        if certificate.period_from is not None
        else "无服务记录"
    )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 16, "align": "center"})
    label = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = workbook.add_format({"border": 1})
    hours = workbook.add_format({"border": 1, "num_format": "0.00"})

    sheet = workbook.add_worksheet("志愿服务证明")
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 28)
    sheet.merge_range(0, 0, 0, 3, "志愿服务证明", title)
    fields: list[tuple[str, str | int | Decimal]] = [
        ("姓名", certificate.name),
        ("身份证号", str(id_number)),
        ("注册日期", certificate.registered_date.isoformat()),
        ("注册地（村、社区）", str(certificate.area_code)),
        ("证明期间", period),
        ("服务记录数", certificate.records),
        ("累计服务时长（小时）", certificate.total_hours),
    ]
    for row, (name, value) in enumerate(fields, start=2):
        sheet.write_string(row, 0, name, label)
        if isinstance(value, str):
            sheet.merge_range(row, 1, row, 3, value, cell)
        else:
            sheet.merge_range(
                row, 1, row, 3, float(value), hours if name.startswith("累计") else cell
            )
    row = len(fields) + 3
    for col, heading in enumerate(("服务组织", "服务记录数", "服务时长（小时）")):
        sheet.write_string(row, col, heading, label)
    for organisation in certificate.organisations:
        row += 1
        sheet.write_string(row, 0, organisation.name, cell)
        sheet.write_number(row, 1, organisation.records, cell)
        sheet.write_number(row, 2, float(organisation.hours), hours)
    row += 2
    sheet.write_string(row, 0, "出具单位", label)
    sheet.merge_range(row, 1, row, 3, certificate.issuer, cell)
    sheet.write_string(row + 1, 0, "出具日期", label)
    sheet.merge_range(row + 1, 1, row + 1, 3, certificate.issued_date.isoformat(), cell)

    detail = workbook.add_worksheet("服务记录明细")
    headings = ("服务日期", "活动编号", "活动名称", "服务组织", "服务时长（小时）", "逾期登记")
    for col, heading in enumerate(headings):
        detail.write_string(0, col, heading, label)
    detail.set_column(0, 1, 14)
    detail.set_column(2, 3, 30)
    detail.set_column(4, 5, 16)
    for line, (record, _, activity, organisation_name) in enumerate(records, start=1):
        detail.write_string(line, 0, record.service_date.isoformat())
        detail.write_string(line, 1, activity.code)
        detail.write_string(line, 2, activity.title)
        detail.write_string(line, 3, organisation_name)
        detail.write_number(line, 4, float(record.hours), hours)
        detail.write_string(line, 5, "是" if record.late else "否")
    detail.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
