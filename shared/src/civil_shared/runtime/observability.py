"""Request ids, structured JSON logs and Prometheus metrics for every request.

One pure ASGI middleware does all three, so streaming bodies pass through
untouched and each request is timed exactly once.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civil_shared.types import mask_ids_in, pii_revealed

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")

log = structlog.get_logger("civil.access")


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Structured logs to stdout: JSON in production, readable in a terminal."""
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer()
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # No file given: each line goes to the sys.stdout of its moment (tests capture it).
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )
    # uvicorn's and SQLAlchemy's stdlib loggers go through the same renderer.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # our access line replaces it
    # httpx logs every request's full URL at INFO, ID numbers included.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class Metrics:
    """The HTTP metrics of one app, in a registry of its own."""

    def __init__(self, service: str) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "HTTP requests by route and status",
            ["service", "method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            ["service", "method", "route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.service = service


def _route_of(scope: Scope) -> str:
    # The template, not the raw path: one series per route, whatever the ids.
    route = scope.get("route")
    if route is None and "endpoint" in scope:
        # Plain Starlette routes (/docs, /openapi.json) do not record themselves.
        route = next(
            (r for r in scope["app"].router.routes if r.matches(scope)[0] is Match.FULL), None
        )
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(path) if path else "unmatched"


class RequestContextMiddleware:
    """Assigns the request id, logs one access line and records metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        pii_token = pii_revealed.set(False)
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                pii_revealed.reset(pii_token)
                elapsed = time.perf_counter() - started
                route = _route_of(scope)
                method = scope["method"]
                self.metrics.requests.labels(self.metrics.service, method, route, str(status)).inc()
                self.metrics.latency.labels(self.metrics.service, method, route).observe(elapsed)
                if route not in ("/healthz", "/readyz", "/metrics"):
                    principal = scope["state"].get("principal")
                    log.info(
                        "request",
                        method=method,
                        # Paths such as /persons/{id}/status carry ID numbers.
                        path=mask_ids_in(scope["path"]),
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 1),
                        actor=getattr(principal, "sub", None),
                    )
