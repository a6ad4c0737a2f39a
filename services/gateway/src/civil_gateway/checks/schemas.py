"""The checks' rules and findings as the gateway answers them."""

from enum import StrEnum

from pydantic import BaseModel, Field

from civil_shared.contracts.checks import RecordRef
from civil_shared.types import IdNumber


class Rule(StrEnum):
    """The rules, each with a stable code; the Chinese label is in :data:`RULE_LABELS`."""

    DIBAO_AND_TEKUN = "dibao_and_tekun"
    TEKUN_WITH_DISABILITY_SUBSIDY = "tekun_with_disability_subsidy"
    ORPHAN_AND_UNSUPPORTED = "orphan_and_unsupported"
    LIVING_SUBSIDY_WITHOUT_DIBAO = "living_subsidy_without_dibao"
    HIGH_AGE_UNDER_AGE = "high_age_under_age"
    PAID_AFTER_DEATH = "paid_after_death"
    PAID_AFTER_EXIT = "paid_after_exit"


RULE_LABELS: dict[Rule, str] = {
    Rule.DIBAO_AND_TEKUN: "同一人同期享受低保和特困供养",
    Rule.TEKUN_WITH_DISABILITY_SUBSIDY: "特困供养人员同期享受残疾人两项补贴",
    Rule.ORPHAN_AND_UNSUPPORTED: "儿童同期认定为孤儿和事实无人抚养儿童",
    Rule.LIVING_SUBSIDY_WITHOUT_DIBAO: (
        "困难残疾人生活补贴对象家庭不在低保（且不属准予的低保边缘家庭）"
    ),
    Rule.HIGH_AGE_UNDER_AGE: "未达高龄津贴起始年龄享受高龄津贴",
    Rule.PAID_AFTER_DEATH: "登记死亡后仍有发放",
    Rule.PAID_AFTER_EXIT: "保障终止后仍有发放",
}

#: The services whose sets a rule joins; a rule is not evaluated while one is missing.
RULE_SERVICES: dict[Rule, tuple[str, ...]] = {
    Rule.DIBAO_AND_TEKUN: ("assistance",),
    Rule.TEKUN_WITH_DISABILITY_SUBSIDY: ("assistance", "welfare"),
    Rule.ORPHAN_AND_UNSUPPORTED: ("welfare",),
    Rule.LIVING_SUBSIDY_WITHOUT_DIBAO: ("assistance", "welfare"),
    Rule.HIGH_AGE_UNDER_AGE: ("welfare",),
    Rule.PAID_AFTER_DEATH: ("assistance", "welfare"),
    Rule.PAID_AFTER_EXIT: ("assistance", "welfare"),
}


class FindingPerson(BaseModel):
    id_number: IdNumber
    name: str


class Finding(BaseModel):
    rule: Rule = Field(description="规则代码")
    label: str = Field(description="规则名称")
    persons: list[FindingPerson]
    records: list[RecordRef] = Field(description="涉及的记录（服务、类型、编号、区划）")
    detail: str = Field(description="说明（期间、月份）")


class RuleSummary(BaseModel):
    rule: Rule
    label: str
    services: list[str] = Field(description="比对所用服务")
    evaluated: bool = Field(description="是否已比对（所需服务未应答或参数未设定时为否）")
    findings: int = Field(description="发现问题数（本人辖区内）")


class ConflictReport(BaseModel):
    """``GET /api/v1/checks/conflicts?year=``: the findings of every rule for the year."""

    year: int
    rules: list[RuleSummary]
    total: int = Field(description="符合筛选条件的发现总数")
    findings: list[Finding]
    degraded: list[str] = Field(description="未能及时应答的服务")
