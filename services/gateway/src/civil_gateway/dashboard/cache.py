"""A short-lived cache of the services' statistics, emptied by the services' writes.

An entry is one service's statistics of one year and area (with the year before's,
which come in the same answer). It is served while
younger than ``GATEWAY_DASHBOARD_CACHE_TTL_S``, and dropped as soon as the
gateway forwards a write to that service that succeeds (the proxy tells it, see
:mod:`civil_gateway.routing.writes`); writes that do not pass through the gateway
(another service's internal call, a script) are caught by the age limit.

Callers asking for the same entry at the same time share one call to the service
(the call runs on its own, so a caller that stops waiting at its deadline does
not cancel it for the others, and a slow service is not asked again by every
request meanwhile). A call started before a write is neither kept nor joined
after it: each service's entries carry a generation, counted up by every write.
With a TTL of 0 nothing is kept or shared: every request asks the services.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from civil_shared.clients.stats import Stats, StatsClient
from civil_shared.types import AreaCode

#: (service, year, area or None for the city)
CacheKey = tuple[str, int, AreaCode | None]


@dataclass(slots=True)
class _Entry:
    stats: Stats
    stored_at: float


@dataclass
class StatsCache:
    ttl_s: float
    clock: Callable[[], float] = time.monotonic
    _entries: dict[CacheKey, _Entry] = field(default_factory=dict)
    _calls: dict[CacheKey, asyncio.Task[Stats]] = field(default_factory=dict)
    _generations: dict[str, int] = field(default_factory=dict)

    async def stats(self, client: StatsClient, year: int, area: AreaCode | None) -> Stats:
        """The statistics, from the cache while fresh, else from the service."""
        if self.ttl_s <= 0:
            return await client.stats(year, area)
        key: CacheKey = (client.service, year, area)
        entry = self._entries.get(key)
        if entry is not None:
            if self.clock() - entry.stored_at < self.ttl_s:
                return entry.stats
            del self._entries[key]
        call = self._calls.get(key)
        if call is None:
            call = asyncio.create_task(self._call(client, key))
            self._calls[key] = call
            call.add_done_callback(lambda done: self._ended(key, done))
        # Shielded: one caller's deadline must not cancel the call the others wait for.
        return await asyncio.shield(call)

    async def _call(self, client: StatsClient, key: CacheKey) -> Stats:
        service, year, area = key
        generation = self._generations.get(service, 0)
        stats = await client.stats(year, area)
        if self._generations.get(service, 0) == generation:
            self._entries[key] = _Entry(stats, self.clock())
        return stats

    def _ended(self, key: CacheKey, call: asyncio.Task[Stats]) -> None:
        if self._calls.get(key) is call:
            del self._calls[key]
        if not call.cancelled():
            call.exception()  # retrieved here: every caller may have stopped waiting

    def invalidate(self, service: str) -> None:
        """Forget ``service``'s statistics: it has just been written to."""
        self._generations[service] = self._generations.get(service, 0) + 1
        for key in [key for key in self._entries if key[0] == service]:
            del self._entries[key]
        for key in [key for key in self._calls if key[0] == service]:
            del self._calls[key]  # still running for its callers; joined by nobody new

    def __len__(self) -> int:
        return len(self._entries)
