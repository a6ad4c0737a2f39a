"""Use cases of communities, their three councils and their covenant; each commits once."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.communities.models import (
    Community,
    Council,
    CouncilMeeting,
    CouncilMember,
    CovenantRecognition,
    CovenantVersion,
)
from civil_governance.communities.repository import (
    CommunityRepository,
    CommunityRow,
    MeetingRow,
    Village,
    three_councils_complete,
)
from civil_governance.communities.schemas import (
    CommunityCreate,
    CommunityOut,
    CommunityPatch,
    CommunityType,
    CouncilCreate,
    CouncilKind,
    CouncilOut,
    CovenantAdopt,
    CovenantKind,
    CovenantVersionOut,
    MeetingCreate,
    MeetingOut,
    MeetingPatch,
    MemberCreate,
    MemberOut,
    MemberPatch,
    MemberRole,
    PilotSet,
    RecognitionCreate,
    RecognitionOut,
)
from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.scoping import area_condition, ensure_visible
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode

# --- errors --------------------------------------------------------------------


def community_not_found(area_code: str) -> NotFound:
    return NotFound(f"村（社区）{area_code} 不存在", code="GOVERNANCE_COMMUNITY_NOT_FOUND")


def community_exists(area_code: str) -> Conflict:
    return Conflict(f"村（社区）{area_code} 已登记", code="GOVERNANCE_COMMUNITY_EXISTS")


def council_not_found(kind: CouncilKind) -> NotFound:
    return NotFound(f"该村（社区）尚未成立{kind.label}", code="GOVERNANCE_COUNCIL_NOT_FOUND")


def council_exists(kind: CouncilKind) -> Conflict:
    return Conflict(f"该村（社区）已成立{kind.label}", code="GOVERNANCE_COUNCIL_EXISTS")


def chair_taken() -> Conflict:
    return Conflict(
        "该议事机构已有在任主任；更换主任须先登记原主任离任",
        code="GOVERNANCE_COUNCIL_CHAIR_TAKEN",
    )


def pilot_rural_only() -> Unprocessable:
    return Unprocessable(
        "农村社区建设试点只适用于行政村", code="GOVERNANCE_COMMUNITY_PILOT_RURAL_ONLY"
    )


def covenant_not_found() -> NotFound:
    return NotFound(
        "该村（社区）尚未通过村规民约（居民公约）", code="GOVERNANCE_COVENANT_NOT_FOUND"
    )


# --- output --------------------------------------------------------------------


def community_out(row: CommunityRow) -> CommunityOut:
    community = row.community
    code = AreaCode(community.area_code)
    councils = [CouncilKind(k) for k in row.councils]
    return CommunityOut(
        area_code=code,
        name=row.name,
        type=CommunityType.of(row.kind),
        township_code=AreaCode(code[:9]),
        township_name=row.township_name,
        population=community.population,
        households=community.households,
        pilot=community.pilot_year is not None,
        pilot_year=community.pilot_year,
        councils=councils,
        three_councils_complete=len(councils) == len(CouncilKind),
        covenant_version=row.covenant_version,
        exemplary_covenant=row.exemplary,
        version=community.version,
    )


def member_out(member: CouncilMember, today: date | None = None) -> MemberOut:
    on = today or date.today()
    return MemberOut(
        id=member.id,
        name=member.name,
        role=MemberRole(member.role),
        since=member.since,
        until=member.until,
        serving=member.since <= on and (member.until is None or member.until > on),
        version=member.version,
    )


def meeting_out(meeting: CouncilMeeting, kind: CouncilKind, members_serving: int) -> MeetingOut:
    return MeetingOut(
        id=meeting.id,
        council_kind=kind,
        meeting_date=meeting.meeting_date,
        topic=meeting.topic,
        decisions=meeting.decisions,
        attendance=meeting.attendance,
        members_serving=members_serving,
        # More than half of the members in office that day (过半数).
        quorate=meeting.attendance * 2 > members_serving,
        recorded_by=meeting.recorded_by,
        version=meeting.version,
    )


def recognition_out(
    recognition: CovenantRecognition, version: CovenantVersion, community_name: str
) -> RecognitionOut:
    return RecognitionOut(
        id=recognition.id,
        area_code=AreaCode(version.area_code),
        community_name=community_name,
        version_number=version.version_number,
        year=recognition.year,
        recognised_by=recognition.recognised_by,
        honour=recognition.honour,
    )


# --- communities ---------------------------------------------------------------


class CommunityService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = CommunityRepository(session)

    async def create(self, data: CommunityCreate) -> CommunityOut:
        division = await self.repository.division(data.area_code)
        if division is None:
            raise Unprocessable(
                f"区划代码 {data.area_code} 尚未登记：请先在行政区划中新增该村（社区）",
                code="GOVERNANCE_COMMUNITY_DIVISION_MISSING",
            )
        if (
            data.pilot_year is not None
            and CommunityType.of(division.kind) is not CommunityType.VILLAGE
        ):
            raise pilot_rural_only()
        if await self.repository.get(data.area_code) is not None:
            raise community_exists(data.area_code)
        community = Community(
            area_code=str(data.area_code),
            population=data.population,
            households=data.households,
            pilot_year=data.pilot_year,
        )
        async with unique_or_conflict(self.session, community_exists(data.area_code)):
            await self.repository.add(community)
            row = await self.repository.row(community.area_code)
            await self.session.commit()
        assert row is not None  # just inserted, and its division exists
        return community_out(row)

    async def get(self, area_code: str, principal: Principal) -> CommunityOut:
        ensure_visible(principal, area_code, community_not_found(area_code))
        row = await self.repository.row(area_code)
        if row is None:
            raise community_not_found(area_code)
        return community_out(row)

    async def list_communities(
        self,
        page: PageParams,
        principal: Principal,
        *,
        area_code: str | None = None,
        type_: CommunityType | None = None,
        pilot: bool | None = None,
        pilot_year: int | None = None,
        councils_complete: bool | None = None,
        name: str | None = None,
    ) -> Page[CommunityOut]:
        conditions: list[ColumnElement[bool]] = [area_condition(Community.area_code, principal)]
        if area_code is not None:
            conditions.append(Community.area_code.startswith(area_code, autoescape=True))
        if type_ is not None:
            conditions.append(Village.kind == type_.division_kind.value)
        if pilot is not None:
            conditions.append(
                Community.pilot_year.is_not(None) if pilot else Community.pilot_year.is_(None)
            )
        if pilot_year is not None:
            conditions.append(Community.pilot_year == pilot_year)
        if councils_complete is not None:
            conditions.append(three_councils_complete(councils_complete))
        if name:
            conditions.append(Village.name.contains(name, autoescape=True))
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[CommunityOut].of([community_out(r) for r in rows], total, page)

    async def update(
        self, area_code: str, patch: CommunityPatch, expected: int, principal: Principal
    ) -> CommunityOut:
        community = await self._visible(area_code, principal)
        check_version(community.version, expected)
        population = patch.population if patch.population is not None else community.population
        households = patch.households if patch.households is not None else community.households
        if households > population:
            raise Unprocessable("户数不能多于服务人口", code="GOVERNANCE_COMMUNITY_FIGURES")
        community.population, community.households = population, households
        return await self._commit(community)

    async def set_pilot(
        self, area_code: str, data: PilotSet, expected: int, principal: Principal
    ) -> CommunityOut:
        community = await self._visible(area_code, principal)
        check_version(community.version, expected)
        division = await self.repository.division(area_code)
        assert division is not None  # held by the foreign key
        if (
            data.pilot_year is not None
            and CommunityType.of(division.kind) is not CommunityType.VILLAGE
        ):
            raise pilot_rural_only()
        community.pilot_year = data.pilot_year
        return await self._commit(community)

    async def _commit(self, community: Community) -> CommunityOut:
        await self.repository.flush()  # the version moves (and is checked) here
        row = await self.repository.row(community.area_code)
        await self.session.commit()
        assert row is not None
        return community_out(row)

    async def _visible(self, area_code: str, principal: Principal) -> Community:
        return await visible_community(self.repository, area_code, principal)


async def visible_community(
    repository: CommunityRepository,
    area_code: str,
    principal: Principal,
    *,
    for_update: bool = False,
) -> Community:
    """The community, or 404 when it is not registered or lies outside the caller's areas."""
    missing = community_not_found(area_code)
    ensure_visible(principal, area_code, missing)
    community = await repository.get(area_code, for_update=for_update)
    if community is None:
        raise missing
    return community


