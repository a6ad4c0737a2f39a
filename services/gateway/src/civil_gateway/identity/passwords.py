"""Password and client-secret hashing (argon2id through pwdlib), and the password rules.

Hashing costs a fifth of a second of CPU and 64 MiB by design, so it runs in a
worker thread, never on the event loop, and in a pool of its own with one thread
per CPU: fifty people signing in at once then queue and each is done in a
fraction of a second, instead of fifty hashes sharing the CPUs (and 3 GiB) so
that none finishes before all do. Sign-ins take their turn at the pool through
:class:`HashingGate`, which refuses at once a sign-in whose wait would be hopeless.
A sign-in for a user name that does not exist still verifies against a dummy hash,
so the answer takes as long as for a real one and does not tell which names exist.
"""

from __future__ import annotations

import asyncio
import math
import os
import secrets
import weakref
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import ColumnElement, case
from sqlalchemy.orm import QueryableAttribute

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
#: Bytes of randomness in a client secret (43 characters of base64url).
CLIENT_SECRET_BYTES = 32

_hasher = PasswordHash((Argon2Hasher(),))
_THREADS = os.cpu_count() or 1
_hashing = ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="argon2")
_T = TypeVar("_T")


async def _in_hashing_pool(work: Callable[..., _T], *args: str) -> _T:
    return await asyncio.get_running_loop().run_in_executor(_hashing, work, *args)


_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str, username: str | None = None) -> str | None:
    """What is wrong with a new password (Chinese), or None when it may be used."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 个字符"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码最多 {MAX_PASSWORD_LENGTH} 个字符"
    if password.strip() != password:
        return "密码首尾不能是空格"
    if len(set(password)) < 3:
        return "密码不能只由一两个字符重复组成"
    if username and username.casefold() in password.casefold():
        return "密码不能包含用户名"
    return None


async def hash_secret(secret: str) -> str:
    """The argon2id hash of a password or client secret."""
    return await _in_hashing_pool(_hasher.hash, secret)


async def verify_secret(secret: str, hashed: str | None) -> tuple[bool, str | None]:
    """Whether ``secret`` matches ``hashed`` (None: no such account, checked anyway),
    and a new hash when the stored one was made with weaker parameters."""
    if hashed is None:
        await _in_hashing_pool(_hasher.verify, secret, _DUMMY_HASH)
        return False, None
    try:
        return await _in_hashing_pool(_hasher.verify_and_update, secret, hashed)
    except UnknownHashError:
        return False, None  # a hash of a scheme we do not know matches nothing


@dataclass(frozen=True)
class Rehash:
    """A stronger hash of a secret, to be stored only over the hash the secret was checked
    against: a secret changed meanwhile (or another sign-in's rehash) is never overwritten."""

    checked: str
    stronger: str

    def stored_over(
        self, column: ColumnElement[str] | QueryableAttribute[str]
    ) -> ColumnElement[str]:
        """The column's value in the sign-in's UPDATE: the stronger hash only where the
        column still holds the one checked (compare-and-set), else what it holds."""
        return case((column == self.checked, self.stronger), else_=column)


class HashingQueueFull(Exception):
    """No turn at the hashing pool in time: the queue ahead is too long, or was."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"no hashing turn; retry after {retry_after_s:.1f} s")
        self.retry_after_s = max(1, math.ceil(retry_after_s))


class Turn:
    """One turn at the hashing pool; ``hashed`` once a secret was checked in it."""

    hashed = False


class HashingGate:
    """Turns at the hashing pool, one per thread, in order of arrival (one gate per event loop).

    A turn covers one check of a password: the sign-in takes it before it reserves
    its attempt in the database, so attempts in flight (which the limits on
    failures count) are never more than the turns, and holds no database
    connection while it waits. A sign-in whose expected wait (the queue ahead
    times the recent length of a turn) is far longer than it may wait is refused
    at once rather than queued to time out, so a burst far beyond what the CPUs
    can check answers "retry after" instead of piling up requests; one still
    waiting at its deadline is refused then.
    """

    #: Weight of the newest turn in the running mean of a turn's length.
    SMOOTHING = 0.2
    #: A queue expected to take this many times the wait allowed is refused at once.
    HOPELESS = 2.0

    def __init__(self, turns: int, first_guess_s: float = 0.25) -> None:
        self.turns = turns
        self._free = asyncio.Semaphore(turns)
        self._waiting = 0
        self.turn_s = first_guess_s

    def expected_wait_s(self) -> float:
        if not self._free.locked():
            return 0.0
        return (self._waiting // self.turns + 1) * self.turn_s

    @asynccontextmanager
    async def turn(self, deadline: float) -> AsyncIterator[Turn]:
        """A turn, waited for until ``deadline`` (the loop's clock); else HashingQueueFull."""
        loop = asyncio.get_running_loop()
        expected = self.expected_wait_s()
        # The length of a turn varies with the machine's load (a fifth of a second
        # idle, seconds on a busy one), so only a queue clearly too long is refused
        # unwaited; a doubtful one waits, up to the deadline.
        if expected > self.HOPELESS * (deadline - loop.time()):
            raise HashingQueueFull(expected)
        self._waiting += 1
        try:
            async with asyncio.timeout_at(deadline):
                await self._free.acquire()
        except TimeoutError:
            raise HashingQueueFull(self.expected_wait_s()) from None
        finally:
            self._waiting -= 1
        started = loop.time()
        turn = Turn()
        try:
            yield turn
        finally:
            self._free.release()
            if turn.hashed:  # a turn refused before its check says nothing of their length
                self.turn_s += self.SMOOTHING * (loop.time() - started - self.turn_s)


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, HashingGate] = (
    weakref.WeakKeyDictionary()
)


def hashing_gate() -> HashingGate:
    """The running event loop's gate (an asyncio semaphore belongs to one loop)."""
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = HashingGate(_THREADS)
    return gate


def new_client_secret() -> str:
    """A client secret: random, URL-safe, shown once and stored only as a hash."""
    return secrets.token_urlsafe(CLIENT_SECRET_BYTES)
