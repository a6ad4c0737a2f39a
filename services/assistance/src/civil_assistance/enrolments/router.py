import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from civil_assistance.enrolments.importer import enrolment_import
from civil_assistance.enrolments.schemas import (
    EnrolmentCreate,
    EnrolmentOut,
    EnrolmentStatus,
    Programme,
    StatusChange,
)
from civil_assistance.enrolments.service import EnrolmentService
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.imports import add_import_routes
from civil_shared.runtime.security import Reader, Writer
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/enrolments", tags=["在保对象"])


def get_service(session: SessionDep) -> EnrolmentService:
    return EnrolmentService(session)


add_import_routes(
    router,
    enrolment_import,
    what="在保对象",
    template_name="enrolments",
    notes=(
        "每行一户低保家庭（户主须已在家庭登记中）或一名特困人员，保障对象写作“身份证号:姓名”，"
        "多人用分号分隔。已在保的领款人或保障对象不能重复导入（同一人不能同时享受低保和特困）。"
    ),
)


Service = Annotated[EnrolmentService, Depends(get_service)]


@router.post(
    "",
    response_model=EnrolmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记保障对象",
    responses={409: {"model": Problem, "description": "该对象已在低保或特困中保障"}},
)
async def enrol(
    principal: Writer, service: Service, body: EnrolmentCreate, response: Response
) -> EnrolmentOut:
    out = await service.enrol(body, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("", response_model=Page[EnrolmentOut], summary="查询保障对象")
async def list_enrolments(
    principal: Reader,
    service: Service,
    page: Annotated[PageParams, Depends()],
    programme: Annotated[Programme | None, Query(description="救助项目")] = None,
    status_: Annotated[EnrolmentStatus | None, Query(alias="status", description="状态")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[EnrolmentOut]:
    return await service.list(
        page, principal, programme=programme, status=status_, area_code=area_code
    )


@router.get("/{enrolment_id:uuid}", response_model=EnrolmentOut, summary="查看保障记录")
async def get_enrolment(
    principal: Reader, service: Service, enrolment_id: uuid.UUID, response: Response
) -> EnrolmentOut:
    out = await service.get(enrolment_id, principal)
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/{enrolment_id:uuid}/status",
    response_model=EnrolmentOut,
    summary="变更保障状态（暂停、渐退、终止、恢复）",
    responses={409: {"model": Problem, "description": "状态不允许此变更"}},
)
async def change_status(
    principal: Writer,
    service: Service,
    enrolment_id: uuid.UUID,
    body: StatusChange,
    response: Response,
    if_match: IfMatch = None,
) -> EnrolmentOut:
    out = await service.change_status(enrolment_id, body, expected_version(if_match), principal)
    response.headers["ETag"] = etag(out.version)
    return out
