"""The governance service's answer to "is this a Tianmen division code?"."""

from enum import StrEnum

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, AreaLevel


class DivisionKind(StrEnum):
    """Type of division: city 县级市; street 街道; town 镇; township 乡; farm 农场;
    management_committee 管委会; community 城市社区（居委会）; village 行政村（村委会）."""

    CITY = "city"  # 县级市
    STREET = "street"  # 街道
    TOWN = "town"  # 镇
    TOWNSHIP = "township"  # 乡
    FARM = "farm"  # 农场
    MANAGEMENT_COMMITTEE = "management_committee"  # 管委会
    COMMUNITY = "community"  # 社区（居委会）
    VILLAGE = "village"  # 行政村


#: Which kinds each level may hold; a 12-digit code is never a town.
KINDS_BY_LEVEL: dict[AreaLevel, frozenset[DivisionKind]] = {
    AreaLevel.COUNTY: frozenset({DivisionKind.CITY}),
    AreaLevel.TOWNSHIP: frozenset(
        {
            DivisionKind.STREET,
            DivisionKind.TOWN,
            DivisionKind.TOWNSHIP,
            DivisionKind.FARM,
            DivisionKind.MANAGEMENT_COMMITTEE,
        }
    ),
    AreaLevel.VILLAGE: frozenset({DivisionKind.COMMUNITY, DivisionKind.VILLAGE}),
}


class DivisionRef(BaseModel):
    """One step of a division's path: 天门市 → 多宝镇 → 多宝村."""

    code: AreaCode = Field(description="区划代码")
    name: str = Field(description="名称")
    level: AreaLevel = Field(description="层级")


class DivisionInfo(BaseModel):
    code: AreaCode = Field(description="区划代码")
    name: str = Field(description="名称")
    level: AreaLevel = Field(description="层级")
    kind: DivisionKind = Field(description="类型")
    parent_code: AreaCode | None = Field(description="上级区划代码")
    path: list[DivisionRef] = Field(
        default_factory=list, description="从天门市到本级的区划（含本级），由上到下"
    )
