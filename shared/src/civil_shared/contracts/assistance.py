"""What the assistance service tells the others: a person's status, the year's figures."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import AreaCode, IdNumber, Money


class PersonEnrolment(BaseModel):
    enrolment_id: str
    programme: str = Field(description="urban_dibao / rural_dibao / urban_tekun / rural_tekun")
    status: str = Field(description="active / suspended / gradual_exit")
    since: str = Field(description="起始月份 YYYY-MM")


class PersonStatus(BaseModel):
    """``GET /internal/v1/persons/{id_number}/status``: what the person gets from assistance."""

    id_number: IdNumber
    enrolments: list[PersonEnrolment] = Field(description="当前保障（低保、特困）")
    in_dibao: bool = Field(description="本人或所在家庭正在享受低保")
    in_tekun: bool = Field(description="本人正在享受特困供养")
    household_id: str | None = Field(description="所在家庭")
    household_edge_of_dibao: bool | None = Field(
        description="所在家庭是否低保边缘家庭（未登记家庭时为空）"
    )
    checked_on: date


class ProgrammeFigures(BaseModel):
    programme: str
    households: int = Field(description="户数（特困按人计户）")
    persons: int = Field(description="人数")
    poverty_alleviation_households: int = Field(description="其中精准扶贫户数")
    poverty_alleviation_persons: int = Field(description="其中精准扶贫人数")


class StandardFigure(BaseModel):
    programme: str
    amount: Money
    unit: str
    previous_amount: Money | None
    growth_pct: Decimal | None


class TemporaryFigures(BaseModel):
    cases: int = Field(description="救助人次")
    total_amount: Money
    average_amount: Money | None = Field(description="人均（每人次）救助金额")
    previous_average_amount: Money | None = Field(description="上年人均")
    average_growth_pct: Decimal | None = Field(description="人均较上年增长（%）")


class PaidFigure(BaseModel):
    programme: str
    amount: Money = Field(description="年内已发放金额（元）")


class TownshipFigures(BaseModel):
    area_code: AreaCode
    programmes: list[ProgrammeFigures]
    paid: list[PaidFigure]
    temporary_cases: int
    temporary_amount: Money
    helper_ledger: int
    rescues: int


class AssistanceYear(BaseModel):
    """One year's figures of the city (or of the area asked for)."""

    year: int
    programmes: list[ProgrammeFigures] = Field(description="年末在保情况")
    standards: list[StandardFigure]
    temporary: TemporaryFigures
    paid: list[PaidFigure]
    paid_total: Money
    helper_ledger: int = Field(description="帮扶人台账在册人数")
    rescues: int = Field(description="流浪乞讨救助人次")


class AssistanceStats(AssistanceYear):
    """``GET /internal/v1/stats?year=``: the year's figures, city-wide and by township, and
    the year before's (``previous``, for comparisons) from the same call."""

    area_code: AreaCode | None = Field(description="统计范围（空为全市）")
    by_township: list[TownshipFigures]
    previous: AssistanceYear = Field(description="上年同口径数字")
