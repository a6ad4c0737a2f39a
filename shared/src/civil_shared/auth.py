"""Token claims, roles and scopes, and verification of the gateway's JWTs.

The gateway signs tokens with an asymmetric key and publishes the public half
as a JWKS; every service verifies tokens itself with :class:`TokenVerifier`.
What a verified token allows is decided by :class:`Principal`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from civil_shared.errors import Unauthorized
from civil_shared.types import AreaCode

#: Algorithms a token may be signed with. Symmetric ones and ``none`` are
#: refused: a service must never accept a token it could have forged itself.
ALLOWED_ALGORITHMS = ("RS256", "ES256", "EdDSA")
DEFAULT_AUDIENCE = "civil-platform"
DEFAULT_ISSUER = "civil-gateway"


class Role(StrEnum):
    """Who a caller is. The OpenAPI descriptions carry the Chinese term."""

    ADMIN = "admin"  # 系统管理员
    CITY_OFFICER = "city_officer"  # 市局工作人员
    TOWNSHIP_OFFICER = "township_officer"  # 乡镇（街道）工作人员
    AUDITOR = "auditor"  # 审计（只读）
    INTEGRATOR = "integrator"  # 外部系统（按授权范围）
    SERVICE = "service"  # 平台内部服务


class Scope(StrEnum):
    """What an integrator (or a staff member, for ``pii:read``) is granted."""

    PII_READ = "pii:read"  # 查看完整身份证号
    ASSISTANCE_READ = "assistance:read"
    ASSISTANCE_WRITE = "assistance:write"
    WELFARE_READ = "welfare:read"
    WELFARE_WRITE = "welfare:write"
    GOVERNANCE_READ = "governance:read"
    GOVERNANCE_WRITE = "governance:write"
    DASHBOARD_READ = "dashboard:read"
    INTERNAL = "internal"  # 服务间内部接口


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


STAFF_WRITERS = frozenset({Role.ADMIN, Role.CITY_OFFICER, Role.TOWNSHIP_OFFICER})
CITY_WIDE = frozenset({Role.ADMIN, Role.CITY_OFFICER, Role.AUDITOR, Role.SERVICE})


class TokenClaims(BaseModel):
    """The claims of a platform access token."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sub: str = Field(min_length=1, description="User name or client id")
    roles: tuple[Role, ...] = Field(min_length=1)
    area_codes: tuple[AreaCode, ...] = ()
    scopes: tuple[str, ...] = ()
    exp: datetime
    iat: datetime | None = None
    aud: str | list[str] | None = None
    iss: str | None = None
    name: str | None = Field(default=None, description="Display name, for audit trails")

    @field_validator("scopes", mode="before")
    @classmethod
    def _split_scope_string(cls, value: Any) -> Any:
        # OAuth2 (RFC 8693 / 9068) writes scopes as one space-separated string.
        if isinstance(value, str):
            return tuple(value.split())
        return value


class Principal(BaseModel):
    """The verified caller of a request and what it may do."""

    model_config = ConfigDict(frozen=True)

    sub: str
    roles: frozenset[Role]
    area_codes: tuple[AreaCode, ...] = ()
    scopes: frozenset[str] = frozenset()
    name: str | None = None

    @classmethod
    def from_claims(cls, claims: TokenClaims) -> Principal:
        return cls(
            sub=claims.sub,
            roles=frozenset(claims.roles),
            area_codes=claims.area_codes,
            scopes=frozenset(claims.scopes),
            name=claims.name,
        )

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def has_scope(self, scope: Scope | str) -> bool:
        return str(scope) in self.scopes

    def may(self, service: str, action: Action) -> bool:
        """Whether the caller may read or write a service's public API.

        Staff roles act by role (an auditor only reads); an integrator acts
        only within the scopes granted to its client, e.g. ``assistance:read``.
        """
        if self.has_role(*STAFF_WRITERS, Role.SERVICE):
            return True
        if action is Action.READ and self.has_role(Role.AUDITOR):
            return True
        if self.has_role(Role.INTEGRATOR):
            wanted = {f"{service}:{action}"}
            if action is Action.READ:
                wanted.add(f"{service}:write")
            return not self.scopes.isdisjoint(wanted)
        return False

    @property
    def city_wide(self) -> bool:
        """True when the caller sees the whole city, not only its own areas."""
        if self.has_role(*CITY_WIDE):
            return True
        # An integrator without area codes is granted the city; with codes, only those.
        return self.has_role(Role.INTEGRATOR) and not self.area_codes

    @property
    def area_prefixes(self) -> tuple[str, ...] | None:
        """Area-code prefixes the caller may see, or None for the whole city."""
        if self.city_wide:
            return None
        return tuple(str(code) for code in self.area_codes)

    def sees_area(self, area_code: str | None) -> bool:
        prefixes = self.area_prefixes
        if prefixes is None:
            return True
        if area_code is None:
            return False
        return any(area_code.startswith(prefix) for prefix in prefixes)

    @property
    def reads_pii(self) -> bool:
        return self.has_scope(Scope.PII_READ)


class TokenVerifier:
    """Verifies platform JWTs against a JWKS (the gateway's public keys)."""

    def __init__(
        self,
        jwks: Mapping[str, Any],
        *,
        audience: str = DEFAULT_AUDIENCE,
        issuer: str | None = DEFAULT_ISSUER,
        leeway_seconds: int = 30,
    ) -> None:
        self.audience = audience
        self.issuer = issuer
        self.leeway_seconds = leeway_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self.replace_keys(jwks)

    def replace_keys(self, jwks: Mapping[str, Any]) -> None:
        """Swap in a new key set, e.g. after the gateway rotated its key."""
        keys: dict[str, jwt.PyJWK] = {}
        for entry in jwks.get("keys", []):
            kid = entry.get("kid")
            if not kid or entry.get("use", "sig") != "sig":
                continue
            keys[kid] = jwt.PyJWK.from_dict(dict(entry))
        self._keys = keys

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    def knows(self, token: str) -> bool:
        """Whether the token names a key id in the current key set."""
        try:
            return jwt.get_unverified_header(token).get("kid") in self._keys
        except jwt.PyJWTError:
            return False

    def verify(self, token: str) -> TokenClaims:
        """Return the token's claims, or raise :class:`Unauthorized`."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("访问令牌格式无效", code="AUTH_TOKEN_MALFORMED") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise Unauthorized("访问令牌的签名算法不被接受", code="AUTH_TOKEN_ALGORITHM")
        key = self._keys.get(header.get("kid", ""))
        if key is None:
            raise Unauthorized("访问令牌的签名密钥未知", code="AUTH_TOKEN_UNKNOWN_KEY")
        try:
            payload = jwt.decode(
                token,
                key=key,
                algorithms=[header["alg"]],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_seconds,
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("访问令牌已过期，请重新登录", code="AUTH_TOKEN_EXPIRED") from exc
        except jwt.InvalidAudienceError as exc:
            raise Unauthorized("访问令牌不是签发给本平台的", code="AUTH_TOKEN_AUDIENCE") from exc
        except jwt.PyJWTError as exc:
            raise Unauthorized("访问令牌无效", code="AUTH_TOKEN_INVALID") from exc
        try:
            claims = TokenClaims.model_validate(payload)
        except ValidationError as exc:
            raise Unauthorized("访问令牌缺少必要的声明", code="AUTH_TOKEN_CLAIMS") from exc
        return claims


def load_jwks(text: str) -> dict[str, Any]:
    """Parse a JWKS document, accepting a single JWK as a one-key set."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("JWKS must be a JSON object")
    if "keys" not in data:
        data = {"keys": [data]}
    return data
