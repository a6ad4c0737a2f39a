import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from civil_shared.types import AreaCode, IdNumber, Money


class Subsidy(StrEnum):
    """高龄津贴 / 经济困难高龄老人补贴 / 经济困难失能老人补贴 / 散居孤儿基本生活费 /
    集中供养孤儿基本生活费 / 事实无人抚养儿童生活补贴 / 困难残疾人生活补贴 / 重度残疾人护理补贴."""

    HIGH_AGE = "high_age"
    HARD_UP_HIGH_AGE = "hard_up_high_age"
    HARD_UP_DISABLED = "hard_up_disabled"
    ORPHAN_SCATTERED = "orphan_scattered"
    ORPHAN_INSTITUTION = "orphan_institution"
    DE_FACTO_UNSUPPORTED = "de_facto_unsupported"
    DISABILITY_LIVING = "disability_living"
    DISABILITY_CARE = "disability_care"


class LineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source_id: uuid.UUID = Field(description="发放依据的记录（高龄津贴对象、孤儿、补贴等）")
    payee_id_number: IdNumber
    payee_name: str
    area_code: AreaCode
    persons: int
    amount: Money
