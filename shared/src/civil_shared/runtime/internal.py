"""Calling another service's internal API (``/internal/v1/...``).

A service that asks another one (welfare asks assistance whether a person is in
dibao; the gateway asks every service for its figures) does it through an
:class:`InternalClient`: one ``httpx.AsyncClient`` per peer, made in the app's
lifespan, with

- the calling service's own bearer token (:class:`ServiceToken`: a fixed value,
  or a file re-read when it changes, so a rotated secret needs no restart);
- explicit timeouts (connect, and read/write/pool);
- retries with ``stamina`` on what may pass: connection errors, timeouts and 5xx
  answers, a few attempts within a time budget;
- the answer read into the contract's pydantic model.

Whatever still fails is an :class:`InternalServiceError` saying why. The caller
turns it into its own 503 problem: a rule is never decided on a guess.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Self, TypeVar

import httpx
import stamina
import structlog
from pydantic import BaseModel, Field, SecretStr, ValidationError

from civil_shared.runtime.settings import ServiceSettings

M = TypeVar("M", bound=BaseModel)

log = structlog.get_logger("civil.internal")


class CallingServiceSettings(ServiceSettings):
    """Settings of a service that calls other services' internal APIs.

    The service has one identity towards its peers: a platform token with the
    ``service`` role (and ``pii:read``, since the answers carry ID numbers),
    issued by the gateway. ``<PREFIX>SERVICE_TOKEN_FILE`` (a mounted secret, or
    the file ``civil run`` writes) is preferred to ``<PREFIX>SERVICE_TOKEN``.
    Each service adds the URLs of the peers it calls (``WELFARE_ASSISTANCE_URL``).
    """

    service_token: SecretStr | None = Field(
        default=None, description="This service's bearer token for other services' internal APIs"
    )
    service_token_file: Path | None = Field(
        default=None, description="File holding that token; re-read whenever it changes"
    )
    internal_connect_timeout_s: float = Field(default=1.0, gt=0, le=30)
    internal_timeout_s: float = Field(
        default=3.0, gt=0, le=60, description="Read, write and pool timeout of one attempt"
    )
    internal_attempts: int = Field(default=3, ge=1, le=10, description="Attempts per call")
    internal_retry_budget_s: float = Field(
        default=10.0, gt=0, le=120, description="Most time one call may take, retries included"
    )

    def service_token_source(self) -> ServiceToken:
        return ServiceToken(
            value=self.service_token.get_secret_value() if self.service_token else None,
            file=self.service_token_file,
        )

    def internal_timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.internal_timeout_s, connect=self.internal_connect_timeout_s)

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(attempts=self.internal_attempts, budget_s=self.internal_retry_budget_s)


# --- The calling service's token -----------------------------------------------------


class ServiceTokenMissing(RuntimeError):
    """No token is configured, or its file cannot be read or is empty."""


class ServiceToken:
    """The calling service's bearer token: a fixed value, or a file re-read on change."""

    def __init__(self, *, value: str | None = None, file: Path | None = None) -> None:
        if value is None and file is None:
            raise ServiceTokenMissing("no service token: set SERVICE_TOKEN_FILE or SERVICE_TOKEN")
        self._value = value.strip() if value else None
        self._file = file
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) of the file read
        self._from_file: str | None = None

    def current(self) -> str:
        """The token to send now (small synchronous read, only when the file changed)."""
        if self._file is None:
            assert self._value is not None
            return self._value
        try:
            stat = os.stat(self._file)
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen != self._seen or self._from_file is None:
                self._from_file = self._file.read_text("utf-8").strip()
                self._seen = seen
        except OSError as exc:
            if self._value is not None:
                return self._value
            raise ServiceTokenMissing(f"cannot read the service token file {self._file}") from exc
        if not self._from_file:
            raise ServiceTokenMissing(f"the service token file {self._file} is empty")
        return self._from_file


class _BearerAuth(httpx.Auth):
    def __init__(self, token: ServiceToken) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.current()}"
        yield request


# --- Failures ----------------------------------------------------------------------


class InternalFailure(StrEnum):
    """Why a call to another service gave no usable answer."""

    NOT_CONFIGURED = "not_configured"  # no URL or no token
    UNREACHABLE = "unreachable"  # connection refused, DNS, reset
    TIMEOUT = "timeout"
    SERVER_ERROR = "server_error"  # 5xx after the retries
    REJECTED = "rejected"  # 4xx: our token or our request is wrong
    BAD_ANSWER = "bad_answer"  # not the contract's shape


class InternalServiceError(Exception):
    """A call to ``service`` failed for ``failure``; ``status`` is the last HTTP status."""

    def __init__(
        self,
        service: str,
        failure: InternalFailure,
        message: str,
        *,
        status: int | None = None,
        problem_code: str | None = None,
    ) -> None:
        super().__init__(f"{service}: {failure.value}: {message}")
        self.service = service
        self.failure = failure
        self.status = status
        self.problem_code = problem_code


