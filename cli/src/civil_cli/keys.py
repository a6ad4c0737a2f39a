"""The development signing key, and platform tokens signed with it.

Locally the services trust ``<data>/keys/jwks.json``; ``civil token`` signs with
the matching private key, so the API can be tried without the gateway's sign-in.
The key is made once and kept, so tokens survive a restart of ``civil run``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from civil_shared.auth import DEFAULT_AUDIENCE, DEFAULT_ISSUER, Role, Scope
from civil_shared.types import AreaCode

PRIVATE_KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"
ALGORITHM = "RS256"
#: A service's own token, re-minted at every ``civil run``: it must outlive any
#: session of the platform, and the services re-read the file when it changes.
SERVICE_TOKEN_TTL = timedelta(days=30)


@dataclass(frozen=True)
class DevKeys:
    """The development key pair and where its files are."""

    private_key: rsa.RSAPrivateKey = field(repr=False)
    kid: str
    private_key_path: Path
    jwks_path: Path

    @property
    def public_jwk(self) -> dict[str, Any]:
        return _public_jwk(self.private_key.public_key(), self.kid)

    @property
    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk]}


def ensure_dev_keys(data_dir: Path) -> DevKeys:
    """The key pair under ``<data_dir>/keys``, made on first use and reused after.

    ``jwks.json`` is rewritten from the private key whenever it differs, so the
    two files cannot drift apart.
    """
    folder = data_dir / "keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_path = folder / PRIVATE_KEY_FILE
    if not key_path.exists():
        _create_private_key(key_path)
    if key_path.stat().st_mode & 0o077:
        key_path.chmod(0o600)  # a copied or restored key may have lost its mode
    private_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError(f"{key_path} is not an RSA private key; delete it to make a new one")
    kid = jwk_thumbprint(private_key.public_key())
    keys = DevKeys(
        private_key=private_key, kid=kid, private_key_path=key_path, jwks_path=folder / JWKS_FILE
    )
    document = json.dumps(keys.jwks, indent=2) + "\n"
    try:
        current = keys.jwks_path.read_text("utf-8")
    except FileNotFoundError:
        current = None
    if current != document:
        _write_atomically(keys.jwks_path, document.encode(), mode=0o644)
    return keys


def _create_private_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    tmp = _write_temp(path, pem, mode=0o600)
    try:
        # link, unlike rename, fails if the name exists: when two processes race
        # (parallel test workers), the first key wins and both end up using it.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _write_temp(path: Path, data: bytes, *, mode: int) -> Path:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return Path(name)


def _write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    # A service reading jwks.json while it is rewritten must see the old or the new one.
    os.replace(_write_temp(path, data, mode=mode), path)


def _public_jwk(public_key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {
        "kty": "RSA",
        "n": jwk["n"],
        "e": jwk["e"],
        "kid": kid,
        "use": "sig",
        "alg": ALGORITHM,
    }


def jwk_thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """The RFC 7638 thumbprint (SHA-256, base64url) of an RSA public key."""
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps(
        {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


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
    """A platform access token signed with the development key.

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
    }
    if name is not None:
        claims["name"] = name
    return jwt.encode(claims, keys.private_key, algorithm=ALGORITHM, headers={"kid": keys.kid})


def write_service_token(keys: DevKeys, service: str, ttl: timedelta = SERVICE_TOKEN_TTL) -> Path:
    """Mint the token ``service`` calls the other services' internal APIs with.

    Role ``service`` with the ``internal`` and ``pii:read`` scopes (internal answers
    carry ID numbers), written next to the key as ``service-<name>.jwt``, readable
    by its owner only. In production the gateway issues this token instead.
    """
    token = mint_token(
        keys,
        sub=f"civil-{service}",
        roles=[Role.SERVICE.value],
        scopes=[Scope.INTERNAL.value, Scope.PII_READ.value],
        ttl=ttl,
        name=f"{service} service",
    )
    path = keys.private_key_path.parent / f"service-{service}.jwt"
    _write_atomically(path, (token + "\n").encode(), mode=0o600)
    return path
