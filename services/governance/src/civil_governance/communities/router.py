import uuid
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Response, status

from civil_governance.communities.schemas import (
    CommunityCreate,
    CommunityOut,
    CommunityPatch,
    CommunityType,
    CouncilCreate,
    CouncilKind,
    CouncilOut,
    CovenantAdopt,
    CovenantVersionOut,
    MeetingCreate,
    MeetingOut,
    MeetingPatch,
    MemberCreate,
    MemberOut,
    MemberPatch,
    PilotSet,
    RecognitionCreate,
    RecognitionOut,
)
from civil_governance.communities.service import (
    CommunityService,
    CouncilService,
    CovenantService,
)
from civil_shared.auth import Role
from civil_shared.errors import Problem
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import SessionDep
from civil_shared.runtime.security import Reader, Writer, require_roles
from civil_shared.runtime.versioning import IfMatch, etag, expected_version
from civil_shared.types import AreaCode

router = APIRouter(prefix="/api/v1/communities", tags=["城乡社区与“三会一约”"])
recognitions_router = APIRouter(
    prefix="/api/v1/covenant-recognitions", tags=["城乡社区与“三会一约”"]
)

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"model": Problem, "description": "村（社区）未登记或不在管辖区域内"}}
VERSIONED: Responses = {
    412: {"model": Problem, "description": "记录已被他人修改（If-Match 过期）"},
    428: {"model": Problem, "description": "缺少 If-Match 请求头"},
}
RULE: Responses = {422: {"model": Problem, "description": "不符合业务规则"}}
CITY_ONLY = [Depends(require_roles(Role.ADMIN, Role.CITY_OFFICER))]

Code = Annotated[AreaCode, Path(description="村（社区）12位区划代码")]
Kind = Annotated[CouncilKind, Path(description="议事机构类型")]


def communities(session: SessionDep) -> CommunityService:
    return CommunityService(session)


def councils(session: SessionDep) -> CouncilService:
    return CouncilService(session)


def covenants(session: SessionDep) -> CovenantService:
    return CovenantService(session)


Communities = Annotated[CommunityService, Depends(communities)]
Councils = Annotated[CouncilService, Depends(councils)]
Covenants = Annotated[CovenantService, Depends(covenants)]


T = TypeVar("T", CommunityOut, MemberOut, MeetingOut)


def _tagged(response: Response, out: T) -> T:
    response.headers["ETag"] = etag(out.version)
    return out


# --- communities ---------------------------------------------------------------


@router.post(
    "",
    response_model=CommunityOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记村（社区）",
    description="村（社区）须先在行政区划中登记；名称与类型（社区/行政村）取自区划。",
    dependencies=CITY_ONLY,
    responses={**RULE, 409: {"model": Problem, "description": "该村（社区）已登记"}},
)
async def create_community(
    _: Writer, service: Communities, body: CommunityCreate, response: Response
) -> CommunityOut:
    out = await service.create(body)
    response.headers["Location"] = f"{router.prefix}/{out.area_code}"
    return _tagged(response, out)


@router.get("", response_model=Page[CommunityOut], summary="查询村（社区）")
async def list_communities(
    principal: Reader,
    service: Communities,
    page: Annotated[PageParams, Depends()],
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
    type_: Annotated[CommunityType | None, Query(alias="type", description="类型")] = None,
    pilot: Annotated[bool | None, Query(description="是否农村社区建设试点")] = None,
    pilot_year: Annotated[int | None, Query(ge=2000, le=2100, description="列为试点的年度")] = None,
    councils_complete: Annotated[bool | None, Query(description="“三会”是否健全")] = None,
    name: Annotated[str | None, Query(max_length=50, description="名称包含")] = None,
) -> Page[CommunityOut]:
    return await service.list_communities(
        page,
        principal,
        area_code=area_code,
        type_=type_,
        pilot=pilot,
        pilot_year=pilot_year,
        councils_complete=councils_complete,
        name=name,
    )


@router.get(
    "/{area_code}", response_model=CommunityOut, summary="查看村（社区）", responses=NOT_FOUND
)
async def get_community(
    principal: Reader, service: Communities, area_code: Code, response: Response
) -> CommunityOut:
    return _tagged(response, await service.get(area_code, principal))


