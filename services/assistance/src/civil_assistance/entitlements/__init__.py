"""How much a household or person is entitled to: pure functions (待遇计算).

No database here: callers read standards and policy parameters first and pass
the figures in, so every rule can be tested at its boundaries on its own.
"""

from civil_assistance.entitlements.dibao import (
    DibaoAssessment,
    assess_dibao,
    dibao_monthly_amount,
    income_per_person,
    is_dibao_eligible_by_income,
    is_edge_of_dibao,
    monthly_standard,
)
from civil_assistance.entitlements.reviews import (
    IncomeStability,
    ReviewIntervals,
    add_months,
    gradual_exit_last_period,
    review_due_date,
)
from civil_assistance.entitlements.tekun import (
    CARE_STANDARD,
    SelfCareLevel,
    self_care_level,
    tekun_basic_floor_ok,
    tekun_monthly_amount,
    unable_to_work,
)
from civil_shared.types import DisabilityCategory

__all__ = [
    "CARE_STANDARD",
    "DibaoAssessment",
    "DisabilityCategory",
    "IncomeStability",
    "ReviewIntervals",
    "SelfCareLevel",
    "add_months",
    "assess_dibao",
    "dibao_monthly_amount",
    "gradual_exit_last_period",
    "income_per_person",
    "is_dibao_eligible_by_income",
    "is_edge_of_dibao",
    "monthly_standard",
    "review_due_date",
    "self_care_level",
    "tekun_basic_floor_ok",
    "tekun_monthly_amount",
    "unable_to_work",
]
