import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response, status

from civil_governance.community_workers.rules import WorkerPost, WorkerStatus
from civil_governance.community_workers.schemas import (
    AssessmentCreate,
    AssessmentOut,
    QuotaOut,
    QuotaSet,
    StatusChange,
    WorkerCreate,
    WorkerOut,
    WorkerPatch,
)
from civil_governance.community_workers.service import WorkerService
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/community-workers", tags=["社区工作者"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "记录不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}


def get_service(session: SessionDep) -> WorkerService:
    return WorkerService(session)


Service = Annotated[WorkerService, Depends(get_service)]
Code = Annotated[AreaCode, Path(description="村（社区）12位区划代码")]
#: ``{worker_id:uuid}`` in the paths below: a worker's path matches a uuid only, so
#: ``PATCH /quotas`` or ``DELETE /vacancies`` is a 405 of those paths, not a 422 of a
#: worker whose id would be "quotas".


def _tagged(response: Response, out: WorkerOut) -> WorkerOut:
    response.headers["ETag"] = etag(out.version)
    return out


# --- quotas and vacancies --------------------------------------------------------


@router.put(
    "/quotas/{area_code}",
    response_model=QuotaOut,
    summary="核定村（社区）社区工作者职数（市局）",
    description="首次核定返回 201；修改已有职数须带 If-Match。",
    dependencies=[Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))],
    responses={
        201: {"model": QuotaOut, "description": "首次核定"},
        **NOT_FOUND,
        **VERSIONED,
    },
)
async def set_quota(
    principal: Writer,
    service: Service,
    area_code: Code,
    body: QuotaSet,
    response: Response,
    if_match: IfMatch = None,
) -> QuotaOut:
    expected = expected_version(if_match) if if_match else None
    out, created = await service.set_quota(area_code, body, expected, principal)
    if created:
        response.status_code = status.HTTP_201_CREATED
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("/quotas", response_model=Page[QuotaOut], summary="各村（社区）职数与在职人数")
async def list_quotas(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[QuotaOut]:
    return await service.quotas(page, principal, area_code=area_code)


@router.get(
    "/quotas/{area_code}",
    response_model=QuotaOut,
    summary="查看村（社区）职数",
    responses=NOT_FOUND,
)
async def get_quota(
    principal: Reader, service: Service, area_code: Code, response: Response
) -> QuotaOut:
    out = await service.get_quota(area_code, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    "/vacancies",
    response_model=Page[QuotaOut],
    summary="职数空缺（在职人数少于核定职数的村（社区））",
)
async def list_vacancies(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[QuotaOut]:
    return await service.quotas(page, principal, area_code=area_code, vacant_only=True)


# --- workers -------------------------------------------------------------------


@router.post(
    "",
    response_model=WorkerOut,
    status_code=status.HTTP_201_CREATED,
    summary="聘用社区工作者",
    responses={
        403: {"model": Problem, "description": "只读账号，或区域不在管辖范围内"},
        409: {
            "model": Problem,
            "description": "职数已满、本人已在岗，或书记/主任岗位已有人",
        },
        422: {"model": Problem, "description": "村（社区）未登记、未核定职数或未满18周岁"},
    },
)
async def hire_worker(
    principal: Writer, service: Service, body: WorkerCreate, response: Response
) -> WorkerOut:
    out = await service.hire(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _tagged(response, out)


@router.get("", response_model=Page[WorkerOut], summary="查询社区工作者")
async def list_workers(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    status_: Annotated[WorkerStatus | None, Query(alias="status", description="状态")] = None,
    post: Annotated[WorkerPost | None, Query(description="岗位")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="姓名（部分匹配）或完整身份证号")
    ] = None,
) -> Page[WorkerOut]:
    return await service.list_workers(
        page, principal, area_code=area_code, status=status_, post=post, q=q
    )


@router.get(
    "/{worker_id:uuid}", response_model=WorkerOut, summary="查看社区工作者", responses=NOT_FOUND
)
async def get_worker(
    principal: Reader, service: Service, worker_id: uuid.UUID, response: Response
) -> WorkerOut:
    return _tagged(response, await service.get(worker_id, principal))


@router.patch(
    "/{worker_id:uuid}",
    response_model=WorkerOut,
    summary="调整岗位、薪酬等级或联系电话",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "已离职，或书记/主任岗位已有人"},
    },
)
async def update_worker(
    principal: Writer,
    service: Service,
    worker_id: uuid.UUID,
    body: WorkerPatch,
    response: Response,
    if_match: IfMatch = None,
) -> WorkerOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(worker_id, body, version, principal))


@router.post(
    "/{worker_id:uuid}/status",
    response_model=WorkerOut,
    summary="变更状态（离岗、返岗、离职）",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "不允许的状态变更（allowed 列出可变更的状态）"},
        422: {"model": Problem, "description": "生效日期早于聘用或上次变更"},
    },
)
async def change_status(
    principal: Writer,
    service: Service,
    worker_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> WorkerOut:
    version = expected_version(if_match)
    return _tagged(response, await service.change_status(worker_id, body, version, principal))


@router.post(
    "/{worker_id:uuid}/assessments",
    response_model=AssessmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记年度考核结果",
    responses={
        **NOT_FOUND,
        409: {"model": Problem, "description": "该年度已有考核结果"},
        422: {"model": Problem, "description": "考核年度不在聘用期间"},
    },
)
async def assess_worker(
    principal: Writer, service: Service, worker_id: uuid.UUID, body: AssessmentCreate
) -> AssessmentOut:
    return await service.assess(worker_id, body, principal)