@router.patch(
    "/{area_code}",
    response_model=CommunityOut,
    summary="修改服务人口与户数",
    responses={**NOT_FOUND, **VERSIONED, **RULE},
)
async def update_community(
    principal: Writer,
    service: Communities,
    area_code: Code,
    body: CommunityPatch,
    response: Response,
    if_match: IfMatch = None,
) -> CommunityOut:
    version = expected_version(if_match)
    return _tagged(response, await service.update(area_code, body, version, principal))


@router.put(
    "/{area_code}/pilot",
    response_model=CommunityOut,
    summary="设定或取消农村社区建设试点（市局）",
    dependencies=CITY_ONLY,
    responses={
        **NOT_FOUND,
        **VERSIONED,
        422: {"model": Problem, "description": "城市社区不能列为农村社区建设试点"},
    },
)
async def set_pilot(
    principal: Writer,
    service: Communities,
    area_code: Code,
    body: PilotSet,
    response: Response,
    if_match: IfMatch = None,
) -> CommunityOut:
    version = expected_version(if_match)
    return _tagged(response, await service.set_pilot(area_code, body, version, principal))


# --- the three councils ----------------------------------------------------------


@router.post(
    "/{area_code}/councils",
    response_model=CouncilOut,
    status_code=status.HTTP_201_CREATED,
    summary="成立议事机构（协商议事会、理事会、监督委员会）",
    responses={**NOT_FOUND, 409: {"model": Problem, "description": "该类议事机构已成立"}},
)
async def establish_council(
    principal: Writer, service: Councils, area_code: Code, body: CouncilCreate
) -> CouncilOut:
    return await service.establish(area_code, body, principal)


@router.get(
    "/{area_code}/councils",
    response_model=list[CouncilOut],
    summary="“三会”及其成员",
    responses=NOT_FOUND,
)
async def list_councils(principal: Reader, service: Councils, area_code: Code) -> list[CouncilOut]:
    return await service.list_councils(area_code, principal)


@router.get(
    "/{area_code}/councils/{kind}",
    response_model=CouncilOut,
    summary="查看议事机构",
    responses={404: {"model": Problem, "description": "村（社区）或议事机构不存在"}},
)
async def get_council(
    principal: Reader, service: Councils, area_code: Code, kind: Kind
) -> CouncilOut:
    return await service.get(area_code, kind, principal)


@router.post(
    "/{area_code}/councils/{kind}/members",
    response_model=MemberOut,
    status_code=status.HTTP_201_CREATED,
    summary="增加议事机构成员",
    responses={**NOT_FOUND, **RULE, 409: {"model": Problem, "description": "已有在任主任"}},
)
async def add_member(
    principal: Writer,
    service: Councils,
    area_code: Code,
    kind: Kind,
    body: MemberCreate,
    response: Response,
) -> MemberOut:
    return _tagged(response, await service.add_member(area_code, kind, body, principal))


@router.patch(
    "/{area_code}/councils/{kind}/members/{member_id}",
    response_model=MemberOut,
    summary="修改成员职务或登记离任",
    responses={
        **NOT_FOUND,
        **VERSIONED,
        **RULE,
        409: {"model": Problem, "description": "已有在任主任，或该成员已离任"},
    },
)
async def update_member(
    principal: Writer,
    service: Councils,
    area_code: Code,
    kind: Kind,
    member_id: uuid.UUID,
    body: MemberPatch,
    response: Response,
    if_match: IfMatch = None,
) -> MemberOut:
    version = expected_version(if_match)
    out = await service.update_member(area_code, kind, member_id, body, version, principal)
    return _tagged(response, out)


@router.post(
    "/{area_code}/councils/{kind}/meetings",
    response_model=MeetingOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记会议（日期、议题、议定事项、出席人数）",
    responses={
        **NOT_FOUND,
        422: {"model": Problem, "description": "会议早于机构成立，或出席人数多于在任成员"},
    },
)
async def add_meeting(
    principal: Writer,
    service: Councils,
    area_code: Code,
    kind: Kind,
    body: MeetingCreate,
    response: Response,
) -> MeetingOut:
    return _tagged(response, await service.add_meeting(area_code, kind, body, principal))


