"""Queries of visits and of the visit round; only flushes, never commits.

The round of a whole register is one statement: each subject on the round, its last
visit of the round (one grouped pass over the visits) and its due date by the SQL twin
of the schedule rule, elderly and children in one ``UNION ALL``.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Subquery,
    Uuid,
    and_,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.runtime.database import count_rows
from civil_shared.runtime.scoping import area_condition
from civil_shared.runtime.statements import Statements
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import FileStatus
from civil_welfare.children.majority import ADULT_AGE
from civil_welfare.elderly.ages import born_by
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.elderly.schemas import ElderStatus
from civil_welfare.parameters.by_area import AreaValues, Values
from civil_welfare.visits.models import Visit
from civil_welfare.visits.schedule import (
    INTERVAL_KEY,
    due_date_sql,
    overdue_days_sql,
    round_kinds,
    state_sql,
)
from civil_welfare.visits.schemas import ScheduleState, SubjectKind
from civil_welfare.workforce.models import ChildWelfareWorker

E, F, W, V = LeftBehindElder, ChildFile, ChildWelfareWorker, Visit

#: The summary's statements for no principal (the statistics), built once per dates,
#: area and intervals (see Statements); a principal's are built per call.
_STATEMENTS = Statements()


def township(column: Any) -> ColumnElement[str]:
    return func.left(column, 9)


def prefix(column: Any, area_code: str | None) -> ColumnElement[bool]:
    return column.startswith(area_code, autoescape=True) if area_code else true()


def visible_subject(principal: Principal | None) -> ColumnElement[bool]:
    """A visit the caller may see: its subject is now in the caller's areas (the log goes
    with the person). Needs the elder and the child file outer-joined."""
    if principal is None or principal.area_prefixes is None:
        return true()
    return or_(area_condition(E.area_code, principal), area_condition(F.area_code, principal))


@dataclass(frozen=True, slots=True)
class RoundFilter:
    """Which subjects of the round a query covers."""

    on: date
    principal: Principal | None = None
    subject_kind: SubjectKind | None = None
    area_code: str | None = None
    #: The elder's responsible worker's username (children have directors instead).
    worker_username: str | None = None
    #: The child's director (elders have a responsible worker instead).
    director_id: uuid.UUID | None = None

    def wants(self, kind: SubjectKind) -> bool:
        if self.subject_kind is not None and self.subject_kind is not kind:
            return False
        if kind is SubjectKind.ELDERLY:
            return self.director_id is None
        return self.worker_username is None

    def scope(self, column: Any) -> ColumnElement[bool]:
        visible = true() if self.principal is None else area_condition(column, self.principal)
        return and_(visible, prefix(column, self.area_code))


def _interval(intervals: AreaValues | None, kind: SubjectKind, area: Any) -> ColumnElement[Any]:
    if intervals is None:  # the year's interval is not set: no due date (counts only)
        return cast(null(), Integer)
    key = INTERVAL_KEY[kind]

    def months(values: Values) -> ColumnElement[Any]:
        return literal(int(values[key]), Integer)

    return intervals.case(area, months)


def _last_visits(column: Any, kind: SubjectKind, on: date) -> Subquery:
    """Each subject's last visit of the round up to ``on``."""
    return (
        select(column.label("subject_id"), func.max(V.visit_date).label("last_visit_date"))
        .where(column.is_not(None), V.visit_date <= on, V.kind.in_(round_kinds(kind)))
        .group_by(column)
        .subquery()
    )


def _elder_rows(f: RoundFilter, intervals: AreaValues | None) -> Select[Any]:
    last = _last_visits(V.elder_id, SubjectKind.ELDERLY, f.on)
    months = _interval(intervals, SubjectKind.ELDERLY, E.area_code)
    anchor = func.coalesce(last.c.last_visit_date, E.registered_date)
    conditions = [
        E.registered_date <= f.on,
        or_(E.status == ElderStatus.ACTIVE.value, E.left_date > f.on),
        f.scope(E.area_code),
    ]
    if f.worker_username is not None:
        conditions.append(E.worker_username == f.worker_username)
    return (
        select(
            literal(SubjectKind.ELDERLY.value, String).label("subject_kind"),
            E.id.label("subject_id"),
            E.id_number.label("id_number"),
            E.name.label("name"),
            E.area_code.label("area_code"),
            E.registered_date.label("registered_date"),
            E.worker_name.label("worker_name"),
            E.worker_username.label("worker_username"),
            cast(null(), Uuid).label("director_id"),
            last.c.last_visit_date.label("last_visit_date"),
            months.label("interval_months"),
            due_date_sql(anchor, months).label("due_date"),
        )
        .select_from(E)
        .outerjoin(last, last.c.subject_id == E.id)
        .where(*conditions)
    )


