"""The gateway's signing keys as the running gateway sees them.

The folder (``GATEWAY_SIGNING_KEYS_DIR``) is read again every few seconds, so a
key added by ``civil keys rotate`` (or a new file in a mounted secret) is
published without a restart, and signs once it has been published for
``GATEWAY_SIGNING_KEY_ACTIVATION_S``. The gateway verifies its own tokens (``/me``,
the admin endpoints) with the same keys, unless a JWKS file or URL is configured.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import structlog
from fastapi import FastAPI, Request

from civil_gateway.config import GatewaySettings
from civil_shared.auth import TokenVerifier
from civil_shared.errors import ServiceUnavailable
from civil_shared.runtime.security import KeySource
from civil_shared.signing import KeyRing, SigningKey

log = structlog.get_logger("civil.gateway.keys")


def keys_missing() -> ServiceUnavailable:
    return ServiceUnavailable(
        "网关没有可用的签名密钥，暂时无法登录，请联系系统管理员",
        code="GATEWAY_SIGNING_KEY_MISSING",
    )


class GatewayKeys:
    """The key folder, read again when the last reading is older than the refresh period."""

    def __init__(self, settings: GatewaySettings) -> None:
        self._folder = settings.signing_keys_dir
        self._refresh_s = settings.signing_keys_refresh_s
        self._activation = timedelta(seconds=settings.signing_key_activation_s)
        self._ring: KeyRing | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def ring(self) -> KeyRing:
        if self._ring is None or time.monotonic() - self._loaded_at > self._refresh_s:
            async with self._lock:
                if self._ring is None or time.monotonic() - self._loaded_at > self._refresh_s:
                    await self._reload()
        assert self._ring is not None
        return self._ring

    async def _reload(self) -> None:
        try:
            ring = await asyncio.to_thread(KeyRing.load, self._folder)
        except (OSError, ValueError) as exc:
            if self._ring is None:
                log.error("signing keys unreadable", folder=str(self._folder), error=str(exc))
                raise keys_missing() from exc
            # Keep signing with what we have; the operator sees the error in the log.
            log.error("signing keys unreadable; keeping the last ones", error=str(exc))
            self._loaded_at = time.monotonic()
            return
        self._loaded_at = time.monotonic()
        if self._ring is not None and ring.kids == self._ring.kids:
            return  # the same keys: keep the object, so verifiers need no rebuilding
        if self._ring is not None:
            log.info("signing keys changed", kids=list(ring.kids))
        if not ring:
            log.warning("no signing key", folder=str(self._folder))
        self._ring = ring

    async def signing_key(self) -> SigningKey:
        ring = await self.ring()
        if not ring:
            raise keys_missing()
        return ring.signing_key(activation=self._activation)

    async def jwks(self) -> dict[str, Any]:
        return (await self.ring()).jwks()


class OwnKeySource(KeySource):
    """Verifies with the gateway's own keys when no JWKS file or URL is configured.

    The folder is local and cheap to read, so a key id not seen before is looked
    up at the next reading of the folder (``GATEWAY_SIGNING_KEYS_REFRESH_S``), not
    after the remote-JWKS back-off of the services.
    """

    def __init__(self, settings: GatewaySettings, keys: GatewayKeys) -> None:
        super().__init__(settings)
        self._own = keys
        self._use_own = settings.jwks_file is None and settings.jwks_url is None
        self._own_verifier: TokenVerifier | None = None
        self._ring: KeyRing | None = None

    async def verifier_for(self, token: str) -> TokenVerifier:
        if not self._use_own:
            return await super().verifier_for(token)
        ring = await self._own.ring()
        if self._own_verifier is None:
            self._own_verifier = TokenVerifier(
                ring.jwks(), audience=self._settings.jwt_audience, issuer=self._settings.jwt_issuer
            )
        elif ring is not self._ring:
            self._own_verifier.replace_keys(ring.jwks())
        self._ring = ring
        return self._own_verifier


def install_keys(app: FastAPI) -> None:
    """Give the app its key folder and verify the gateway's own tokens with it."""
    settings: GatewaySettings = app.state.settings
    keys = GatewayKeys(settings)
    app.state.gateway_keys = keys
    app.state.key_source = OwnKeySource(settings, keys)


def gateway_keys(request: Request) -> GatewayKeys:
    keys: GatewayKeys = request.app.state.gateway_keys
    return keys
