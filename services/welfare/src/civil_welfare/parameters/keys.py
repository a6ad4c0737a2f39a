"""The welfare service's locally set rules (DOMAIN.md), each with its unit."""

from civil_shared.runtime.parameters import ParameterUnit as U
from civil_shared.runtime.parameters import PolicyKey

_FLAG = {"zero_allowed": True}


class ParameterKey(PolicyKey):
    # High-age allowance (高龄津贴): three tiers by age reached in the payment month.
    HIGH_AGE_TIER1_MIN_AGE = "high_age_tier1_min_age", U.YEARS_OF_AGE, "高龄津贴第一档起始年龄"
    HIGH_AGE_TIER2_MIN_AGE = "high_age_tier2_min_age", U.YEARS_OF_AGE, "高龄津贴第二档起始年龄"
    HIGH_AGE_TIER3_MIN_AGE = "high_age_tier3_min_age", U.YEARS_OF_AGE, "高龄津贴第三档起始年龄"
    HIGH_AGE_TIER1_ALLOWANCE = (
        "high_age_tier1_allowance",
        U.YUAN_PER_MONTH,
        "高龄津贴第一档（默认80–89岁）",
    )
    HIGH_AGE_TIER2_ALLOWANCE = (
        "high_age_tier2_allowance",
        U.YUAN_PER_MONTH,
        "高龄津贴第二档（默认90–99岁）",
    )
    HIGH_AGE_TIER3_ALLOWANCE = (
        "high_age_tier3_allowance",
        U.YUAN_PER_MONTH,
        "高龄津贴第三档（默认100岁及以上）",
    )
    HARD_UP_HIGH_AGE_SUBSIDY = (
        "hard_up_high_age_subsidy",
        U.YUAN_PER_MONTH,
        "经济困难高龄老人补贴",
    )
    HARD_UP_DISABLED_ELDERLY_SUBSIDY = (
        "hard_up_disabled_elderly_subsidy",
        U.YUAN_PER_MONTH,
        "经济困难失能老人补贴",
    )
    LEFT_BEHIND_MIN_MONTHS_AWAY = (
        "left_behind_min_months_away",
        U.MONTHS,
        "留守认定：子女外出务工最短月数",
    )
    # Children (孤儿、事实无人抚养儿童).
    ORPHAN_SCATTERED_ALLOWANCE = (
        "orphan_scattered_allowance",
        U.YUAN_PER_MONTH,
        "散居孤儿基本生活费",
    )
    ORPHAN_INSTITUTION_ALLOWANCE = (
        "orphan_institution_allowance",
        U.YUAN_PER_MONTH,
        "集中供养孤儿基本生活费",
    )
    PARENT_MISSING_MIN_MONTHS = (
        "parent_missing_min_months",
        U.MONTHS,
        "事实无人抚养认定：父母失联最短月数",
    )
    # The two disability subsidies (残疾人两项补贴).
    DISABILITY_LIVING_SUBSIDY = (
        "disability_living_subsidy",
        U.YUAN_PER_MONTH,
        "困难残疾人生活补贴",
    )
    DISABILITY_CARE_SUBSIDY = "disability_care_subsidy", U.YUAN_PER_MONTH, "重度残疾人护理补贴"
    LIVING_SUBSIDY_EDGE_OF_DIBAO = (
        "living_subsidy_edge_of_dibao",
        U.FLAG,
        "生活补贴扩至低保边缘家庭（1 是，0 否）",
        _FLAG,
    )
    CARE_SUBSIDY_GRADE3_MENTAL = (
        "care_subsidy_grade3_mental",
        U.FLAG,
        "护理补贴扩至三级智力、精神残疾（1 是，0 否）",
        _FLAG,
    )
    CARE_NEED_MIN_MONTHS = "care_need_min_months", U.MONTHS, "长期护理需要最短月数"
    # Visits (探访).
    ELDERLY_VISIT_INTERVAL_MONTHS = (
        "elderly_visit_interval_months",
        U.MONTHS,
        "留守老人探访周期",
    )
    CHILD_VISIT_INTERVAL_MONTHS = (
        "child_visit_interval_months",
        U.MONTHS,
        "留守、困境儿童走访周期",
    )
