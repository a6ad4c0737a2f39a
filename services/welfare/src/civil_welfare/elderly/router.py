import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, IsoDate
from civil_welfare.elderly.importer import MAX_CHILDREN, elder_import
from civil_welfare.elderly.schemas import (
    ElderCreate,
    ElderOut,
    ElderPatch,
    ElderStatus,
    LivingSituation,
    RiskLevel,
    StatusChange,
)
from civil_welfare.elderly.service import ElderService

router = APIRouter(prefix="/api/v1/left-behind-elderly", tags=["留守老人"])


def get_service(session: SessionDep) -> ElderService:
    return ElderService(session)


Service = Annotated[ElderService, Depends(get_service)]

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
OUTSIDE: Responses = {403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"}}
QUALIFICATION = (
    "留守老人认定：年满60周岁，且登记的每名子女均外出务工满“子女外出务工最短月数”"
    "（政策参数 left_behind_min_months_away，默认6个月，含本数）。"
    "认定结果和逐项理由随记录返回，不单独存储。"
)


def _with_etag(response: Response, out: ElderOut) -> ElderOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=ElderOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记留守老人",
    description=QUALIFICATION + "不满60周岁的不能登记（422）；同一身份证号只登记一次（409）。",
    responses={
        **OUTSIDE,
        409: {"model": Problem, "description": "该老人已在名册中"},
    },
)
async def create_elder(
    principal: Writer, service: Service, body: ElderCreate, response: Response
) -> ElderOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[ElderOut], summary="查询留守老人名册")
async def list_elders(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    risk_level: Annotated[RiskLevel | None, Query(description="风险等级")] = None,
    status_: Annotated[ElderStatus | None, Query(alias="status", description="状态")] = None,
    living_situation: Annotated[LivingSituation | None, Query(description="居住情况")] = None,
    worker: Annotated[str | None, Query(max_length=200, description="探访责任人的平台账号")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
    qualified: Annotated[
        bool | None, Query(description="按今天是否符合留守老人认定条件筛选")
    ] = None,
) -> Page[ElderOut]:
    return await service.list(
        page,
        principal,
        area_code=area_code,
        risk_level=risk_level,
        status=status_,
        living_situation=living_situation,
        worker_username=worker,
        q=q,
        qualified=qualified,
    )


@router.get(
    "/{elder_id:uuid}",
    response_model=ElderOut,
    summary="查看留守老人",
    description=QUALIFICATION,
    responses=NOT_FOUND,
)
async def get_elder(
    principal: Reader,
    service: Service,
    elder_id: uuid.UUID,
    response: Response,
    on: Annotated[IsoDate | None, Query(description="按哪一天认定是否留守（默认今天）")] = None,
) -> ElderOut:
    return _with_etag(response, await service.get(elder_id, principal, on))


@router.patch(
    "/{elder_id:uuid}",
    response_model=ElderOut,
    summary="修改留守老人信息（只改所传字段；子女整体替换）",
    responses={**NOT_FOUND, **VERSIONED, **OUTSIDE},
)
async def update_elder(
    principal: Writer,
    service: Service,
    elder_id: uuid.UUID,
    body: ElderPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ElderOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(elder_id, body, version, principal))


@router.post(
    "/{elder_id:uuid}/status",
    response_model=ElderOut,
    summary="退出或重新纳入留守老人名册",
    description="在册（active）可退出（left），已退出的可重新纳入；须写明原因和日期。",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "状态变更不允许（返回 allowed）"},
    },
)
async def change_elder_status(
    principal: Writer,
    service: Service,
    elder_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> ElderOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.change_status(elder_id, body, version, principal))


@router.delete(
    "/{elder_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除误登记的留守老人记录",
    description="仅用于纠正误登记；不再留守的老人请办理退出。有关联记录（如探访）的不能删除。",
    responses={**NOT_FOUND, **VERSIONED, 409: {"model": Problem, "description": "有关联记录"}},
)
async def delete_elder(
    principal: Writer, service: Service, elder_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    await service.delete(elder_id, expected_version(if_match), principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


add_import_routes(
    router,
    elder_import,
    what="留守老人",
    template_name="left-behind-elderly",
    notes=(
        f"每行一名老人，子女按“子女1”至“子女{MAX_CHILDREN}”各组依次填写"
        "（须登记全部子女，含未外出的；子女更多的老人请逐条登记）。"
        "逐行按登记接口的规则校验：年满60周岁、户籍村（社区）在天门市内、"
        "外出子女须填写去向和起始日期等；"
        "已在名册中的身份证号不能重复导入。乡镇账号只能导入本辖区的老人。"
    ),
)