def _child_rows(f: RoundFilter, intervals: AreaValues | None) -> Select[Any]:
    last = _last_visits(V.child_file_id, SubjectKind.CHILD, f.on)
    months = _interval(intervals, SubjectKind.CHILD, F.area_code)
    anchor = func.coalesce(last.c.last_visit_date, F.registered_date)
    conditions = [
        F.registered_date <= f.on,
        or_(F.status == FileStatus.ACTIVE.value, F.closed_date > f.on),
        ~born_by(F.id_number, f.on, ADULT_AGE),
        f.scope(F.area_code),
    ]
    if f.director_id is not None:
        conditions.append(F.director_id == f.director_id)
    return (
        select(
            literal(SubjectKind.CHILD.value, String).label("subject_kind"),
            F.id.label("subject_id"),
            F.id_number.label("id_number"),
            F.name.label("name"),
            F.area_code.label("area_code"),
            F.registered_date.label("registered_date"),
            W.name.label("worker_name"),
            cast(null(), String).label("worker_username"),
            F.director_id.label("director_id"),
            last.c.last_visit_date.label("last_visit_date"),
            months.label("interval_months"),
            due_date_sql(anchor, months).label("due_date"),
        )
        .select_from(F)
        .outerjoin(last, last.c.subject_id == F.id)
        .outerjoin(W, W.id == F.director_id)
        .where(*conditions)
    )


def round_rows(f: RoundFilter, intervals: AreaValues | None) -> Subquery:
    """Every subject on the round on ``f.on`` with its last visit and due date."""
    parts = [
        build(f, intervals)
        for kind, build in ((SubjectKind.ELDERLY, _elder_rows), (SubjectKind.CHILD, _child_rows))
        if f.wants(kind)
    ]
    if not parts:  # e.g. kind=elderly with a director: nothing, but the same columns
        # No intervals: none were read for a kind not wanted (a KeyError, a 500).
        parts = [_elder_rows(f, None).where(false())]
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery("round")


class VisitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- subjects ----------------------------------------------------------------

    async def elder(self, elder_id: uuid.UUID) -> LeftBehindElder | None:
        return await self.session.get(E, elder_id)

    async def child_file(self, file_id: uuid.UUID) -> ChildFile | None:
        return await self.session.get(F, file_id)

    async def worker_name(self, worker_id: uuid.UUID | None) -> str | None:
        if worker_id is None:
            return None
        return await self.session.scalar(select(W.name).where(W.id == worker_id))

    async def subject_names(
        self, elder_ids: set[uuid.UUID], file_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, str]:
        names: dict[uuid.UUID, str] = {}
        if elder_ids:
            rows = await self.session.execute(select(E.id, E.name).where(E.id.in_(elder_ids)))
            names.update({r.id: r.name for r in rows})
        if file_ids:
            rows = await self.session.execute(select(F.id, F.name).where(F.id.in_(file_ids)))
            names.update({r.id: r.name for r in rows})
        return names

    async def last_round_visit(
        self, kind: SubjectKind, subject_id: uuid.UUID, on: date
    ) -> date | None:
        column = V.elder_id if kind is SubjectKind.ELDERLY else V.child_file_id
        return await self.session.scalar(
            select(func.max(V.visit_date)).where(
                column == subject_id, V.visit_date <= on, V.kind.in_(round_kinds(kind))
            )
        )

    # --- visits ------------------------------------------------------------------

    async def get(self, visit_id: uuid.UUID) -> Visit | None:
        return await self.session.get(V, visit_id)

    async def page(
        self, conditions: Sequence[ColumnElement[bool]], *, limit: int, offset: int
    ) -> tuple[list[tuple[Visit, str]], int]:
        """Visits with their subject's name, newest first; ``conditions`` may use the
        elder's and the child file's columns (both outer-joined)."""
        query = (
            select(V, func.coalesce(E.name, F.name).label("subject_name"))
            .outerjoin(E, E.id == V.elder_id)
            .outerjoin(F, F.id == V.child_file_id)
            .where(*conditions)
            .order_by(V.visit_date.desc(), V.created_at.desc(), V.id)
        )
        rows = (await self.session.execute(query.limit(limit).offset(offset))).all()
        return [(r[0], r.subject_name) for r in rows], await count_rows(self.session, query)

    async def same_visit(
        self,
        kind: SubjectKind,
        subject_id: uuid.UUID,
        visit_date: date,
        visit_kind: str,
        other_than: uuid.UUID | None = None,
    ) -> uuid.UUID | None:
        """The visit already recorded of this subject on this day in this way (the unique
        index's key), other than ``other_than``: its id, or None."""
        column = V.elder_id if kind is SubjectKind.ELDERLY else V.child_file_id
        query = select(V.id).where(
            column == subject_id, V.visit_date == visit_date, V.kind == visit_kind
        )
        if other_than is not None:
            query = query.where(V.id != other_than)
        return await self.session.scalar(query.limit(1))

    async def add(self, visit: Visit) -> None:
        self.session.add(visit)
        await self.session.flush()

    async def flush(self) -> None:
        await self.session.flush()

    async def delete(self, visit: Visit) -> None:
        await self.session.delete(visit)
        await self.session.flush()

    # --- the round ---------------------------------------------------------------

    async def round_page(
        self,
        f: RoundFilter,
        intervals: AreaValues,
        *,
        within_days: int,
        states: Sequence[ScheduleState],
        limit: int,
        offset: int,
    ) -> tuple[list[Any], int]:
        """Subjects on the round in ``states``, the earliest due first."""
        r = round_rows(f, intervals)
        state = state_sql(r.c.due_date, f.on, within_days)
        query = (
            select(
                *r.c,
                state.label("state"),
                overdue_days_sql(r.c.due_date, f.on).label("overdue_days"),
            )
            .where(state.in_([s.value for s in states]))
            .order_by(r.c.due_date, r.c.subject_kind, r.c.name, r.c.subject_id)
        )
        rows = list((await self.session.execute(query.limit(limit).offset(offset))).all())
        return rows, await count_rows(self.session, query)

    async def worker_loads(
        self, f: RoundFilter, intervals: AreaValues, *, within_days: int, limit: int, offset: int
    ) -> tuple[list[Any], int]:
        """Per township, kind and responsible worker: subjects, overdue and due."""
        r = round_rows(f, intervals)
        state = state_sql(r.c.due_date, f.on, within_days)
        where = township(r.c.area_code)
        overdue = func.count().filter(state == ScheduleState.OVERDUE.value)
        query = (
            select(
                r.c.subject_kind,
                where.label("township"),
                r.c.worker_name,
                r.c.worker_username,
                r.c.director_id,
                func.count().label("subjects"),
                overdue.label("overdue"),
                func.count().filter(state == ScheduleState.DUE.value).label("due"),
            )
            .group_by(
                r.c.subject_kind, where, r.c.worker_name, r.c.worker_username, r.c.director_id
            )
            .order_by(
                where,
                r.c.subject_kind,
                overdue.desc(),
                r.c.worker_name.nulls_last(),
                r.c.worker_username,
                r.c.director_id,
            )
        )
        rows = list((await self.session.execute(query.limit(limit).offset(offset))).all())
        return rows, await count_rows(self.session, query)

    # --- the summary -------------------------------------------------------------

    async def visits_made(
        self, first: date, last: date, principal: Principal | None, area_code: str | None
    ) -> list[Any]:
        """``(township, elderly, children)``: visits made from ``first`` to ``last``, by the
        township where they were made."""

        def build() -> Any:
            where = township(V.area_code)
            visible = true() if principal is None else area_condition(V.area_code, principal)
            return (
                select(
                    where.label("township"),
                    func.count().filter(V.elder_id.is_not(None)).label("elderly"),
                    func.count().filter(V.child_file_id.is_not(None)).label("children"),
                )
                .where(V.visit_date >= first, V.visit_date <= last, visible)
                .where(prefix(V.area_code, area_code))
                .group_by(where)
            )

        key = ("made", first, last, area_code)
        query = _STATEMENTS.get(key, build, keep=principal is None)
        return list((await self.session.execute(query)).all())

    async def round_counts(self, f: RoundFilter, intervals: AreaValues | None) -> list[Any]:
        """``(township, subject_kind, subjects, overdue)`` on ``f.on`` (overdue 0 without
        intervals: the caller reports it as unknown)."""

        def build() -> Select[Any]:
            r = round_rows(f, intervals)
            where = township(r.c.area_code)
            return select(
                where.label("township"),
                r.c.subject_kind,
                func.count().label("subjects"),
                func.count().filter(r.c.due_date < f.on).label("overdue"),
            ).group_by(where, r.c.subject_kind)

        if f.principal is not None:
            query = build()
        else:
            key = (
                "round",
                f.on,
                f.subject_kind,
                f.area_code,
                f.worker_username,
                f.director_id,
                None if intervals is None else intervals.fingerprint,
            )
            query = _STATEMENTS.get(key, build)
        return list((await self.session.execute(query)).all())
