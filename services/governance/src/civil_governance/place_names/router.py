import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_governance.place_names.schemas import (
    PlaceCategory,
    PlaceNameCreate,
    PlaceNameDetail,
    PlaceNameOut,
    PlaceNamePatch,
    PlaceNameRename,
)
from civil_governance.place_names.service import PlaceNameService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/place-names", tags=["地名"])

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "地名不存在（或不在管辖区域内）"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
TAKEN: Responses = {409: {"model": Problem, "description": "同一区划内已有同类同名地名"}}
#: Standard names are approved and registered by the city bureau (地名办).
CITY_ONLY = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]


def get_service(session: SessionDep) -> PlaceNameService:
    return PlaceNameService(session)


Service = Annotated[PlaceNameService, Depends(get_service)]


def _with_etag(response: Response, out: PlaceNameDetail) -> PlaceNameDetail:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=PlaceNameDetail,
    status_code=status.HTTP_201_CREATED,
    summary="登记标准地名",
    dependencies=CITY_ONLY,
    responses=TAKEN,
)
async def create_place_name(
    principal: Writer, service: Service, body: PlaceNameCreate, response: Response
) -> PlaceNameDetail:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get(
    "",
    response_model=Page[PlaceNameOut],
    summary="查询地名（按名称、拼音、曾用名、类别、区划）",
)
async def list_place_names(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="名称、曾用名或拼音（部分匹配；拼音不区分声调、大小写和空格）",
        ),
    ] = None,
    category: Annotated[PlaceCategory | None, Query(description="地名类别")] = None,
    area_code: Annotated[AreaCode | None, Query(description="所在区划代码（前缀匹配）")] = None,
) -> Page[PlaceNameOut]:
    return await service.list(page, principal, q=q, category=category, area_code=area_code)


@router.get(
    "/{place_id}",
    response_model=PlaceNameDetail,
    summary="查看地名及命名、更名记录",
    responses=NOT_FOUND,
)
async def get_place_name(
    principal: Reader, service: Service, place_id: uuid.UUID, response: Response
) -> PlaceNameDetail:
    return _with_etag(response, await service.get(place_id, principal))


@router.patch(
    "/{place_id}",
    response_model=PlaceNameDetail,
    summary="修改地名信息（拼音、类别、所在区划、含义、由来；更名另行办理）",
    dependencies=CITY_ONLY,
    responses={**NOT_FOUND, **VERSIONED, **TAKEN},
)
async def update_place_name(
    principal: Writer,
    service: Service,
    place_id: uuid.UUID,
    body: PlaceNamePatch,
    response: Response,
    if_match: IfMatch = None,
) -> PlaceNameDetail:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(place_id, body, version, principal))


@router.post(
    "/{place_id}/renames",
    response_model=PlaceNameDetail,
    summary="地名更名（保留原名称、日期、原因、批准文号）",
    dependencies=CITY_ONLY,
    responses={**NOT_FOUND, **VERSIONED, **TAKEN},
)
async def rename_place(
    principal: Writer,
    service: Service,
    place_id: uuid.UUID,
    body: PlaceNameRename,
    response: Response,
    if_match: IfMatch = None,
) -> PlaceNameDetail:
    version = expected_version(if_match)
    return _with_etag(response, await service.rename(place_id, body, version, principal))
