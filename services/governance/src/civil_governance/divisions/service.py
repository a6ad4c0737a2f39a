"""Use cases of the division tree; each write commits exactly once.

The tree is reference data every service validates its area codes against, so
every reader sees all of it (no area scoping); only admins and city officers
change it.
"""

import builtins
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager

from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from civil_governance.divisions.models import Division, DivisionChange
from civil_governance.divisions.repository import DivisionRepository
from civil_governance.divisions.rules import ItemProblem, Known, Verdict, check_new_divisions
from civil_governance.divisions.schemas import (
    DivisionBatchResult,
    DivisionChangeIn,
    DivisionChangeOut,
    DivisionCreate,
    DivisionNode,
    DivisionOut,
)
from civil_shared.auth import Principal
from civil_shared.contracts.divisions import (
    KINDS_BY_LEVEL,
    DivisionInfo,
    DivisionKind,
    DivisionRef,
)
from civil_shared.errors import AppError, Conflict, FieldProblem, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, AreaLevel

FOREIGN_KEY_VIOLATION = "23503"


def division_not_found(code: str) -> NotFound:
    return NotFound(f"区划代码 {code} 不存在", code="GOVERNANCE_DIVISION_NOT_FOUND")


def _item_error(problem: ItemProblem) -> AppError:
    if problem.conflict:
        return Conflict(problem.message, code=problem.code)
    return Unprocessable(problem.message, code=problem.code)


#: Two requests creating the same code or name at once: the constraint decides.
RACE = Conflict("区划代码或名称刚被他人登记，请刷新后重试", code="GOVERNANCE_DIVISION_EXISTS")


