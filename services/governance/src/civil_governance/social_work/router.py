import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_governance.social_work.schemas import (
    ProjectCreate,
    ProjectKind,
    ProjectOut,
    ProjectUpdate,
)
from civil_governance.social_work.service import ProjectService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/social-work-projects", tags=["社会工作服务项目"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "项目不存在或不在管辖区域内"}}


def get_service(session: SessionDep) -> ProjectService:
    return ProjectService(session)


Service = Annotated[ProjectService, Depends(get_service)]


def _tagged(response: Response, out: ProjectOut) -> ProjectOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=ProjectOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记社会工作服务项目",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {"model": Problem, "description": "同一村（社区）已有同名同日开始的项目"},
        422: {"model": Problem, "description": "村（社区）未登记，或服务期有误"},
    },
)
async def create_project(
    principal: Writer, service: Service, body: ProjectCreate, response: Response
) -> ProjectOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _tagged(response, out)


@router.get("", response_model=Page[ProjectOut], summary="查询社会工作服务项目")
async def list_projects(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    kind: Annotated[ProjectKind | None, Query(description="服务类别")] = None,
    pilot: Annotated[bool | None, Query(description="是否试点项目")] = None,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="服务期覆盖的年度")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="项目名称或承接机构（部分匹配）")
    ] = None,
) -> Page[ProjectOut]:
    return await service.list_projects(
        page, principal, area_code=area_code, kind=kind, pilot=pilot, year=year, q=q
    )


@router.get("/{project_id}", response_model=ProjectOut, summary="查看项目", responses=NOT_FOUND)
async def get_project(
    principal: Reader, service: Service, project_id: uuid.UUID, response: Response
) -> ProjectOut:
    return _tagged(response, await service.get(project_id, principal))


@router.put(
    "/{project_id}",
    response_model=ProjectOut,
    summary="修改项目（整体替换，所属村（社区）不变）",
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "同一村（社区）已有同名同日开始的项目"},
        412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
        428: {"model": Problem, "description": "缺少 If-Match 请求头"},
    },
)
async def update_project(
    principal: Writer,
    service: Service,
    project_id: uuid.UUID,
    body: ProjectUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ProjectOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(project_id, body, version, principal))
