"""The person profile as the gateway answers it."""

from pydantic import BaseModel, Field

from civil_shared.contracts.persons import (
    AssistancePersonProfile,
    GovernancePersonProfile,
    WelfarePersonProfile,
)
from civil_shared.types import IdNumber


class PersonProfile(BaseModel):
    """``GET /api/v1/persons/{id_number}/profile``.

    A section is null when its service did not answer in time; the service is then
    named in ``degraded``. ID numbers (the person's and the household members') are
    masked without ``pii:read``.
    """

    id_number: IdNumber
    name: str | None = Field(description="姓名（以社会救助、福利、基层治理登记的先后为准）")
    assistance: AssistancePersonProfile | None = Field(
        description="社会救助：家庭、低保与特困（含历史）、临时救助"
    )
    welfare: WelfarePersonProfile | None = Field(
        description="特殊群体福利：留守老人、高龄津贴、困难老人补贴、儿童档案与保障、"
        "残疾人及两项补贴、探访"
    )
    governance: GovernancePersonProfile | None = Field(
        description="基层治理：注册志愿者与服务时长、社区工作者"
    )
    degraded: list[str] = Field(description="未能及时应答的服务（其部分为空）")
