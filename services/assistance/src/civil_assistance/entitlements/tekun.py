"""Tekun (特困人员救助供养): inability to work, self-care level, the monthly support.

The thresholds here are national (特困人员认定办法, 2021, art. 8 and 10), not
local policy, so they are code; the amounts they lead to are standards and
policy parameters held in the database.
"""

from decimal import Decimal
from enum import StrEnum

from civil_assistance.standards.schemas import StandardProgramme
from civil_shared.types import DisabilityCategory, to_fen

#: The activities of daily living assessed: eating, dressing, getting in and out
#: of bed, toileting, walking indoors, bathing.
DAILY_ACTIVITIES = 6
OLD_AGE = 60
MINOR_AGE = 16


class SelfCareLevel(StrEnum):
    """生活自理能力: 全自理 / 半失能 / 全失能."""

    SELF_CARE = "self_care"  # 全自理：6 项都能完成
    PARTLY_DISABLED = "partly_disabled"  # 半失能：1–3 项不能完成
    FULLY_DISABLED = "fully_disabled"  # 全失能：4 项及以上不能完成


#: The care standard each level is paid (护理标准).
CARE_STANDARD: dict[SelfCareLevel, StandardProgramme] = {
    SelfCareLevel.SELF_CARE: StandardProgramme.TEKUN_CARE_SELF_CARE,
    SelfCareLevel.PARTLY_DISABLED: StandardProgramme.TEKUN_CARE_PARTLY_DISABLED,
    SelfCareLevel.FULLY_DISABLED: StandardProgramme.TEKUN_CARE_FULLY_DISABLED,
}


#: The most severe grade (1 is the most severe) that still counts as unable to work.
UNABLE_TO_WORK_GRADE: dict[DisabilityCategory, int] = {
    DisabilityCategory.INTELLECTUAL: 3,
    DisabilityCategory.MENTAL: 3,
    DisabilityCategory.PHYSICAL: 2,
    DisabilityCategory.VISUAL: 1,
}


def self_care_level(cannot_do: int) -> SelfCareLevel:
    """The level from how many of the 6 daily activities the person cannot do."""
    if isinstance(cannot_do, bool) or not 0 <= cannot_do <= DAILY_ACTIVITIES:
        raise ValueError(f"不能完成的日常活动项数应在 0 至 {DAILY_ACTIVITIES} 之间")
    if cannot_do == 0:
        return SelfCareLevel.SELF_CARE
    if cannot_do <= 3:
        return SelfCareLevel.PARTLY_DISABLED
    return SelfCareLevel.FULLY_DISABLED


def unable_to_work(
    age: int,
    disability_category: DisabilityCategory | str | None = None,
    disability_grade: int | None = None,
) -> bool:
    """无劳动能力: 60 or over, under 16, or a disability severe enough for its category.

    Intellectual or mental grade 1–3, physical grade 1–2, visual grade 1. Other
    categories (hearing, speech, multiple) do not count on their own.
    """
    if isinstance(age, bool) or age < 0:
        raise ValueError("年龄不能为负数")
    if (disability_category is None) != (disability_grade is None):
        raise ValueError("残疾类别和残疾等级应同时填写或同时为空")
    if disability_grade is not None and not 1 <= disability_grade <= 4:
        raise ValueError("残疾等级应在 1 至 4 级之间")
    if age >= OLD_AGE or age < MINOR_AGE:
        return True
    if disability_category is None or disability_grade is None:
        return False
    # By value: the households package has its own enumeration of the same categories.
    worst_counted = UNABLE_TO_WORK_GRADE.get(DisabilityCategory(disability_category))
    return worst_counted is not None and disability_grade <= worst_counted


def tekun_monthly_amount(basic_monthly: Decimal, care_monthly: Decimal) -> Decimal:
    """Support per month: the basic living standard plus the care standard of the level."""
    if basic_monthly < 0 or care_monthly < 0:
        raise ValueError("特困供养标准不能为负数")
    return to_fen(basic_monthly + care_monthly)


def tekun_basic_floor_ok(basic: Decimal, dibao_standard: Decimal, multiple: Decimal) -> bool:
    """The basic standard is at least ``multiple`` × the dibao standard (same unit both)."""
    if multiple <= 0:
        raise ValueError("倍数应大于 0")
    return basic >= multiple * dibao_standard
