"""Forwarding one call to a service and its answer back to the caller.

The request body is streamed to the service as it arrives (an upload of
hundreds of megabytes never sits in the gateway), and the answer is streamed
back; only a small answer of known length (the usual JSON) is read whole and
sent in one piece, which is cheaper than streaming it.

The gateway does not verify the caller's token here. Every service verifies
every token itself (signature against the gateway's JWKS, audience, expiry,
roles and areas on each route), so a second check here would add a signature
verification per call and a second place where access rules could drift from
the services'; a call without a valid token gets the service's own 401
problem. Only public ``/api/v1/...`` paths are reachable this way: dot
segments are refused, so nothing escapes to a service's ``/internal/v1/...``.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import unquote_to_bytes

import anyio
import httpx
import structlog
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from civil_gateway.routing.headers import (
    Forwarding,
    has_body,
    header,
    request_headers,
    response_headers,
)
from civil_gateway.routing.upstreams import Service, Upstreams
from civil_shared.errors import NotFound, ServiceUnavailable

log = structlog.get_logger("civil.gateway.proxy")

#: An answer of known length up to this size is read whole and sent in one piece.
READ_WHOLE_UP_TO: Final = 256 * 1024
#: What a caller is told to wait before trying a service that is down.
RETRY_AFTER_S: Final = 5
UNAVAILABLE: Final = "GATEWAY_SERVICE_UNAVAILABLE"
PATH_INVALID: Final = "GATEWAY_PATH_INVALID"
#: Methods that change nothing: retrying them after a timeout is always safe.
_SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
#: Nginx's code for "the client went away before the answer": for the access log only.
CLIENT_CLOSED_REQUEST: Final = 499


def target_path(scope: Scope, service: Service) -> str:
    """The service's path for this call: ``/api/v1/<service>/x`` → ``/api/v1/x``.

    Taken from the raw path, so percent-encoded characters reach the service as
    the caller sent them. A ``.`` or ``..`` segment (plain or encoded) is refused
    with 404: it could climb out of ``/api/v1``.
    """
    prefix = f"/api/v1/{service.name}/".encode()
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    if not raw.startswith(prefix):  # the service's name itself percent-encoded
        raise _path_invalid()
    rest = raw[len(prefix) :]
    for segment in rest.split(b"/"):
        if unquote_to_bytes(segment) in (b".", b".."):
            raise _path_invalid()
    try:
        return "/api/v1/" + rest.decode("ascii")
    except UnicodeDecodeError:
        raise _path_invalid() from None


def _path_invalid() -> NotFound:
    return NotFound("接口路径无效", code=PATH_INVALID)


async def forward(request: Request, service: Service, upstreams: Upstreams | None) -> Response:
    """Send the call on to ``service`` and give back its answer, or a 503 naming it."""
    http = upstreams[service.name].http if upstreams is not None else None
    if http is None:
        raise ServiceUnavailable(
            f"网关未配置{service.label}的地址（{service.url_setting}），请联系系统管理员",
            code=UNAVAILABLE,
            service=service.name,
            service_label=service.label,
            failure="not_configured",
        )
    scope = request.scope
    path = target_path(scope, service)
    query: bytes = scope.get("query_string", b"")
    url = f"{path}?{query.decode('latin-1')}" if query else path
    incoming: list[tuple[bytes, bytes]] = scope["headers"]
    client = scope.get("client")
    headers = request_headers(
        incoming,
        Forwarding(
            request_id=str(getattr(request.state, "request_id", "")),
            client_host=client[0] if client else None,
            scheme=scope.get("scheme", "http"),
            host=header(incoming, b"host"),
        ),
    )
    method: str = scope["method"]
    outgoing = http.build_request(
        method, url, headers=headers, content=request.stream() if has_body(incoming) else None
    )
    trace_id = header(headers, b"traceparent")
    if trace_id is not None:
        structlog.contextvars.bind_contextvars(trace_id=trace_id[3:35].decode())
    try:
        answer = await http.send(outgoing, stream=True)
    except ClientDisconnect:
        # The caller went away during its upload: nobody to answer.
        return Response(status_code=CLIENT_CLOSED_REQUEST)
    except httpx.TransportError as exc:
        raise _unavailable(service, exc, method) from exc

    returned = response_headers(answer.headers.raw, service.name, str(http.base_url).encode())
    if _read_whole(method, answer.status_code, answer.headers.raw):
        try:
            body = b"".join([chunk async for chunk in answer.aiter_raw()])
        except httpx.TransportError as exc:
            raise _unavailable(service, exc, method) from exc
        finally:
            await answer.aclose()
        response = Response(body, status_code=answer.status_code)
        response.raw_headers = returned
        return response
    return UpstreamStream(answer, returned, service)


def _read_whole(method: str, status: int, headers: list[tuple[bytes, bytes]]) -> bool:
    if method == "HEAD" or status in (204, 304):
        return True
    length = header(headers, b"content-length")
    if length is None:
        return False
    try:
        return int(length) <= READ_WHOLE_UP_TO
    except ValueError:
        return False


class UpstreamStream(StreamingResponse):
    """A service's answer streamed to the caller as it comes, closed whatever happens.

    Closing returns the connection to the pool (or drops it when the answer was
    not read to its end, because the caller went away).
    """

    def __init__(
        self, answer: httpx.Response, headers: list[tuple[bytes, bytes]], service: Service
    ) -> None:
        super().__init__(answer.aiter_raw(), status_code=answer.status_code)
        self.raw_headers = headers
        self._answer = answer
        self._service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except httpx.TransportError as exc:
            # The status line is sent already: the caller sees the connection cut,
            # never a truncated body passed off as whole.
            log.warning("proxy_stream_broken", service=self._service.name, error=type(exc).__name__)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await self._answer.aclose()


def _unavailable(service: Service, exc: httpx.TransportError, method: str) -> ServiceUnavailable:
    """The 503 for a service that gave no answer, saying why in Chinese."""
    headers: dict[str, str] | None = None
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.UnsupportedProtocol):
        failure, detail = "unreachable", f"{service.label}暂时无法访问，请稍后重试"
        headers = {"Retry-After": str(RETRY_AFTER_S)}
    elif isinstance(exc, httpx.PoolTimeout):
        failure, detail = "busy", f"{service.label}当前请求过多，网关暂时无法转发，请稍后重试"
        headers = {"Retry-After": str(RETRY_AFTER_S)}
    else:
        if isinstance(exc, httpx.TimeoutException):
            failure, detail = "timeout", f"{service.label}未在规定时间内应答"
        else:
            failure, detail = "broken", f"与{service.label}的连接意外中断"
        if method in _SAFE_METHODS:
            detail += "，请稍后重试"
        else:
            detail += "；请求可能已被处理，请先查询结果，再决定是否重试"
    log.warning(
        "proxy_upstream_failed",
        service=service.name,
        failure=failure,
        error=type(exc).__name__,
        method=method,
    )
    return ServiceUnavailable(
        detail,
        code=UNAVAILABLE,
        headers=headers,
        service=service.name,
        service_label=service.label,
        failure=failure,
    )
