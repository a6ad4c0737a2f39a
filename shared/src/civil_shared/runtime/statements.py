"""Statements kept once built, by what they were built from.

Building a SQLAlchemy statement (coercing every operand, then walking the tree for its
cache key) costs more Python time than running a small aggregate on PostgreSQL: the
statistics calls spent most of their CPU so. A statement whose shape and values follow
from a few hashable arguments (a year, an area code, a rule's values) is built once per
distinct arguments and kept: the same object comes back, its cache key is memoized on
it, and the compiled form is found in the engine's cache. Never key on data a request
may change between calls (only on the arguments the statement is built from).
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

T = TypeVar("T")


class Statements:
    """A bounded map from a hashable key to the statement built for it (least recently
    used dropped first: the keys of past years and areas do not accumulate)."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._built: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, build: Callable[[], T], *, keep: bool = True) -> T:
        """The statement kept under ``key``, else ``build()``'s, kept. ``keep=False``
        builds afresh and keeps nothing: for a statement holding a caller's own
        condition (their areas), which no key here names."""
        if not keep:
            return build()
        with self._lock:
            if key in self._built:
                self._built.move_to_end(key)
                found: T = self._built[key]
                return found
        statement = build()
        with self._lock:
            self._built[key] = statement
            while len(self._built) > self.maxsize:
                self._built.popitem(last=False)
        return statement
