"""``POST /internal/v1/persons/statuses``: many persons' standing in assistance at once."""

from fastapi import APIRouter

from civil_assistance.person_statuses.service import person_statuses
from civil_shared.contracts.person_statuses import PersonStatuses, PersonStatusQuery
from civil_shared.errors import Unprocessable
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller

internal_router = APIRouter(prefix="/internal/v1/persons", tags=["内部接口"])


@internal_router.post(
    "/statuses",
    response_model=PersonStatuses,
    summary="批量查询人员救助状态（供其他服务成批判断补贴资格；只读）",
    description="每人的答复与 GET /internal/v1/persons/{id_number}/status 相同，顺序与所问相同。",
)
async def statuses(
    _: InternalCaller, session: SessionDep, body: PersonStatusQuery
) -> PersonStatuses:
    if len({str(i) for i in body.id_numbers}) != len(body.id_numbers):
        raise Unprocessable("身份证号不能重复", code="ASSISTANCE_PERSON_STATUS_DUPLICATE")
    return PersonStatuses(statuses=await person_statuses(session, body.id_numbers, body.on))
