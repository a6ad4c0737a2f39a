"""Routing: /api/v1/<service>/... forwarded to the service, the answer streamed back.

The services are stubbed at the HTTP layer (an httpx transport in place of the
network), so each test sees exactly what a service would receive and decides
what it answers.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from starlette.types import Message

from civil_gateway.config import GatewaySettings
from civil_gateway.routing.upstreams import Upstreams
from civil_shared.runtime.settings import ServiceSettings

URLS = {
    "assistance_url": "http://assistance.internal:8001",
    "welfare_url": "http://welfare.internal:8002",
    "governance_url": "http://governance.internal:8003",
}
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


class _Body(httpx.AsyncByteStream):
    def __init__(self, content: bytes) -> None:
        self._content = content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._content


class Upstream(httpx.AsyncBaseTransport):
    """Stands in for the three services: records each request, answers with ``handler``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Handler = self.ok

    @staticmethod
    async def ok(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return httpx.Response(200, json={"ok": True})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = await self.handler(request)
        if isinstance(response.stream, httpx.ByteStream):
            # As from the network: a body still to be read, not one read already.
            response = httpx.Response(
                response.status_code,
                headers=response.headers,
                stream=_Body(response.content),
            )
        return response

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "the gateway called no service"
        return self.requests[-1]


def gateway_settings(settings: ServiceSettings, **changes: Any) -> GatewaySettings:
    assert isinstance(settings, GatewaySettings)
    return settings.model_copy(update={**URLS, **changes})


@pytest_asyncio.fixture(loop_scope="session")
async def upstream(app: FastAPI, settings: ServiceSettings) -> AsyncIterator[Upstream]:
    transport = Upstream()
    upstreams = Upstreams.from_settings(gateway_settings(settings), transport=transport)
    app.state.upstreams = upstreams
    yield transport
    await upstreams.aclose()


# --- What reaches the service -------------------------------------------------------


async def test_a_call_reaches_the_service_with_its_path_query_body_and_headers(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    body = json.dumps({"name": "张三"}, ensure_ascii=False).encode()
    response = await client.put(
        "/api/v1/assistance/households/7f3e/members/42?limit=5&name=%E5%BC%A0&tag=a&tag=b",
        content=body,
        headers={
            "Authorization": "Bearer the.callers.token",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "If-Match": 'W/"3"',
            "Idempotency-Key": "c0ffee-42",
            "Accept-Language": "zh-CN",
            "Accept-Encoding": "identity",
            "User-Agent": "tianmen-app/2.1",
        },
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    sent = upstream.last
    assert sent.method == "PUT"
    assert str(sent.url) == (
        "http://assistance.internal:8001/api/v1/households/7f3e/members/42"
        "?limit=5&name=%E5%BC%A0&tag=a&tag=b"
    )
    assert sent.content == body
    assert sent.headers["host"] == "assistance.internal:8001"
    for name, value in {
        "authorization": "Bearer the.callers.token",
        "content-type": "application/json; charset=utf-8",
        "accept": "application/json",
        "if-match": 'W/"3"',
        "idempotency-key": "c0ffee-42",
        "accept-language": "zh-CN",
        "accept-encoding": "identity",
        "user-agent": "tianmen-app/2.1",
        "content-length": str(len(body)),
    }.items():
        assert sent.headers.get_list(name) == [value], name


async def test_the_gateway_adds_no_headers_of_its_http_client(
    app: FastAPI, upstream: Upstream
) -> None:
    await _call_asgi(app, b"/api/v1/assistance/standards")

    # httpx would send Accept-Encoding: gzip (a compressed body the caller never
    # asked for), Accept, Connection and its User-Agent: none of them goes.
    assert set(upstream.last.headers.keys()) == {
        "host",
        "x-request-id",
        "traceparent",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
    }
    assert upstream.last.headers["x-forwarded-for"] == "10.0.0.7"


@pytest.mark.parametrize(
    ("service", "base"),
    [
        ("assistance", "http://assistance.internal:8001"),
        ("welfare", "http://welfare.internal:8002"),
        ("governance", "http://governance.internal:8003"),
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"])
async def test_each_service_and_method_is_forwarded(
    client: httpx.AsyncClient, upstream: Upstream, service: str, base: str, method: str
) -> None:
    response = await client.request(method, f"/api/v1/{service}/things/1")

    assert response.status_code == 200
    assert (upstream.last.method, str(upstream.last.url)) == (method, f"{base}/api/v1/things/1")
    assert "content-length" not in upstream.last.headers or method in ("POST", "PATCH")
    assert "transfer-encoding" not in upstream.last.headers  # a call without a body has none


async def test_the_token_is_forwarded_unverified_and_the_service_answers_for_it(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    async def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"code": "AUTH_INVALID_TOKEN", "detail": "令牌无效", "status": 401},
            headers={"Content-Type": "application/problem+json", "WWW-Authenticate": "Bearer"},
        )

    upstream.handler = refuse

    response = await client.get(
        "/api/v1/welfare/elderly", headers={"Authorization": "Bearer not-a-jwt"}
    )

    # The gateway passed the token on untouched and gave back the service's verdict.
    assert upstream.last.headers["authorization"] == "Bearer not-a-jwt"
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "AUTH_INVALID_TOKEN"


async def test_hop_by_hop_headers_and_host_stay_at_the_gateway(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    await client.get(
        "/api/v1/governance/divisions",
        headers={
            "Host": "gateway.tianmen.gov.cn",
            "Connection": "keep-alive, X-Private-Hop",
            "X-Private-Hop": "only for the next hop",
            "Keep-Alive": "timeout=5",
            "Proxy-Connection": "keep-alive",
            "Proxy-Authorization": "Basic cHJveHk6cHJveHk=",
            "TE": "trailers",
            "Trailer": "Expires",
            "Upgrade": "h2c",
            "X-End-To-End": "kept",
        },
    )

    sent = upstream.last.headers
    for name in (
        "connection",
        "x-private-hop",
        "keep-alive",
        "proxy-connection",
        "proxy-authorization",
        "te",
        "trailer",
        "upgrade",
    ):
        assert name not in sent, name
    assert sent["host"] == "governance.internal:8003"
    assert sent["x-forwarded-host"] == "gateway.tianmen.gov.cn"
    assert sent["x-forwarded-proto"] == "http"
    assert sent["x-end-to-end"] == "kept"


async def test_the_answer_comes_back_without_hop_by_hop_headers(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            412,
            headers=[
                ("Content-Type", "application/problem+json"),
                ("ETag", 'W/"4"'),
                ("Set-Cookie", "a=1"),
                ("Set-Cookie", "b=2"),
                ("Connection", "close, X-Upstream-Hop"),
                ("X-Upstream-Hop", "1"),
                ("Keep-Alive", "timeout=5"),
                ("X-Request-ID", "the-service-own"),
                ("Server", "uvicorn"),
            ],
            content=b'{"code":"PRECONDITION_FAILED"}',
        )

    upstream.handler = answer

    response = await client.patch(
        "/api/v1/assistance/households/1", json={}, headers={"X-Request-ID": "req-412"}
    )

    assert response.status_code == 412
    assert response.content == b'{"code":"PRECONDITION_FAILED"}'
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["etag"] == 'W/"4"'
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    for name in ("connection", "x-upstream-hop", "keep-alive", "server"):
        assert name not in response.headers, name
    assert response.headers.get_list("x-request-id") == ["req-412"]  # the gateway's, once


@pytest.mark.parametrize(
    ("location", "seen"),
    [
        ("/api/v1/households/42", "/api/v1/assistance/households/42"),
        (
            "http://assistance.internal:8001/api/v1/households/42",
            "/api/v1/assistance/households/42",
        ),
        ("https://www.tianmen.gov.cn/notice", "https://www.tianmen.gov.cn/notice"),
    ],
)
async def test_a_location_of_the_service_is_given_as_the_gateways(
    client: httpx.AsyncClient, upstream: Upstream, location: str, seen: str
) -> None:
    async def created(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, headers={"Location": location}, json={"id": 42})

    upstream.handler = created

    response = await client.post("/api/v1/assistance/households", json={})

    assert response.status_code == 201
    assert response.headers["location"] == seen


# --- Request id and trace context -----------------------------------------------------


async def test_the_service_gets_the_gateways_request_id_and_a_new_trace(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    response = await client.get(
        "/api/v1/assistance/standards", headers={"tracestate": "vendor=orphan"}
    )

    sent = upstream.last.headers
    assert sent["x-request-id"] == response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", sent["x-request-id"])
    match = TRACEPARENT.match(sent["traceparent"])
    assert match is not None
    assert match.group(1) != "0" * 32
    assert "tracestate" not in sent  # no trace to belong to: dropped with it


async def test_the_callers_request_id_and_trace_are_continued(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    trace_id, parent_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    response = await client.get(
        "/api/v1/welfare/children",
        headers={
            "X-Request-ID": "front-abc.123",
            "traceparent": f"00-{trace_id}-{parent_id}-01",
            "tracestate": "congo=t61rcWkgMzE",
        },
    )

    sent = upstream.last.headers
    assert sent["x-request-id"] == response.headers["x-request-id"] == "front-abc.123"
    match = TRACEPARENT.match(sent["traceparent"])
    assert match is not None
    assert match.group(1) == trace_id  # the same trace
    assert match.group(2) != parent_id  # the gateway's own span in it
    assert match.group(3) == "01"
    assert sent["tracestate"] == "congo=t61rcWkgMzE"


@pytest.mark.parametrize(
    "bad",
    [
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  # zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  # zero parent
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  # forbidden version
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  # upper case
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",  # v00 with more
        "garbage",
    ],
)
async def test_an_invalid_traceparent_starts_a_new_trace(
    client: httpx.AsyncClient, upstream: Upstream, bad: str
) -> None:
    await client.get(
        "/api/v1/governance/volunteers", headers={"traceparent": bad, "tracestate": "a=b"}
    )

    sent = upstream.last.headers
    match = TRACEPARENT.match(sent["traceparent"])
    assert match is not None
    assert match.group(1) not in bad.lower()
    assert "tracestate" not in sent


async def test_a_later_trace_context_version_is_read_by_its_prefix(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    await client.get(
        "/api/v1/governance/volunteers",
        headers={"traceparent": f"01-{trace_id}-00f067aa0ba902b7-01-future"},
    )

    match = TRACEPARENT.match(upstream.last.headers["traceparent"])
    assert match is not None
    assert match.group(1) == trace_id


# --- Streaming both ways --------------------------------------------------------------

CHUNK = 1024 * 1024
UPLOAD_CHUNKS = 56  # 56 MiB
LOCKSTEP_TIMEOUT_S = 10.0


async def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + LOCKSTEP_TIMEOUT_S
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0)


async def test_an_upload_is_streamed_to_the_service_not_held_by_the_gateway(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    received = [0]
    pieces = [0]

    async def read_as_it_comes(request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        async for piece in request.stream:
            received[0] += len(piece)
            pieces[0] += 1
        return httpx.Response(201, json={"bytes": received[0]})

    upstream.handler = read_as_it_comes
    sent = [0]

    async def upload() -> AsyncIterator[bytes]:
        for index in range(UPLOAD_CHUNKS):
            # The next megabyte only once the service has the previous one: a
            # gateway that read the whole body first would never get here.
            await _until(lambda: received[0] >= sent[0], f"chunk {index} not passed on")
            sent[0] += CHUNK
            yield bytes([index % 256]) * CHUNK

    response = await client.post(
        "/api/v1/assistance/households/import",
        content=upload(),
        headers={
            "Content-Type": "text/csv",
            "Content-Length": str(UPLOAD_CHUNKS * CHUNK),
            "Expect": "100-continue",
        },
    )

    assert response.status_code == 201
    assert response.json() == {"bytes": UPLOAD_CHUNKS * CHUNK}
    assert pieces[0] >= UPLOAD_CHUNKS
    assert upstream.last.headers["content-length"] == str(UPLOAD_CHUNKS * CHUNK)
    assert "expect" not in upstream.last.headers


async def test_a_chunked_upload_is_sent_on_chunked(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    async def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=await request.aread())

    upstream.handler = echo

    async def parts() -> AsyncIterator[bytes]:
        for part in (b"id,name\n", b"1,", b"\xe5\xbc\xa0\n"):
            yield part

    response = await client.post("/api/v1/welfare/imports", content=parts())

    assert response.content == "id,name\n1,张\n".encode()
    assert upstream.last.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in upstream.last.headers


class _Download(httpx.AsyncByteStream):
    """A service's export, producing each piece only once the caller got the one before."""

    def __init__(self, delivered: Callable[[], int], pieces: int) -> None:
        self._delivered = delivered
        self._pieces = pieces
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index in range(self._pieces):
            wanted = index * CHUNK
            await _until(lambda: self._delivered() >= wanted, f"piece {index} held back")  # noqa: B023
            yield b"x" * CHUNK

    async def aclose(self) -> None:
        self.closed = True


async def _call_asgi(
    app: FastAPI, path: bytes, on_send: Callable[[Message], None] | None = None
) -> list[Message]:
    """Call the app as a server would, with ``path`` as the raw request target."""
    sent: list[Message] = []
    never = asyncio.Event()
    requested = [False]

    async def receive() -> Message:
        if not requested[0]:
            requested[0] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await never.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if on_send is not None:
            on_send(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(path.decode()),
        "raw_path": path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"gateway.test")],
        "client": ("10.0.0.7", 50000),
        "server": ("gateway.test", 80),
    }
    await app(scope, receive, send)
    return sent


async def test_a_download_is_streamed_to_the_caller_as_it_comes(
    app: FastAPI, upstream: Upstream
) -> None:
    delivered = [0]
    pieces = 24
    download = _Download(lambda: delivered[0], pieces)

    async def export(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Type": "text/csv", "Content-Length": str(pieces * CHUNK)},
            stream=download,
        )

    upstream.handler = export

    def count(message: Message) -> None:
        if message["type"] == "http.response.body":
            delivered[0] += len(message.get("body", b""))

    messages = await _call_asgi(app, b"/api/v1/welfare/exports/elderly.csv", count)

    start = messages[0]
    assert start["type"] == "http.response.start"
    assert start["status"] == 200
    headers = dict(start["headers"])
    assert headers[b"content-length"] == str(pieces * CHUNK).encode()
    assert headers[b"content-type"] == b"text/csv"
    bodies = [m for m in messages if m["type"] == "http.response.body"]
    assert len(bodies) >= pieces  # piece by piece, not one block
    assert delivered[0] == pieces * CHUNK
    assert download.closed  # the connection went back to the pool


# --- Services down, unknown, unconfigured ---------------------------------------------


async def test_a_service_that_is_down_gives_503_naming_it(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    async def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    upstream.handler = down

    response = await client.get("/api/v1/welfare/elderly", headers={"X-Request-ID": "r-503"})

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    problem = response.json()
    assert problem["code"] == "GATEWAY_SERVICE_UNAVAILABLE"
    assert problem["service"] == "welfare"
    assert problem["failure"] == "unreachable"
    assert "特殊群体福利服务" in problem["detail"]
    assert problem["request_id"] == "r-503"
    assert problem["instance"] == "/api/v1/welfare/elderly"


@pytest.mark.parametrize(("method", "caution"), [("GET", False), ("POST", True), ("DELETE", True)])
async def test_a_service_that_does_not_answer_in_time_gives_503(
    client: httpx.AsyncClient, upstream: Upstream, method: str, caution: bool
) -> None:
    async def hangs(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    upstream.handler = hangs

    response = await client.request(method, "/api/v1/assistance/disbursement-runs", json={})

    assert response.status_code == 503
    problem = response.json()
    assert (problem["code"], problem["service"], problem["failure"]) == (
        "GATEWAY_SERVICE_UNAVAILABLE",
        "assistance",
        "timeout",
    )
    assert "社会救助服务" in problem["detail"]
    # A change may have been made before the answer was lost: the caller is told to look.
    assert ("可能已被处理" in problem["detail"]) is caution


async def test_a_service_without_a_url_gives_503_saying_what_to_set(
    app: FastAPI, client: httpx.AsyncClient, settings: ServiceSettings
) -> None:
    upstreams = Upstreams.from_settings(
        gateway_settings(settings, governance_url=None), transport=Upstream()
    )
    app.state.upstreams = upstreams
    try:
        response = await client.get("/api/v1/governance/divisions")
    finally:
        await upstreams.aclose()

    assert response.status_code == 503
    problem = response.json()
    assert (problem["service"], problem["failure"]) == ("governance", "not_configured")
    assert "基层治理服务" in problem["detail"]
    assert "GATEWAY_GOVERNANCE_URL" in problem["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/payments/households", "/api/v1/assistances/x", "/api/v1/welfarex/y"]
)
async def test_a_name_that_is_no_service_gives_404(
    client: httpx.AsyncClient, upstream: Upstream, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "ROUTE_NOT_FOUND"
    assert upstream.requests == []


async def test_the_gateways_own_routes_are_not_taken_by_the_proxy(
    client: httpx.AsyncClient, upstream: Upstream, tokens: Any
) -> None:
    response = await client.get("/api/v1/me", headers=tokens.headers("auditor"))

    assert response.status_code == 200
    assert upstream.requests == []


@pytest.mark.parametrize(
    "path",
    [
        b"/api/v1/assistance/../../internal/v1/stats",
        b"/api/v1/assistance/%2e%2e/%2E%2E/internal/v1/stats",
        b"/api/v1/welfare/a/./b",
        b"/api/v1/assist%61nce/households",
    ],
)
async def test_a_path_cannot_climb_out_of_the_public_api(
    app: FastAPI, upstream: Upstream, path: bytes
) -> None:
    messages = await _call_asgi(app, path)

    assert messages[0]["status"] == 404
    body = json.loads(b"".join(m.get("body", b"") for m in messages[1:]))
    assert body["code"] == "GATEWAY_PATH_INVALID"
    assert upstream.requests == []


# --- The merged OpenAPI document ------------------------------------------------------


def _service_document(title: str, tag: str, resource: str, schema: str) -> dict[str, Any]:
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    schema_ref = f"#/components/schemas/{schema}"
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": "0.1.0"},
        "paths": {
            "/healthz": {"get": {"operationId": "healthz", "responses": {}}},
            "/internal/v1/stats": {"get": {"operationId": "stats", "responses": {}}},
            f"/api/v1/{resource}": {
                "get": {
                    "tags": [tag],
                    "summary": "查询",
                    "operationId": f"list_{resource}",
                    "security": [{"HTTPBearer": []}],
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": f"#/components/schemas/Page_{schema}_"}
                                }
                            }
                        },
                        "404": {"content": {"application/json": {"schema": problem_ref}}},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Problem": {"type": "object", "title": f"Problem of {title}"},
                schema: {"type": "object", "properties": {"id": {"type": "string"}}},
                f"Page_{schema}_": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"$ref": schema_ref}}},
                },
            },
            "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
        },
    }


async def test_the_gateway_documents_all_four_apis(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    documents = {
        "assistance.internal": _service_document("救助", "家庭与成员", "households", "Household"),
        "governance.internal": _service_document("治理", "志愿服务", "volunteers", "Volunteer"),
    }

    async def serve_documents(request: httpx.Request) -> httpx.Response:
        if request.url.host == "welfare.internal":
            raise httpx.ConnectError("Connection refused", request=request)
        assert request.url.path == "/openapi.json"
        return httpx.Response(200, json=documents[request.url.host])

    upstream.handler = serve_documents

    response = await client.get("/openapi.json")
    again = await client.get("/openapi.json")

    assert response.status_code == 200
    merged = response.json()
    paths = merged["paths"]
    assert "/api/v1/me" in paths  # the gateway's own
    assert {p for p in paths if p != "/api/v1/me" and not p.startswith("/api/v1/auth")} >= {
        "/api/v1/assistance/households",
        "/api/v1/governance/volunteers",
    }
    assert not [p for p in paths if "internal" in p or (p.endswith("/healthz") and p != "/healthz")]
    households = paths["/api/v1/assistance/households"]["get"]
    assert households["tags"] == ["社会救助服务 · 家庭与成员"]
    assert households["operationId"] == "assistance__list_households"
    ok = households["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/assistance.Page_Household_"}
    schemas = merged["components"]["schemas"]
    page = schemas["assistance.Page_Household_"]
    assert page["properties"]["items"]["items"] == {
        "$ref": "#/components/schemas/assistance.Household"
    }
    # Each service's Problem under its own name, beside the gateway's.
    assert schemas["assistance.Problem"]["title"] == "Problem of 救助"
    assert schemas["governance.Problem"]["title"] == "Problem of 治理"
    assert "Problem" in schemas
    assert "HTTPBearer" in merged["components"]["securitySchemes"]
    tag_names = [tag["name"] for tag in merged["tags"]]
    assert "社会救助服务 · 家庭与成员" in tag_names
    assert "基层治理服务 · 志愿服务" in tag_names
    # The welfare service did not answer: said so, and nothing of it listed.
    assert merged["x-unavailable-services"] == ["welfare"]
    assert "特殊群体福利服务" in merged["info"]["description"]
    assert not [p for p in paths if p.startswith("/api/v1/welfare/")]
    # Fetched once per service for both requests (the cache), failures retried later.
    assert again.json() == merged
    assert sorted(r.url.host for r in upstream.requests) == [
        "assistance.internal",
        "governance.internal",
        "welfare.internal",
    ]


async def test_the_docs_page_reads_the_merged_document(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    docs = await client.get("/docs")

    assert docs.status_code == 200
    assert "/openapi.json" in docs.text


async def test_the_metrics_count_proxied_calls_by_service_not_by_path(
    client: httpx.AsyncClient, upstream: Upstream
) -> None:
    await client.get("/api/v1/welfare/elderly/1")
    await client.get("/api/v1/welfare/elderly/2")

    metrics = (await client.get("/metrics")).text
    assert re.search(
        r'http_requests_total\{method="GET",route="/api/v1/welfare/\{path\}",'
        r'service="gateway",status="200"\} 2\.0',
        metrics,
    )
