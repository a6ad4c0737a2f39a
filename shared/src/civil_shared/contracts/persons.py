"""What each service knows of one person, for the gateway's person profile (一人一档).

``GET /internal/v1/persons/{id_number}/profile`` on assistance, welfare and governance.
Every section has the same spine, a list of :class:`ProfileRecord` (one per register
entry, case, grant, visit ...) with the record's area, so the gateway can decide
whether a township officer may see the person at all; a section adds what only it
has (the household, the volunteer hours).
"""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from civil_shared.types import IdNumber

Fact = str | int | bool | Decimal | date | None


class ProfileRecord(BaseModel):
    """One record of the person in a service: what it is, where, since when, its state."""

    service: str = Field(description="所属服务：assistance / welfare / governance")
    resource: str = Field(description="记录类型（如 enrolment、high_age_allowance）")
    record_id: str = Field(description="记录编号")
    label: str = Field(description="记录名称（中文）")
    area_code: str | None = Field(description="记录所在区划")
    status: str | None = Field(default=None, description="状态")
    start: str | None = Field(default=None, description="起始（月份 YYYY-MM 或日期）")
    end: str | None = Field(default=None, description="终止（月份 YYYY-MM 或日期）")
    facts: dict[str, Fact] = Field(default_factory=dict, description="其他要素（不含身份证号）")


class PersonSection(BaseModel):
    """What one service holds of the person; ``records`` empty when it knows nothing."""

    id_number: IdNumber
    name: str | None = Field(description="该服务登记的姓名")
    records: list[ProfileRecord]

    @property
    def found(self) -> bool:
        return bool(self.records)


class HouseholdMemberRef(BaseModel):
    id_number: IdNumber
    name: str
    relation: str = Field(description="与户主关系")
    death_date: date | None


class HouseholdRef(BaseModel):
    household_id: str
    area_code: str
    address: str
    residence_type: str = Field(description="urban / rural")
    relation: str = Field(description="本人与户主关系")
    members: list[HouseholdMemberRef]


class AssistancePersonProfile(PersonSection):
    """Assistance: the household, enrolments (every status) and temporary assistance."""

    household: HouseholdRef | None


class WelfarePersonProfile(PersonSection):
    """Welfare: elderly register, high-age allowance, hard-up elderly subsidies, child
    file and support cases, disability register and subsidy grants, visits."""


class VolunteerHoursYear(BaseModel):
    year: int
    hours: Decimal
    records: int


class GovernancePersonProfile(PersonSection):
    """Governance: the volunteer registration and hours by year."""

    volunteer_hours: list[VolunteerHoursYear] = Field(description="逐年志愿服务时长")
    total_hours: Decimal = Field(description="累计志愿服务时长")
