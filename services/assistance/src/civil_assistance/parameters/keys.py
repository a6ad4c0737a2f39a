"""The assistance service's locally set rules (DOMAIN.md), each with its unit."""

from civil_shared.runtime.parameters import ParameterUnit as U
from civil_shared.runtime.parameters import PolicyKey


class ParameterKey(PolicyKey):
    EDGE_OF_DIBAO_FACTOR = "edge_of_dibao_factor", U.MULTIPLE, "低保边缘倍数", {"minimum": 1}
    REVIEW_INTERVAL_STABLE_MONTHS = (
        "review_interval_stable_months",
        U.MONTHS,
        "收入稳定家庭核查周期",
    )
    REVIEW_INTERVAL_UNSTABLE_MONTHS = (
        "review_interval_unstable_months",
        U.MONTHS,
        "收入不稳定或有劳动能力成员家庭核查周期",
    )
    REVIEW_AFTER_DEATH_MONTHS = "review_after_death_months", U.MONTHS, "成员死亡后核查期限"
    GRADUAL_EXIT_MAX_MONTHS = "gradual_exit_max_months", U.MONTHS, "渐退期上限"
    TEMPORARY_MAX_MULTIPLE = (
        "temporary_max_multiple",
        U.MULTIPLE,
        "临时救助上限倍数（城市低保月标准的倍数）",
    )
    TEMPORARY_TOWNSHIP_LIMIT_MULTIPLE = (
        "temporary_township_limit_multiple",
        U.MULTIPLE,
        "乡镇临时救助审批权限倍数",
    )
    TEKUN_BASIC_MIN_MULTIPLE = (
        "tekun_basic_min_multiple",
        U.MULTIPLE,
        "特困基本生活标准不低于低保标准的倍数",
    )
    MINIMUM_WAGE_MONTHLY = "minimum_wage_monthly", U.YUAN_PER_MONTH, "当地月最低工资标准"
    TEKUN_CARE_SHARE_SELF_CARE = (
        "tekun_care_share_self_care",
        U.SHARE,
        "特困护理标准占最低工资比例（全自理）",
    )
    TEKUN_CARE_SHARE_PARTLY_DISABLED = (
        "tekun_care_share_partly_disabled",
        U.SHARE,
        "特困护理标准占最低工资比例（半失能）",
    )
    TEKUN_CARE_SHARE_FULLY_DISABLED = (
        "tekun_care_share_fully_disabled",
        U.SHARE,
        "特困护理标准占最低工资比例（全失能）",
    )
    PUBLIC_NOTICE_DAYS = "public_notice_days", U.DAYS, "公示天数", {"zero_allowed": True}
    COUNTY_DECISION_WORKING_DAYS = (
        "county_decision_working_days",
        U.WORKING_DAYS,
        "县级审批时限",
    )
    AVERAGE_DISPOSABLE_INCOME_URBAN = (
        "average_disposable_income_urban",
        U.YUAN_PER_YEAR,
        "上年度城镇居民人均可支配收入",
    )
    AVERAGE_DISPOSABLE_INCOME_RURAL = (
        "average_disposable_income_rural",
        U.YUAN_PER_YEAR,
        "上年度农村居民人均可支配收入",
    )
