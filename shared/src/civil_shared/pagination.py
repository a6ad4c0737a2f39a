"""Limit/offset paging for list endpoints.

A list endpoint takes :class:`PageParams` (as query parameters) and returns a
:class:`Page`. ``total`` may be None where counting would cost more than the
page itself (large ledgers), so clients must not rely on it being present.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MAX_OFFSET", "Page", "PageParams"]

T = TypeVar("T")

DEFAULT_LIMIT = 50
#: Bounded so one request cannot pull a whole ledger; exports have their own path.
MAX_LIMIT = 500
#: PostgreSQL takes an OFFSET up to 2^63 - 1, and the driver refuses more (a 500):
#: bounded far above any list the bureau holds, so a wild value is a 422.
MAX_OFFSET = 2**31 - 1


class PageParams(BaseModel):
    """Which slice of a list to return."""

    limit: int = Field(
        default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="每页条数（1–500，默认50）"
    )
    offset: int = Field(
        default=0, ge=0, le=MAX_OFFSET, description="跳过的条数（从0开始，至多2147483647）"
    )


class Page(BaseModel, Generic[T]):
    """One page of a list, with the paging that produced it."""

    items: list[T] = Field(description="本页记录")
    total: int | None = Field(default=None, ge=0, description="记录总数；未统计时为空")
    limit: int = Field(ge=1, description="每页条数")
    offset: int = Field(ge=0, description="跳过的条数")

    @classmethod
    def of(cls, items: Sequence[T], total: int | None, params: PageParams) -> Page[T]:
        """A page of ``items`` fetched with ``params``."""
        return cls(items=list(items), total=total, limit=params.limit, offset=params.offset)
