import uuid

from pydantic import BaseModel, ConfigDict

from civil_shared.types import AreaCode, IdNumber, Money


class LineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    enrolment_id: uuid.UUID
    household_id: uuid.UUID | None
    payee_id_number: IdNumber
    payee_name: str
    area_code: AreaCode
    persons: int
    amount: Money
