"""Primary keys made by the importer, so that a COPY needs no round trip for them."""

import itertools
import uuid


class RowIds:
    """Ids for one import: a random version-4 prefix, then a counter, as UUID text.

    Sequential ids keep the primary-key index inserts of a large COPY local
    and cost a fraction of ``uuid4()`` per row; the 74 random bits of the
    prefix keep two imports apart. asyncpg's COPY takes the text as a uuid.
    """

    def __init__(self) -> None:
        self._prefix = uuid.uuid4().hex[:20]
        self._counter = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}{next(self._counter):012x}"