@router.get(
    "/{area_code}/councils/{kind}/meetings",
    response_model=Page[MeetingOut],
    summary="会议记录",
    responses=NOT_FOUND,
)
async def list_meetings(
    principal: Reader,
    service: Councils,
    area_code: Code,
    kind: Kind,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="会议年度")] = None,
) -> Page[MeetingOut]:
    return await service.meetings(area_code, kind, principal, page, year=year)


@router.get(
    "/{area_code}/councils/{kind}/meetings/{meeting_id}",
    response_model=MeetingOut,
    summary="查看会议记录",
    responses=NOT_FOUND,
)
async def get_meeting(
    principal: Reader,
    service: Councils,
    area_code: Code,
    kind: Kind,
    meeting_id: uuid.UUID,
    response: Response,
) -> MeetingOut:
    return _tagged(response, await service.meeting(area_code, kind, meeting_id, principal))


@router.patch(
    "/{area_code}/councils/{kind}/meetings/{meeting_id}",
    response_model=MeetingOut,
    summary="更正会议记录",
    responses={**NOT_FOUND, **VERSIONED, **RULE},
)
async def update_meeting(
    principal: Writer,
    service: Councils,
    area_code: Code,
    kind: Kind,
    meeting_id: uuid.UUID,
    body: MeetingPatch,
    response: Response,
    if_match: IfMatch = None,
) -> MeetingOut:
    version = expected_version(if_match)
    out = await service.update_meeting(area_code, kind, meeting_id, body, version, principal)
    return _tagged(response, out)


# --- the covenant ------------------------------------------------------------------


@router.post(
    "/{area_code}/covenant/versions",
    response_model=CovenantVersionOut,
    status_code=status.HTTP_201_CREATED,
    summary="通过新版村规民约（居民公约）",
    description="版本号逐次加1；新版本通过之日起取代现行版本。已通过的版本不能修改。",
    responses={
        **NOT_FOUND,
        422: {"model": Problem, "description": "通过日期不晚于现行版本"},
        409: {"model": Problem, "description": "同时通过了另一版本"},
    },
)
async def adopt_covenant(
    principal: Writer, service: Covenants, area_code: Code, body: CovenantAdopt
) -> CovenantVersionOut:
    return await service.adopt(area_code, body, principal)


@router.get(
    "/{area_code}/covenant",
    response_model=CovenantVersionOut,
    summary="现行村规民约（居民公约）",
    responses={404: {"model": Problem, "description": "村（社区）不存在，或尚未通过"}},
)
async def current_covenant(
    principal: Reader, service: Covenants, area_code: Code
) -> CovenantVersionOut:
    return await service.current(area_code, principal)


@router.get(
    "/{area_code}/covenant/versions",
    response_model=Page[CovenantVersionOut],
    summary="村规民约（居民公约）历次版本",
    responses=NOT_FOUND,
)
async def covenant_versions(
    principal: Reader,
    service: Covenants,
    area_code: Code,
    page: Annotated[PageParams, Depends()],
) -> Page[CovenantVersionOut]:
    return await service.versions(area_code, principal, page)


@router.post(
    "/{area_code}/covenant/recognitions",
    response_model=RecognitionOut,
    status_code=status.HTTP_201_CREATED,
    summary="登记获评示范村规民约（居民公约）（市局）",
    dependencies=CITY_ONLY,
    responses={
        **NOT_FOUND,
        **RULE,
        409: {"model": Problem, "description": "同一评定机关同一年度已登记"},
    },
)
async def recognise_covenant(
    principal: Writer, service: Covenants, area_code: Code, body: RecognitionCreate
) -> RecognitionOut:
    return await service.recognise(area_code, body, principal)


@recognitions_router.get(
    "", response_model=Page[RecognitionOut], summary="查询示范村规民约（居民公约）"
)
async def list_recognitions(
    principal: Reader,
    service: Covenants,
    page: Annotated[PageParams, Depends()],
    year: Annotated[int | None, Query(ge=2000, le=2100, description="获评年度")] = None,
    area_code: Annotated[AreaCode | None, Query(description="区域代码（前缀匹配）")] = None,
) -> Page[RecognitionOut]:
    return await service.recognitions(page, principal, year=year, area_code=area_code)
