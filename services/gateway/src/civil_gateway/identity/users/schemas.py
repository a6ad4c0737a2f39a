import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, SecretStr, model_validator

from civil_shared.auth import Role
from civil_shared.types import AreaLevel, TianmenAreaCode


class StaffRole(StrEnum):
    """admin 系统管理员; city_officer 市局工作人员; township_officer 乡镇（街道）工作人员
    （只能看到、办理所辖区域）; auditor 审计（只读）."""

    ADMIN = "admin"  # 系统管理员
    CITY_OFFICER = "city_officer"  # 市局工作人员
    TOWNSHIP_OFFICER = "township_officer"  # 乡镇（街道）工作人员
    AUDITOR = "auditor"  # 审计（只读）

    @property
    def role(self) -> Role:
        return Role(self.value)


USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")


def normalise_username(value: str) -> str:
    """User names are kept in lower case: ``Zhang.San`` and ``zhang.san`` are one person."""
    return value.strip().lower()


def _username(value: str) -> str:
    value = normalise_username(value)
    if not USERNAME_PATTERN.fullmatch(value):
        raise ValueError(
            "用户名为3–64个字符：小写字母、数字、点、下划线或连字符，以字母或数字开头和结尾"
        )
    return value


Username = Annotated[
    str,
    AfterValidator(_username),
    Field(
        min_length=3,
        max_length=64,
        description="登录用户名（小写字母、数字、点、下划线、连字符；不区分大小写）",
        examples=["zhang.san"],
    ),
]


def _officer_area(code: TianmenAreaCode) -> TianmenAreaCode:
    if code.level is AreaLevel.COUNTY:
        raise ValueError("乡镇工作人员的管辖区域应为乡镇（9位）或村（社区）（12位）代码")
    return code


OfficerArea = Annotated[TianmenAreaCode, AfterValidator(_officer_area)]


def check_role_areas(role: StaffRole, area_codes: Sequence[str]) -> None:
    """A township officer works in at least one area; the other roles see the whole city."""
    if role is StaffRole.TOWNSHIP_OFFICER and not area_codes:
        raise ValueError("乡镇工作人员至少应有一个管辖区域（乡镇或村代码）")
    if role is not StaffRole.TOWNSHIP_OFFICER and area_codes:
        raise ValueError("只有乡镇工作人员设置管辖区域；其他角色可查看全市")


def distinct_areas(codes: list[OfficerArea]) -> list[OfficerArea]:
    """Each area once, in order; a village inside a listed township is already covered."""
    unique = sorted(set(codes))
    return [c for c in unique if not any(c != o and c.startswith(o) for o in unique)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    display_name: str = Field(min_length=1, max_length=100, description="姓名（显示名称）")
    role: StaffRole = Field(description="角色")
    area_codes: list[OfficerArea] = Field(
        default_factory=list,
        max_length=50,
        description="管辖区域：乡镇工作人员必填（乡镇或村代码），其他角色不填",
    )
    pii_read: bool = Field(default=False, description="可查看完整身份证号（pii:read）")
    password: SecretStr = Field(description="初始密码（至少10个字符）；不会被返回")

    @model_validator(mode="after")
    def _rules(self) -> Self:
        self.area_codes = distinct_areas(self.area_codes)
        check_role_areas(self.role, self.area_codes)
        return self


class UserUpdate(BaseModel):
    """Only the fields sent are changed; role and areas are checked together."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    role: StaffRole | None = Field(default=None, description="角色")
    area_codes: list[OfficerArea] | None = Field(
        default=None, max_length=50, description="管辖区域（整体替换）"
    )
    pii_read: bool | None = Field(default=None, description="可查看完整身份证号")
    active: bool | None = Field(default=None, description="启用（true）或停用（false）")

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if self.area_codes is not None:
            self.area_codes = distinct_areas(self.area_codes)
        return self


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: SecretStr = Field(description="新密码（至少10个字符）；不会被返回")


class UserOut(BaseModel):
    id: uuid.UUID
    username: str = Field(description="登录用户名")
    display_name: str = Field(description="姓名")
    role: StaffRole = Field(description="角色")
    area_codes: list[TianmenAreaCode] = Field(description="管辖区域")
    pii_read: bool = Field(description="可查看完整身份证号")
    active: bool = Field(description="是否启用")
    last_signed_in_at: datetime | None = Field(description="最近登录时间")
    password_changed_at: datetime = Field(description="密码设置时间")
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="版本号（与 ETag 相同）")
