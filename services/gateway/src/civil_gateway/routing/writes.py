"""Who wants to know that a service was written to through the gateway.

The proxy sees every call that may change a service's data (any method but
GET, HEAD and OPTIONS); when the service answers it with success, the
listeners are told the service's name (the dashboard drops its cached figures
of that service). A listener is called synchronously and must be quick.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from fastapi import FastAPI

WriteListener = Callable[[str], None]

#: Methods that change nothing; the rest may write.
READ_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


def add_write_listener(app: FastAPI, listener: WriteListener) -> None:
    listeners: list[WriteListener] = getattr(app.state, "write_listeners", [])
    app.state.write_listeners = [*listeners, listener]


def written(app: FastAPI, method: str, status: int, service: str) -> None:
    """Tell the listeners when ``method`` answered with ``status`` wrote to ``service``."""
    if method in READ_METHODS or status >= 400:
        return
    for listener in getattr(app.state, "write_listeners", ()):
        listener(service)
