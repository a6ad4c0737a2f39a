"""Which headers cross the gateway, both ways, and the W3C trace context.

Pure functions over raw ASGI/httpx header lists (lower-case ``bytes`` names), so
a forwarded request costs no decoding of headers it does not look at.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RawHeaders = Sequence[tuple[bytes, bytes]]

#: Hop-by-hop headers (RFC 9110 7.6.1: Connection and the fields it names,
#: Proxy-Connection, Keep-Alive, TE, Transfer-Encoding, Upgrade; plus the
#: proxy authentication pair and Trailer of RFC 7230's list). They describe one
#: connection, never the message, so a proxy does not forward them.
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"proxy-connection",
        b"keep-alive",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-authenticate",
        b"proxy-authorization",
    }
)

#: Also not forwarded to a service: httpx sets Host from the service's URL; the
#: gateway answers ``Expect: 100-continue`` itself (uvicorn) and streams the body;
#: the request id and the trace context are the gateway's own (set below); the
#: caller's X-Forwarded-* are rebuilt with the gateway's view of the caller.
_NOT_FORWARDED = HOP_BY_HOP | {
    b"host",
    b"expect",
    b"x-request-id",
    b"traceparent",
    b"tracestate",
    b"x-forwarded-for",
    b"x-forwarded-proto",
    b"x-forwarded-host",
}

#: Not passed back to the caller: the gateway's server (uvicorn) writes its own
#: Date and Server, and its middleware its own X-Request-ID (the same value).
_NOT_RETURNED = HOP_BY_HOP | {b"date", b"server", b"x-request-id"}

TRACEPARENT = b"traceparent"
TRACESTATE = b"tracestate"


def _named_by_connection(headers: RawHeaders) -> set[bytes]:
    """The fields a Connection header declares hop-by-hop (``Connection: close, x-foo``)."""
    named: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            named.update(token.strip().lower() for token in value.split(b",") if token.strip())
    return named


def _without(headers: RawHeaders, dropped: frozenset[bytes]) -> list[tuple[bytes, bytes]]:
    extra = _named_by_connection(headers)
    if extra:
        dropped = dropped | extra
    return [(name, value) for name, value in headers if name.lower() not in dropped]


@dataclass(frozen=True, slots=True)
class Forwarding:
    """What the gateway knows of the call it forwards."""

    request_id: str
    client_host: str | None
    scheme: str
    host: bytes | None  # the Host the caller asked for


def request_headers(headers: RawHeaders, forwarding: Forwarding) -> list[tuple[bytes, bytes]]:
    """The headers a service receives: the caller's end-to-end ones, the gateway's ids.

    Authorization is forwarded untouched: the services verify the token themselves.
    """
    forwarded = _without(headers, _NOT_FORWARDED)
    incoming = {name.lower(): value for name, value in headers if name.lower() in _TRACE}
    trace = continue_trace(
        incoming.get(TRACEPARENT, b"").decode("latin-1"),
        incoming.get(TRACESTATE, b"").decode("latin-1"),
    )
    forwarded.append((b"x-request-id", forwarding.request_id.encode("latin-1")))
    forwarded.append((TRACEPARENT, trace.traceparent.encode("ascii")))
    if trace.tracestate:
        forwarded.append((TRACESTATE, trace.tracestate.encode("latin-1")))
    chain = [value for name, value in headers if name.lower() == b"x-forwarded-for"]
    if forwarding.client_host:
        chain.append(forwarding.client_host.encode("latin-1"))
    if chain:
        forwarded.append((b"x-forwarded-for", b", ".join(chain)))
    forwarded.append((b"x-forwarded-proto", forwarding.scheme.encode("latin-1")))
    if forwarding.host:
        forwarded.append((b"x-forwarded-host", forwarding.host))
    return forwarded


def response_headers(
    headers: RawHeaders, service: str, base_url: bytes = b""
) -> list[tuple[bytes, bytes]]:
    """The headers of a service's answer the caller receives (status line aside).

    Names in lower case, as ASGI wants them (httpx keeps the service's spelling).
    A Location or Content-Location naming the service's own ``/api/v1/x`` (or its
    absolute ``base_url/api/v1/x``) is turned into the gateway's ``/api/v1/<service>/x``,
    as a reverse proxy does: the caller cannot reach the service's address.
    """
    returned = []
    for name, value in _without(headers, _NOT_RETURNED):
        lowered = name.lower()
        if lowered in _LOCATIONS:
            value = relocated(value, service, base_url)
        returned.append((lowered, value))
    return returned


_LOCATIONS = frozenset({b"location", b"content-location"})
_PUBLIC = b"/api/v1/"


def relocated(location: bytes, service: str, base_url: bytes = b"") -> bytes:
    """``location`` as the caller reaches it through the gateway (unchanged if foreign)."""
    base = base_url.rstrip(b"/")
    if base and location.startswith(base + b"/"):
        location = location[len(base) :]
    if location.startswith(_PUBLIC):
        return _PUBLIC + service.encode() + b"/" + location[len(_PUBLIC) :]
    return location


def header(headers: RawHeaders, wanted: bytes) -> bytes | None:
    """The first value of header ``wanted`` (lower-case name), or None."""
    for name, value in headers:
        if name.lower() == wanted:
            return value
    return None


_TRACE = frozenset({TRACEPARENT, TRACESTATE})

# --- W3C Trace Context (https://www.w3.org/TR/trace-context/) -------------------------

_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
_ZERO_TRACE = "0" * 32
_ZERO_SPAN = "0" * 16


@dataclass(frozen=True, slots=True)
class Trace:
    """The trace context the gateway sends on: the trace, the gateway's span, the flags."""

    trace_id: str
    span_id: str
    flags: str
    tracestate: str | None = None

    @property
    def traceparent(self) -> str:
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def continue_trace(traceparent: str, tracestate: str = "") -> Trace:
    """Continue the caller's trace with a new span of the gateway's, or start one.

    A valid ``traceparent`` keeps its trace id and flags (its ``tracestate`` goes
    on with it); a missing or invalid one starts a new sampled trace, and its
    ``tracestate`` is dropped, as the specification asks.
    """
    span_id = _new_id(8, _ZERO_SPAN)
    match = _TRACEPARENT.match(traceparent.strip())
    if match is not None:
        version, trace_id, parent_id, flags, rest = match.groups()
        # Version ff is invalid; version 00 has nothing after the flags; a later
        # version is read by its 00 prefix.
        valid = (
            version != "ff"
            and not (version == "00" and rest)
            and trace_id != _ZERO_TRACE
            and parent_id != _ZERO_SPAN
        )
        if valid:
            return Trace(trace_id, span_id, flags, tracestate.strip() or None)
    return Trace(_new_id(16, _ZERO_TRACE), span_id, "01")


def _new_id(size: int, zero: str) -> str:
    while True:
        value = secrets.token_hex(size)
        if value != zero:
            return value


def has_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a request carries a body (RFC 9112 6.1: Content-Length or Transfer-Encoding)."""
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"transfer-encoding":
            return True
        if lowered == b"content-length":
            return value.strip() not in (b"", b"0")
    return False
