"""The internal client: token, timeouts, retries and typed answers, stubbed at the HTTP layer."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from civil_shared.clients.assistance import AssistanceClient
from civil_shared.runtime.internal import (
    CallingServiceSettings,
    InternalClient,
    InternalFailure,
    InternalServiceError,
    RetryPolicy,
    ServiceTokenMissing,
)
from civil_shared.testing.factories import make_id_number

FAST = RetryPolicy(attempts=3, budget_s=5, wait_initial_s=0.001, wait_max_s=0.001, wait_jitter_s=0)
Handler = Callable[[httpx.Request], httpx.Response]


class Answer(BaseModel):
    value: int


def settings(**overrides: object) -> CallingServiceSettings:
    values: dict[str, object] = {"service_token": "token-1", **overrides}
    return CallingServiceSettings.model_validate(values)


def client_with(handler: Handler, **overrides: object) -> InternalClient:
    return InternalClient.create(
        "peer",
        "http://peer.test",
        settings(**overrides),
        transport=httpx.MockTransport(handler),
        retry=FAST,
    )


class Calls:
    """A stub of the peer that answers from a list, one answer per request, and counts."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


async def failure_of(client: InternalClient) -> InternalServiceError:
    with pytest.raises(InternalServiceError) as caught:
        await client.get("/internal/v1/x", Answer)
    return caught.value


async def test_the_answer_is_read_into_the_contract_with_the_token_sent() -> None:
    calls = Calls(httpx.Response(200, json={"value": 7}))
    async with client_with(calls) as client:
        answer = await client.get("/internal/v1/x", Answer, params={"on": "2020-07-01"})
    assert answer == Answer(value=7)
    request = calls.requests[0]
    assert request.headers["Authorization"] == "Bearer token-1"
    assert request.url == "http://peer.test/internal/v1/x?on=2020-07-01"


async def test_a_5xx_is_retried_and_a_later_answer_used() -> None:
    calls = Calls(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={"value": 1}))
    async with client_with(calls) as client:
        assert (await client.get("/internal/v1/x", Answer)).value == 1
    assert len(calls.requests) == 3


async def test_a_5xx_after_every_attempt_is_a_server_error() -> None:
    calls = Calls(httpx.Response(500, json={"code": "INTERNAL_ERROR"}))
    async with client_with(calls) as client:
        failure = await failure_of(client)
    assert (failure.failure, failure.status, failure.problem_code) == (
        InternalFailure.SERVER_ERROR,
        500,
        "INTERNAL_ERROR",
    )
    assert len(calls.requests) == FAST.attempts


async def test_connection_errors_are_retried_then_reported_unreachable() -> None:
    calls = Calls(httpx.ConnectError("refused"))
    async with client_with(calls) as client:
        failure = await failure_of(client)
    assert failure.failure is InternalFailure.UNREACHABLE
    assert len(calls.requests) == FAST.attempts


async def test_a_connection_error_then_an_answer() -> None:
    calls = Calls(httpx.ConnectError("refused"), httpx.Response(200, json={"value": 2}))
    async with client_with(calls) as client:
        assert (await client.get("/internal/v1/x", Answer)).value == 2


async def test_a_read_timeout_is_reported_as_a_timeout() -> None:
    calls = Calls(httpx.ReadTimeout("slow"))
    async with client_with(calls) as client:
        failure = await failure_of(client)
    assert failure.failure is InternalFailure.TIMEOUT
    assert len(calls.requests) == FAST.attempts


@pytest.fixture
async def silent_server() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never answers."""

    done = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await done.wait()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        done.set()
        server.close()
        await server.wait_closed()


async def test_the_configured_read_timeout_is_enforced(silent_server: str) -> None:
    one_attempt = RetryPolicy(attempts=1, budget_s=5)
    client = InternalClient.create(
        "peer", silent_server, settings(internal_timeout_s=0.2), retry=one_attempt
    )
    started = asyncio.get_running_loop().time()
    async with client:
        failure = await failure_of(client)
    assert failure.failure is InternalFailure.TIMEOUT
    assert asyncio.get_running_loop().time() - started < 2


async def test_a_4xx_is_not_retried() -> None:
    calls = Calls(httpx.Response(403, json={"code": "AUTH_INTERNAL_ONLY", "detail": "x"}))
    async with client_with(calls) as client:
        failure = await failure_of(client)
    assert (failure.failure, failure.status, failure.problem_code) == (
        InternalFailure.REJECTED,
        403,
        "AUTH_INTERNAL_ONLY",
    )
    assert len(calls.requests) == 1


async def test_an_answer_of_the_wrong_shape_is_a_bad_answer() -> None:
    calls = Calls(httpx.Response(200, json={"value": "many"}))
    async with client_with(calls) as client:
        assert (await failure_of(client)).failure is InternalFailure.BAD_ANSWER


async def test_a_rotated_token_file_is_picked_up_without_a_restart(tmp_path: Path) -> None:
    token_file = tmp_path / "service.jwt"
    token_file.write_text("first\n")
    calls = Calls(httpx.Response(200, json={"value": 1}))
    async with client_with(calls, service_token=None, service_token_file=token_file) as client:
        await client.get("/internal/v1/x", Answer)
        token_file.write_text("second-token\n")
        await client.get("/internal/v1/x", Answer)
    assert [r.headers["Authorization"] for r in calls.requests] == [
        "Bearer first",
        "Bearer second-token",
    ]


def test_a_service_without_a_token_fails_when_its_client_is_made(tmp_path: Path) -> None:
    with pytest.raises(ServiceTokenMissing):
        InternalClient.create("peer", "http://peer.test", settings(service_token=None))
    with pytest.raises(ServiceTokenMissing):
        InternalClient.create(
            "peer",
            "http://peer.test",
            settings(service_token=None, service_token_file=tmp_path / "missing.jwt"),
        )


def status_answer(id_number: str, **changes: object) -> dict[str, object]:
    return {
        "id_number": id_number,
        "enrolments": [],
        "in_dibao": False,
        "in_tekun": False,
        "household_id": None,
        "household_edge_of_dibao": None,
        "checked_on": "2020-07-01",
        **changes,
    }


async def test_assistance_person_status_is_typed() -> None:
    number = make_id_number()
    calls = Calls(httpx.Response(200, json=status_answer(str(number), in_dibao=True)))
    client = AssistanceClient.create(
        "assistance",
        "http://assistance.test",
        settings(),
        transport=httpx.MockTransport(calls),
        retry=FAST,
    )
    async with client:
        status = await client.person_status(number, date(2020, 7, 1))
    assert status.in_dibao is True
    assert calls.requests[0].url.path == f"/internal/v1/persons/{number}/status"
    assert calls.requests[0].url.params["on"] == "2020-07-01"


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param("other", id="another person"),
        pytest.param("masked", id="masked id number (token without pii:read)"),
    ],
)
async def test_assistance_answer_about_someone_else_is_not_taken(answer: str) -> None:
    number = make_id_number()
    named = str(make_id_number()) if answer == "other" else number.masked
    calls = Calls(httpx.Response(200, content=json.dumps(status_answer(named)).encode()))
    client = AssistanceClient.create(
        "assistance",
        "http://assistance.test",
        settings(),
        transport=httpx.MockTransport(calls),
        retry=FAST,
    )
    async with client:
        with pytest.raises(InternalServiceError) as caught:
            await client.person_status(number, date(2020, 7, 1))
    assert caught.value.failure is InternalFailure.BAD_ANSWER
