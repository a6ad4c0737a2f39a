"""The gateway's signing keys: a folder of private keys, the newest signs, all are published.

The folder holds one PEM private key per file, named by its creation time in UTC
(``20261128T101500Z.pem``). The gateway signs access tokens with the newest key
that has been published long enough (see :meth:`KeyRing.signing_key`) and publishes
the public halves of *all* keys present as its JWKS, so a token signed with the
previous key still verifies until it expires. Rotating is adding a file
(:func:`create_key`, ``civil keys rotate``); retiring is deleting the old one once
no unexpired token is signed with it.

RSA keys sign RS256, Ed25519 keys EdDSA; the key id (``kid``) is the RFC 7638
thumbprint of the public key. The development tools (``civil token``) read the
same folder, so the tokens they mint verify wherever the gateway's do.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm

Algorithm = Literal["RS256", "EdDSA"]
PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey

#: ``20261128T101500Z.pem``: the UTC time the key was made, to the second.
KEY_FILE = re.compile(r"^(?P<stamp>\d{8}T\d{6}Z)\.pem$")
_STAMP = "%Y%m%dT%H%M%SZ"
_LOCK_FILE = ".lock"
#: How long a new key is published before it signs, by default: longer than a
#: service waits before refetching the JWKS for an unknown key id (30 s), so no
#: service sees a token whose key it could not yet have fetched.
DEFAULT_ACTIVATION = timedelta(seconds=60)


@dataclass(frozen=True)
class SigningKey:
    """One private key of the folder."""

    private_key: PrivateKey = field(repr=False)
    kid: str
    created_at: datetime
    path: Path

    @property
    def algorithm(self) -> Algorithm:
        return "EdDSA" if isinstance(self.private_key, ed25519.Ed25519PrivateKey) else "RS256"

    @property
    def public_jwk(self) -> dict[str, Any]:
        return public_jwk(self.private_key.public_key(), self.kid)

    def sign(self, claims: Mapping[str, Any], *, typ: str = "JWT") -> str:
        """A JWT of ``claims`` signed with this key, its ``kid`` in the header."""
        return jwt.encode(
            dict(claims),
            self.private_key,
            algorithm=self.algorithm,
            headers={"kid": self.kid, "typ": typ},
        )


class KeyRing:
    """The keys of a folder, oldest first."""

    def __init__(self, keys: Sequence[SigningKey]) -> None:
        self.keys: tuple[SigningKey, ...] = tuple(sorted(keys, key=lambda k: k.created_at))

    @classmethod
    def load(cls, folder: Path) -> KeyRing:
        """Every ``<stamp>.pem`` of ``folder`` (an empty ring if it has none or is missing).

        An unreadable key file is an error (``ValueError``), not a key quietly skipped.
        """
        keys: list[SigningKey] = []
        try:
            entries = sorted(folder.iterdir())
        except FileNotFoundError:
            return cls(())
        for path in entries:
            found = KEY_FILE.match(path.name)
            if found is None or not path.is_file():
                continue
            created_at = datetime.strptime(found["stamp"], _STAMP).replace(tzinfo=UTC)
            keys.append(_load_key(path, created_at))
        return cls(keys)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(key.kid for key in self.keys)

    def signing_key(
        self, *, now: datetime | None = None, activation: timedelta = DEFAULT_ACTIVATION
    ) -> SigningKey:
        """The key that signs now: the newest one made at least ``activation`` ago.

        When every key is younger (the very first key, or a folder set up just
        now), the oldest signs: it has been published the longest.
        """
        if not self.keys:
            raise LookupError("no signing key")
        moment = now or datetime.now(UTC)
        ready = [key for key in self.keys if key.created_at <= moment - activation]
        return ready[-1] if ready else self.keys[0]

    def jwks(self) -> dict[str, Any]:
        """The public halves of every key, as a JWK set (no private parameter in it)."""
        return {"keys": [key.public_jwk for key in self.keys]}


def _load_key(path: Path, created_at: datetime) -> SigningKey:
    try:
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(private_key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path} is neither an RSA nor an Ed25519 private key")
    if isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size < 2048:
        raise ValueError(f"{path} is an RSA key of {private_key.key_size} bits; 2048 at least")
    return SigningKey(
        private_key=private_key,
        kid=jwk_thumbprint(private_key.public_key()),
        created_at=created_at,
        path=path,
    )


def public_jwk(public_key: PublicKey, kid: str) -> dict[str, Any]:
    """The public JWK of a key, with its ``kid``, ``use`` and ``alg``."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
        return {
            "kty": "OKP",
            "crv": jwk["crv"],
            "x": jwk["x"],
            "kid": kid,
            "use": "sig",
            "alg": "EdDSA",
        }
    jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {"kty": "RSA", "n": jwk["n"], "e": jwk["e"], "kid": kid, "use": "sig", "alg": "RS256"}


def jwk_thumbprint(public_key: PublicKey) -> str:
    """The RFC 7638 thumbprint (SHA-256, base64url) of a public key."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        jwk = OKPAlgorithm.to_jwk(public_key, as_dict=True)
        members = {"crv": jwk["crv"], "kty": "OKP", "x": jwk["x"]}
    else:
        jwk = RSAAlgorithm.to_jwk(public_key, as_dict=True)
        members = {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _new_private_key(algorithm: Algorithm) -> PrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock: two processes adding a key at once add one each, in turn."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (folder / _LOCK_FILE).open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def create_key(
    folder: Path, *, algorithm: Algorithm = "RS256", now: datetime | None = None
) -> SigningKey:
    """Add a new key to ``folder`` (made if missing, mode 0700); the file is 0600.

    The name is the current UTC second; when a key of that second exists already,
    the next free second is taken, so the order of the names is the order of making.
    """
    with _locked(folder):
        return _create_key_locked(folder, algorithm, now or datetime.now(UTC))


def _create_key_locked(folder: Path, algorithm: Algorithm, now: datetime) -> SigningKey:
    private_key = _new_private_key(algorithm)
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    newest = KeyRing.load(folder).keys
    created_at = now.astimezone(UTC).replace(microsecond=0)
    if newest and newest[-1].created_at >= created_at:
        created_at = newest[-1].created_at + timedelta(seconds=1)
    path = folder / f"{created_at.strftime(_STAMP)}.pem"
    _write_new_file(path, pem, mode=0o600)
    return SigningKey(
        private_key=private_key,
        kid=jwk_thumbprint(private_key.public_key()),
        created_at=created_at,
        path=path,
    )


def ensure_key_ring(folder: Path, *, algorithm: Algorithm = "RS256") -> KeyRing:
    """The keys of ``folder``, making the first one if it has none (development)."""
    with _locked(folder):
        ring = KeyRing.load(folder)
        if not ring:
            _create_key_locked(folder, algorithm, datetime.now(UTC))
            ring = KeyRing.load(folder)
    for key in ring.keys:
        if key.path.stat().st_mode & 0o077:
            key.path.chmod(0o600)  # a copied or restored key may have lost its mode
    return ring


def _write_new_file(path: Path, data: bytes, *, mode: int) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    tmp = Path(name)
    try:
        try:
            os.fchmod(fd, mode)
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        # link, unlike rename, never replaces an existing key.
        os.link(tmp, path)
    finally:
        tmp.unlink()


def write_atomically(path: Path, data: bytes, *, mode: int) -> None:
    """Replace ``path`` so a reader sees the old or the new content, never half of it."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(name, path)