class _ServerError(Exception):
    """A 5xx answer, raised inside the retry loop so that it is retried."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, httpx.UnsupportedProtocol):
        return False  # a misconfigured URL does not heal
    return isinstance(exc, httpx.TransportError | _ServerError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry one call (exponential back-off with jitter)."""

    attempts: int = 3
    budget_s: float = 10.0
    wait_initial_s: float = 0.1
    wait_max_s: float = 1.0
    wait_jitter_s: float = 0.1


# --- The client ----------------------------------------------------------------------


class InternalClient:
    """A client of one peer service's internal API; subclass it per peer with typed methods."""

    def __init__(
        self,
        service: str,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        *,
        auth: httpx.Auth | None = None,
    ) -> None:
        """``auth`` replaces the pool's own (a narrower token for calls of one kind)."""
        self.service = service
        self._http = http
        self._retry = retry
        self._auth: Any = auth if auth is not None else httpx.USE_CLIENT_DEFAULT

    @classmethod
    def create(
        cls,
        service: str,
        base_url: str,
        settings: CallingServiceSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A client of ``service`` at ``base_url`` as ``settings`` configure it.

        Raises :class:`ServiceTokenMissing` when no token is configured, so that a
        misconfigured service fails at start-up, not at its first decision.
        """
        token = settings.service_token_source()
        token.current()  # fail now if the token cannot be read
        http = httpx.AsyncClient(
            base_url=base_url,
            auth=_BearerAuth(token),
            timeout=settings.internal_timeout(),
            transport=transport,
            headers={"User-Agent": f"civil-{settings.service_name}"},
            follow_redirects=False,
        )
        return cls(service, http, retry or settings.retry_policy())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def get(
        self, path: str, answer: type[M], *, params: Mapping[str, str] | None = None
    ) -> M:
        """GET ``path`` and read the answer as ``answer``; :class:`InternalServiceError` if
        no usable answer came within the retries."""
        response = await self._send("GET", path, params=params)
        return self._read(response, answer)

    async def query(
        self, path: str, body: BaseModel, answer: type[M], *, timeout_s: float | None = None
    ) -> M:
        """POST ``body`` to a read-only ``path`` (a question too large for a query string)
        and read the answer as ``answer``; retried like a GET, since it changes nothing.
        ``timeout_s`` replaces the read timeout for a question known to take longer."""
        response = await self._send(
            "POST",
            path,
            params=None,
            # ID numbers in full: a peer is asked about persons, not about masks.
            content=body.model_dump_json(context={"reveal_pii": True}).encode(),
            timeout_s=timeout_s,
        )
        return self._read(response, answer)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None,
        content: bytes | None = None,
        timeout_s: float | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if content is not None else None
        timeout: Any = (
            httpx.Timeout(timeout_s, connect=self._http.timeout.connect)
            if timeout_s is not None
            else httpx.USE_CLIENT_DEFAULT
        )
        retry = self._retry
        try:
            async for attempt in stamina.retry_context(
                on=_retryable,
                attempts=retry.attempts,
                timeout=retry.budget_s,
                wait_initial=retry.wait_initial_s,
                wait_max=retry.wait_max_s,
                wait_jitter=retry.wait_jitter_s,
            ):
                with attempt:
                    response = await self._http.request(
                        method,
                        path,
                        params=params,
                        content=content,
                        headers=headers,
                        timeout=timeout,
                        auth=self._auth,
                    )
                    if response.status_code >= 500:
                        raise _ServerError(response)
        except ServiceTokenMissing as exc:
            raise self._failed(InternalFailure.NOT_CONFIGURED, str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise self._failed(InternalFailure.TIMEOUT, type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise self._failed(InternalFailure.UNREACHABLE, type(exc).__name__) from exc
        except _ServerError as exc:
            raise self._failed(
                InternalFailure.SERVER_ERROR,
                str(exc),
                status=exc.response.status_code,
                problem_code=_problem_code(exc.response),
            ) from exc
        if response.status_code >= 400:
            raise self._failed(
                InternalFailure.REJECTED,
                f"HTTP {response.status_code}",
                status=response.status_code,
                problem_code=_problem_code(response),
            )
        return response

    def _read(self, response: httpx.Response, answer: type[M]) -> M:
        try:
            return answer.model_validate_json(response.content)
        except ValidationError as exc:
            raise self._failed(
                InternalFailure.BAD_ANSWER,
                f"not a {answer.__name__}: {exc.error_count()} errors",
                status=response.status_code,
            ) from exc

    def _failed(
        self, failure: InternalFailure, message: str, **details: Any
    ) -> InternalServiceError:
        # No path or URL in the log: internal paths carry ID numbers.
        log.warning(
            "internal_call_failed",
            peer=self.service,
            failure=failure.value,
            message=message,
            **details,
        )
        return InternalServiceError(self.service, failure, message, **details)


def _problem_code(response: httpx.Response) -> str | None:
    """The ``code`` of a problem+json answer, if it is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


__all__ = [
    "CallingServiceSettings",
    "InternalClient",
    "InternalFailure",
    "InternalServiceError",
    "RetryPolicy",
    "ServiceToken",
    "ServiceTokenMissing",
]
