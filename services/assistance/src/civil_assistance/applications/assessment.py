"""The investigation's verdict: eligibility, reasons and the monthly amount.

Reads the household, the standards in force and the parameters; the arithmetic
itself is in ``entitlements`` (pure functions).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from civil_assistance.applications.models import Application
from civil_assistance.applications.schemas import Investigation
from civil_assistance.enrolments.schemas import Programme
from civil_assistance.entitlements.dibao import assess_dibao
from civil_assistance.entitlements.tekun import (
    CARE_STANDARD,
    self_care_level,
    tekun_monthly_amount,
)
from civil_assistance.households.income import age_of, counted_incomes, living_members
from civil_assistance.households.models import Household
from civil_assistance.parameters.keys import ParameterKey
from civil_assistance.parameters.service import parameter_value
from civil_assistance.standards.schemas import StandardProgramme
from civil_assistance.standards.service import standard_in_force
from civil_shared.errors import Unprocessable
from civil_shared.types import Period

DIBAO_STANDARD = {
    Programme.URBAN_DIBAO: StandardProgramme.URBAN_DIBAO,
    Programme.RURAL_DIBAO: StandardProgramme.RURAL_DIBAO,
}
TEKUN_BASIC = {
    Programme.URBAN_TEKUN: StandardProgramme.URBAN_TEKUN_BASIC,
    Programme.RURAL_TEKUN: StandardProgramme.RURAL_TEKUN_BASIC,
}


@dataclass
class Verdict:
    eligible: bool
    monthly_amount: Decimal
    standard_monthly: Decimal
    members: int
    income_per_person: Decimal | None = None
    self_care_level: str | None = None
    reasons: list[str] = field(default_factory=list)


async def assess_dibao_application(
    session: AsyncSession,
    application: Application,
    household: Household,
    investigation: Investigation,
) -> Verdict:
    programme = Programme(application.programme)
    period = Period.of(investigation.visit_date)
    standard = await standard_in_force(
        session, DIBAO_STANDARD[programme], application.area_code, period
    )
    factor = await parameter_value(
        session, ParameterKey.EDGE_OF_DIBAO_FACTOR, period.year, application.area_code
    )
    living = living_members(household.members, investigation.visit_date)
    if not living:
        raise Unprocessable("该家庭没有在世成员，无法核算", code="ASSISTANCE_HOUSEHOLD_EMPTY")
    result = assess_dibao(standard.monthly_amount, counted_incomes(living), len(living), factor)
    reasons = [
        f"家庭月人均收入 {result.income_per_person} 元"
        + ("低于" if result.eligible else "不低于")
        + f"低保标准 {standard.monthly_amount} 元"
    ]
    if not investigation.property_test_passed:
        reasons.append("家庭财产状况不符合低保规定")
    eligible = result.eligible and investigation.property_test_passed
    if result.edge_of_dibao:
        reasons.append("属于低保边缘家庭")
    return Verdict(
        eligible=eligible,
        monthly_amount=result.monthly_amount if eligible else Decimal("0.00"),
        standard_monthly=standard.monthly_amount,
        members=len(living),
        income_per_person=result.income_per_person,
        reasons=reasons,
    )


async def assess_tekun_application(
    session: AsyncSession, application: Application, investigation: Investigation
) -> Verdict:
    conditions = {
        "无劳动能力": investigation.unable_to_work,
        "无生活来源": investigation.no_income_source,
        "无法定赡养抚养扶养义务人或其无履行能力": investigation.no_supporter,
    }
    if any(v is None for v in conditions.values()) or investigation.self_care_cannot_do is None:
        raise Unprocessable(
            "特困调查须记录劳动能力、生活来源、义务人情况和生活自理能力评估",
            code="ASSISTANCE_TEKUN_FINDINGS_MISSING",
        )
    programme = Programme(application.programme)
    period = Period.of(investigation.visit_date)
    level = self_care_level(investigation.self_care_cannot_do)
    basic = await standard_in_force(session, TEKUN_BASIC[programme], application.area_code, period)
    care = await standard_in_force(session, CARE_STANDARD[level], application.area_code, period)
    reasons = [f"{name}：{'是' if met else '否'}" for name, met in conditions.items()]
    eligible = all(conditions.values())
    amount = tekun_monthly_amount(basic.monthly_amount, care.monthly_amount)
    return Verdict(
        eligible=eligible,
        monthly_amount=amount if eligible else Decimal("0.00"),
        standard_monthly=basic.monthly_amount,
        members=1,
        self_care_level=level.value,
        reasons=reasons,
    )


def working_age_members(household: Household, on: date) -> int:
    """Members aged 16 to 59 who live there: their income can change, so review twice a year."""
    return sum(1 for m in living_members(household.members, on) if 16 <= age_of(m, on) < 60)
