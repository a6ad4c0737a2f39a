"""What the governance service tells the others: the year's figures, city-wide and by township.

Registers are taken as they stand at ``as_of`` where they keep dates (31 December of
the year, or today while the year is the current one): pilots designated, councils
established, organisations registered, volunteers on the register by then. Events are
those dated in the year (meetings, covenant versions adopted, cases closed, donations,
service hours, training batches). Communities and boundary lines are counted as the
registers hold them now (they keep no history of their own).

A city-level record (an organisation, case or donation with no township) counts in the
city's figures only; narrowed to a township (``area_code``), the figures are that
township's records alone.
"""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.contracts.divisions import DivisionKind
from civil_shared.types import AreaCode, Money


class OrganisationFigure(BaseModel):
    org_type: str = Field(
        description="社会组织类型：social_group 社会团体；social_service_agency 民办非企业单位"
        "（社会服务机构）；foundation 基金会"
    )
    status: str = Field(
        description="当前状态：active 正常；suspended 停止活动；deregistered 注销登记；"
        "revoked 撤销登记"
    )
    count: int = Field(description="年末前登记的组织数（按当前状态）")


class DonationFigure(BaseModel):
    purpose: str = Field(
        description="捐赠用途：epidemic 疫情防控；poverty 扶贫济困；education 助学；"
        "disaster 救灾；other 其他"
    )
    count: int = Field(description="年内捐赠笔数")
    amount: Money = Field(description="款物合计（元；物资按评估价值）")


class GovernanceCounts(BaseModel):
    """The counts of the city or one township."""

    communities_urban: int = Field(description="城市社区（居委会）")
    communities_rural: int = Field(description="村（农村社区）")
    pilots: int = Field(description="农村社区建设试点（确定试点年度不晚于该年）")
    councils: int = Field(description="年末已成立的协商议事会、理事会、村（居）务监督委员会")
    communities_with_three_councils: int = Field(
        description="年末三会（协商议事会、理事会、村（居）务监督委员会）齐全的村（社区）"
    )
    council_meetings: int = Field(description="年内三会召开会议次数")
    covenants_adopted: int = Field(description="年内通过的村规民约、居民公约（版本）")
    organisations: int = Field(description="年末在册的社会组织（正常、停止活动）")
    illegal_dispersed: int = Field(description="年内劝散的非法社会组织")
    illegal_banned: int = Field(description="年内取缔的非法社会组织")
    donation_amount: Money = Field(description="年内接收捐赠款物（元）")
    volunteers_registered: int = Field(description="年末（当年为今日）在册的注册志愿者")
    volunteers_with_hours: int = Field(description="年内有服务记录的志愿者")
    volunteer_hours: Decimal = Field(description="年内志愿服务时长（小时）")


class TownshipGovernance(GovernanceCounts):
    area_code: AreaCode = Field(description="乡镇（街道）代码")
    name: str = Field(description="乡镇（街道）名称")
    kind: DivisionKind = Field(description="类型：街道、镇、乡、农场、管委会")
    in_report_count: bool = Field(description="是否计入“乡、镇、街道”数（农场、管委会不计入）")
    boundary_lines: int = Field(description="本乡镇的乡级界线（一条界线属相邻两个乡镇）")
    boundary_lines_surveyed: int = Field(description="其中已勘定（含已核验）")
    boundary_training_batches: int = Field(description="本乡镇人员参加的年内界线勘定培训批次")


class GovernanceYear(GovernanceCounts):
    """One year's figures of the city (or of the township asked for)."""

    year: int
    as_of: date = Field(description="统计时点：该年12月31日；当年为今日")
    township_units: int = Field(
        description="乡、镇、街道（年报口径，不含农场、管委会；天门市为25个）"
    )
    township_units_all: int = Field(description="全部乡级单位（含农场、管委会；天门市为28个）")
    organisations_by_type: list[OrganisationFigure] = Field(
        description="年末前登记的社会组织，按类型和当前状态（每种组合一行，无则为0）"
    )
    donations: list[DonationFigure] = Field(description="年内捐赠，按用途（每种用途一行）")
    boundary_lines: int = Field(description="乡级界线")
    boundary_lines_surveyed: int = Field(
        description="其中已勘定（含已核验；最近一次勘测在年末前，且当前无争议）"
    )
    boundary_training_batches: int = Field(description="年内界线勘定培训批次")
    boundary_training_townships: int = Field(description="年内参加界线勘定培训的乡镇")


class GovernanceStats(GovernanceYear):
    """``GET /internal/v1/stats?year=``: the year's figures, city-wide and by township, and
    the year before's (``previous``, for comparisons) from the same call."""

    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    by_township: list[TownshipGovernance] = Field(
        description="按乡级单位分列（统计范围内的全部乡级单位，无数据为0；"
        "村级记录归入所在乡镇，市级记录只计入全市）"
    )
    previous: GovernanceYear = Field(description="上年同口径数字（统计时点为上年12月31日）")