# --- the three councils ----------------------------------------------------------


class CouncilService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = CommunityRepository(session)

    async def establish(
        self, area_code: str, data: CouncilCreate, principal: Principal
    ) -> CouncilOut:
        await visible_community(self.repository, area_code, principal)
        if await self.repository.council(area_code, data.kind) is not None:
            raise council_exists(data.kind)
        council = Council(
            area_code=area_code, kind=data.kind.value, established_date=data.established_date
        )
        async with unique_or_conflict(self.session, council_exists(data.kind)):
            await self.repository.add(council)
            await self.session.commit()
        return self._council_out(council, [], (0, None))

    async def list_councils(self, area_code: str, principal: Principal) -> list[CouncilOut]:
        await visible_community(self.repository, area_code, principal)
        councils = await self.repository.councils(area_code)
        return await self._outs(councils)

    async def get(self, area_code: str, kind: CouncilKind, principal: Principal) -> CouncilOut:
        council = await self._council(area_code, kind, principal)
        return (await self._outs([council]))[0]

    async def add_member(
        self, area_code: str, kind: CouncilKind, data: MemberCreate, principal: Principal
    ) -> MemberOut:
        council = await self._council(area_code, kind, principal)
        if data.since < council.established_date:
            raise Unprocessable(
                f"任职日期不能早于{kind.label}成立日期 {council.established_date}",
                code="GOVERNANCE_MEMBER_SINCE",
            )
        member = CouncilMember(
            council_id=council.id, name=data.name, role=data.role.value, since=data.since
        )
        async with unique_or_conflict(self.session, chair_taken()):
            await self.repository.add(member)
            await self.session.commit()
        return member_out(member)

    async def update_member(
        self,
        area_code: str,
        kind: CouncilKind,
        member_id: uuid.UUID,
        patch: MemberPatch,
        expected: int,
        principal: Principal,
    ) -> MemberOut:
        council = await self._council(area_code, kind, principal)
        member = await self.repository.member(council.id, member_id)
        if member is None:
            raise NotFound(
                f"成员 {member_id} 不在该{kind.label}中", code="GOVERNANCE_MEMBER_NOT_FOUND"
            )
        check_version(member.version, expected)
        if member.until is not None:
            raise Conflict(f"该成员已于 {member.until} 离任", code="GOVERNANCE_MEMBER_ENDED")
        if patch.until is not None and patch.until <= member.since:
            raise Unprocessable("离任日期应晚于任职日期", code="GOVERNANCE_MEMBER_UNTIL")
        if patch.role is not None:
            member.role = patch.role.value
        if patch.until is not None:
            member.until = patch.until
        async with unique_or_conflict(self.session, chair_taken()):
            await self.repository.flush()
            await self.session.commit()
        return member_out(member)

    async def add_meeting(
        self, area_code: str, kind: CouncilKind, data: MeetingCreate, principal: Principal
    ) -> MeetingOut:
        council = await self._council(area_code, kind, principal)
        serving = await self._check_meeting(council, data.meeting_date, data.attendance)
        meeting = CouncilMeeting(
            council_id=council.id,
            meeting_date=data.meeting_date,
            topic=data.topic,
            decisions=data.decisions,
            attendance=data.attendance,
            recorded_by=principal.sub,
        )
        await self.repository.add(meeting)
        await self.session.commit()
        return meeting_out(meeting, kind, serving)

    async def update_meeting(
        self,
        area_code: str,
        kind: CouncilKind,
        meeting_id: uuid.UUID,
        patch: MeetingPatch,
        expected: int,
        principal: Principal,
    ) -> MeetingOut:
        council = await self._council(area_code, kind, principal)
        row = await self.repository.meeting(council.id, meeting_id)
        if row is None:
            raise NotFound(f"会议记录 {meeting_id} 不存在", code="GOVERNANCE_MEETING_NOT_FOUND")
        meeting = row.meeting
        check_version(meeting.version, expected)
        on = patch.meeting_date or meeting.meeting_date
        attendance = patch.attendance or meeting.attendance
        serving = await self._check_meeting(council, on, attendance)
        meeting.meeting_date, meeting.attendance = on, attendance
        if patch.topic is not None:
            meeting.topic = patch.topic
        if patch.decisions is not None:
            meeting.decisions = patch.decisions
        await self.repository.flush()
        await self.session.commit()
        return meeting_out(meeting, kind, serving)

    async def meetings(
        self,
        area_code: str,
        kind: CouncilKind,
        principal: Principal,
        page: PageParams,
        *,
        year: int | None = None,
    ) -> Page[MeetingOut]:
        council = await self._council(area_code, kind, principal)
        rows, total = await self.repository.meetings(
            council.id, year=year, limit=page.limit, offset=page.offset
        )
        return Page[MeetingOut].of([self._meeting(r, kind) for r in rows], total, page)

    async def meeting(
        self, area_code: str, kind: CouncilKind, meeting_id: uuid.UUID, principal: Principal
    ) -> MeetingOut:
        council = await self._council(area_code, kind, principal)
        row = await self.repository.meeting(council.id, meeting_id)
        if row is None:
            raise NotFound(f"会议记录 {meeting_id} 不存在", code="GOVERNANCE_MEETING_NOT_FOUND")
        return self._meeting(row, kind)

    @staticmethod
    def _meeting(row: MeetingRow, kind: CouncilKind) -> MeetingOut:
        return meeting_out(row.meeting, kind, row.members_serving)

    async def _check_meeting(self, council: Council, on: date, attendance: int) -> int:
        """The members in office on the meeting day; 422 for a meeting the record
        cannot hold: before the council existed, or more members present than it had."""
        kind = CouncilKind(council.kind)
        if on < council.established_date:
            raise Unprocessable(
                f"会议日期不能早于{kind.label}成立日期 {council.established_date}",
                code="GOVERNANCE_MEETING_DATE",
            )
        serving = await self.repository.serving_count(council.id, on)
        if attendance > serving:
            raise Unprocessable(
                f"出席人数 {attendance} 多于会议当日在任成员数 {serving}",
                code="GOVERNANCE_MEETING_ATTENDANCE",
                members_serving=serving,
            )
        return serving

    async def _council(self, area_code: str, kind: CouncilKind, principal: Principal) -> Council:
        await visible_community(self.repository, area_code, principal)
        council = await self.repository.council(area_code, kind)
        if council is None:
            raise council_not_found(kind)
        return council

    async def _outs(self, councils: list[Council]) -> list[CouncilOut]:
        ids = [c.id for c in councils]
        members = await self.repository.members(ids)
        meetings = await self.repository.meeting_summary(ids)
        return [
            self._council_out(
                c, [m for m in members if m.council_id == c.id], meetings.get(c.id, (0, None))
            )
            for c in councils
        ]

    @staticmethod
    def _council_out(
        council: Council, members: list[CouncilMember], meetings: tuple[int, date | None]
    ) -> CouncilOut:
        today = date.today()
        outs = [member_out(m, today) for m in members]
        kind = CouncilKind(council.kind)
        return CouncilOut(
            id=council.id,
            area_code=AreaCode(council.area_code),
            kind=kind,
            label=kind.label,
            established_date=council.established_date,
            members=sorted(outs, key=lambda m: not m.serving),
            members_serving=sum(m.serving for m in outs),
            meetings_held=meetings[0],
            last_meeting_date=meetings[1],
        )


