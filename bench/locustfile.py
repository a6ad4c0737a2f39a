"""What one member of staff does through the gateway, for ``make load`` (bench/load.py).

Each simulated user signs in with a password, then keeps working without pause
(a closed loop: the concurrency is the number of users): mostly reading
households (a page, a search by name, one household), sometimes registering
one, and looking at the assistance standards, welfare and governance lists and,
when the gateway has it, the dashboard.

Read from the environment: ``LOAD_USERNAME`` (names of city officers,
comma-separated, one per user in turn), ``LOAD_PASSWORD``, ``LOAD_DASHBOARD``
(1 when ``/api/v1/dashboard`` exists) and ``LOAD_SAMPLES``: a file every
request's name, time (ms) and outcome is written to at the end, so the driver
computes exact percentiles of its own (locust's are rounded) with and without
the sign-ins.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events, task

from civil_cli.traffic import NewRecords

RECORDS = NewRecords()
#: Each simulated user signs in as the next account (LOAD_USERNAME: names, comma-separated).
ACCOUNTS = itertools.cycle(os.environ.get("LOAD_USERNAME", "").split(","))
DASHBOARD = os.environ.get("LOAD_DASHBOARD") == "1"
SIGN_IN = "POST /api/v1/auth/token (sign in)"
_samples: list[tuple[str, float, bool]] = []


def _record(name: str, response_time: float, exception: object, **_: Any) -> None:
    _samples.append((name, response_time, exception is None))


def _write(**_: Any) -> None:
    path = os.environ.get("LOAD_SAMPLES")
    if path:
        Path(path).write_text(json.dumps(_samples), encoding="utf-8")


events.request.add_listener(_record)  # type: ignore[no-untyped-call]  # locust: untyped
events.quitting.add_listener(_write)  # type: ignore[no-untyped-call]


class Officer(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        response = self.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "password",
                "username": next(ACCOUNTS),
                "password": os.environ["LOAD_PASSWORD"],
            },
            name=SIGN_IN,
        )
        token = response.json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.household_ids: list[str] = []
        self.list_households()

    def _get(self, path: str, name: str, **params: Any) -> Any:
        with self.client.get(
            path, params=params, headers=self.headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.text[:200]}")
                return None
            return response.json()

    @task(6)
    def list_households(self) -> None:
        page = self._get(
            "/api/v1/assistance/households",
            "GET /households?limit=20&offset=",
            limit=20,
            offset=random.choice((0, 20, 40)),  # noqa: S311 - load, not secrets
        )
        if page:
            self.household_ids = [item["id"] for item in page["items"]] or self.household_ids

    @task(3)
    def search_households(self) -> None:
        self._get(
            "/api/v1/assistance/households", "GET /households?q=张&limit=20", q="张", limit=20
        )

    @task(6)
    def read_household(self) -> None:
        if self.household_ids:
            household = random.choice(self.household_ids)  # noqa: S311
            self._get(f"/api/v1/assistance/households/{household}", "GET /households/{id}")

    @task(2)
    def create_household(self) -> None:
        write = RECORDS.household()
        with self.client.post(
            write.path,
            json=write.body,
            headers=self.headers,
            name="POST /households",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code} {response.text[:200]}")
            else:
                self.household_ids.append(response.json()["id"])

    @task(2)
    def standards(self) -> None:
        self._get("/api/v1/assistance/standards", "GET /standards?year=2020", year=2020)

    @task(2)
    def disabled_persons(self) -> None:
        self._get("/api/v1/welfare/disabled-persons", "GET /welfare/disabled-persons", limit=20)

    @task(1)
    def left_behind_elderly(self) -> None:
        self._get("/api/v1/welfare/left-behind-elderly", "GET /welfare/left-behind-elderly")

    @task(1)
    def trainings(self) -> None:
        self._get("/api/v1/governance/boundary-trainings", "GET /governance/boundary-trainings")

    @task(1)
    def volunteers(self) -> None:
        self._get("/api/v1/governance/volunteers", "GET /governance/volunteers", limit=20)

    @task(1)
    def dashboard(self) -> None:
        if DASHBOARD:
            self._get("/api/v1/dashboard", "GET /dashboard?year=2020", year=2020)
