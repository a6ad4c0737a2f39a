"""What makes a new division acceptable, checked for one or for a whole batch at once.

Pure: the caller fetches what the database already holds (:class:`Known`) and
gets back, for each item, either a verdict or the problem with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from civil_governance.divisions.schemas import DivisionCreate
from civil_shared.contracts.divisions import KINDS_BY_LEVEL


@dataclass(frozen=True)
class Known:
    """The divisions already stored that a batch touches."""

    #: code -> (name, kind) of the stored divisions among the items and their parents.
    divisions: Mapping[str, tuple[str, str]]
    #: (parent_code, name) -> code of the stored children of those parents.
    names: Mapping[tuple[str, str], str]


class Verdict(StrEnum):
    NEW = "new"
    UNCHANGED = "unchanged"  # stored already with the same name and kind


@dataclass(frozen=True)
class ItemProblem:
    code: str
    message: str
    field: str = "code"
    #: A clash with stored data (409 for a single create), not a bad item (422).
    conflict: bool = False


def check_new_divisions(
    items: Sequence[DivisionCreate], known: Known
) -> list[Verdict | ItemProblem]:
    """One verdict or problem per item, in order.

    A parent may be stored already or come earlier or later in the same batch;
    codes and names (within one parent) must not repeat.
    """
    batch_codes = {str(item.code) for item in items}
    seen_codes: set[str] = set()
    seen_names: dict[tuple[str, str], str] = {}
    results: list[Verdict | ItemProblem] = []
    for item in items:
        code = str(item.code)
        results.append(_check(item, code, known, batch_codes, seen_codes, seen_names))
        seen_codes.add(code)
    return results


def _check(
    item: DivisionCreate,
    code: str,
    known: Known,
    batch_codes: set[str],
    seen_codes: set[str],
    seen_names: dict[tuple[str, str], str],
) -> Verdict | ItemProblem:
    parent = item.code.parent
    if parent is None:
        return ItemProblem("GOVERNANCE_DIVISION_LEVEL", "只能在已有区划下新增乡级或村级区划")
    if item.kind not in KINDS_BY_LEVEL[item.code.level]:
        allowed = "、".join(sorted(k.value for k in KINDS_BY_LEVEL[item.code.level]))
        return ItemProblem(
            "GOVERNANCE_DIVISION_KIND",
            f"{len(code)} 位区划代码不能是“{item.kind.value}”类型（可选：{allowed}）",
            field="kind",
        )
    if code in seen_codes:
        return ItemProblem("GOVERNANCE_DIVISION_DUPLICATE", f"区划代码 {code} 在本批中重复")
    stored = known.divisions.get(code)
    if stored is not None:
        if stored == (item.name, item.kind.value):
            return Verdict.UNCHANGED
        return ItemProblem(
            "GOVERNANCE_DIVISION_EXISTS",
            f"区划代码 {code} 已存在（{stored[0]}），名称或类型不同",
            conflict=True,
        )
    if parent not in known.divisions and parent not in batch_codes:
        return ItemProblem("GOVERNANCE_DIVISION_PARENT_MISSING", f"上级区划 {parent} 不存在")
    key = (str(parent), item.name)
    holder = known.names.get(key) or seen_names.get(key)
    if holder is not None and holder != code:
        return ItemProblem(
            "GOVERNANCE_DIVISION_NAME_TAKEN",
            f"上级区划 {parent} 下已有名为“{item.name}”的区划（{holder}）",
            field="name",
            conflict=True,
        )
    seen_names[key] = code
    return Verdict.NEW
