"""The assistance service's internal API, as the other services call it."""

from __future__ import annotations

from datetime import date

from civil_shared.contracts.assistance import PersonStatus
from civil_shared.contracts.person_statuses import PersonStatuses, PersonStatusQuery
from civil_shared.runtime.internal import InternalClient, InternalFailure, InternalServiceError
from civil_shared.types import IdNumber

#: How other services name the assistance service in their settings and errors.
SERVICE = "assistance"
#: Read time allowed per thousand persons asked about at once, over the usual timeout
#: (assistance answers a township's few hundred in well under a second).
BATCH_SECONDS_PER_THOUSAND = 2.0


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

    async def person_statuses(
        self, id_numbers: list[IdNumber], on: date
    ) -> dict[str, PersonStatus]:
        """:meth:`person_status` of many persons in one call, by ID number.

        :class:`InternalServiceError` when assistance gives no usable answer, or one
        that misses somebody asked about or names somebody not asked about.
        """
        read = self._http.timeout.read or 0.0
        answer = await self.query(
            "/internal/v1/persons/statuses",
            PersonStatusQuery(on=on, id_numbers=id_numbers),
            PersonStatuses,
            timeout_s=read + BATCH_SECONDS_PER_THOUSAND * len(id_numbers) / 1000,
        )
        statuses = {str(s.id_number): s for s in answer.statuses}
        if set(statuses) != {str(i) for i in id_numbers} or len(answer.statuses) != len(statuses):
            raise InternalServiceError(
                self.service, InternalFailure.BAD_ANSWER, "the answer is not about those asked"
            )
        return statuses
