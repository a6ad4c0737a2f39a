"""Everyday writes through the gateway, each one new, for the fault tests and the load test.

A household registered (assistance), a disabled person registered (welfare), a
boundary-training batch recorded (governance): each body is accepted on an empty
database and never collides with another of the same run, because every person
gets an ID number of their own. :data:`TABLES` says where each lands, so a test
can count the rows an acknowledged write left behind.
"""

from __future__ import annotations

import itertools
import random
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from civil_shared.types import IdNumber, id_check_char

VILLAGE: Final = "429006100201"
TOWNSHIP: Final = "429006100"
_BORN_FROM: Final = date(1940, 1, 1)
_BORN_DAYS: Final = (date(2004, 12, 31) - _BORN_FROM).days
#: ID numbers per birth date: two sequence digits and five sex digits.
_PER_DAY: Final = 500

#: (service, table) each kind of write adds one row to.
TABLES: Final = {
    "assistance": "household",
    "welfare": "disabled_person",
    "governance": "boundary_training",
}


@dataclass(frozen=True)
class Write:
    service: str
    path: str  # through the gateway
    body: dict[str, Any]


class NewRecords:
    """Bodies of new records; thread-safe, each ID number used once per instance.

    The numbers start at a random place, so a run against a platform that already
    holds an earlier run's records is unlikely to meet one of them.
    """

    def __init__(self, seed: int | None = None) -> None:
        start = random.Random(seed).randrange(_BORN_DAYS * _PER_DAY)  # noqa: S311 - test data
        self._numbers = itertools.count(start)
        self._batches = itertools.count(start)
        self._lock = threading.Lock()

    def id_number(self) -> str:
        with self._lock:
            n = next(self._numbers) % (_BORN_DAYS * _PER_DAY)
        born = _BORN_FROM + timedelta(days=n // _PER_DAY)
        sequence, sex = divmod(n % _PER_DAY, 5)
        first17 = f"429006{born:%Y%m%d}{sequence:02d}{'13579'[sex]}"
        return str(IdNumber(first17 + id_check_char(first17)))

    def household(self) -> Write:
        return Write(
            "assistance",
            "/api/v1/assistance/households",
            {
                "area_code": VILLAGE,
                "address": "多宝镇某村3组",
                "residence_type": "rural",
                "income_stability": "stable",
                "members": [
                    {
                        "id_number": self.id_number(),
                        "name": "张户主",
                        "relation": "head",
                        "employment_status": "unemployed",
                    },
                    {
                        "id_number": self.id_number(),
                        "name": "李配偶",
                        "relation": "spouse",
                        "employment_status": "employed",
                    },
                ],
            },
        )

    def disabled_person(self) -> Write:
        id_number = self.id_number()
        return Write(
            "welfare",
            "/api/v1/welfare/disabled-persons",
            {
                "id_number": id_number,
                "name": "王残",
                "area_code": VILLAGE,
                "certificate_number": f"{id_number}41",
                "category": "physical",
                "grade": 1,
                "care_need_since": "2019-01-01",
            },
        )

    def training(self) -> Write:
        with self._lock:
            batch = next(self._batches)
        return Write(
            "governance",
            "/api/v1/governance/boundary-trainings",
            {
                "held_date": "2020-09-10",
                "place": "市民政局三楼会议室",
                "topic": f"乡镇界线联检实务（第{batch}期）",  # one batch per date, place and topic
                "participants": 30,
                "township_codes": [TOWNSHIP],
            },
        )

    def of(self, service: str) -> Write:
        """A new record of ``service``."""
        return {
            "assistance": self.household,
            "welfare": self.disabled_person,
            "governance": self.training,
        }[service]()


__all__ = ["TABLES", "TOWNSHIP", "VILLAGE", "NewRecords", "Write"]
