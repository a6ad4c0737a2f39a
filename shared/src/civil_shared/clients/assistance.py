"""The assistance service's internal API, as the other services call it."""

from __future__ import annotations

from datetime import date

from civil_shared.contracts.assistance import PersonStatus
from civil_shared.runtime.internal import InternalClient, InternalFailure, InternalServiceError
from civil_shared.types import IdNumber

#: How other services name the assistance service in their settings and errors.
SERVICE = "assistance"


class AssistanceClient(InternalClient):
    """``GET /internal/v1/persons/{id_number}/status`` and whatever follows it."""

    async def person_status(self, id_number: IdNumber, on: date) -> PersonStatus:
        """Whether the person is in dibao or tekun (and the household edge-of-dibao) on ``on``.

        :class:`InternalServiceError` when assistance gives no usable answer,
        including one about somebody else (a mix-up is never taken as an answer).
        """
        status = await self.get(
            f"/internal/v1/persons/{id_number}/status",
            PersonStatus,
            params={"on": on.isoformat()},
        )
        if str(status.id_number) != str(id_number):
            raise InternalServiceError(
                self.service, InternalFailure.BAD_ANSWER, "the answer names another person"
            )
        return status
