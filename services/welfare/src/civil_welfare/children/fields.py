"""Fields the child-welfare records share: where a person lives, a phone, a guardian."""

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from civil_shared.types import TIANMEN, AreaCode, AreaLevel, IdNumber, IsoDate

#: A mobile (11 digits from 1) or a landline with its area code (0728 is Tianmen's).
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8})$"
#: The same rules as CHECK expressions on ``area_code``.
VILLAGE_CHECK = r"area_code ~ '^429006[0-9]{6}$'"
TOWNSHIP_CHECK = r"area_code ~ '^429006[0-9]{3}$'"
ID_NUMBER_CHECK = r"id_number ~ '^[0-9]{17}[0-9X]$'"


def _village(value: AreaCode) -> AreaCode:
    if not TIANMEN.contains(value) or value.level is not AreaLevel.VILLAGE:
        raise ValueError("应为天门市的村（社区）12位代码")
    return value


def _township(value: AreaCode) -> AreaCode:
    if not TIANMEN.contains(value) or value.level is not AreaLevel.TOWNSHIP:
        raise ValueError("应为天门市的乡镇（街道）9位代码")
    return value


def _not_in_future(value: date) -> date:
    if value > date.today():
        raise ValueError("日期不能晚于今天")
    return value


#: A village or community (村、社区) of Tianmen: 12 digits.
VillageCode = Annotated[AreaCode, AfterValidator(_village)]
#: A township-level unit (乡镇、街道、农场、管委会) of Tianmen: 9 digits.
TownshipCode = Annotated[AreaCode, AfterValidator(_township)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=PHONE_PATTERN)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
#: A day no later than today, written YYYY-MM-DD.
PastDate = Annotated[IsoDate, AfterValidator(_not_in_future)]


class GuardianRelation(StrEnum):
    """father 父亲; mother 母亲; grandparent （外）祖父母; sibling 兄姐; other_relative 其他亲属;
    entrusted 受委托照护人; institution 供养机构."""

    FATHER = "father"  # 父亲
    MOTHER = "mother"  # 母亲
    GRANDPARENT = "grandparent"  # （外）祖父母
    SIBLING = "sibling"  # 兄姐
    OTHER_RELATIVE = "other_relative"  # 其他亲属
    ENTRUSTED = "entrusted"  # 受委托照护人
    INSTITUTION = "institution"  # 供养机构


class Guardian(BaseModel):
    """The child's guardian or the person who actually cares for the child (监护人/照护人)."""

    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="监护人（实际照护人）姓名")
    relation: GuardianRelation = Field(description="与儿童的关系")
    phone: Phone | None = Field(default=None, description="联系电话")
    id_number: IdNumber | None = Field(default=None, description="监护人身份证号")
