from pydantic import BaseModel, ConfigDict, Field

from civil_shared.contracts.divisions import DivisionInfo, DivisionKind
from civil_shared.types import AreaCode


class DivisionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: AreaCode = Field(description="区划代码（9 位乡级或 12 位村级，须在上级区划之内）")
    name: str = Field(min_length=1, max_length=100, description="名称")
    kind: DivisionKind = Field(description="类型")


class DivisionOut(DivisionInfo):
    """A division as the public API shows it."""

    model_config = ConfigDict(from_attributes=True)
