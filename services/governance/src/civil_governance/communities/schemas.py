import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.contracts.divisions import DivisionKind
from civil_shared.types import TIANMEN, AreaCode, AreaLevel, IsoDate


class CommunityType(StrEnum):
    """urban_community 城市社区（居民委员会）; village 行政村（农村社区）."""

    URBAN_COMMUNITY = "urban_community"  # 城市社区
    VILLAGE = "village"  # 行政村

    @classmethod
    def of(cls, kind: str) -> "CommunityType":
        """The type of a community, read off its division's kind (社区 or 村)."""
        return cls.URBAN_COMMUNITY if kind == DivisionKind.COMMUNITY else cls.VILLAGE

    @property
    def division_kind(self) -> DivisionKind:
        return (
            DivisionKind.COMMUNITY
            if self is CommunityType.URBAN_COMMUNITY
            else DivisionKind.VILLAGE
        )


class CouncilKind(StrEnum):
    """The three councils (三会): consultation_council 协商议事会; council 理事会;
    supervision_committee 村（居）务监督委员会（监事会）."""

    CONSULTATION_COUNCIL = "consultation_council"  # 协商议事会
    COUNCIL = "council"  # 理事会
    SUPERVISION_COMMITTEE = "supervision_committee"  # 村（居）务监督委员会

    @property
    def label(self) -> str:
        return _COUNCIL_LABELS[self]


_COUNCIL_LABELS = {
    CouncilKind.CONSULTATION_COUNCIL: "协商议事会",
    CouncilKind.COUNCIL: "理事会",
    CouncilKind.SUPERVISION_COMMITTEE: "村（居）务监督委员会",
}


class MemberRole(StrEnum):
    """chair 主任（会长、召集人）; vice_chair 副主任; member 成员."""

    CHAIR = "chair"  # 主任
    VICE_CHAIR = "vice_chair"  # 副主任
    MEMBER = "member"  # 成员


class CovenantKind(StrEnum):
    """village_rules 村规民约（行政村）; residents_covenant 居民公约（城市社区）."""

    VILLAGE_RULES = "village_rules"  # 村规民约
    RESIDENTS_COVENANT = "residents_covenant"  # 居民公约

    @classmethod
    def of(cls, community_type: CommunityType) -> "CovenantKind":
        if community_type is CommunityType.VILLAGE:
            return cls.VILLAGE_RULES
        return cls.RESIDENTS_COVENANT


def community_code(value: AreaCode) -> AreaCode:
    """A community or village is a 12-digit division inside Tianmen."""
    if value.level is not AreaLevel.VILLAGE or not TIANMEN.contains(value):
        raise ValueError("村（社区）代码应为天门市内的12位区划代码")
    return value


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


def year_not_in_future(value: int) -> int:
    if value > date.today().year:
        raise ValueError("年度不能晚于今年")
    return value


def optional_date_not_in_future(value: date | None) -> date | None:
    return value if value is None else not_in_future(value)


def optional_year_not_in_future(value: int | None) -> int | None:
    return value if value is None else year_not_in_future(value)


# --- communities ---------------------------------------------------------------


class CommunityFigures(BaseModel):
    model_config = ConfigDict(extra="forbid")

    population: int = Field(ge=0, le=1_000_000, description="服务人口（人）")
    households: int = Field(ge=0, le=1_000_000, description="户数")

    @model_validator(mode="after")
    def _households_have_people(self) -> Self:
        if self.households > self.population:
            raise ValueError("户数不能多于服务人口")
        return self


class CommunityCreate(CommunityFigures):
    area_code: AreaCode = Field(
        description="村（社区）的12位区划代码；须先在行政区划中登记，名称与类型取自区划"
    )
    pilot_year: int | None = Field(
        default=None, ge=2000, le=2100, description="列为农村社区建设试点的年度（仅行政村）"
    )

    _code = field_validator("area_code")(community_code)
    _pilot = field_validator("pilot_year")(optional_year_not_in_future)


class CommunityPatch(BaseModel):
    """Figures a township may keep current; the pilot status is the city's (PUT …/pilot)."""

    model_config = ConfigDict(extra="forbid")

    population: int | None = Field(default=None, ge=0, le=1_000_000, description="服务人口（人）")
    households: int | None = Field(default=None, ge=0, le=1_000_000, description="户数")


class PilotSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pilot_year: int | None = Field(
        ge=2000, le=2100, description="列为农村社区建设试点的年度；null 为取消试点"
    )

    _pilot = field_validator("pilot_year")(optional_year_not_in_future)


