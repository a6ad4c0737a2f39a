"""The governance service's answer to "is this a Tianmen division code?"."""

from enum import StrEnum

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, AreaLevel


class DivisionKind(StrEnum):
    """Type of division: 市 / 街道 / 镇 / 乡 / 农场 / 管委会 / 社区 / 村."""

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


class DivisionInfo(BaseModel):
    code: AreaCode = Field(description="区划代码")
    name: str = Field(description="名称")
    level: AreaLevel = Field(description="层级")
    kind: DivisionKind = Field(description="类型")
    parent_code: AreaCode | None = Field(description="上级区划代码")
