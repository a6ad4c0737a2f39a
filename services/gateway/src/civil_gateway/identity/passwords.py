"""Password and client-secret hashing (argon2id through pwdlib), and the password rules.

Hashing costs tens of milliseconds of CPU and 64 MiB by design, so it runs in a
worker thread, never on the event loop, and in a pool of its own with one thread
per CPU: fifty people signing in at once then queue and each is done in a
fraction of a second, instead of fifty hashes sharing the CPUs (and 3 GiB) so
that none finishes before all do, while each holds a database connection (the
sign-in's advisory lock) and the pool runs dry. A sign-in for a user name that does not
exist still verifies against a dummy hash, so the answer takes as long as for a
real one and does not tell which names exist.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
#: Bytes of randomness in a client secret (43 characters of base64url).
CLIENT_SECRET_BYTES = 32

_hasher = PasswordHash((Argon2Hasher(),))
_hashing = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="argon2")
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


def new_client_secret() -> str:
    """A client secret: random, URL-safe, shown once and stored only as a hash."""
    return secrets.token_urlsafe(CLIENT_SECRET_BYTES)
