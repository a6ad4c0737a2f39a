"""The sets each service gives the gateway's cross-programme checks (数据比对).

``GET /internal/v1/checks/sets?year=`` on assistance and welfare: each service
computes in SQL what it alone knows for the year (who is in which programme in
which months, who was last paid for which month, whose death is recorded) and
what it can decide alone (paid after its own record ended); the gateway joins
the sets across services.
"""

from datetime import date

from pydantic import BaseModel, Field

from civil_shared.types import IdNumber


class RecordRef(BaseModel):
    """Where a finding comes from: a record of a service."""

    service: str
    resource: str
    record_id: str
    area_code: str | None


class ProgrammeSpell(BaseModel):
    """A person covered by a programme for months of the year (first and last included;
    ``end_period`` null while open)."""

    id_number: IdNumber
    name: str
    programme: str = Field(
        description="urban_dibao / rural_dibao / urban_tekun / rural_tekun / living / care / "
        "orphan / de_facto_unsupported"
    )
    start_period: str
    end_period: str | None
    record: RecordRef


class LastPaid(BaseModel):
    """The last month of the year a person was paid for in a paid run of a programme."""

    id_number: IdNumber
    name: str
    programme: str
    period: str = Field(description="最后发放月份")
    record: RecordRef = Field(description="发放明细（resource disbursement_line，编号为批次）")


class RecordedDeath(BaseModel):
    id_number: IdNumber
    name: str
    death_date: date
    record: RecordRef


class PaidAfterExit(BaseModel):
    """A paid line for a month after the record it pays had ended (exit, stop)."""

    id_number: IdNumber
    name: str
    programme: str
    period: str = Field(description="发放月份")
    ended_period: str = Field(description="记录终止月份")
    line: RecordRef
    record: RecordRef


class UnderAgeAllowance(BaseModel):
    """A high-age allowance in force in the year for someone under the first tier's age."""

    id_number: IdNumber
    name: str
    first_month: str = Field(description="当年首个在保月份")
    age: int = Field(description="该月末周岁")
    min_age: int = Field(description="第一档起始年龄")
    record: RecordRef


class AssistanceCheckSets(BaseModel):
    year: int
    spells: list[ProgrammeSpell] = Field(description="当年在保的低保、特困人员及期间")
    last_paid: list[LastPaid]
    deaths: list[RecordedDeath] = Field(description="家庭成员登记的死亡")
    paid_after_exit: list[PaidAfterExit]


class WelfareCheckSets(BaseModel):
    year: int
    spells: list[ProgrammeSpell] = Field(
        description="当年在保的残疾人两项补贴（living / care）、孤儿与事实无人抚养儿童"
    )
    living_without_edge: list[str] = Field(
        description="生活补贴中不得按低保边缘家庭享受的补贴编号（该地当年未扩面，"
        "或审批时查明不是低保边缘家庭）"
    )
    last_paid: list[LastPaid]
    deaths: list[RecordedDeath] = Field(description="残疾人、高龄、儿童等登记的死亡")
    paid_after_exit: list[PaidAfterExit]
    under_age_allowances: list[UnderAgeAllowance] | None = Field(
        description="未到高龄津贴年龄仍在保（当年档次参数未设定时为空：未核查）"
    )
