"""Optimistic concurrency: ETags on reads, ``If-Match`` on updates.

A versioned row carries a ``version`` that SQLAlchemy bumps on every UPDATE and
checks in its WHERE clause, so two writers that read the same version cannot
both win, even when they pass the header check at the same moment.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Header
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from civil_shared.errors import PreconditionFailed, PreconditionRequired

_ETAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')


class Versioned:
    """Mixin: a ``version`` column used as SQLAlchemy's version counter."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int:
    """The version an ``If-Match`` header names; 428 without one, 412 if unreadable."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired()
    found = _ETAG.match(if_match)
    if found is None:
        raise PreconditionFailed("If-Match 请求头格式无效，应为读取时返回的 ETag")
    return int(found.group(1))


def check_version(current: int, expected: int) -> None:
    if current != expected:
        raise PreconditionFailed()


#: Declare as ``if_match: IfMatch = None``: a missing header is a 428 of ours, not a 422.
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="读取记录时返回的 ETag；记录已被他人修改时返回 412",
    ),
]
