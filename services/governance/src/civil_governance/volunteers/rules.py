"""The rules of volunteering that are pure values: statuses, kinds, limits of a record."""

from decimal import Decimal
from enum import StrEnum
from typing import Final

#: Hours of one record: more than 0, at most a day, two decimal places.
MAX_HOURS: Final = Decimal("24.00")
#: Service records are entered within this many working days after the activity
#: (志愿服务记录与证明出具办法); later entries are kept and flagged late.
ENTRY_WORKING_DAYS: Final = 10
#: Skills a volunteer lists: at most this many, each at most this long.
MAX_SKILLS: Final = 20
MAX_SKILL_LENGTH: Final = 50


class VolunteerStatus(StrEnum):
    """active 在册; deregistered 已注销."""

    ACTIVE = "active"  # 在册
    DEREGISTERED = "deregistered"  # 已注销


#: Which statuses a volunteer may move to from each status.
TRANSITIONS: dict[VolunteerStatus, tuple[VolunteerStatus, ...]] = {
    VolunteerStatus.ACTIVE: (VolunteerStatus.DEREGISTERED,),
    VolunteerStatus.DEREGISTERED: (VolunteerStatus.ACTIVE,),
}


class OrganisationKind(StrEnum):
    """volunteer_association 志愿者协会（联合会）; volunteer_team 志愿服务队;
    social_organisation 社会组织; community 村（社区）; public_institution 机关、事业单位;
    enterprise 企业; school 学校; other 其他."""

    VOLUNTEER_ASSOCIATION = "volunteer_association"  # 志愿者协会（联合会）
    VOLUNTEER_TEAM = "volunteer_team"  # 志愿服务队
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    COMMUNITY = "community"  # 村（社区）
    PUBLIC_INSTITUTION = "public_institution"  # 机关、事业单位
    ENTERPRISE = "enterprise"  # 企业
    SCHOOL = "school"  # 学校
    OTHER = "other"  # 其他


class CalendarDayKind(StrEnum):
    """holiday 法定节假日（放假）; workday 调休上班日（周末上班）."""

    HOLIDAY = "holiday"  # 放假
    WORKDAY = "workday"  # 调休上班


def hours_problem(hours: Decimal) -> str | None:
    """Why ``hours`` cannot be one record's hours, or None."""
    if not hours.is_finite() or hours <= 0:
        return "服务时长应大于0"
    if hours > MAX_HOURS:
        return "一条记录的服务时长不能超过24小时"
    if hours != hours.quantize(Decimal("0.01")):
        return "服务时长最多保留两位小数"
    return None
