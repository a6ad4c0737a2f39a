"""httpx's client interface on aiohttp's connection pool, for the proxy's hot path.

The proxy keeps httpx's interface (``build_request``, ``send(stream=True)``,
``aiter_raw``; its tests replace the transport with a stub), but the default
httpx transport (httpcore on h11) costs about 1.2 ms of CPU per forwarded call
on the project's VM, and 2.2 ms at 20 concurrent calls, where its pool scans
every connection, with a ``poll()`` for each idle one, several times per call.
aiohttp's pool and C parser do the same for about 0.6 ms at any concurrency
(``bench/gateway_proxy.py`` and BENCHMARKS.md have the figures).

What a proxy needs from it, set here on purpose:

- nothing added to a request that the caller did not send (no Accept,
  Accept-Encoding, User-Agent or Content-Type of aiohttp's own);
- bodies passed as they are: no decompression, no re-quoting of the path;
- no cookie jar: a cookie one caller's answer sets must never ride along
  with another caller's request;
- a body streamed as it comes (chunked, or with the caller's Content-Length);
- aiohttp's errors given as httpx's, so the proxy's 503s read the same.

Timeouts: connect and pool (aiohttp waits for a free connection within its
connect timeout) and read (between two reads of the answer) as httpx's
``Timeout`` says; aiohttp has no write timeout, so an upload is bounded by the
caller's own pace and the service's read of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
from yarl import URL

#: Auto headers aiohttp would add; a proxy sends only the caller's.
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")


@contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones the proxy (and any httpx caller) expects."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:  # connecting, or waiting for the pool
        raise httpx.ConnectTimeout(str(exc) or "connect timeout", request=request) from exc
    except aiohttp.ServerTimeoutError as exc:  # reading the answer
        raise httpx.ReadTimeout(str(exc) or "read timeout", request=request) from exc
    except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS
        raise httpx.ConnectError(str(exc), request=request) from exc
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError) as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__, request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.NetworkError(str(exc) or type(exc).__name__, request=request) from exc


def _header_text(value: bytes) -> str:
    # aiohttp writes header values as UTF-8: decoding them as UTF-8 sends the
    # caller's bytes unchanged (an obsolete Latin-1 value is the rare exception).
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


class _AnswerStream(httpx.AsyncByteStream):
    """The service's answer, read as it arrives; closing frees or drops its connection."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors(self._request):
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        if self._response.content.at_eof():
            self._response.release()  # read to the end: the connection goes back to the pool
        else:
            self._response.close()  # abandoned half-way: the connection cannot be reused


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp connection pool behind an ``httpx.AsyncClient``."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._limits = limits
        self._session: aiohttp.ClientSession | None = None

    def _session_now(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the running event loop.
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                limit_per_host=0,
                keepalive_timeout=self._limits.keepalive_expiry or 0,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                skip_auto_headers=_SKIP_AUTO_HEADERS,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                requote_redirect_url=False,
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=None),
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout: dict[str, Any] = request.extensions.get("timeout", {})
        headers = [
            (_header_text(name), _header_text(value))
            for name, value in request.headers.raw
            if name.lower() != b"transfer-encoding"  # aiohttp frames the body itself
        ]
        data: Any
        if isinstance(request.stream, httpx.ByteStream):
            data = request.content or None
        else:
            data = request.stream  # streamed as the caller sends it
        with _as_httpx_errors(request):
            response = await self._session_now().request(
                request.method,
                URL(str(request.url), encoded=True),  # the path as the caller spelled it
                headers=headers,
                data=data,
                allow_redirects=False,
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        return httpx.Response(
            status_code=response.status,
            headers=list(response.raw_headers),
            stream=_AnswerStream(response, request),
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