@asynccontextmanager
async def still_referenced(session: AsyncSession, code: str) -> AsyncIterator[None]:
    """A delete refused by a foreign key: place names, boundaries... still name it."""
    try:
        yield
    except IntegrityError as exc:
        await session.rollback()
        if getattr(exc.orig, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
            raise Conflict(
                f"区划 {code} 仍被地名、界线或其他记录引用，不能删除",
                code="GOVERNANCE_DIVISION_IN_USE",
            ) from exc
        raise


class DivisionService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = DivisionRepository(session)

    # --- reads -------------------------------------------------------------

    async def get(self, code: str) -> DivisionOut:
        division = await self._existing(code)
        return (await self._out([division]))[0]

    async def info(self, code: str) -> DivisionInfo:
        """The answer other services get: name, level, kind and path, or 404."""
        out = await self.get(code)
        return DivisionInfo.model_validate(out.model_dump(include=set(DivisionInfo.model_fields)))

    async def list(
        self,
        page: PageParams,
        *,
        parent_code: str | None = None,
        level: AreaLevel | None = None,
        kind: DivisionKind | None = None,
        area_code: str | None = None,
        name: str | None = None,
    ) -> Page[DivisionOut]:
        conditions: list[ColumnElement[bool]] = []
        if parent_code is not None:
            conditions.append(Division.parent_code == parent_code)
        if level is not None:
            conditions.append(Division.level == level.value)
        if kind is not None:
            conditions.append(Division.kind == kind.value)
        if area_code is not None:
            conditions.append(Division.code.startswith(area_code, autoescape=True))
        if name:
            conditions.append(Division.name.contains(name, autoescape=True))
        items, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[DivisionOut].of(await self._out(items), total, page)

    async def tree(self, root: str) -> DivisionNode:
        divisions = await self.repository.subtree(root)
        if not divisions or divisions[0].code != root:
            raise division_not_found(root)
        nodes = {d.code: _node(d) for d in divisions}
        for division in divisions[1:]:  # ordered by code: a parent comes before its children
            if division.parent_code in nodes:
                nodes[division.parent_code].children.append(nodes[division.code])
        return nodes[root]

    async def history(self, code: str) -> builtins.list[DivisionChangeOut]:
        await self._existing(code)
        return [DivisionChangeOut.model_validate(c) for c in await self.repository.changes(code)]

    # --- writes ------------------------------------------------------------

    async def create(self, data: DivisionCreate) -> DivisionOut:
        verdict = (await self._check([data]))[0]
        if isinstance(verdict, ItemProblem):
            raise _item_error(verdict)
        if verdict is Verdict.UNCHANGED:
            raise Conflict(f"区划代码 {data.code} 已存在", code="GOVERNANCE_DIVISION_EXISTS")
        division = _new(data)
        async with unique_or_conflict(self.session, RACE):
            await self.repository.add(division)
            await self.session.commit()
        return (await self._out([division]))[0]

    async def create_batch(self, items: Sequence[DivisionCreate]) -> DivisionBatchResult:
        """All or nothing: every item is checked, and one bad item writes none.

        Items stored already with the same name and kind are reported as
        unchanged, so a loader may post the same list again.
        """
        verdicts = await self._check(items)
        problems = [
            FieldProblem(
                loc=["body", index, problem.field],
                field=f"{index}.{problem.field}",
                message=f"{items[index].code}：{problem.message}",
                type=problem.code,
            )
            for index, problem in enumerate(verdicts)
            if isinstance(problem, ItemProblem)
        ]
        if problems:
            raise Unprocessable(
                f"{len(problems)} 条区划有误，本批均未保存",
                code="GOVERNANCE_DIVISION_BATCH_INVALID",
                errors=[p.model_dump() for p in problems],
            )
        new = [_new(item) for item, v in zip(items, verdicts, strict=True) if v is Verdict.NEW]
        async with unique_or_conflict(self.session, RACE):
            await self.repository.add_all(new)
            await self.session.commit()
        return DivisionBatchResult(
            created=[AreaCode(d.code) for d in new],
            unchanged=[
                item.code for item, v in zip(items, verdicts, strict=True) if v is Verdict.UNCHANGED
            ],
        )

    async def change(
        self, code: str, data: DivisionChangeIn, expected_version: int, principal: Principal
    ) -> DivisionOut:
        division = await self._existing(code)
        check_version(division.version, expected_version)
        new_name = data.name or division.name
        new_kind = data.kind or DivisionKind(division.kind)
        if new_name == division.name and new_kind.value == division.kind:
            raise Unprocessable("名称和类型均未改变", code="GOVERNANCE_DIVISION_UNCHANGED")
        if new_kind not in KINDS_BY_LEVEL[AreaCode(code).level]:
            raise Unprocessable(
                f"{len(code)} 位区划代码不能是“{new_kind.value}”类型",
                code="GOVERNANCE_DIVISION_KIND",
            )
        last = await self.repository.last_change(code)
        if last is not None and data.changed_date < last.changed_date:
            raise Unprocessable(
                f"变更日期不能早于上次变更（{last.changed_date}）",
                code="GOVERNANCE_DIVISION_CHANGE_DATE",
            )
        if new_name != division.name and division.parent_code is not None:
            holder = (await self.repository.names_under([(division.parent_code, new_name)])).get(
                (division.parent_code, new_name)
            )
            if holder is not None:
                raise _name_taken(division.parent_code, new_name, holder)
        change = DivisionChange(
            division_code=code,
            seq=last.seq + 1 if last is not None else 1,
            changed_date=data.changed_date,
            old_name=division.name,
            new_name=new_name,
            old_kind=division.kind,
            new_kind=new_kind.value,
            reason=data.reason,
            document_number=data.document_number,
            changed_by=principal.sub,
        )
        division.name, division.kind = new_name, new_kind.value
        async with unique_or_conflict(self.session, RACE):
            # The versioned UPDATE first: a concurrent change with the same ETag is a 412.
            await self.repository.flush()
            await self.repository.add(change)
            await self.session.commit()
        return (await self._out([division]))[0]

    async def delete(self, code: str, expected_version: int) -> None:
        division = await self._existing(code)
        check_version(division.version, expected_version)
        children = (await self.repository.children_counts([code])).get(code, 0)
        if children:
            raise Conflict(
                f"区划 {code} 下还有 {children} 个下级区划，须先删除下级区划",
                code="GOVERNANCE_DIVISION_HAS_CHILDREN",
                children_count=children,
            )
        async with still_referenced(self.session, code):
            await self.repository.delete(division)
            await self.session.commit()

    # --- helpers -----------------------------------------------------------

    async def _existing(self, code: str) -> Division:
        division = await self.repository.get(code)
        if division is None:
            raise division_not_found(code)
        return division

    async def _check(self, items: Sequence[DivisionCreate]) -> builtins.list[Verdict | ItemProblem]:
        codes = {str(i.code) for i in items}
        parents = {str(i.code.parent) for i in items if i.code.parent is not None}
        stored = await self.repository.get_many(codes | parents)
        names = await self.repository.names_under(
            {(str(i.code.parent), i.name) for i in items if i.code.parent is not None}
        )
        known = Known(divisions={c: (d.name, d.kind) for c, d in stored.items()}, names=names)
        return check_new_divisions(items, known)

    async def _out(self, divisions: Sequence[Division]) -> builtins.list[DivisionOut]:
        """Public views with their paths and children counts, in two queries for a page."""
        codes = {d.code for d in divisions}
        above = {str(a) for d in divisions for a in AreaCode(d.code).ancestors} - codes
        known = {**await self.repository.get_many(above), **{d.code: d for d in divisions}}
        counts = await self.repository.children_counts(codes)
        return [
            DivisionOut(
                code=AreaCode(d.code),
                name=d.name,
                level=AreaLevel(d.level),
                kind=DivisionKind(d.kind),
                parent_code=AreaCode(d.parent_code) if d.parent_code else None,
                path=_path(d.code, known),
                children_count=counts.get(d.code, 0),
                version=d.version,
            )
            for d in divisions
        ]


def _path(code: str, known: dict[str, Division]) -> list[DivisionRef]:
    steps: Iterable[str] = (*AreaCode(code).ancestors, code)
    return [
        DivisionRef(code=AreaCode(c), name=known[c].name, level=AreaLevel(known[c].level))
        for c in steps
        if c in known
    ]


def _node(division: Division) -> DivisionNode:
    return DivisionNode(
        code=AreaCode(division.code),
        name=division.name,
        level=AreaLevel(division.level),
        kind=DivisionKind(division.kind),
    )


def _new(data: DivisionCreate) -> Division:
    return Division(
        code=str(data.code),
        name=data.name,
        level=data.code.level.value,
        kind=data.kind.value,
        parent_code=str(data.code.parent),
    )


def _name_taken(parent_code: str, name: str, holder: str) -> Conflict:
    return Conflict(
        f"上级区划 {parent_code} 下已有名为“{name}”的区划（{holder}）",
        code="GOVERNANCE_DIVISION_NAME_TAKEN",
    )
