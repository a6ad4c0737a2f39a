"""``GET /api/v1/persons/{id_number}/profile``: the person profile (一人一档)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from civil_gateway.config import GatewaySettings
from civil_gateway.peers import peers_of
from civil_gateway.profiles.schemas import PersonProfile
from civil_gateway.profiles.service import person_profile
from civil_shared.auth import Principal, Role
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import require_roles
from civil_shared.types import IdNumber

router = APIRouter(prefix="/api/v1/persons", tags=["一人一档"])

ProfileReader = Annotated[
    Principal,
    Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER, Role.TOWNSHIP_OFFICER, Role.AUDITOR)),
]


@router.get(
    "/{id_number}/profile",
    response_model=PersonProfile,
    summary="个人档案：家庭与救助、福利档案与补贴、志愿服务，一次查询",
    responses={
        404: {"description": "各服务均无此人记录，或不在本人辖区"},
        422: {"description": "身份证号无效"},
        503: {"description": "三个服务均未应答"},
    },
)
async def profile(
    request: Request,
    principal: ProfileReader,
    session: SessionDep,
    id_number: Annotated[IdNumber, Path(description="身份证号（18位）")],
) -> PersonProfile:
    settings: GatewaySettings = request.app.state.settings
    return await person_profile(
        session, peers_of(request), principal, id_number, settings.profile_deadline_s
    )
