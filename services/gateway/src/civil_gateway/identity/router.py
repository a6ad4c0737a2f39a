from fastapi import APIRouter

from civil_gateway.identity.schemas import Me
from civil_shared.runtime.security import CurrentPrincipal

router = APIRouter(prefix="/api/v1", tags=["身份"])


@router.get("/me", response_model=Me, summary="当前登录身份")
async def me(principal: CurrentPrincipal) -> Me:
    return Me(
        sub=principal.sub,
        name=principal.name,
        roles=sorted(principal.roles),
        area_codes=list(principal.area_codes),
        scopes=sorted(principal.scopes),
        city_wide=principal.city_wide,
    )
