from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Response, status

from civil_governance.divisions.schemas import (
    MAX_BATCH,
    DivisionBatchResult,
    DivisionChangeIn,
    DivisionChangeOut,
    DivisionCreate,
    DivisionNode,
    DivisionOut,
)
from civil_governance.divisions.service import DivisionService
from civil_shared.auth import Role
from civil_shared.contracts.divisions import DivisionInfo, DivisionKind
from civil_shared.errors import Problem, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller, Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import TIANMEN, AreaCode, AreaLevel

router = APIRouter(prefix="/api/v1/divisions", tags=["行政区划"])
internal_router = APIRouter(prefix="/internal/v1/divisions", tags=["内部接口"])

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "区划代码不存在"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
CITY_ONLY = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]


def get_service(session: SessionDep) -> DivisionService:
    return DivisionService(session)


Service = Annotated[DivisionService, Depends(get_service)]
# Paths say {code:area} (civil_shared.runtime.paths), so "tree" and "batch" are no codes.
Code = Annotated[AreaCode, Path(description="区划代码")]


def _with_etag(response: Response, out: DivisionOut) -> DivisionOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    "",
    response_model=Page[DivisionOut],
    summary="查询行政区划（按上级、层级、类型、名称）",
    description="区划是各服务共用的参考数据，所有登录用户均可查看全市区划。",
)
async def list_divisions(
    _: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    parent: Annotated[AreaCode | None, Query(description="上级区划代码：列出其直接下级")] = None,
    parent_code: Annotated[
        AreaCode | None, Query(description="同 parent（旧名称）", deprecated=True)
    ] = None,
    level: Annotated[AreaLevel | None, Query(description="层级")] = None,
    kind: Annotated[DivisionKind | None, Query(description="类型")] = None,
    area_code: Annotated[
        AreaCode | None, Query(description="区划代码前缀（含本级及所有下级）")
    ] = None,
    name: Annotated[str | None, Query(max_length=50, description="名称包含")] = None,
) -> Page[DivisionOut]:
    if parent is not None and parent_code is not None and parent != parent_code:
        raise Unprocessable("parent 与 parent_code 不一致", code="GOVERNANCE_DIVISION_PARENT_PARAM")
    return await service.list(
        page,
        parent_code=parent or parent_code,
        level=level,
        kind=kind,
        area_code=area_code,
        name=name,
    )


@router.get(
    "/tree",
    response_model=DivisionNode,
    summary="区划树（某区划及其全部下级，层层嵌套）",
    responses=NOT_FOUND,
)
async def division_tree(
    _: Reader,
    service: Service,
    root: Annotated[AreaCode, Query(description="树根区划代码，默认天门市")] = TIANMEN,
) -> DivisionNode:
    return await service.tree(root)


@router.post(
    "/batch",
    response_model=DivisionBatchResult,
    status_code=status.HTTP_201_CREATED,
    summary="批量新增乡级或村级区划（全部成功或全部不保存）",
    description=(
        "逐条校验后一次保存；任一条有误时全部不保存，返回 422 并在 errors 中列出每条的问题"
        "（loc 中的序号为该条在列表中的位置）。已存在且名称、类型相同的区划记为 unchanged，"
        "可重复提交同一批。上级区划可在同一批中。"
    ),
    dependencies=CITY_ONLY,
    responses={422: {"model": Problem, "description": "有区划不合规则，全部未保存"}},
)
async def create_divisions(
    _: Writer,
    service: Service,
    body: Annotated[
        list[DivisionCreate],
        Body(min_length=1, max_length=MAX_BATCH, description=f"区划列表（至多 {MAX_BATCH} 条）"),
    ],
) -> DivisionBatchResult:
    return await service.create_batch(body)


@router.get(
    "/{code:area}",
    response_model=DivisionOut,
    summary="查看区划（含层级路径）",
    responses=NOT_FOUND,
)
async def get_division(_: Reader, service: Service, code: Code, response: Response) -> DivisionOut:
    return _with_etag(response, await service.get(code))


@router.get(
    "/{code:area}/history",
    response_model=list[DivisionChangeOut],
    summary="区划更名（类型变更）记录",
    responses=NOT_FOUND,
)
async def division_history(_: Reader, service: Service, code: Code) -> list[DivisionChangeOut]:
    return await service.history(code)


@router.post(
    "",
    response_model=DivisionOut,
    status_code=status.HTTP_201_CREATED,
    summary="新增乡级或村级区划",
    dependencies=CITY_ONLY,
    responses={409: {"model": Problem, "description": "区划代码已存在，或同级已有同名区划"}},
)
async def create_division(
    _: Writer, service: Service, body: DivisionCreate, response: Response
) -> DivisionOut:
    out = await service.create(body)
    response.headers["Location"] = f"{router.prefix}/{out.code}"
    return _with_etag(response, out)


@router.patch(
    "/{code:area}",
    response_model=DivisionOut,
    summary="区划更名或变更类型（留存变更记录）",
    dependencies=CITY_ONLY,
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "同级已有同名区划"},
    },
)
async def change_division(
    principal: Writer,
    service: Service,
    code: Code,
    body: DivisionChangeIn,
    response: Response,
    if_match: IfMatch = None,
) -> DivisionOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change(code, body, version, principal))


@router.delete(
    "/{code:area}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除区划（无下级、未被引用时）",
    dependencies=CITY_ONLY,
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "区划下还有下级区划，或仍被其他记录引用"},
    },
)
async def delete_division(
    _: Writer, service: Service, code: Code, if_match: IfMatch = None
) -> Response:
    await service.delete(code, expected_version(if_match))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@internal_router.get(
    "/{code}",
    response_model=DivisionInfo,
    summary="校验区划代码（供其他服务调用）",
    description="存在时返回名称、层级、类型和从天门市起的路径；不存在时 404。",
    responses=NOT_FOUND,
)
async def internal_division(_: InternalCaller, service: Service, code: Code) -> DivisionInfo:
    return await service.info(code)
