"""What the welfare service tells the others: the year's figures, city-wide and by township."""

from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, Money


class SubsidyFigures(BaseModel):
    """One monthly subsidy over the year: who holds it at year end, and what was paid."""

    subsidy: str = Field(description="补贴项目（与发放批次的项目相同）")
    persons: int = Field(description="年末享受人数")
    paid_amount: Money = Field(description="年内已发放金额（元，已确认发放的批次）")
    paid_person_months: int = Field(description="年内发放人次（人·月）")


class StandardFigure(BaseModel):
    key: str = Field(description="政策参数")
    amount: Money | None = Field(description="该年度标准（元/月；未设定为空）")
    previous_amount: Money | None = Field(description="上年度标准")
    growth_pct: Decimal | None = Field(description="较上年增长（%）")


class WelfareCounts(BaseModel):
    """The register counts, for the city or one township."""

    left_behind_elderly: int = Field(description="农村留守老人（在册）")
    left_behind_children: int = Field(description="农村留守儿童（在册，一人一档）")
    hardship_children: int = Field(description="困境儿童（在册）")
    orphans_scattered: int = Field(description="散居孤儿")
    orphans_institution: int = Field(description="集中供养孤儿")
    de_facto_unsupported_children: int = Field(description="事实无人抚养儿童")
    disability_living_subsidy_persons: int = Field(description="困难残疾人生活补贴人数")
    disability_care_subsidy_persons: int = Field(description="重度残疾人护理补贴人数")
    high_age_allowance_persons: int = Field(description="高龄津贴人数")
    child_directors: int = Field(description="儿童主任（在岗）")
    child_directors_trained: int = Field(description="其中年内受训")
    child_supervisors: int = Field(description="儿童督导员（在岗）")
    child_supervisors_trained: int = Field(description="其中年内受训")
    visits_made: int = Field(description="年内探访次数")
    visits_overdue: int = Field(description="当前逾期未探访对象数")
    institutions: int = Field(description="养老机构")
    institution_residents: int = Field(description="机构在院人数")
    institution_staff: int = Field(description="机构工作人员")
    funeral_waivers: int = Field(description="年内殡葬救助（减免）件数")
    funeral_waiver_amount: Money = Field(description="年内殡葬减免金额（元）")
    cemeteries: int = Field(description="公益性公墓（已建成）")


class TownshipWelfare(WelfareCounts):
    area_code: AreaCode


class WelfareStats(WelfareCounts):
    """``GET /internal/v1/stats?year=``: the year's figures, city-wide and by township."""

    year: int
    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    standards: list[StandardFigure] = Field(description="孤儿基本生活费等年度标准")
    subsidies: list[SubsidyFigures]
    paid_total: Money = Field(description="年内各项补贴发放合计（元）")
    cemeteries_built_in_year: int = Field(description="年内新建成公墓")
    closed_management_institutions: int = Field(description="年内实行封闭管理的机构")
    closed_management_residents: int
    closed_management_staff: int
    closed_management_infections: int
    by_township: list[TownshipWelfare]
