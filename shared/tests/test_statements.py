"""Statements kept once built: the same statement for the same key, nothing kept for a
caller's own one, the least recently used dropped first."""

from civil_shared.runtime.statements import Statements


class Builder:
    def __init__(self) -> None:
        self.built = 0

    def __call__(self) -> object:
        self.built += 1
        return object()


def test_a_key_is_built_once_and_the_same_statement_comes_back() -> None:
    statements, build = Statements(), Builder()

    first = statements.get(("paid", 2020, None), build)
    again = statements.get(("paid", 2020, None), build)
    other = statements.get(("paid", 2019, None), build)

    assert again is first
    assert other is not first
    assert build.built == 2


def test_a_statement_not_to_keep_is_built_every_time_and_never_served_to_others() -> None:
    statements, build = Statements(), Builder()

    mine = statements.get("made", build, keep=False)
    again = statements.get("made", build, keep=False)
    kept = statements.get("made", build)

    assert len({id(mine), id(again), id(kept)}) == 3
    assert build.built == 3


def test_the_least_recently_used_is_dropped_beyond_the_bound() -> None:
    statements, build = Statements(maxsize=2), Builder()
    a = statements.get("a", build)
    statements.get("b", build)
    statements.get("a", build)  # a used again: b is now the oldest

    statements.get("c", build)

    assert statements.get("a", build) is a
    assert build.built == 3
    statements.get("b", build)  # dropped, so built again
    assert build.built == 4
