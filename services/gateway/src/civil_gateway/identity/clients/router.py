import uuid
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Query, Response, status

from civil_gateway.identity.admin import ADMIN_ONLY, VERSIONED, Admin, Responses
from civil_gateway.identity.clients.schemas import (
    ClientCreate,
    ClientOut,
    ClientUpdate,
    ClientWithSecret,
)
from civil_gateway.identity.clients.service import ClientService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.versioning import IfMatch, etag, expected_version

router = APIRouter(prefix="/api/v1/clients", tags=["接入系统管理"], responses=ADMIN_ONLY)


def get_service(session: SessionDep) -> ClientService:
    return ClientService(session)


Service = Annotated[ClientService, Depends(get_service)]

T = TypeVar("T", bound=ClientOut)

NOT_FOUND: Responses = {404: {"model": Problem, "description": "接入系统不存在"}}


def _with_etag(response: Response, out: T) -> T:
    response.headers["ETag"] = etag(out.version)
    if isinstance(out, ClientWithSecret):
        response.headers["Cache-Control"] = "no-store"  # the secret must not be kept anywhere
    return out


@router.post(
    "",
    response_model=ClientWithSecret,
    status_code=status.HTTP_201_CREATED,
    summary="登记接入系统（接入密钥只在此时显示一次）",
    responses={409: {"model": Problem, "description": "系统标识已被使用"}},
)
async def create_client(
    _: Admin, service: Service, body: ClientCreate, response: Response
) -> ClientWithSecret:
    out = await service.create(body)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[ClientOut], summary="查询接入系统")
async def list_clients(
    _: Admin,
    service: Service,
    page: Annotated[PageParams, Depends()],
    active: Annotated[bool | None, Query(description="是否启用")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="系统标识或名称（部分匹配）")
    ] = None,
) -> Page[ClientOut]:
    return await service.list(page, active=active, q=q)


@router.get("/{client_pk}", response_model=ClientOut, summary="查看接入系统", responses=NOT_FOUND)
async def get_client(
    _: Admin, service: Service, client_pk: uuid.UUID, response: Response
) -> ClientOut:
    return _with_etag(response, await service.get(client_pk))


@router.patch(
    "/{client_pk}",
    response_model=ClientOut,
    summary="修改接入系统（名称、授权范围、限定区域、启用状态）",
    responses={**NOT_FOUND, **VERSIONED},
)
async def update_client(
    _: Admin,
    service: Service,
    client_pk: uuid.UUID,
    body: ClientUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> ClientOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(client_pk, body, version))


@router.post(
    "/{client_pk}/deactivate",
    response_model=ClientOut,
    summary="停用接入系统（不能再获取令牌；If-Match 可选）",
    responses={**NOT_FOUND, 412: VERSIONED[412]},
)
async def deactivate_client(
    _: Admin, service: Service, client_pk: uuid.UUID, response: Response, if_match: IfMatch = None
) -> ClientOut:
    version = expected_version(if_match) if if_match else None
    return _with_etag(response, await service.deactivate(client_pk, version))


@router.post(
    "/{client_pk}/secret",
    response_model=ClientWithSecret,
    summary="更换接入密钥（新密钥只显示一次，旧密钥立即失效；If-Match 可选）",
    responses={**NOT_FOUND, 412: VERSIONED[412]},
)
async def rotate_client_secret(
    _: Admin, service: Service, client_pk: uuid.UUID, response: Response, if_match: IfMatch = None
) -> ClientWithSecret:
    version = expected_version(if_match) if if_match else None
    return _with_etag(response, await service.rotate_secret(client_pk, version))
