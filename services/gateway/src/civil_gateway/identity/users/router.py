import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_gateway.identity.admin import ADMIN_ONLY, VERSIONED, Admin, Responses
from civil_gateway.identity.users.schemas import (
    PasswordReset,
    StaffRole,
    UserCreate,
    UserOut,
    UserUpdate,
)
from civil_gateway.identity.users.service import UserService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/users", tags=["用户管理"], responses=ADMIN_ONLY)


def get_service(session: SessionDep) -> UserService:
    return UserService(session)


Service = Annotated[UserService, Depends(get_service)]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "用户不存在"}}
LAST_ADMIN: Responses = {
    409: {"model": Problem, "description": "最后一个启用的系统管理员不能停用或改为其他角色"}
}


def _with_etag(response: Response, out: UserOut) -> UserOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    summary="创建用户",
    responses={
        409: {"model": Problem, "description": "用户名已被使用"},
        422: {"model": Problem, "description": "密码过弱，或角色与管辖区域不符"},
    },
)
async def create_user(_: Admin, service: Service, body: UserCreate, response: Response) -> UserOut:
    out = await service.create(body)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[UserOut], summary="查询用户")
async def list_users(
    _: Admin,
    service: Service,
    page: Annotated[PageParams, Depends()],
    role: Annotated[StaffRole | None, Query(description="角色")] = None,
    active: Annotated[bool | None, Query(description="是否启用")] = None,
    area_code: Annotated[
        AreaCode | None, Query(description="管辖区域在此区域内（或包含此区域）的用户")
    ] = None,
    q: Annotated[str | None, Query(max_length=100, description="用户名或姓名（部分匹配）")] = None,
) -> Page[UserOut]:
    return await service.list(page, role=role, active=active, area_code=area_code, q=q)


@router.get("/{user_id}", response_model=UserOut, summary="查看用户", responses=NOT_FOUND)
async def get_user(_: Admin, service: Service, user_id: uuid.UUID, response: Response) -> UserOut:
    return _with_etag(response, await service.get(user_id))


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    summary="修改用户（姓名、角色、管辖区域、身份证号查看权限、启用状态）",
    responses={**NOT_FOUND, **VERSIONED, **LAST_ADMIN},
)
async def update_user(
    _: Admin,
    service: Service,
    user_id: uuid.UUID,
    body: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> UserOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(user_id, body, version))


@router.post(
    "/{user_id}/deactivate",
    response_model=UserOut,
    summary="停用用户（不能再登录；If-Match 可选）",
    responses={**NOT_FOUND, **LAST_ADMIN, 412: VERSIONED[412]},
)
async def deactivate_user(
    _: Admin, service: Service, user_id: uuid.UUID, response: Response, if_match: IfMatch = None
) -> UserOut:
    version = expected_version(if_match) if if_match else None
    return _with_etag(response, await service.deactivate(user_id, version))


@router.post(
    "/{user_id}/password",
    response_model=UserOut,
    summary="重置密码",
    responses={**NOT_FOUND, 422: {"model": Problem, "description": "密码过弱"}},
)
async def reset_password(
    _: Admin, service: Service, user_id: uuid.UUID, body: PasswordReset, response: Response
) -> UserOut:
    return _with_etag(response, await service.reset_password(user_id, body))
