"""Routes of the bulk import: the upload and its template (included by router.py)."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from civil_assistance.households.importer.reading import MAX_UPLOAD_BYTES, receive_upload
from civil_assistance.households.importer.schemas import ImportReport, ImportResult
from civil_assistance.households.importer.service import ImportService
from civil_assistance.households.importer.template import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    csv_template,
    xlsx_template,
)
from civil_shared.errors import Problem
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer

router = APIRouter(prefix="/import")


def get_service(session: SessionDep) -> ImportService:
    return ImportService(session)


# The body is parsed by the route itself (size-limited while it streams), so the
# multipart schema is declared here for the OpenAPI document.
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV（UTF-8 或 GBK）或 XLSX，每行一名成员",
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=ImportResult,
    status_code=status.HTTP_201_CREATED,
    summary="批量导入家庭与成员（CSV 或 XLSX）",
    description=(
        "每行一名成员，同户成员填写相同的户编号（household_ref），列名可用中文或英文，"
        "见导入模板。先校验全部行：任何一行有误则不导入任何数据，返回 422"
        "（code=ASSISTANCE_IMPORT_INVALID），report 列出每个错误的行号、字段和说明；"
        f"全部正确则一次性写入。文件不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。"
    ),
    openapi_extra=_UPLOAD_BODY,
    responses={
        413: {"model": Problem, "description": "文件过大"},
        415: {"model": Problem, "description": "不是 multipart/form-data 上传"},
        422: {"model": ImportReport, "description": "文件有错误，未导入任何数据"},
        409: {"model": Problem, "description": "导入期间有人员被登记到其他家庭"},
    },
)
async def import_households(
    request: Request,
    principal: Writer,
    service: Annotated[ImportService, Depends(get_service)],
) -> ImportResult:
    upload = await receive_upload(request)
    return await service.import_file(upload, principal)


@router.get(
    "/template",
    summary="下载导入模板",
    response_class=Response,
    responses={
        200: {
            "content": {CSV_MEDIA_TYPE: {}, XLSX_MEDIA_TYPE: {}},
            "description": "表头（XLSX 另含填写说明工作表）",
        }
    },
)
async def import_template(
    _: Reader,
    format: Annotated[Literal["csv", "xlsx"], Query(description="文件格式")] = "xlsx",
) -> Response:
    if format == "csv":
        content, media_type = csv_template(), CSV_MEDIA_TYPE
    else:
        content, media_type = xlsx_template(), XLSX_MEDIA_TYPE
    filename = f"household-import-template.{format}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
