"""What the governance service tells the others: the year's figures, city-wide and by township."""

from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, Money


class OrganisationFigure(BaseModel):
    org_type: str = Field(description="social_group / social_service_agency / foundation")
    status: str
    count: int


class DonationFigure(BaseModel):
    purpose: str = Field(description="epidemic / poverty / education / disaster / other")
    count: int
    amount: Money = Field(description="款物合计（元）")


class GovernanceCounts(BaseModel):
    """The counts of the city or one township."""

    communities_urban: int = Field(description="城市社区")
    communities_rural: int = Field(description="村（农村社区）")
    pilots: int = Field(description="农村社区建设试点")
    councils: int = Field(description="已成立的议事会、理事会、监事会")
    council_meetings: int = Field(description="年内会议次数")
    covenants_adopted: int = Field(description="年内通过的村规民约、居民公约（版本）")
    organisations: int = Field(description="登记的社会组织")
    volunteers_registered: int = Field(description="注册志愿者")
    volunteer_hours: Decimal = Field(description="年内志愿服务时长（小时）")
    donation_amount: Money = Field(description="年内接收捐赠款物（元）")


class TownshipGovernance(GovernanceCounts):
    area_code: AreaCode


class GovernanceStats(GovernanceCounts):
    """``GET /internal/v1/stats?year=``: the year's figures, city-wide and by township."""

    year: int
    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    township_units: int = Field(description="乡镇（街道）级单位")
    organisations_by_type: list[OrganisationFigure]
    illegal_dispersed: int = Field(description="年内取缔、劝散非法社会组织")
    donations: list[DonationFigure]
    volunteers_with_hours: int = Field(description="年内有服务记录的志愿者")
    boundary_lines: int = Field(description="乡镇界线")
    boundary_lines_surveyed: int = Field(description="其中已勘定（含已核验）")
    boundary_training_batches: int = Field(description="年内界线勘定培训批次")
    by_township: list[TownshipGovernance]
