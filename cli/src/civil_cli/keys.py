"""The signing keys on this machine, and platform tokens signed with them.

The keys are the gateway's (``<data>/keys/gateway/``, see :mod:`civil_shared.signing`):
``civil run`` hands that folder to the gateway, which signs the tokens it issues
with the newest key and publishes all of them at ``/.well-known/jwks.json``.
``civil token`` signs with the same key, so the API can be tried without signing
in. ``<data>/keys/jwks.json`` holds the same public keys for a service run without
the gateway (and for the tests). The first key is made on first use and kept, so
tokens survive a restart of ``civil run``; ``civil keys rotate`` adds another.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from civil_shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Role, Scope
from civil_shared.signing import (
    Algorithm,
    KeyRing,
    PrivateKey,
    SigningKey,
    create_key,
    ensure_key_ring,
    jwk_thumbprint,
    write_atomically,
)
from civil_shared.types import AreaCode

GATEWAY_KEYS_DIR = "gateway"
JWKS_FILE = "jwks.json"
#: A service's own token, re-minted at every ``civil run``: it must outlive any
#: session of the platform, and the services re-read the file when it changes.
SERVICE_TOKEN_TTL = timedelta(days=30)

__all__ = [
    "DevKeys",
    "ensure_dev_keys",
    "jwk_thumbprint",
    "keys_dir",
    "mint_token",
    "rotate_keys",
    "write_service_token",
]


@dataclass(frozen=True)
class DevKeys:
    """The key that signs now, the folder of all keys and the JWKS file of their public halves."""

    private_key: PrivateKey = field(repr=False)
    kid: str
    algorithm: Algorithm
    private_key_path: Path
    jwks_path: Path
    ring: KeyRing = field(repr=False)

    @property
    def keys_dir(self) -> Path:
        """The gateway's key folder (``GATEWAY_SIGNING_KEYS_DIR``)."""
        return self.private_key_path.parent

    @property
    def public_jwk(self) -> dict[str, Any]:
        return self.signing_key.public_jwk

    @property
    def signing_key(self) -> SigningKey:
        return next(key for key in self.ring.keys if key.kid == self.kid)

    @property
    def jwks(self) -> dict[str, Any]:
        return self.ring.jwks()


def keys_dir(data_dir: Path) -> Path:
    """Where the gateway's signing keys are kept under ``data_dir``."""
    return data_dir / "keys" / GATEWAY_KEYS_DIR


def ensure_dev_keys(data_dir: Path) -> DevKeys:
    """The keys under ``<data_dir>/keys/gateway``, the first made on first use.

    ``<data_dir>/keys/jwks.json`` is rewritten from the keys whenever it differs,
    so the two cannot drift apart.
    """
    folder = keys_dir(data_dir)
    folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    ring = ensure_key_ring(folder)
    key = ring.signing_key()
    keys = DevKeys(
        private_key=key.private_key,
        kid=key.kid,
        algorithm=key.algorithm,
        private_key_path=key.path,
        jwks_path=folder.parent / JWKS_FILE,
        ring=ring,
    )
    document = json.dumps(ring.jwks(), indent=2) + "\n"
    try:
        current = keys.jwks_path.read_text("utf-8")
    except FileNotFoundError:
        current = None
    if current != document:
        # A service reading jwks.json while it is rewritten sees the old or the new one.
        write_atomically(keys.jwks_path, document.encode(), mode=0o644)
    return keys


def rotate_keys(data_dir: Path, algorithm: Algorithm = "RS256") -> SigningKey:
    """Add a new signing key (``civil keys rotate``) and republish the JWKS file."""
    key = create_key(keys_dir(data_dir), algorithm=algorithm)
    ensure_dev_keys(data_dir)
    return key


def mint_token(
    keys: DevKeys,
    *,
    sub: str,
    roles: Iterable[str],
    area_codes: Iterable[str] = (),
    scopes: Iterable[str] = (),
    ttl: timedelta = timedelta(hours=8),
    name: str | None = None,
) -> str:
    """A platform access token signed with the gateway's current key.

    Roles and area codes are checked here, so a typo fails now rather than as
    a 401 from a service later.
    """
    checked_roles = [Role(role).value for role in roles]
    if not checked_roles:
        raise ValueError("a token needs at least one role")
    if not sub:
        raise ValueError("a token needs a subject (sub)")
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    now = datetime.now(UTC).replace(microsecond=0)
    claims: dict[str, Any] = {
        "sub": sub,
        "roles": checked_roles,
        "area_codes": [str(AreaCode(code)) for code in area_codes],
        "scopes": list(scopes),
        "iat": now,
        "exp": now + ttl,
        "aud": DEFAULT_AUDIENCE,
        "iss": DEFAULT_ISSUER,
        "jti": uuid.uuid4().hex,
    }
    if name is not None:
        claims["name"] = name
    return keys.signing_key.sign(claims)


def write_service_token(keys: DevKeys, service: str, ttl: timedelta = SERVICE_TOKEN_TTL) -> Path:
    """Mint the token ``service`` calls the other services' internal APIs with.

    Role ``service`` with the ``internal`` and ``pii:read`` scopes (internal answers
    carry ID numbers), written beside ``jwks.json`` as ``service-<name>.jwt``,
    readable by its owner only. In production the gateway issues this token instead.
    """
    token = mint_token(
        keys,
        sub=f"civil-{service}",
        roles=[Role.SERVICE.value],
        scopes=[Scope.INTERNAL.value, Scope.PII_READ.value],
        ttl=ttl,
        name=f"{service} service",
    )
    path = keys.jwks_path.parent / f"service-{service}.jwt"
    write_atomically(path, (token + "\n").encode(), mode=0o600)
    return path
