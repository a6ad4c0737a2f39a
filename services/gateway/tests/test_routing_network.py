"""The proxy on the network: the gateway's real HTTP client against a socket server.

The server here is a few lines of asyncio that record the bytes they receive
and answer what each test says, so the tests see exactly what goes over the
wire: the headers (none added), the path as spelled, the body's framing, and
the answer passed back byte for byte.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx
import pytest_asyncio
from fastapi import FastAPI

from civil_gateway.config import GatewaySettings
from civil_gateway.routing.upstreams import Upstreams
from civil_shared.runtime.settings import ServiceSettings


@dataclass
class Received:
    line: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def header(self, name: bytes) -> bytes | None:
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def names(self) -> set[bytes]:
        return {k.lower() for k, _ in self.headers}


@dataclass
class Server:
    """An HTTP/1.1 server that records each request and answers with ``answer``."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], bytes] = lambda _: (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
    )
    silent: bool = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *rest = head[:-4].split(b"\r\n")
                headers = [tuple(h.split(b": ", 1)) for h in rest]
                request = Received(line, headers, b"")  # type: ignore[arg-type]
                if request.header(b"transfer-encoding") == b"chunked":
                    while size := int((await reader.readuntil(b"\r\n"))[:-2], 16):
                        request.body += await reader.readexactly(size)
                        await reader.readexactly(2)
                    await reader.readexactly(2)
                elif length := request.header(b"content-length"):
                    request.body = await reader.readexactly(int(length))
                self.received.append(request)
                if self.silent:
                    await asyncio.sleep(3600)
                writer.write(self.answer(request))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    @property
    def last(self) -> Received:
        assert self.received, "nothing reached the server"
        return self.received[-1]


def _answer(status: bytes, headers: list[bytes], body: bytes) -> bytes:
    lines = [b"HTTP/1.1 " + status, *headers, b"content-length: %d" % len(body)]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


@pytest_asyncio.fixture(loop_scope="session")
async def server() -> AsyncIterator[Server]:
    state = Server()
    listening = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = listening.sockets[0].getsockname()[1]
    yield state
    listening.close()


def _use(app: FastAPI, settings: ServiceSettings, **changes: object) -> Upstreams:
    assert isinstance(settings, GatewaySettings)
    upstreams = Upstreams.from_settings(settings.model_copy(update=changes))
    app.state.upstreams = upstreams
    return upstreams


@pytest_asyncio.fixture(loop_scope="session")
async def upstreams(
    app: FastAPI, settings: ServiceSettings, server: Server
) -> AsyncIterator[Upstreams]:
    upstreams = _use(app, settings, assistance_url=f"http://127.0.0.1:{server.port}")
    yield upstreams
    await upstreams.aclose()


async def test_the_request_goes_out_as_the_caller_sent_it(
    client: httpx.AsyncClient, server: Server, upstreams: Upstreams
) -> None:
    response = await client.put(
        "/api/v1/assistance/households/%7e%2Fa?name=%e5%BC%A0&x=1+2",
        content=b'{"a":1}',
        headers={
            "Authorization": "Bearer t.o.k",
            "Content-Type": "application/json",
            "If-Match": 'W/"1"',
            "Cookie": "session=callers-own",
        },
    )

    assert response.status_code == 200
    sent = server.last
    assert sent.line == b"PUT /api/v1/households/%7e%2Fa?name=%e5%BC%A0&x=1+2 HTTP/1.1"
    assert sent.body == b'{"a":1}'
    assert sent.header(b"authorization") == b"Bearer t.o.k"
    assert sent.header(b"cookie") == b"session=callers-own"
    assert sent.header(b"host") == f"127.0.0.1:{server.port}".encode()
    # The caller's headers (httpx's test client sends accept, accept-encoding,
    # connection and user-agent) and the gateway's own; nothing of aiohttp's.
    assert sent.names == {
        b"host",
        b"accept",
        b"accept-encoding",
        b"user-agent",
        b"authorization",
        b"content-type",
        b"content-length",
        b"if-match",
        b"cookie",
        b"x-request-id",
        b"traceparent",
        b"x-forwarded-for",
        b"x-forwarded-proto",
        b"x-forwarded-host",
    }
    assert sent.header(b"user-agent") == f"python-httpx/{httpx.__version__}".encode()


async def test_a_body_of_unknown_length_goes_out_chunked(
    client: httpx.AsyncClient, server: Server, upstreams: Upstreams
) -> None:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"a" * 70_000, b"", b"b" * 5, "张".encode()):
            yield part

    response = await client.post("/api/v1/assistance/households/import", content=parts())

    assert response.status_code == 200
    assert server.last.header(b"transfer-encoding") == b"chunked"
    assert server.last.body == b"a" * 70_000 + b"b" * 5 + "张".encode()


async def test_the_answer_comes_back_byte_for_byte_and_keeps_no_cookie(
    app: FastAPI, client: httpx.AsyncClient, settings: ServiceSettings, server: Server
) -> None:
    # By name, not IP address: cookie jars keep no cookies for an address.
    upstreams = _use(app, settings, assistance_url=f"http://localhost:{server.port}")
    compressed = gzip.compress("天门市".encode() * 1000)
    server.answer = lambda _: _answer(
        b"200 OK",
        [b"Content-Encoding: gzip", b"Content-Type: text/csv", b"Set-Cookie: tracking=1"],
        compressed,
    )

    try:
        first = await client.get("/api/v1/assistance/exports/a.csv")
        client.cookies.clear()  # the caller keeps it no longer; would the gateway?
        await client.get("/api/v1/assistance/exports/b.csv")
    finally:
        await upstreams.aclose()

    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["set-cookie"] == "tracking=1"  # passed to the caller...
    assert first.content == "天门市".encode() * 1000  # (httpx decodes what it asked for)
    assert first.num_bytes_downloaded == len(compressed)  # gzip on the wire, not re-encoded
    assert server.last.header(b"cookie") is None  # ...and not kept for the next caller


async def test_a_large_answer_is_streamed_whole(
    client: httpx.AsyncClient, server: Server, upstreams: Upstreams
) -> None:
    body = bytes(range(256)) * 40_000  # 10 MB
    server.answer = lambda _: _answer(b"200 OK", [b"Content-Type: application/octet-stream"], body)

    response = await client.get("/api/v1/assistance/exports/big.bin")

    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(body))
    assert response.content == body


async def test_a_closed_port_gives_503_unreachable(
    app: FastAPI, client: httpx.AsyncClient, settings: ServiceSettings
) -> None:
    listening = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    listening.close()
    await listening.wait_closed()
    upstreams = _use(app, settings, welfare_url=f"http://127.0.0.1:{port}")
    try:
        response = await client.get("/api/v1/welfare/elderly")
    finally:
        await upstreams.aclose()

    assert response.status_code == 503
    assert (response.json()["service"], response.json()["failure"]) == ("welfare", "unreachable")


async def test_a_service_that_never_answers_gives_503_timeout(
    app: FastAPI, client: httpx.AsyncClient, settings: ServiceSettings, server: Server
) -> None:
    server.silent = True
    upstreams = _use(
        app,
        settings,
        governance_url=f"http://127.0.0.1:{server.port}",
        proxy_read_timeout_s=0.3,
    )
    try:
        response = await client.post("/api/v1/governance/volunteers", json={})
    finally:
        await upstreams.aclose()

    assert response.status_code == 503
    problem = response.json()
    assert (problem["service"], problem["failure"]) == ("governance", "timeout")
    assert "基层治理服务" in problem["detail"]
    assert "可能已被处理" in problem["detail"]
