import re
import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from civil_gateway.identity.users.schemas import OfficerArea, distinct_areas
from civil_shared.auth import Scope
from civil_shared.types import TianmenAreaCode

CLIENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")


def _client_id(value: str) -> str:
    value = value.strip().lower()
    if not CLIENT_ID_PATTERN.fullmatch(value):
        raise ValueError(
            "系统标识为3–64个字符：小写字母、数字、点、下划线或连字符，以字母或数字开头和结尾"
        )
    return value


ClientId = Annotated[
    str,
    AfterValidator(_client_id),
    Field(
        min_length=3,
        max_length=64,
        description="接入系统标识（client_id），如 hubei-dibao-check",
        examples=["hubei-dibao-check"],
    ),
]


def _grantable(scope: Scope) -> Scope:
    if scope is Scope.INTERNAL:
        raise ValueError("internal 范围仅供平台内部服务使用，不能授予外部系统")
    return scope


#: pii:read 查看完整身份证号; <service>:read / :write 读取或修改该业务的数据; dashboard:read 看板.
ClientScope = Annotated[Scope, AfterValidator(_grantable)]


def _distinct_scopes(scopes: list[ClientScope]) -> list[ClientScope]:
    return sorted(set(scopes))


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    client_id: ClientId
    name: str = Field(min_length=1, max_length=100, description="系统名称，如“省低保核对系统”")
    scopes: list[ClientScope] = Field(
        min_length=1, max_length=20, description="授权范围，如 assistance:read、pii:read"
    )
    area_codes: list[OfficerArea] = Field(
        default_factory=list,
        max_length=50,
        description="限定区域（乡镇或村代码）；不填则可访问全市",
    )

    @model_validator(mode="after")
    def _normalise(self) -> Self:
        self.scopes = _distinct_scopes(self.scopes)
        self.area_codes = distinct_areas(self.area_codes)
        return self


class ClientUpdate(BaseModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    scopes: list[ClientScope] | None = Field(
        default=None, min_length=1, max_length=20, description="授权范围（整体替换）"
    )
    area_codes: list[OfficerArea] | None = Field(
        default=None, max_length=50, description="限定区域（整体替换；空列表为全市）"
    )
    active: bool | None = Field(default=None, description="启用（true）或停用（false）")

    @model_validator(mode="after")
    def _normalise(self) -> Self:
        if self.scopes is not None:
            self.scopes = _distinct_scopes(self.scopes)
        if self.area_codes is not None:
            self.area_codes = distinct_areas(self.area_codes)
        return self


class ClientOut(BaseModel):
    id: uuid.UUID
    client_id: str = Field(description="接入系统标识（client_id）")
    name: str = Field(description="系统名称")
    role: Literal["integrator"] = Field(
        default="integrator", description="角色：外部系统（按授权范围访问）"
    )
    scopes: list[Scope] = Field(description="授权范围")
    area_codes: list[TianmenAreaCode] = Field(description="限定区域；空为全市")
    active: bool = Field(description="是否启用")
    secret_changed_at: datetime = Field(description="密钥生成时间")
    last_token_at: datetime | None = Field(description="最近获取令牌时间")
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="版本号（与 ETag 相同）")


class ClientWithSecret(ClientOut):
    """Returned once, when the client is created or its secret is replaced."""

    client_secret: str = Field(
        description="接入密钥：只在此时显示一次，平台只保存其哈希；请妥善保存"
    )
