"""What a request may be before any route sees it: its body's size and media type,
and no NUL character (PostgreSQL text cannot hold U+0000) in its path, query or JSON.

Imports (multipart uploads) have their own, larger limits, enforced by each
import while the file arrives (:mod:`civil_shared.runtime.imports.reading`).
"""

from __future__ import annotations

import json
from typing import Final

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civil_shared.errors import AppError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from civil_shared.runtime.problems import problem_response

_FORMS: Final = ("multipart/form-data", "application/x-www-form-urlencoded")
#: Files: streamed on, never held here; an import judges them (and its own limit).
_FILES: Final = (
    "multipart/form-data",
    "text/csv",
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
)


def _media_type(headers: dict[bytes, bytes]) -> str:
    raw = headers.get(b"content-type", b"").decode("latin-1")
    return raw.split(";", 1)[0].strip().lower()


def _accepted(media_type: str) -> bool:
    # No Content-Type is read as JSON (what FastAPI does); the rest must say JSON or a form.
    return (
        not media_type
        or media_type == "application/json"
        or media_type.endswith("+json")
        or media_type in _FORMS
        or media_type in _FILES
    )


class BodyLimitMiddleware:
    """413 above ``max_body_bytes`` (JSON and forms), 415 for a body of another media type.

    A JSON body is read whole before the route runs (FastAPI does the same), so
    it is counted as it arrives and a chunked body without Content-Length is
    refused as soon as it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope["path"]) or b"%00" in scope["query_string"].lower():
            await self._refuse(scope, send, _nul())
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        media_type = _media_type(headers)
        declared_raw = headers.get(b"content-length", b"").decode("latin-1")
        declared = int(declared_raw) if declared_raw.isdigit() else None
        has_body = (declared is None and b"transfer-encoding" in headers) or bool(declared)
        if has_body and not _accepted(media_type):
            await self._refuse(scope, send, self._unsupported(media_type))
            return
        if media_type in _FILES:
            # An upload's limit is its import's (50 MB by default, larger for some
            # registers), enforced while the file arrives; see imports.reading.
            await self.app(scope, receive, send)
            return
        if declared is not None and declared > self.max_body_bytes:
            await self._refuse(scope, send, self._too_large(self.max_body_bytes))
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                # The client went away: the app sees the disconnect as it would have.
                await self.app(scope, _replay([message], receive), send)
                return
            body += message.get("body", b"")
            if len(body) > self.max_body_bytes:
                await self._refuse(scope, send, self._too_large(self.max_body_bytes))
                return
            if not message.get("more_body", False):
                break
        nul = (
            b"%00" in body.lower()
            if media_type == "application/x-www-form-urlencoded"
            else b"\\u0000" in body and _json_has_nul(bytes(body))
        )
        if nul:
            await self._refuse(scope, send, _nul())
            return
        replayed: Message = {"type": "http.request", "body": bytes(body), "more_body": False}
        await self.app(scope, _replay([replayed], receive), send)

    @staticmethod
    def _too_large(limit: int) -> PayloadTooLarge:
        size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        return PayloadTooLarge(f"请求内容不能超过 {size}", max_bytes=limit)

    @staticmethod
    def _unsupported(media_type: str) -> UnsupportedMediaType:
        return UnsupportedMediaType(
            f"不支持的内容类型 {media_type}："
            "请以 application/json 提交，文件以 multipart/form-data 上传"
        )

    @staticmethod
    async def _refuse(scope: Scope, send: Send, error: AppError) -> None:
        response = problem_response(Request(scope), error)
        await response(scope, _nothing, send)


def _has_nul(text: str) -> bool:
    return "\x00" in text


def _json_has_nul(body: bytes) -> bool:
    """Whether a JSON body holds U+0000 in a string, not merely an escaped backslash."""
    try:
        document = json.loads(body)
    except ValueError:
        return False  # the route's own validation says what is wrong with it
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _nul() -> Unprocessable:
    # PostgreSQL text cannot hold U+0000: refused here rather than failing in the database.
    return Unprocessable("请求内容含有空字符（U+0000），请删除后重试", code="NUL_CHARACTER")


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