class CommunityOut(BaseModel):
    area_code: AreaCode = Field(description="村（社区）区划代码")
    name: str = Field(description="名称（取自行政区划）")
    type: CommunityType = Field(description="类型")
    township_code: AreaCode = Field(description="所属乡镇（街道）代码")
    township_name: str = Field(description="所属乡镇（街道）名称")
    population: int = Field(description="服务人口（人）")
    households: int = Field(description="户数")
    pilot: bool = Field(description="是否农村社区建设试点")
    pilot_year: int | None = Field(description="列为试点的年度")
    councils: list[CouncilKind] = Field(description="已成立的“三会”")
    three_councils_complete: bool = Field(description="“三会”是否健全")
    covenant_version: int | None = Field(description="现行村规民约（居民公约）的版本号")
    exemplary_covenant: bool = Field(description="村规民约（居民公约）是否获评示范")
    version: int = Field(description="版本号（与 ETag 相同）")


# --- councils ------------------------------------------------------------------


class CouncilCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CouncilKind = Field(description="议事机构类型")
    established_date: IsoDate = Field(description="成立日期")

    _established = field_validator("established_date")(not_in_future)


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="姓名")
    role: MemberRole = Field(description="职务")
    since: IsoDate = Field(description="任职日期（不早于议事机构成立日期）")

    _since = field_validator("since")(not_in_future)


class MemberPatch(BaseModel):
    """Change a member's role, or record the end of the term (until)."""

    model_config = ConfigDict(extra="forbid")

    role: MemberRole | None = Field(default=None, description="职务")
    until: IsoDate | None = Field(default=None, description="离任日期（当日起不再任职）")

    _until = field_validator("until")(optional_date_not_in_future)


class MemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: MemberRole
    since: date
    until: date | None
    serving: bool = Field(description="是否在任")
    version: int = Field(description="版本号（与 ETag 相同）")


class MeetingFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meeting_date: IsoDate = Field(description="会议日期")
    topic: str = Field(min_length=2, max_length=200, description="议题")
    decisions: str = Field(min_length=2, max_length=5000, description="议定事项")
    attendance: int = Field(ge=1, le=500, description="出席会议的成员人数")

    _date = field_validator("meeting_date")(not_in_future)


class MeetingCreate(MeetingFields):
    pass


class MeetingPatch(BaseModel):
    """Correct a meeting record (with If-Match)."""

    model_config = ConfigDict(extra="forbid")

    meeting_date: IsoDate | None = Field(default=None, description="会议日期")
    topic: str | None = Field(default=None, min_length=2, max_length=200, description="议题")
    decisions: str | None = Field(
        default=None, min_length=2, max_length=5000, description="议定事项"
    )
    attendance: int | None = Field(default=None, ge=1, le=500, description="出席人数")

    _date = field_validator("meeting_date")(optional_date_not_in_future)


class MeetingOut(BaseModel):
    id: uuid.UUID
    council_kind: CouncilKind
    meeting_date: date
    topic: str
    decisions: str
    attendance: int = Field(description="出席人数")
    members_serving: int = Field(description="会议当日在任成员数")
    quorate: bool = Field(description="出席人数是否过半（超过在任成员的一半）")
    recorded_by: str
    version: int = Field(description="版本号（与 ETag 相同）")


class CouncilOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    kind: CouncilKind
    label: str = Field(description="中文名称")
    established_date: date
    members: list[MemberOut] = Field(description="成员（在任者在前）")
    members_serving: int = Field(description="在任成员数")
    meetings_held: int = Field(description="会议次数")
    last_meeting_date: date | None = Field(description="最近一次会议日期")


# --- the covenant --------------------------------------------------------------


class CovenantAdopt(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=2, max_length=200, description="标题，如“××村村规民约”")
    text: str = Field(min_length=10, max_length=50_000, description="全文")
    adopted_date: IsoDate = Field(description="村（居）民会议通过日期；须晚于现行版本")

    _adopted = field_validator("adopted_date")(not_in_future)


class RecognitionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100, description="获评年度")
    recognised_by: str = Field(
        min_length=2, max_length=200, description="评定机关，如“湖北省民政厅”"
    )
    honour: str | None = Field(
        default=None, max_length=200, description="称号，如“全省优秀村规民约”"
    )
    version_number: int | None = Field(
        # The column is a smallint: a number past it was a 500.
        default=None,
        ge=1,
        le=32767,
        description="获评的版本号；不填为现行版本",
    )

    _year = field_validator("year")(year_not_in_future)


class RecognitionOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    community_name: str
    version_number: int
    year: int
    recognised_by: str
    honour: str | None


class CovenantVersionOut(BaseModel):
    id: uuid.UUID
    area_code: AreaCode
    kind: CovenantKind = Field(description="村规民约或居民公约")
    version_number: int = Field(description="版本号（从1起逐次加1）")
    title: str
    text: str
    adopted_date: date
    superseded_date: date | None = Field(description="被新版本取代的日期")
    current: bool = Field(description="是否现行版本")
    recognitions: list[RecognitionOut] = Field(description="获评示范的记录")
    recorded_by: str
