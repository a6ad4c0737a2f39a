"""Routes of child directors (/api/v1/child-directors), child supervisors
(/api/v1/child-supervisors) and the coverage (/api/v1/workforce/coverage)."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode, TianmenAreaCode
from civil_welfare.children.fields import VillageCode
from civil_welfare.workforce.schemas import (
    Coverage,
    DirectorCreate,
    SupervisorCreate,
    TrainingIn,
    TrainingOut,
    WorkerLeave,
    WorkerOut,
    WorkerRole,
    WorkerStatus,
    WorkerUpdate,
)
from civil_welfare.workforce.service import WorkforceService


def get_service(session: SessionDep) -> WorkforceService:
    return WorkforceService(session)


Service = Annotated[WorkforceService, Depends(get_service)]
Responses = dict[int | str, dict[str, Any]]

VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
CREATED: Responses = {
    403: {"model": Problem, "description": "管辖区域以外"},
    409: {"model": Problem, "description": "该地已有在岗人员（*_POST_TAKEN），或此人已在别处任职"},
}


def _with_etag(response: Response, out: WorkerOut) -> WorkerOut:
    response.headers["ETag"] = etag(out.version)
    return out


def worker_routes(router: APIRouter, role: WorkerRole) -> APIRouter:
    """The routes directors and supervisors share, added to ``router``."""
    label = role.label
    not_found: Responses = {
        404: {"model": Problem, "description": f"{label}不存在或不在管辖区域内"}
    }

    @router.get("", response_model=Page[WorkerOut], summary=f"查询{label}")
    async def list_workers(
        principal: Reader,
        service: Service,
        page: Annotated[PageParams, Depends()],
        area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
        status_: Annotated[
            WorkerStatus | None, Query(alias="status", description="在岗或已离任")
        ] = None,
        q: Annotated[
            str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
        ] = None,
        trained: Annotated[
            bool | None,
            Query(description="true：只列该年度参加过培训的；false：只列未参加的"),
        ] = None,
        year: Annotated[
            int | None, Query(ge=2000, le=2100, description="培训年度（默认今年）")
        ] = None,
    ) -> Page[WorkerOut]:
        return await service.list_workers(
            role,
            page,
            principal,
            area_code=area_code,
            status=status_,
            q=q,
            trained=trained,
            year=year,
        )

    @router.get(
        "/{worker_id}", response_model=WorkerOut, summary=f"查看{label}", responses=not_found
    )
    async def get_worker(
        principal: Reader, service: Service, worker_id: uuid.UUID, response: Response
    ) -> WorkerOut:
        return _with_etag(response, await service.get(role, worker_id, principal))

    @router.patch(
        "/{worker_id}",
        response_model=WorkerOut,
        summary=f"修改{label}信息（姓名、电话、聘任日期）",
        responses={**not_found, **VERSIONED},
    )
    async def update_worker(
        principal: Writer,
        service: Service,
        worker_id: uuid.UUID,
        body: WorkerUpdate,
        response: Response,
        if_match: IfMatch = None,
    ) -> WorkerOut:
        version = expected_version(if_match)
        out = await service.update(role, worker_id, body, version, principal)
        return _with_etag(response, out)

    @router.post(
        "/{worker_id}/leave",
        response_model=WorkerOut,
        summary=f"{label}离任",
        description="儿童主任离任后，其负责的儿童档案暂无儿童主任，直至该村新的儿童主任到任。"
        if role is WorkerRole.DIRECTOR
        else None,
        responses={
            **not_found,
            **VERSIONED,
            409: {"model": Problem, "description": "已离任（含 allowed）"},
        },
    )
    async def leave(
        principal: Writer,
        service: Service,
        worker_id: uuid.UUID,
        body: WorkerLeave,
        response: Response,
        if_match: IfMatch = None,
    ) -> WorkerOut:
        version = expected_version(if_match)
        return _with_etag(response, await service.leave(role, worker_id, body, version, principal))

    @router.get(
        "/{worker_id}/trainings",
        response_model=list[TrainingOut],
        summary=f"{label}的培训记录",
        responses=not_found,
    )
    async def list_trainings(
        principal: Reader, service: Service, worker_id: uuid.UUID
    ) -> list[TrainingOut]:
        return await service.trainings(role, worker_id, principal)

    @router.post(
        "/{worker_id}/trainings",
        response_model=TrainingOut,
        status_code=status.HTTP_201_CREATED,
        summary=f"登记{label}培训",
        responses={
            **not_found,
            409: {"model": Problem, "description": "同日同主题培训已登记"},
            422: {"model": Problem, "description": "培训日期晚于离任日期"},
        },
    )
    async def add_training(
        principal: Writer, service: Service, worker_id: uuid.UUID, body: TrainingIn
    ) -> TrainingOut:
        return await service.add_training(role, worker_id, body, principal)

    @router.delete(
        "/{worker_id}/trainings/{training_id}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary="删除误登的培训记录",
        responses=not_found,
    )
    async def delete_training(
        principal: Writer, service: Service, worker_id: uuid.UUID, training_id: uuid.UUID
    ) -> Response:
        await service.delete_training(role, worker_id, training_id, principal)
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    return router


directors = APIRouter(prefix="/api/v1/child-directors", tags=["儿童福利工作队伍"])
supervisors = APIRouter(prefix="/api/v1/child-supervisors", tags=["儿童福利工作队伍"])
coverage = APIRouter(prefix="/api/v1/workforce", tags=["儿童福利工作队伍"])


@directors.post(
    "",
    response_model=WorkerOut,
    status_code=status.HTTP_201_CREATED,
    summary="聘任儿童主任（每村、社区一名）",
    description="该村（社区）尚无儿童主任负责的在册儿童档案，自动由新任儿童主任负责。",
    responses=CREATED,
)
async def appoint_director(
    principal: Writer, service: Service, body: DirectorCreate, response: Response
) -> WorkerOut:
    out = await service.appoint(WorkerRole.DIRECTOR, body, principal)
    response.headers["Location"] = f"{directors.prefix}/{out.id}"
    return _with_etag(response, out)


@supervisors.post(
    "",
    response_model=WorkerOut,
    status_code=status.HTTP_201_CREATED,
    summary="聘任儿童督导员（每乡镇、街道一名）",
    responses=CREATED,
)
async def appoint_supervisor(
    principal: Writer, service: Service, body: SupervisorCreate, response: Response
) -> WorkerOut:
    out = await service.appoint(WorkerRole.SUPERVISOR, body, principal)
    response.headers["Location"] = f"{supervisors.prefix}/{out.id}"
    return _with_etag(response, out)


@coverage.get(
    "/coverage",
    response_model=Coverage,
    summary="儿童主任、儿童督导员覆盖情况（缺少人员的村和乡镇）",
    description="村（社区）名单仅为本服务已知的村（有儿童档案、孤儿或事实无人抚养儿童记录、"
    "曾有儿童主任，或在 village_codes 中列出），完整名录由基层治理服务维护、暂未接入。",
)
async def get_coverage(
    principal: Reader,
    service: Service,
    area_code: Annotated[
        TianmenAreaCode | None, Query(description="统计范围（前缀匹配，默认全市）")
    ] = None,
    village_codes: Annotated[
        list[VillageCode] | None,
        Query(max_length=1000, description="另外要检查的村（社区）12位代码，可多个"),
    ] = None,
) -> Coverage:
    return await service.coverage(principal, area_code, village_codes or [])


worker_routes(directors, WorkerRole.DIRECTOR)
worker_routes(supervisors, WorkerRole.SUPERVISOR)
routers = [directors, supervisors, coverage]