# --- the covenant (一约) -----------------------------------------------------------


class CovenantService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = CommunityRepository(session)

    async def adopt(
        self, area_code: str, data: CovenantAdopt, principal: Principal
    ) -> CovenantVersionOut:
        # Locked: two adoptions for one community are numbered one after the other.
        await visible_community(self.repository, area_code, principal, for_update=True)
        current = await self.repository.current_version(area_code)
        if current is not None and data.adopted_date <= current.adopted_date:
            raise Unprocessable(
                f"新版本的通过日期应晚于现行第 {current.version_number} 版的通过日期 "
                f"{current.adopted_date}",
                code="GOVERNANCE_COVENANT_ADOPTED_DATE",
            )
        number = await self.repository.last_version_number(area_code) + 1
        race = Conflict("该村（社区）刚通过了新版本，请刷新后重试", code="GOVERNANCE_COVENANT_RACE")
        async with unique_or_conflict(self.session, race):
            if current is not None:
                current.superseded_date = data.adopted_date
                await self.repository.flush()  # before the new current row: one current
            version = CovenantVersion(
                area_code=area_code,
                version_number=number,
                title=data.title,
                text=data.text,
                adopted_date=data.adopted_date,
                recorded_by=principal.sub,
            )
            await self.repository.add(version)
            kind = await self._kind(area_code)
            await self.session.commit()
        return self._version_out(version, kind, [])

    async def current(self, area_code: str, principal: Principal) -> CovenantVersionOut:
        await visible_community(self.repository, area_code, principal)
        version = await self.repository.current_version(area_code)
        if version is None:
            raise covenant_not_found()
        return (await self._outs(area_code, [version]))[0]

    async def versions(
        self, area_code: str, principal: Principal, page: PageParams
    ) -> Page[CovenantVersionOut]:
        await visible_community(self.repository, area_code, principal)
        items, total = await self.repository.versions(
            area_code, limit=page.limit, offset=page.offset
        )
        return Page[CovenantVersionOut].of(await self._outs(area_code, items), total, page)

    async def recognise(
        self, area_code: str, data: RecognitionCreate, principal: Principal
    ) -> RecognitionOut:
        await visible_community(self.repository, area_code, principal)
        if data.version_number is None:
            version = await self.repository.current_version(area_code)
            if version is None:
                raise Unprocessable(
                    "该村（社区）尚未通过村规民约（居民公约），无从评定",
                    code="GOVERNANCE_COVENANT_MISSING",
                )
        else:
            version = await self.repository.version(area_code, data.version_number)
            if version is None:
                raise NotFound(
                    f"村规民约（居民公约）第 {data.version_number} 版不存在",
                    code="GOVERNANCE_COVENANT_VERSION_NOT_FOUND",
                )
        last_year = version.superseded_date.year if version.superseded_date else None
        if data.year < version.adopted_date.year or (
            last_year is not None and data.year > last_year
        ):
            in_force = f"{version.adopted_date.year}–{last_year or '今'}"
            raise Unprocessable(
                f"获评年度 {data.year} 不在第 {version.version_number} 版施行期间（{in_force}）",
                code="GOVERNANCE_RECOGNITION_YEAR",
            )
        recognition = CovenantRecognition(
            version_id=version.id,
            year=data.year,
            recognised_by=data.recognised_by,
            honour=data.honour,
            recorded_by=principal.sub,
        )
        exists = Conflict(
            f"该版本已登记 {data.recognised_by} {data.year} 年度的评定",
            code="GOVERNANCE_RECOGNITION_EXISTS",
        )
        async with unique_or_conflict(self.session, exists):
            await self.repository.add(recognition)
            division = await self.repository.division(area_code)
            await self.session.commit()
        assert division is not None
        return recognition_out(recognition, version, division.name)

    async def recognitions(
        self,
        page: PageParams,
        principal: Principal,
        *,
        year: int | None = None,
        area_code: str | None = None,
    ) -> Page[RecognitionOut]:
        conditions: list[ColumnElement[bool]] = [
            area_condition(CovenantVersion.area_code, principal)
        ]
        if year is not None:
            conditions.append(CovenantRecognition.year == year)
        if area_code is not None:
            conditions.append(CovenantVersion.area_code.startswith(area_code, autoescape=True))
        rows, total = await self.repository.recognitions(
            conditions, limit=page.limit, offset=page.offset
        )
        return Page[RecognitionOut].of([recognition_out(*r) for r in rows], total, page)

    async def _kind(self, area_code: str) -> CovenantKind:
        division = await self.repository.division(area_code)
        assert division is not None  # a community's division is held by its foreign key
        return CovenantKind.of(CommunityType.of(division.kind))

    async def _outs(
        self, area_code: str, versions: list[CovenantVersion]
    ) -> list[CovenantVersionOut]:
        kind = await self._kind(area_code)
        recognitions = await self.repository.recognitions_of([v.id for v in versions])
        return [
            self._version_out(
                v, kind, [recognition_out(*r) for r in recognitions if r[1].id == v.id]
            )
            for v in versions
        ]

    @staticmethod
    def _version_out(
        version: CovenantVersion, kind: CovenantKind, recognitions: list[RecognitionOut]
    ) -> CovenantVersionOut:
        return CovenantVersionOut(
            id=version.id,
            area_code=AreaCode(version.area_code),
            kind=kind,
            version_number=version.version_number,
            title=version.title,
            text=version.text,
            adopted_date=version.adopted_date,
            superseded_date=version.superseded_date,
            current=version.superseded_date is None,
            recognitions=recognitions,
            recorded_by=version.recorded_by,
        )
