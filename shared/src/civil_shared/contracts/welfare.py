"""What the welfare service tells the others: the year's figures, city-wide and by township.

"At year end" figures are taken on ``as_of``: 31 December of the year, or today
while the year is the current one; a monthly subsidy counts the persons whose
entitlement covers the month of ``as_of``. Money is what the year's paid
disbursement runs paid (draft and approved runs count nothing).
"""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, Money


class SubsidyFigures(BaseModel):
    """One monthly subsidy over the year: who holds it at year end, and what was paid."""

    subsidy: str = Field(description="补贴项目（与发放批次的项目相同）")
    persons: int = Field(description="年末享受人数（统计时点所在月份在保障期内）")
    paid_amount: Money = Field(description="年内已发放金额（元，已确认发放的批次）")
    paid_person_months: int = Field(description="年内发放人次（人·月）")


class StandardFigure(BaseModel):
    key: str = Field(description="政策参数")
    label: str = Field(description="参数名称")
    amount: Money | None = Field(description="该年度标准（元/月；未设定为空）")
    previous_amount: Money | None = Field(description="上年度标准")
    growth_pct: Decimal | None = Field(description="较上年增长（%）")


class WelfareCounts(BaseModel):
    """The figures of the city or of one township (records at the statistics date, the
    year's events, and the subsidies)."""

    left_behind_elderly: int | None = Field(
        description="农村留守老人（统计时点在册且符合认定条件；该年认定参数未设定时为空）"
    )
    left_behind_children: int = Field(
        description="农村留守儿童（统计时点在册、未满18周岁，一人一档；含留守且困境）"
    )
    hardship_children: int = Field(description="困境儿童（统计时点在册、未满18周岁；含留守且困境）")
    orphans_scattered: int = Field(description="散居孤儿（统计时点在保）")
    orphans_institution: int = Field(description="集中供养孤儿（统计时点在保）")
    de_facto_unsupported_children: int = Field(description="事实无人抚养儿童（统计时点在保）")
    disability_living_subsidy_persons: int = Field(description="困难残疾人生活补贴人数")
    disability_care_subsidy_persons: int = Field(description="重度残疾人护理补贴人数")
    high_age_allowance_persons: int = Field(description="高龄津贴人数")
    child_directors: int = Field(description="儿童主任（统计时点在岗）")
    child_directors_trained: int = Field(description="其中年内受训")
    child_supervisors: int = Field(description="儿童督导员（统计时点在岗）")
    child_supervisors_trained: int = Field(description="其中年内受训")
    visits_made: int = Field(description="年内探访次数")
    visits_overdue: int | None = Field(
        description="统计时点逾期未探访的留守老人和儿童（该年探访周期未设定时为空）"
    )
    institutions: int = Field(description="养老机构、福利院（当前未关闭）")
    institution_residents: int = Field(description="机构在院人数（当前）")
    institution_staff: int = Field(description="机构工作人员（当前）")
    disabled_tekun_residents: int = Field(description="失能特困人员（机构台账当前在册）")
    closed_management_institutions: int = Field(description="年内实行封闭管理的机构")
    closed_management_residents: int = Field(description="封闭期间在院老人（每机构取年内最近一期）")
    closed_management_staff: int = Field(description="封闭期间在岗工作人员（每机构取年内最近一期）")
    closed_management_infections: int = Field(description="封闭期间感染人数（年内各期合计）")
    funeral_waivers: int = Field(description="年内殡葬救助（减免）件数")
    funeral_waiver_amount: Money = Field(description="年内殡葬减免金额（元）")
    cemeteries: int = Field(description="公益性公墓（年末已建成或投入使用）")
    cemeteries_built_in_year: int = Field(description="其中年内建成")
    subsidies: list[SubsidyFigures] = Field(description="各项补贴：年末人数、年内发放")
    paid_total: Money = Field(description="年内各项补贴发放合计（元）")


class TownshipWelfare(WelfareCounts):
    area_code: AreaCode = Field(description="乡镇（街道）代码")


class WelfareYear(WelfareCounts):
    """One year's figures of the city (or of the area asked for)."""

    year: int
    as_of: date = Field(description="统计时点：该年12月31日；当年为今日")
    standards: list[StandardFigure] = Field(
        description="各项补贴的年度标准（孤儿基本生活费等），较上年增长；统计范围内适用的标准"
    )


class WelfareStats(WelfareYear):
    """``GET /internal/v1/stats?year=``: the year's figures, city-wide and by township, and
    the year before's (``previous``, for comparisons) from the same call."""

    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    by_township: list[TownshipWelfare] = Field(
        description="按乡镇（街道）分列（村级记录归入所在乡镇；仅列有数据的乡镇）"
    )
    previous: WelfareYear = Field(description="上年同口径数字（统计时点为上年12月31日）")
