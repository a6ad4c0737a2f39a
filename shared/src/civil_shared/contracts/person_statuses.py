"""``POST /internal/v1/persons/statuses``: many persons' standing in assistance at once.

The batch form of ``GET /internal/v1/persons/{id_number}/status``, for a decision
on a whole file (the welfare service's bulk disability-subsidy decisions): one
call instead of one per person, each answer the single call's.
"""

from typing import Final

from pydantic import BaseModel, Field

from civil_shared.contracts.assistance import PersonStatus
from civil_shared.types import IdNumber, IsoDate

#: The most persons one call may ask about (a whole city's disabled register fits).
MAX_PERSONS: Final = 50_000


class PersonStatusQuery(BaseModel):
    on: IsoDate = Field(description="按哪一天的情况判断（低保边缘按当年标准）")
    id_numbers: list[IdNumber] = Field(
        min_length=1, max_length=MAX_PERSONS, description="身份证号（不重复）"
    )


class PersonStatuses(BaseModel):
    statuses: list[PersonStatus] = Field(description="每人一条，与所问顺序相同")
