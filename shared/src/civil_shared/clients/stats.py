"""The services' ``/internal/v1/stats``, as the gateway (or anyone) asks it.

Each service answers one call with the year's figures and the year before's
(``previous``), so a comparison costs one aggregate pass per service, not two
calls. :data:`STATS_CONTRACTS` is the one place that says which contract each
service answers with; the services declare the same models as their response.
"""

from __future__ import annotations

from typing import Final

from civil_shared.contracts.assistance import AssistanceStats
from civil_shared.contracts.governance import GovernanceStats
from civil_shared.contracts.welfare import WelfareStats
from civil_shared.runtime.internal import InternalClient
from civil_shared.types import AreaCode

STATS_PATH: Final = "/internal/v1/stats"

#: One service's answer: the year's figures, and the year before's as ``previous``.
Stats = AssistanceStats | WelfareStats | GovernanceStats

#: The contract each service answers :data:`STATS_PATH` with.
STATS_CONTRACTS: Final[dict[str, type[Stats]]] = {
    "assistance": AssistanceStats,
    "welfare": WelfareStats,
    "governance": GovernanceStats,
}


class StatsClient(InternalClient):
    """An internal client that also reads the service's statistics into its contract."""

    async def stats(self, year: int, area_code: AreaCode | None) -> Stats:
        """``year``'s figures and (``.previous``) the year before's, of the city or
        ``area_code``."""
        params = {"year": str(year)}
        if area_code is not None:
            params["area_code"] = str(area_code)
        return await self.get(STATS_PATH, STATS_CONTRACTS[self.service], params=params)
