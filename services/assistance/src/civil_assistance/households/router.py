import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.enrolments.schemas import EnrolmentStatus, Programme
from civil_assistance.households.enums import ResidenceType
from civil_assistance.households.import_router import router as import_router
from civil_assistance.households.schemas import (
    HouseholdCreate,
    HouseholdOut,
    HouseholdUpdate,
    MemberIn,
    MemberPatch,
)
from civil_assistance.households.service import HouseholdService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/households", tags=["家庭与成员"])
# First: "/import/template" must not be taken for a household id.
router.include_router(import_router)


def get_service(session: SessionDep) -> HouseholdService:
    return HouseholdService(session)


Service = Annotated[HouseholdService, Depends(get_service)]

Responses = dict[int | str, dict[str, Any]]

NOT_FOUND: Responses = {404: {"model": Problem, "description": "家庭不存在或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
IN_OTHER: Responses = {
    409: {"model": Problem, "description": "该人员已属于其他家庭，或违反户主规则"}
}


def _with_etag(response: Response, out: HouseholdOut) -> HouseholdOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "",
    response_model=HouseholdOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记家庭（含成员、收入、财产）",
    responses={403: {"model": Problem, "description": "管辖区域以外"}, **IN_OTHER},
)
async def create_household(
    principal: Writer, service: Service, body: HouseholdCreate, response: Response
) -> HouseholdOut:
    out = await service.create(body, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.get("", response_model=Page[HouseholdOut], summary="查询家庭")
async def list_households(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    residence_type: Annotated[ResidenceType | None, Query(description="城乡类别")] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="成员姓名（部分匹配）或完整身份证号"),
    ] = None,
    program: Annotated[
        Programme | None, Query(description="有该救助项目的保障记录（含任一状态）")
    ] = None,
    status_: Annotated[
        EnrolmentStatus | None, Query(alias="status", description="有该状态的保障记录")
    ] = None,
) -> Page[HouseholdOut]:
    return await service.list_households(
        page,
        principal,
        area_code=area_code,
        residence_type=residence_type,
        q=q,
        programme=program.value if program else None,
        status=status_.value if status_ else None,
    )


@router.get(
    "/{household_id:uuid}", response_model=HouseholdOut, summary="查看家庭", responses=NOT_FOUND
)
async def get_household(
    principal: Reader, service: Service, household_id: uuid.UUID, response: Response
) -> HouseholdOut:
    return _with_etag(response, await service.get(household_id, principal))


@router.put(
    "/{household_id:uuid}",
    response_model=HouseholdOut,
    summary="修改家庭信息与财产申报（整体替换；成员另行维护）",
    responses={**NOT_FOUND, **VERSIONED, 403: {"model": Problem, "description": "管辖区域以外"}},
)
async def update_household(
    principal: Writer,
    service: Service,
    household_id: uuid.UUID,
    body: HouseholdUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> HouseholdOut:
    version = expected_version(if_match)
    return _with_etag(response, await service.update(household_id, body, version, principal))


@router.delete(
    "/{household_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="删除家庭",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        409: {"model": Problem, "description": "家庭正在享受救助，或有救助申请、保障记录须留存"},
    },
)
async def delete_household(
    principal: Writer, service: Service, household_id: uuid.UUID, if_match: IfMatch = None
) -> Response:
    await service.delete(household_id, expected_version(if_match), principal)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{household_id:uuid}/members",
    response_model=HouseholdOut,
    status_code=status.HTTP_201_CREATED,
    summary="增加家庭成员（If-Match 为家庭的 ETag）",
    responses={**NOT_FOUND, **VERSIONED, **IN_OTHER},
)
async def add_member(
    principal: Writer,
    service: Service,
    household_id: uuid.UUID,
    body: MemberIn,
    response: Response,
    if_match: IfMatch = None,
) -> HouseholdOut:
    version = expected_version(if_match)
    out = await service.add_member(household_id, body, version, principal)
    response.headers["Location"] = f"{router.prefix}/{out.id}"
    return _with_etag(response, out)


@router.patch(
    "/{household_id:uuid}/members/{member_id:uuid}",
    response_model=HouseholdOut,
    summary="修改家庭成员（If-Match 为家庭的 ETag）",
    responses={**NOT_FOUND, **VERSIONED, **IN_OTHER},
)
async def update_member(
    principal: Writer,
    service: Service,
    household_id: uuid.UUID,
    member_id: uuid.UUID,
    body: MemberPatch,
    response: Response,
    if_match: IfMatch = None,
) -> HouseholdOut:
    version = expected_version(if_match)
    out = await service.update_member(household_id, member_id, body, version, principal)
    return _with_etag(response, out)


@router.delete(
    "/{household_id:uuid}/members/{member_id:uuid}",
    response_model=HouseholdOut,
    summary="移除家庭成员（If-Match 为家庭的 ETag；返回家庭的新版本）",
    responses={**NOT_FOUND, **VERSIONED, 409: {"model": Problem, "description": "不能移除户主"}},
)
async def remove_member(
    principal: Writer,
    service: Service,
    household_id: uuid.UUID,
    member_id: uuid.UUID,
    response: Response,
    if_match: IfMatch = None,
) -> HouseholdOut:
    version = expected_version(if_match)
    out = await service.remove_member(household_id, member_id, version, principal)
    return _with_etag(response, out)
