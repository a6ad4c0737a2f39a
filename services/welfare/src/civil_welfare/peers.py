"""The welfare service's clients of other services, opened with the app and closed with it.

The assistance service says whether a person is in dibao or tekun. When it
cannot say (unreachable, too slow, failing, or not configured), a decision that
depends on it is refused with a 503 problem ``WELFARE_ASSISTANCE_UNAVAILABLE``:
a subsidy is never granted or refused on a guess.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from civil_shared.clients.assistance import SERVICE, AssistanceClient
from civil_shared.contracts.assistance import PersonStatus
from civil_shared.errors import ServiceUnavailable
from civil_shared.runtime.internal import InternalFailure, InternalServiceError
from civil_shared.types import IdNumber
from civil_welfare.config import WelfareSettings

UNAVAILABLE = "WELFARE_ASSISTANCE_UNAVAILABLE"
_CANNOT_DECIDE = "无法核实其低保、特困状态，本次不作决定"

_LATER = "请稍后重试"
_ADMIN = "请联系系统管理员"
_DETAILS: dict[InternalFailure, str] = {
    InternalFailure.NOT_CONFIGURED: f"福利服务未配置访问救助服务的令牌，{_CANNOT_DECIDE}，{_ADMIN}",
    InternalFailure.UNREACHABLE: f"无法连接救助服务，{_CANNOT_DECIDE}，{_LATER}",
    InternalFailure.TIMEOUT: f"救助服务响应超时，{_CANNOT_DECIDE}，{_LATER}",
    InternalFailure.SERVER_ERROR: f"救助服务暂时出错，{_CANNOT_DECIDE}，{_LATER}",
    InternalFailure.REJECTED: f"救助服务拒绝了福利服务的查询，{_CANNOT_DECIDE}，{_ADMIN}",
    InternalFailure.BAD_ANSWER: f"救助服务的答复无法识别，{_CANNOT_DECIDE}，{_ADMIN}",
}
#: Failures that may pass by themselves: the client is told when to try again.
_TRANSIENT = {InternalFailure.UNREACHABLE, InternalFailure.TIMEOUT, InternalFailure.SERVER_ERROR}
RETRY_AFTER_S = 30


@asynccontextmanager
async def peer_clients(app: FastAPI) -> AsyncIterator[None]:
    """Open the assistance client when its URL is configured (a token must be too)."""
    settings: WelfareSettings = app.state.settings
    if settings.assistance_url is None or getattr(app.state, "assistance", None) is not None:
        yield
        return
    client = AssistanceClient.create(SERVICE, settings.assistance_url, settings)
    app.state.assistance = client
    try:
        yield
    finally:
        app.state.assistance = None
        await client.aclose()


def get_assistance(request: Request) -> AssistanceClient | None:
    client = getattr(request.app.state, "assistance", None)
    return client if isinstance(client, AssistanceClient) else None


Assistance = Annotated[AssistanceClient | None, Depends(get_assistance)]


async def assistance_status(
    client: AssistanceClient | None, id_number: IdNumber, on: date
) -> PersonStatus:
    """The person's dibao / tekun status on ``on``, or a 503 problem (never a guess)."""
    if client is None:
        raise _not_configured()
    try:
        return await client.person_status(id_number, on)
    except InternalServiceError as exc:
        raise _unavailable(exc) from exc


async def assistance_statuses(
    client: AssistanceClient | None, id_numbers: list[IdNumber], on: date
) -> dict[str, PersonStatus]:
    """Many persons' status on ``on`` in one call, by ID number; a 503 problem when
    assistance cannot answer for all of them (a file is never decided in part)."""
    if client is None:
        raise _not_configured()
    try:
        return await client.person_statuses(id_numbers, on)
    except InternalServiceError as exc:
        raise _unavailable(exc) from exc


def _not_configured() -> ServiceUnavailable:
    return ServiceUnavailable(
        f"福利服务未配置救助服务地址，{_CANNOT_DECIDE}，{_ADMIN}",
        code=UNAVAILABLE,
        failure=InternalFailure.NOT_CONFIGURED.value,
    )


def _unavailable(exc: InternalServiceError) -> ServiceUnavailable:
    headers = {"Retry-After": str(RETRY_AFTER_S)} if exc.failure in _TRANSIENT else None
    return ServiceUnavailable(
        _DETAILS[exc.failure], code=UNAVAILABLE, headers=headers, failure=exc.failure.value
    )
