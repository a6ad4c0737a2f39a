"""Checking the next chunk of a file while the database takes the previous one.

A large import is bound by two things that can run at once: the service's CPU
(reading and checking rows) and the database's (COPY, indexes, constraints).
:func:`overlapped` runs the checking of chunk k+1 in a worker thread while the
event loop writes chunk k.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def overlapped(
    produce: Callable[[], T | None], consume: Callable[[T], Awaitable[None]]
) -> None:
    """``consume`` each chunk ``produce`` makes, making the next one meanwhile.

    ``produce`` runs in a worker thread, one call at a time, and returns None
    after the last chunk; it must not share mutable state with ``consume``
    (they run at the same time). If ``consume`` raises, the chunk being made is
    finished and dropped.
    """
    pending = asyncio.ensure_future(asyncio.to_thread(produce))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(asyncio.to_thread(produce))
            await consume(chunk)
    finally:
        pending.cancel()
