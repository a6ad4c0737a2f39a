"""The parameter routes every service mounts at ``/api/v1/parameters``."""

import uuid
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.parameters.schemas import (
    K,
    ParameterCreate,
    ParameterOut,
    ParameterUpdate,
)
from civil_shared.runtime.parameters.store import ParameterStore
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode


def parameter_router(store: ParameterStore[K]) -> APIRouter:
    """List, read, set and correct ``store``'s parameters; writes by city staff only.

    Parameters are published policy: every reader sees all of them, city and townships.
    """
    router = APIRouter(prefix="/api/v1/parameters", tags=["政策参数"])
    city_staff = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]
    # FastAPI reads the concrete key enum from these annotations; mypy sees the generic.
    if TYPE_CHECKING:
        KeyQuery = Annotated[Any, Query(description="参数")]
        Create = ParameterCreate[Any]
        Out = ParameterOut[Any]
    else:
        KeyQuery = Annotated[store.keys | None, Query(description="参数")]
        Create = ParameterCreate[store.keys]
        Out = ParameterOut[store.keys]

    @router.get("", response_model=Page[Out], summary="查询政策参数")
    async def list_parameters(
        _: Reader,
        session: SessionDep,
        page: Annotated[PageParams, Depends()],
        key: KeyQuery = None,
        year: Annotated[int | None, Query(ge=2000, le=2100, description="年度")] = None,
        area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    ) -> Page[ParameterOut[K]]:
        return await store.list(session, page, key=key, year=year, area_code=area_code)

    @router.get(
        "/{parameter_id}",
        response_model=Out,
        summary="查看政策参数",
        responses={404: {"model": Problem, "description": "参数不存在"}},
    )
    async def get_parameter(
        _: Reader, session: SessionDep, parameter_id: uuid.UUID, response: Response
    ) -> ParameterOut[K]:
        out = store.to_out(await store.get(session, parameter_id))
        response.headers["ETag"] = etag(out.version)
        return out

    @router.post(
        "",
        response_model=Out,
        status_code=status.HTTP_201_CREATED,
        summary="设定年度政策参数",
        dependencies=city_staff,
        responses={409: {"model": Problem, "description": "该年度该区域的参数已设定"}},
    )
    async def create_parameter(
        _: Writer, session: SessionDep, body: Create, response: Response
    ) -> ParameterOut[K]:
        out = await store.create(session, body)
        response.headers["ETag"] = etag(out.version)
        return out

    @router.patch(
        "/{parameter_id}",
        response_model=Out,
        summary="修改政策参数（取值、执行日期、依据）",
        dependencies=city_staff,
        responses={
            404: {"model": Problem, "description": "参数不存在"},
            412: {"model": Problem, "description": "参数已被他人修改"},
            428: {"model": Problem, "description": "缺少 If-Match 请求头"},
        },
    )
    async def update_parameter(
        _: Writer,
        session: SessionDep,
        parameter_id: uuid.UUID,
        body: ParameterUpdate,
        response: Response,
        if_match: IfMatch = None,
    ) -> ParameterOut[K]:
        out = await store.update(session, parameter_id, body, expected_version(if_match))
        response.headers["ETag"] = etag(out.version)
        return out

    return router
