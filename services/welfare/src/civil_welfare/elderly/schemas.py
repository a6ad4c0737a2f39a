import uuid
from datetime import date
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civil_shared.types import TIANMEN, AreaCode, AreaLevel, IdNumber, IsoDate
from civil_welfare.elderly.qualification import AwayFor

#: A mobile (11 digits from 1) or a landline with its area code (0728 is Tianmen's).
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"


class ChildRelation(StrEnum):
    """son 儿子; daughter 女儿; adopted 养子女; stepchild 继子女; other 其他赡养人."""

    SON = "son"  # 儿子
    DAUGHTER = "daughter"  # 女儿
    ADOPTED = "adopted"  # 养子女
    STEPCHILD = "stepchild"  # 继子女
    OTHER = "other"  # 其他赡养人


class LivingSituation(StrEnum):
    """alone 独居; with_spouse 与配偶同住; with_grandchildren 与（外）孙子女同住; other 其他."""

    ALONE = "alone"  # 独居
    WITH_SPOUSE = "with_spouse"  # 与配偶同住
    WITH_GRANDCHILDREN = "with_grandchildren"  # 与（外）孙子女同住
    OTHER = "other"  # 其他


class RiskLevel(StrEnum):
    """low 低风险; medium 中风险; high 高风险（须重点关爱）."""

    LOW = "low"  # 低
    MEDIUM = "medium"  # 中
    HIGH = "high"  # 高


class ElderStatus(StrEnum):
    """active 在册; left 已退出（死亡、子女返乡、迁出、入住机构等）."""

    ACTIVE = "active"  # 在册
    LEFT = "left"  # 已退出


#: Which statuses a record may move to from each status.
TRANSITIONS: dict[ElderStatus, tuple[ElderStatus, ...]] = {
    ElderStatus.ACTIVE: (ElderStatus.LEFT,),
    ElderStatus.LEFT: (ElderStatus.ACTIVE,),
}


def village_in_tianmen(value: AreaCode) -> AreaCode:
    """A person's record names the village or community (12 digits) in Tianmen."""
    if not TIANMEN.contains(value) or value.level is not AreaLevel.VILLAGE:
        raise ValueError("所在区域应为天门市的村（社区）12位代码")
    return value


def not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


def optional_not_in_future(value: date | None) -> date | None:
    return value if value is None else not_in_future(value)


def optional_village(value: AreaCode | None) -> AreaCode | None:
    return value if value is None else village_in_tianmen(value)


class ChildIn(BaseModel):
    """One child (or other supporter) of the elder, away or not."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="子女姓名")
    relation: ChildRelation = Field(description="与老人的关系")
    away_for: AwayFor = Field(description="外出情况：外出务工、因其他原因外出、未外出")
    whereabouts: str | None = Field(
        default=None, max_length=200, description="外出去向（如“广东省东莞市”），外出时必填"
    )
    away_since: IsoDate | None = Field(default=None, description="外出起始日期，外出时必填")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")

    _since = field_validator("away_since")(optional_not_in_future)

    @model_validator(mode="after")
    def _away(self) -> Self:
        if self.away_for is AwayFor.NOT_AWAY:
            if self.away_since is not None or self.whereabouts:
                raise ValueError("未外出的子女不填外出去向和起始日期")
        elif self.away_since is None or not self.whereabouts:
            raise ValueError("外出的子女须填写外出去向和起始日期")
        return self


class ChildOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    relation: ChildRelation
    away_for: AwayFor
    whereabouts: str | None
    away_since: date | None
    phone: str | None


class Worker(BaseModel):
    """The worker responsible for the elder's visits (探访责任人)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="责任人姓名")
    username: str | None = Field(
        default=None, min_length=1, max_length=200, description="责任人的平台账号（如有）"
    )
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="责任人联系电话")


class ElderFields(BaseModel):
    """What staff edit of a record; the ID number and the status have their own ways."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="姓名")
    area_code: AreaCode = Field(description="户籍所在村（社区）12位代码")
    address: str | None = Field(default=None, max_length=200, description="居住地址")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")
    living_situation: LivingSituation = Field(description="居住情况")
    living_note: str | None = Field(
        default=None, min_length=2, max_length=500, description="居住情况说明（“其他”时必填）"
    )
    risk_level: RiskLevel = Field(description="风险等级")
    responsible_worker: Worker = Field(description="探访责任人")
    children: list[ChildIn] = Field(
        min_length=1, max_length=20, description="全部子女（含未外出的），认定时逐一核对"
    )

    _area = field_validator("area_code")(village_in_tianmen)

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.living_situation is LivingSituation.OTHER and not self.living_note:
            raise ValueError("居住情况为“其他”时须说明")
        return self


class ElderCreate(ElderFields):
    id_number: IdNumber = Field(description="老人身份证号（在册唯一）")
    registered_date: IsoDate = Field(
        default_factory=date.today, description="纳入留守老人名册的日期（默认今天）"
    )

    _registered = field_validator("registered_date")(not_in_future)


class ElderPatch(BaseModel):
    """Only the fields sent change; ``children``, when sent, replaces the whole list."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100, description="姓名")
    area_code: AreaCode | None = Field(default=None, description="户籍所在村（社区）12位代码")
    address: str | None = Field(default=None, max_length=200, description="居住地址")
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN, description="联系电话")
    living_situation: LivingSituation | None = Field(default=None, description="居住情况")
    living_note: str | None = Field(
        default=None, min_length=2, max_length=500, description="居住情况说明"
    )
    risk_level: RiskLevel | None = Field(default=None, description="风险等级")
    responsible_worker: Worker | None = Field(default=None, description="探访责任人")
    children: list[ChildIn] | None = Field(
        default=None, min_length=1, max_length=20, description="全部子女（整体替换）"
    )

    _area = field_validator("area_code")(optional_village)

    @model_validator(mode="after")
    def _not_null(self) -> Self:
        required = ("name", "area_code", "living_situation", "risk_level", "responsible_worker")
        for field in required:
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} 不能为空")
        if "children" in self.model_fields_set and self.children is None:
            raise ValueError("children 不能为空")
        return self


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ElderStatus = Field(description="新状态")
    reason: str = Field(
        min_length=2, max_length=500, description="原因（如死亡、子女返乡、入住养老机构）"
    )
    status_date: IsoDate = Field(description="退出（或重新纳入）日期")

    _date = field_validator("status_date")(not_in_future)


class QualificationOut(BaseModel):
    qualified: bool = Field(description="是否符合留守老人认定条件")
    on: date = Field(description="认定所依据的日期")
    min_months_away: int = Field(description="子女外出务工最短月数（政策参数）")
    reasons: list[str] = Field(description="认定理由：逐项说明")


class ElderOut(BaseModel):
    id: uuid.UUID
    id_number: IdNumber
    name: str
    sex: str = Field(description="性别（由身份证号得出）：male 男，female 女")
    birth_date: date = Field(description="出生日期（由身份证号得出）")
    age: int = Field(description="年龄（由身份证号计算，不存储）")
    area_code: AreaCode
    address: str | None
    phone: str | None
    living_situation: LivingSituation
    living_note: str | None
    risk_level: RiskLevel
    responsible_worker: Worker
    children: list[ChildOut]
    registered_date: date
    status: ElderStatus
    status_reason: str | None = Field(description="退出（或重新纳入）原因")
    left_date: date | None = Field(description="退出日期")
    qualification: QualificationOut = Field(description="留守老人认定（按子女外出情况计算）")
    version: int = Field(description="版本号（与 ETag 相同）")
