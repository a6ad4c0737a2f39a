"""The upload and template routes of a register's import."""

from typing import Annotated, Any, Final, Literal, Protocol

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Problem
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports.columns import ColumnSet
from civil_shared.runtime.imports.reading import MAX_UPLOAD_BYTES, Upload, receive_upload
from civil_shared.runtime.imports.register import ImportResult
from civil_shared.runtime.imports.report import ImportReport
from civil_shared.runtime.imports.template import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    csv_template,
    xlsx_template,
)
from civil_shared.runtime.security import Reader, Writer


class Importer(Protocol):
    """What the routes need of an import: :class:`RegisterImport` is one."""

    @property
    def prefix(self) -> str: ...  # problem codes: <PREFIX>_IMPORT_<WHAT>

    @property
    def columns(self) -> ColumnSet: ...

    async def run(
        self, session: AsyncSession, upload: Upload, principal: Principal
    ) -> ImportResult: ...


#: What any upload route may answer before it reads the file (its own answers besides).
UPLOAD_PROBLEMS: Final[dict[int | str, dict[str, Any]]] = {
    413: {"model": Problem, "description": "文件过大"},
    415: {"model": Problem, "description": "不是 multipart/form-data 上传"},
}


def upload_body(description: str) -> dict[str, Any]:
    """The multipart body for the OpenAPI document: the route parses it itself,
    size-limited while it streams."""
    return {
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
                                "description": description,
                            }
                        },
                    }
                }
            },
        }
    }


def add_import_routes(
    router: APIRouter,
    importer: Importer,
    *,
    what: str,
    template_name: str,
    max_bytes: int = MAX_UPLOAD_BYTES,
    response_model: type[ImportResult] = ImportResult,
    notes: str = "",
) -> None:
    """``POST {prefix}/import`` and (:func:`add_template_route`) ``GET {prefix}/import/template``.

    ``max_bytes`` is the largest file the route accepts; ``response_model`` an
    :class:`ImportResult` with more to say, if the importer's run returns one;
    ``notes`` is added to the route's description.
    """

    @router.post(
        "/import",
        response_model=response_model,
        status_code=status.HTTP_201_CREATED,
        summary=f"批量导入{what}（CSV 或 XLSX）",
        description=(
            f"每行一条{what}记录，列名可用中文或英文，见导入模板。先校验全部行："
            f"任何一行有误则不导入任何数据，返回 422（code={importer.prefix}_IMPORT_INVALID），"
            "report 列出每个错误的行号、字段和说明；全部正确则一次性写入。"
            f"CSV 可为 UTF-8 或 GBK 编码。文件不超过 {max_bytes // (1024 * 1024)} MB。{notes}"
        ),
        openapi_extra=upload_body("CSV（UTF-8 或 GBK）或 XLSX，每行一条记录"),
        responses={
            **UPLOAD_PROBLEMS,
            422: {"model": ImportReport, "description": "文件有错误，未导入任何数据"},
            409: {"model": Problem, "description": "导入期间有记录被他人登记"},
        },
    )
    async def import_file(request: Request, principal: Writer, session: SessionDep) -> ImportResult:
        upload = await receive_upload(request, prefix=importer.prefix, max_bytes=max_bytes)
        return await importer.run(session, upload, principal)

    add_template_route(router, importer.columns, what=what, template_name=template_name)


def add_template_route(
    router: APIRouter,
    columns: ColumnSet,
    *,
    what: str,
    template_name: str,
    summary: str | None = None,
    name: str | None = None,
) -> None:
    """``GET {prefix}/import/template`` on ``router``: the file ``{template_name}-template``.

    ``what`` titles the XLSX's sheet of notes; ``summary`` and ``name`` (the start
    of its OpenAPI operationId) if not the usual ones.
    """

    @router.get(
        "/import/template",
        summary=summary or f"下载{what}导入模板",
        name=name,
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
            content, media_type = csv_template(columns), CSV_MEDIA_TYPE
        else:
            content, media_type = xlsx_template(columns, what), XLSX_MEDIA_TYPE
        return Response(
            content,
            media_type=media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{template_name}-template.{format}"'
            },
        )
