from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from civil_assistance.persons.service import person_status
from civil_shared.contracts.assistance import PersonStatus
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import InternalCaller
from civil_shared.types import IdNumber, IsoDate

internal_router = APIRouter(prefix="/internal/v1/persons", tags=["内部接口"])


@internal_router.get(
    "/{id_number}/status",
    response_model=PersonStatus,
    summary="人员救助状态（供其他服务判断补贴资格）",
)
async def status(
    _: InternalCaller,
    session: SessionDep,
    id_number: Annotated[IdNumber, Path(description="身份证号")],
    on: Annotated[
        IsoDate | None, Query(description="按哪一天的情况判断（默认今天；低保边缘按当年标准）")
    ] = None,
) -> PersonStatus:
    return await person_status(session, id_number, on or date.today())
