import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode
from civil_welfare.children.files.importer import child_file_import
from civil_welfare.children.files.schemas import (
    ChildCategory,
    ChildFileCreate,
    ChildFileOut,
    ChildFileUpdate,
    FileStatus,
    FileStatusChange,
)
from civil_welfare.children.files.service import ChildFileService

router = APIRouter(prefix="/api/v1/child-files", tags=["留守困境儿童档案"])


def get_service(session: SessionDep) -> ChildFileService:
    return ChildFileService(session)


Service = Annotated[ChildFileService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "档案不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
DIRECTOR: Responses = {
    422: {
        "model": Problem,
        "description": "儿童主任不是该村（社区）的在岗儿童主任（WELFARE_CHILD_DIRECTOR_MISMATCH），"
        "或儿童已满18周岁",
    }
}


def _with_etag(response: Response, out: ChildFileOut) -> ChildFileOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=ChildFileOut,
    status_code=status.HTTP_201_CREATED,
    summary="建立儿童档案（一人一档）",
    responses={
        403: {"model": Problem, "description": "管辖区域以外"},
        409: {"model": Problem, "description": "该儿童已有档案（WELFARE_CHILD_FILE_EXISTS）"},
        **DIRECTOR,
    },
)
async def create_child_file(
    principal: Writer, service: Service, body: ChildFileCreate, response: Response
) -> ChildFileOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[ChildFileOut], summary="查询儿童档案")
async def list_child_files(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    category: Annotated[ChildCategory | None, Query(description="儿童类别")] = None,
    status_: Annotated[FileStatus | None, Query(alias="status", description="档案状态")] = None,
    director_id: Annotated[uuid.UUID | None, Query(description="负责的儿童主任")] = None,
    without_director: Annotated[
        bool | None, Query(description="true：只列没有儿童主任负责的档案")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[ChildFileOut]:
    return await service.list(
        page,
        principal,
        area_code=area_code,
        category=category,
        status=status_,
        director_id=director_id,
        without_director=without_director,
        q=q,
    )


@router.get(
    "/{file_id:uuid}", response_model=ChildFileOut, summary="查看儿童档案", responses=NOT_FOUND
)
async def get_child_file(
    principal: Reader, service: Service, file_id: uuid.UUID, response: Response
) -> ChildFileOut:
    return _with_etag(response, await service.get(file_id, principal))


@router.patch(
    "/{file_id:uuid}",
    response_model=ChildFileOut,
    summary="修改儿童档案（监护人、学校、情况、负责的儿童主任等）",
    responses={**NOT_FOUND, **VERSIONED, **DIRECTOR},
)
async def update_child_file(
    principal: Writer,
    service: Service,
    file_id: uuid.UUID,
    body: ChildFileUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ChildFileOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(file_id, body, version, principal))


@router.post(
    "/{file_id:uuid}/status",
    response_model=ChildFileOut,
    summary="销档或重新建档",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态不允许此变更（含 allowed）"},
    },
)
async def change_child_file_status(
    principal: Writer,
    service: Service,
    file_id: uuid.UUID,
    body: FileStatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> ChildFileOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(file_id, body, version, principal))


@router.delete(
    "/{file_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误建的儿童档案",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "档案已有探访等记录（WELFARE_CHILD_FILE_IN_USE）"},
    },
)
async def delete_child_file(
    principal: Writer, service: Service, file_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    await service.delete(file_id, expected_version(if_match), principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


add_import_routes(
    router,
    child_file_import,
    what="儿童档案",
    template_name="child-files",
    notes=(
        "每行一名儿童（一人一档），逐行按建档接口的规则校验：未满18周岁、村（社区）在天门市内、"
        "监护人信息等；已有档案（含已销档）的儿童不能重复导入。负责的儿童主任为该村（社区）的"
        "在岗儿童主任；“儿童主任”列填写时须为其姓名。乡镇账号只能导入本辖区的儿童。"
    ),
)
