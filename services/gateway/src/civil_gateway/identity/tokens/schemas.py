from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class GrantType(StrEnum):
    """password 用户名密码（工作人员）; client_credentials 客户端凭据（外部系统）."""

    PASSWORD = "password"  # noqa: S105 - the grant's name
    CLIENT_CREDENTIALS = "client_credentials"


class SignInOutcome(StrEnum):
    """pending 核验中（口令尚未核对完）; succeeded 成功; invalid_credentials 用户名/标识或
    密码/密钥错误; disabled 账号已停用; invalid_scope 申请范围超出授权;
    rate_limited 失败次数过多被拒绝."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    INVALID_CREDENTIALS = "invalid_credentials"
    DISABLED = "disabled"
    INVALID_SCOPE = "invalid_scope"
    RATE_LIMITED = "rate_limited"


#: What counts towards the limit: wrong credentials, and a deactivated account tried.
FAILURES = (SignInOutcome.INVALID_CREDENTIALS, SignInOutcome.DISABLED)


class TokenResponse(BaseModel):
    """RFC 6749 section 5.1."""

    access_token: str = Field(description="访问令牌（JWT），放在 Authorization: Bearer 请求头中")
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105
    expires_in: int = Field(description="有效期（秒）")
    scope: str = Field(description="授予的范围（空格分隔；可能为空）")
