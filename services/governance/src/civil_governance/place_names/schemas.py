import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_governance.divisions.schemas import DivisionBrief, not_in_future
from civil_governance.place_names.pinyin import normalize_pinyin
from civil_shared.types import IsoDate, TianmenAreaCode


class PlaceCategory(StrEnum):
    """Type of place name, after GB/T 18521 地名分类与类别代码: natural 自然地理实体（山、河、湖、
    岗地）; administrative_area 行政区域; autonomous_organisation 群众自治组织（村民委员会、
    居民委员会）; non_administrative_area 非行政区域（开发区、农场、林场）; settlement 居民点
    （自然村、居民区、住宅小区）; road 道路、街、巷; bridge 桥梁; transport_facility 车站、港口、
    渡口等交通设施; water_facility 水利、电力设施（水库、闸站、堤防、泵站）; memorial_scenic
    纪念地、旅游胜地和名胜古迹; building 具有地名意义的建筑物."""

    NATURAL = "natural"  # 自然地理实体
    ADMINISTRATIVE_AREA = "administrative_area"  # 行政区域
    AUTONOMOUS_ORGANISATION = "autonomous_organisation"  # 群众自治组织
    NON_ADMINISTRATIVE_AREA = "non_administrative_area"  # 非行政区域
    SETTLEMENT = "settlement"  # 居民点
    ROAD = "road"  # 道路、街巷
    BRIDGE = "bridge"  # 桥梁
    TRANSPORT_FACILITY = "transport_facility"  # 交通运输设施
    WATER_FACILITY = "water_facility"  # 水利、电力设施
    MEMORIAL_SCENIC = "memorial_scenic"  # 纪念地、旅游胜地和名胜古迹
    BUILDING = "building"  # 具有地名意义的建筑物


class PlaceNameEvent(StrEnum):
    """named 命名; renamed 更名."""

    NAMED = "named"
    RENAMED = "renamed"


Pinyin = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        description="汉语拼音：字母、空格、声调符号，可用隔音符号'和连字符-，如 Tiānmén Shì",
        examples=["Duōbǎo Zhèn"],
    ),
    AfterValidator(normalize_pinyin),
]
Name = Annotated[str, Field(min_length=1, max_length=100, description="标准名称")]


class PlaceNameCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    standard_name: Name
    pinyin: Pinyin
    category: PlaceCategory = Field(description="地名类别")
    division_code: TianmenAreaCode = Field(description="所在区划代码（市、乡镇或村级）")
    meaning: str | None = Field(default=None, max_length=2000, description="含义")
    origin: str | None = Field(default=None, max_length=4000, description="由来及历史沿革")
    approval_date: IsoDate | None = Field(default=None, description="命名批准日期")
    approving_authority: str | None = Field(
        default=None, min_length=2, max_length=200, description="批准机关"
    )
    approval_document: str | None = Field(
        default=None, min_length=1, max_length=100, description="批准文号"
    )

    @field_validator("approval_date")
    @classmethod
    def _approved(cls, value: date | None) -> date | None:
        return None if value is None else not_in_future(value)

    @model_validator(mode="after")
    def _approval_complete(self) -> Self:
        if (self.approval_date is None) != (self.approving_authority is None):
            raise ValueError("批准日期与批准机关须同时填写（约定俗成、未经批准的地名均不填）")
        if self.approval_document is not None and self.approval_date is None:
            raise ValueError("填写批准文号时须同时填写批准日期和批准机关")
        return self


class PlaceNamePatch(BaseModel):
    """Correct what is not the name itself; a new name goes through a rename."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    pinyin: Pinyin | None = None
    category: PlaceCategory | None = Field(default=None, description="地名类别")
    division_code: TianmenAreaCode | None = Field(default=None, description="所在区划代码")
    meaning: str | None = Field(default=None, max_length=2000, description="含义")
    origin: str | None = Field(default=None, max_length=4000, description="由来及历史沿革")

    @model_validator(mode="after")
    def _required_stay(self) -> Self:
        for field in ("pinyin", "category", "division_code"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        return self


class PlaceNameRename(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    new_name: Name
    new_pinyin: Pinyin
    renamed_date: IsoDate = Field(description="更名批准日期")
    reason: str = Field(min_length=2, max_length=2000, description="更名原因")
    document_number: str = Field(min_length=1, max_length=100, description="批准文号")
    approving_authority: str = Field(min_length=2, max_length=200, description="批准机关")
    meaning: str | None = Field(
        default=None, max_length=2000, description="新名称的含义（不填则保留原含义）"
    )

    _renamed = field_validator("renamed_date")(not_in_future)


class PlaceNameChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    event: PlaceNameEvent = Field(description="命名或更名")
    event_date: date | None = Field(description="批准日期（约定俗成的地名可空）")
    old_name: str | None = Field(description="原名称（命名时为空）")
    old_pinyin: str | None = Field(description="原名称拼音")
    new_name: str = Field(description="名称")
    new_pinyin: str = Field(description="拼音")
    reason: str | None = Field(description="更名原因")
    document_number: str | None = Field(description="批准文号")
    approving_authority: str | None = Field(description="批准机关")
    recorded_by: str = Field(description="登记人")


class PlaceNameOut(BaseModel):
    id: uuid.UUID
    standard_name: str = Field(description="标准名称")
    pinyin: str = Field(description="汉语拼音")
    category: PlaceCategory
    division: DivisionBrief = Field(description="所在区划")
    meaning: str | None
    origin: str | None
    approval_date: date | None = Field(description="现名称的批准日期")
    approving_authority: str | None = Field(description="现名称的批准机关")
    approval_document: str | None = Field(description="现名称的批准文号")
    former_names: list[str] = Field(description="曾用名（早的在前）")
    version: int = Field(description="版本号（与 ETag 相同）")


class PlaceNameDetail(PlaceNameOut):
    history: list[PlaceNameChangeOut] = Field(description="命名与更名记录（早的在前）")
