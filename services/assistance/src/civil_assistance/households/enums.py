"""The closed vocabularies of households, with the Chinese term of each value.

Values are stored as text guarded by CHECK constraints built from these enums,
so the database and the API cannot drift apart.
"""

from enum import StrEnum
from typing import Final

# One definition each, shared with the rules that read them; re-exported here.
from civil_assistance.entitlements.reviews import IncomeStability as IncomeStability
from civil_shared.types import DisabilityCategory


class ResidenceType(StrEnum):
    """城镇 (urban) / 农村 (rural): decides urban or rural dibao."""

    URBAN = "urban"
    RURAL = "rural"


class Relation(StrEnum):
    """与户主关系：户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、其他."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER = "other"


class EmploymentStatus(StrEnum):
    """就业状况：就业、失业（无业）、在校学生、退休、丧失劳动能力、其他."""

    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    STUDENT = "student"
    RETIRED = "retired"
    UNABLE_TO_WORK = "unable_to_work"
    OTHER = "other"


class IncomeKind(StrEnum):
    """收入类别：工资性、经营净收入、财产性、转移性收入（计入）；社会救助金、优抚金、
    奖励和助学金、城乡居民基础养老金（不计入家庭收入）."""

    WAGES = "wages"
    BUSINESS_NET = "business_net"
    PROPERTY = "property"
    TRANSFER = "transfer"
    ASSISTANCE = "assistance"
    SPECIAL_CARE = "special_care"
    AWARD_SCHOLARSHIP = "award_scholarship"
    BASIC_PENSION_RESIDENTS = "basic_pension_residents"

    @property
    def counted(self) -> bool:
        """Whether the dibao income test counts it (审核确认办法 art. 7)."""
        return self in COUNTED_INCOME_KINDS


#: Income the dibao test counts; assistance, special care, awards and the
#: residents' basic pension are left out.
COUNTED_INCOME_KINDS: Final = frozenset(
    {IncomeKind.WAGES, IncomeKind.BUSINESS_NET, IncomeKind.PROPERTY, IncomeKind.TRANSFER}
)


class PropertyKind(StrEnum):
    """家庭财产：房产、车辆、存款、有价证券、经营性资产、其他."""

    HOUSE = "house"
    VEHICLE = "vehicle"
    DEPOSIT = "deposit"
    SECURITIES = "securities"
    BUSINESS = "business"
    OTHER = "other"


#: The Chinese term of each value, for the import template and its reader.
LABELS_ZH: Final[dict[StrEnum, str]] = {
    ResidenceType.URBAN: "城镇",
    ResidenceType.RURAL: "农村",
    IncomeStability.STABLE: "稳定",
    IncomeStability.UNSTABLE: "不稳定",
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙子女",
    Relation.GRANDPARENT: "祖父母",
    Relation.SIBLING: "兄弟姐妹",
    Relation.OTHER: "其他",
    EmploymentStatus.EMPLOYED: "就业",
    EmploymentStatus.UNEMPLOYED: "无业",
    EmploymentStatus.STUDENT: "在校学生",
    EmploymentStatus.RETIRED: "退休",
    EmploymentStatus.UNABLE_TO_WORK: "丧失劳动能力",
    EmploymentStatus.OTHER: "其他",
    DisabilityCategory.VISUAL: "视力",
    DisabilityCategory.HEARING: "听力",
    DisabilityCategory.SPEECH: "言语",
    DisabilityCategory.PHYSICAL: "肢体",
    DisabilityCategory.INTELLECTUAL: "智力",
    DisabilityCategory.MENTAL: "精神",
    DisabilityCategory.MULTIPLE: "多重",
    IncomeKind.WAGES: "工资性收入",
    IncomeKind.BUSINESS_NET: "经营净收入",
    IncomeKind.PROPERTY: "财产性收入",
    IncomeKind.TRANSFER: "转移性收入",
    IncomeKind.ASSISTANCE: "社会救助金",
    IncomeKind.SPECIAL_CARE: "优抚金",
    IncomeKind.AWARD_SCHOLARSHIP: "奖励和助学金",
    IncomeKind.BASIC_PENSION_RESIDENTS: "城乡居民基础养老金",
    PropertyKind.HOUSE: "房产",
    PropertyKind.VEHICLE: "车辆",
    PropertyKind.DEPOSIT: "存款",
    PropertyKind.SECURITIES: "有价证券",
    PropertyKind.BUSINESS: "经营性资产",
    PropertyKind.OTHER: "其他",
}


def check_in(column: str, enum: type[StrEnum]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``enum``'s values."""
    values = ", ".join(f"'{member.value}'" for member in enum)
    return f"{column} IN ({values})"
