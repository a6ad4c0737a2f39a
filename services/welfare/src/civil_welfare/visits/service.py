"""Use cases of the visit log and the visit round; each write commits exactly once."""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.auth import Principal
from civil_shared.errors import Conflict, NotFound, Unprocessable
from civil_shared.pagination import Page, PageParams
from civil_shared.runtime.database import unique_or_conflict
from civil_shared.runtime.versioning import check_version
from civil_shared.types import AreaCode, IdNumber
from civil_welfare.children.files.service import file_not_found
from civil_welfare.children.majority import eighteenth_birthday
from civil_welfare.children.support.service import values_in_force
from civil_welfare.elderly.service import elder_not_found
from civil_welfare.parameters.by_area import AreaValues, values_by_area
from civil_welfare.parameters.service import parameter_value
from civil_welfare.pii import audit_pii_read
from civil_welfare.visits.models import Visit
from civil_welfare.visits.repository import (
    E,
    F,
    RoundFilter,
    V,
    VisitRepository,
    visible_subject,
)
from civil_welfare.visits.schedule import (
    DEFAULT_WITHIN_DAYS,
    INTERVAL_KEY,
    counts_for_round,
    next_visit_due,
    overdue_days,
    schedule_state,
)
from civil_welfare.visits.schemas import (
    KIND_LABELS,
    FollowUpDone,
    FollowUpIn,
    FollowUpOut,
    FollowUpState,
    Responsible,
    ScheduleOut,
    ScheduleState,
    SubjectKind,
    TownshipVisits,
    VisitCreate,
    VisitKind,
    Visitor,
    VisitOut,
    VisitPatch,
    VisitSummary,
    WorkerLoad,
)
from civil_welfare.visits.subjects import Subject, child_subject, elder_subject

ENTITY_OF: dict[SubjectKind, str] = {
    SubjectKind.ELDERLY: "left_behind_elder",
    SubjectKind.CHILD: "child_file",
}
NEEDS_ATTENTION: tuple[ScheduleState, ...] = (ScheduleState.OVERDUE, ScheduleState.DUE)


def visit_not_found(visit_id: uuid.UUID) -> NotFound:
    return NotFound(f"探访记录 {visit_id} 不存在", code="WELFARE_VISIT_NOT_FOUND")


def follow_up_state(visit: Visit, today: date) -> FollowUpState | None:
    if visit.follow_up_action is None or visit.follow_up_due_date is None:
        return None
    if visit.follow_up_done_date is not None:
        return FollowUpState.DONE
    return FollowUpState.OVERDUE if visit.follow_up_due_date < today else FollowUpState.OPEN


def follow_up_out(visit: Visit, today: date) -> FollowUpOut | None:
    state = follow_up_state(visit, today)
    if state is None or visit.follow_up_action is None or visit.follow_up_due_date is None:
        return None
    return FollowUpOut(
        action=visit.follow_up_action,
        due_date=visit.follow_up_due_date,
        done_date=visit.follow_up_done_date,
        result=visit.follow_up_result,
        state=state,
    )


def subject_kind_of(visit: Visit) -> SubjectKind:
    return SubjectKind.ELDERLY if visit.elder_id is not None else SubjectKind.CHILD


def to_out(visit: Visit, subject_name: str, today: date) -> VisitOut:
    kind = subject_kind_of(visit)
    subject_id = visit.elder_id if visit.elder_id is not None else visit.child_file_id
    assert subject_id is not None  # the database holds exactly one
    return VisitOut(
        id=visit.id,
        subject_kind=kind,
        subject_id=subject_id,
        subject_name=subject_name,
        area_code=AreaCode(visit.area_code),
        visit_date=visit.visit_date,
        kind=VisitKind(visit.kind),
        counts_for_round=counts_for_round(kind, VisitKind(visit.kind)),
        findings=visit.findings,
        visitor=Visitor(name=visit.visitor_name, username=visit.visitor_username),
        follow_up=follow_up_out(visit, today),
        recorded_at=visit.created_at,
        version=visit.version,
    )


def responsible_of(kind: SubjectKind, row: Any) -> Responsible | None:
    """The responsible worker of a round row (a child without a director has none)."""
    if kind is SubjectKind.CHILD and (row.director_id is None or row.worker_name is None):
        return None
    return Responsible(
        name=row.worker_name, username=row.worker_username, director_id=row.director_id
    )


def check_visit_date(subject: Subject, visit_date: date) -> None:
    """A visit is made while the subject is on the round: not before it was registered,
    not after it left (its file was closed) or, a child, turned 18."""
    if visit_date < subject.registered:
        raise Unprocessable(
            f"探访日期 {visit_date} 早于对象纳入名册（建档）日期 {subject.registered}",
            code="WELFARE_VISIT_BEFORE_REGISTRATION",
            registered_date=subject.registered.isoformat(),
        )
    if subject.on_round(visit_date):
        return
    if subject.kind is SubjectKind.CHILD and subject.active:
        detail = f"该儿童 {eighteenth_birthday(subject.id_number.birth_date)} 已年满18周岁"
    elif subject.kind is SubjectKind.CHILD:
        detail = f"该儿童档案已于 {subject.ended} 销档"
    else:
        detail = f"该老人已于 {subject.ended} 退出留守老人名册"
    raise Conflict(
        f"{detail}，不在探访范围内，不能登记 {visit_date} 的探访",
        code="WELFARE_VISIT_SUBJECT_OFF_ROUND",
    )


def duplicate_visit(
    visit_date: date, kind: VisitKind, visit_id: uuid.UUID | None = None
) -> Conflict:
    """A subject's visit of one kind on one day is recorded once (the unique indexes): a
    visit entered twice would count twice in the year's visits."""
    return Conflict(
        f"该对象 {visit_date} 的{KIND_LABELS[kind]}已登记，不能重复登记",
        code="WELFARE_VISIT_DUPLICATE",
        # The visit already logged (unknown when the index refused a concurrent one).
        visit_id=str(visit_id) if visit_id is not None else None,
    )


def check_kind(subject: Subject, kind: VisitKind) -> None:
    if kind is VisitKind.SCHOOL and subject.kind is not SubjectKind.CHILD:
        raise Unprocessable("到校了解只适用于儿童", code="WELFARE_VISIT_KIND")


def check_follow_up_dates(visit: Visit) -> None:
    for when in (visit.follow_up_due_date, visit.follow_up_done_date):
        if when is not None and when < visit.visit_date:
            raise Unprocessable(
                f"跟进日期 {when} 不能早于探访日期 {visit.visit_date}",
                code="WELFARE_VISIT_FOLLOW_UP_DATE",
            )


def follow_up_done_conflict() -> Conflict:
    return Conflict("该跟进事项已完成，不能再修改", code="WELFARE_VISIT_FOLLOW_UP_DONE")


def statistics_date(year: int, today: date) -> date:
    """31 December of a past year, today in the current one; 422 for a future year."""
    if year > today.year:
        raise Unprocessable(
            f"{year} 年尚未开始，不能统计", code="WELFARE_VISIT_YEAR_IN_FUTURE", year=year
        )
    return date(year, 12, 31) if year < today.year else today


async def visit_summary(
    session: AsyncSession,
    year: int,
    *,
    on: date,
    area_code: str | None = None,
    principal: Principal | None = None,
) -> VisitSummary:
    """Visits made in ``year`` (by the township where each was made) and the subjects on the
    round and overdue on ``on`` (by the township where each now is), city-wide (or in
    ``area_code``, or in what ``principal`` sees) and by township. Overdue counts are None
    when the visit intervals of ``on``'s year are not set (never guessed). Two aggregates."""
    repository = VisitRepository(session)
    made = await repository.visits_made(date(year, 1, 1), date(year, 12, 31), principal, area_code)
    keys = list(INTERVAL_KEY.values())
    intervals = await values_in_force(session, keys, on.year)
    known = intervals is not None
    round_ = await repository.round_counts(
        RoundFilter(on=on, principal=principal, area_code=area_code), intervals
    )
    by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in made:
        by[row.township]["visits_made_elderly"] += row.elderly
        by[row.township]["visits_made_children"] += row.children
    for row in round_:
        suffix = "elderly" if row.subject_kind == SubjectKind.ELDERLY.value else "children"
        by[row.township][f"subjects_{suffix}"] += row.subjects
        by[row.township][f"overdue_{suffix}"] += row.overdue

    def fields(counts: dict[str, int]) -> dict[str, Any]:
        elderly, children = counts["overdue_elderly"], counts["overdue_children"]
        return {
            "visits_made": counts["visits_made_elderly"] + counts["visits_made_children"],
            "visits_made_elderly": counts["visits_made_elderly"],
            "visits_made_children": counts["visits_made_children"],
            "subjects_elderly": counts["subjects_elderly"],
            "subjects_children": counts["subjects_children"],
            "overdue_elderly": elderly if known else None,
            "overdue_children": children if known else None,
            "overdue": elderly + children if known else None,
        }

    city: dict[str, int] = defaultdict(int)
    for counts in by.values():
        for name, n in counts.items():
            city[name] += n
    return VisitSummary(
        year=year,
        on=on,
        area_code=AreaCode(area_code) if area_code else None,
        by_township=[
            TownshipVisits(area_code=AreaCode(township), **fields(by[township]))
            for township in sorted(by)
        ],
        **fields(city),
    )


class VisitService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repository = VisitRepository(session)

    # --- the log -----------------------------------------------------------------

    async def create(self, data: VisitCreate, principal: Principal) -> VisitOut:
        subject = await self._subject(data.subject_kind, data.subject_id, principal)
        check_visit_date(subject, data.visit_date)
        check_kind(subject, data.kind)
        visitor = data.visitor or Visitor(
            name=principal.name or principal.sub, username=principal.sub
        )
        visit = Visit(
            elder_id=subject.id if subject.kind is SubjectKind.ELDERLY else None,
            child_file_id=subject.id if subject.kind is SubjectKind.CHILD else None,
            area_code=subject.area_code,
            visit_date=data.visit_date,
            kind=data.kind.value,
            findings=data.findings,
            visitor_name=visitor.name,
            visitor_username=visitor.username,
        )
        _set_follow_up(visit, data.follow_up)
        await self._check_not_recorded(subject, data.visit_date, data.kind)
        async with unique_or_conflict(self.session, duplicate_visit(data.visit_date, data.kind)):
            await self.repository.add(visit)
        await self.session.commit()
        return to_out(visit, subject.name, date.today())

    async def get(self, visit_id: uuid.UUID, principal: Principal) -> VisitOut:
        visit, subject = await self._visible(visit_id, principal)
        return to_out(visit, subject.name, date.today())

    async def list(
        self,
        page: PageParams,
        principal: Principal,
        *,
        subject_kind: SubjectKind | None = None,
        subject_id: uuid.UUID | None = None,
        area_code: str | None = None,
        kind: VisitKind | None = None,
        visitor: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        follow_up: FollowUpState | None = None,
    ) -> Page[VisitOut]:
        today = date.today()
        conditions: list[ColumnElement[bool]] = [visible_subject(principal)]
        if subject_kind is SubjectKind.ELDERLY:
            conditions.append(V.elder_id.is_not(None))
        elif subject_kind is SubjectKind.CHILD:
            conditions.append(V.child_file_id.is_not(None))
        if subject_id is not None:
            conditions.append((V.elder_id == subject_id) | (V.child_file_id == subject_id))
        if area_code is not None:
            conditions.append(
                E.area_code.startswith(area_code, autoescape=True)
                | F.area_code.startswith(area_code, autoescape=True)
            )
        if kind is not None:
            conditions.append(V.kind == kind.value)
        if visitor is not None:
            conditions.append(V.visitor_username == visitor)
        if date_from is not None:
            conditions.append(V.visit_date >= date_from)
        if date_to is not None:
            conditions.append(V.visit_date <= date_to)
        if follow_up is FollowUpState.DONE:
            conditions.append(V.follow_up_done_date.is_not(None))
        elif follow_up is FollowUpState.OPEN:
            conditions.append(V.follow_up_done_date.is_(None) & (V.follow_up_due_date >= today))
        elif follow_up is FollowUpState.OVERDUE:
            conditions.append(V.follow_up_done_date.is_(None) & (V.follow_up_due_date < today))
        rows, total = await self.repository.page(conditions, limit=page.limit, offset=page.offset)
        return Page[VisitOut].of([to_out(v, name, today) for v, name in rows], total, page)

    async def update(
        self, visit_id: uuid.UUID, patch: VisitPatch, expected_version: int, principal: Principal
    ) -> VisitOut:
        visit, subject = await self._visible(visit_id, principal)
        check_version(visit.version, expected_version)
        sent = patch.model_fields_set
        # Before the visit changes: the query would flush the change (and hit the index).
        visit_date = patch.visit_date or visit.visit_date
        kind = patch.kind or VisitKind(visit.kind)
        if (visit_date, kind.value) != (visit.visit_date, visit.kind):
            await self._check_not_recorded(subject, visit_date, kind, visit.id)
        if patch.visit_date is not None:
            check_visit_date(subject, patch.visit_date)
            visit.visit_date = patch.visit_date
        if patch.kind is not None:
            check_kind(subject, patch.kind)
            visit.kind = patch.kind.value
        if patch.findings is not None:
            visit.findings = patch.findings
        if patch.visitor is not None:
            visit.visitor_name, visit.visitor_username = patch.visitor.name, patch.visitor.username
        if "follow_up" in sent:
            if visit.follow_up_done_date is not None:
                raise follow_up_done_conflict()
            _set_follow_up(visit, patch.follow_up)
        check_follow_up_dates(visit)
        async with unique_or_conflict(self.session, duplicate_visit(visit_date, kind)):
            await self.repository.flush()
        await self.session.commit()
        return to_out(visit, subject.name, date.today())

    async def complete_follow_up(
        self, visit_id: uuid.UUID, data: FollowUpDone, expected_version: int, principal: Principal
    ) -> VisitOut:
        visit, subject = await self._visible(visit_id, principal)
        check_version(visit.version, expected_version)
        if visit.follow_up_action is None:
            raise Conflict("该次探访没有需要跟进的事项", code="WELFARE_VISIT_NO_FOLLOW_UP")
        if visit.follow_up_done_date is not None:
            raise follow_up_done_conflict()
        visit.follow_up_done_date, visit.follow_up_result = data.done_date, data.result
        check_follow_up_dates(visit)
        await self.repository.flush()
        await self.session.commit()
        return to_out(visit, subject.name, date.today())

    async def delete(
        self, visit_id: uuid.UUID, expected_version: int, principal: Principal
    ) -> None:
        visit, _ = await self._visible(visit_id, principal)
        check_version(visit.version, expected_version)
        await self.repository.delete(visit)
        await self.session.commit()

    # --- the round ---------------------------------------------------------------

    async def subject_schedule(
        self,
        kind: SubjectKind,
        subject_id: uuid.UUID,
        principal: Principal,
        *,
        on: date | None = None,
        within_days: int = DEFAULT_WITHIN_DAYS,
    ) -> ScheduleOut:
        """Where one subject stands on ``on`` (default today), by the pure rule."""
        subject = await self._subject(kind, subject_id, principal)
        on = on or date.today()
        interval = int(
            await parameter_value(self.session, INTERVAL_KEY[kind], on.year, subject.area_code)
        )
        last = await self.repository.last_round_visit(kind, subject.id, on)
        due: date | None = None
        state, late = ScheduleState.OFF_ROUND, 0
        if subject.on_round(on):
            due = next_visit_due(last, subject.registered, interval)
            state, late = schedule_state(due, on, within_days), overdue_days(due, on)
        await audit_pii_read(self.session, principal, ENTITY_OF[kind], [subject.id])
        area = AreaCode(subject.area_code)
        return ScheduleOut(
            subject_kind=kind,
            subject_id=subject.id,
            id_number=subject.id_number,
            name=subject.name,
            area_code=area,
            township_code=area.parent or area,
            responsible=subject.responsible,
            registered_date=subject.registered,
            last_visit_date=last,
            interval_months=interval,
            due_date=due,
            state=state,
            overdue_days=late,
            on=on,
        )

    async def schedule(
        self,
        page: PageParams,
        principal: Principal,
        *,
        on: date | None = None,
        within_days: int = DEFAULT_WITHIN_DAYS,
        states: Sequence[ScheduleState] = NEEDS_ATTENTION,
        subject_kind: SubjectKind | None = None,
        area_code: str | None = None,
        worker_username: str | None = None,
        director_id: uuid.UUID | None = None,
    ) -> Page[ScheduleOut]:
        """Subjects on the round in ``states`` (default: overdue and due within
        ``within_days``), the earliest due first; one statement."""
        f = RoundFilter(
            on=on or date.today(),
            principal=principal,
            subject_kind=subject_kind,
            area_code=area_code,
            worker_username=worker_username,
            director_id=director_id,
        )
        intervals = await self._intervals(f)
        rows, total = await self.repository.round_page(
            f,
            intervals,
            within_days=within_days,
            states=[s for s in states if s is not ScheduleState.OFF_ROUND],
            limit=page.limit,
            offset=page.offset,
        )
        out = [_schedule_out(row, f.on) for row in rows]
        for kind, entity in ENTITY_OF.items():
            ids = [o.subject_id for o in out if o.subject_kind is kind]
            await audit_pii_read(self.session, principal, entity, ids)
        return Page[ScheduleOut].of(out, total, page)

    async def worker_loads(
        self,
        page: PageParams,
        principal: Principal,
        *,
        on: date | None = None,
        within_days: int = DEFAULT_WITHIN_DAYS,
        subject_kind: SubjectKind | None = None,
        area_code: str | None = None,
    ) -> Page[WorkerLoad]:
        f = RoundFilter(
            on=on or date.today(),
            principal=principal,
            subject_kind=subject_kind,
            area_code=area_code,
        )
        intervals = await self._intervals(f)
        rows, total = await self.repository.worker_loads(
            f, intervals, within_days=within_days, limit=page.limit, offset=page.offset
        )
        loads = []
        for row in rows:
            kind = SubjectKind(row.subject_kind)
            loads.append(
                WorkerLoad(
                    subject_kind=kind,
                    township_code=AreaCode(row.township),
                    responsible=responsible_of(kind, row),
                    overdue=row.overdue,
                    due=row.due,
                    subjects=row.subjects,
                )
            )
        return Page[WorkerLoad].of(loads, total, page)

    async def summary(
        self, principal: Principal, year: int | None, area_code: str | None
    ) -> VisitSummary:
        today = date.today()
        year = year or today.year
        return await visit_summary(
            self.session,
            year,
            on=statistics_date(year, today),
            area_code=area_code,
            principal=principal,
        )

    # --- helpers -----------------------------------------------------------------

    async def _intervals(self, f: RoundFilter) -> AreaValues:
        """The intervals of ``f.on``'s year by area for the kinds listed; 409 when unset."""
        keys = [INTERVAL_KEY[k] for k in SubjectKind if f.wants(k)]
        return await values_by_area(self.session, keys, f.on.year)

    async def _check_not_recorded(
        self,
        subject: Subject,
        visit_date: date,
        kind: VisitKind,
        other_than: uuid.UUID | None = None,
    ) -> None:
        same = await self.repository.same_visit(
            subject.kind, subject.id, visit_date, kind.value, other_than
        )
        if same is not None:
            raise duplicate_visit(visit_date, kind, same)

    async def _subject(
        self, kind: SubjectKind, subject_id: uuid.UUID, principal: Principal
    ) -> Subject:
        """The subject, if the caller sees its area (404 otherwise, as if missing)."""
        if kind is SubjectKind.ELDERLY:
            elder = await self.repository.elder(subject_id)
            if elder is None or not principal.sees_area(elder.area_code):
                raise elder_not_found(subject_id)
            return elder_subject(elder)
        child = await self.repository.child_file(subject_id)
        if child is None or not principal.sees_area(child.area_code):
            raise file_not_found(subject_id)
        return child_subject(child, await self.repository.worker_name(child.director_id))

    async def _visible(self, visit_id: uuid.UUID, principal: Principal) -> tuple[Visit, Subject]:
        """The visit and its subject, if the caller sees the subject's area."""
        visit = await self.repository.get(visit_id)
        if visit is None:
            raise visit_not_found(visit_id)
        subject_id = visit.elder_id or visit.child_file_id
        assert subject_id is not None
        try:
            subject = await self._subject(subject_kind_of(visit), subject_id, principal)
        except NotFound:
            raise visit_not_found(visit_id) from None
        return visit, subject


def _set_follow_up(visit: Visit, follow_up: FollowUpIn | None) -> None:
    visit.follow_up_action = follow_up.action if follow_up else None
    visit.follow_up_due_date = follow_up.due_date if follow_up else None


def _schedule_out(row: Any, on: date) -> ScheduleOut:
    kind = SubjectKind(row.subject_kind)
    area = AreaCode(row.area_code)
    return ScheduleOut(
        subject_kind=kind,
        subject_id=row.subject_id,
        id_number=IdNumber(row.id_number),
        name=row.name,
        area_code=area,
        township_code=area.parent or area,
        responsible=responsible_of(kind, row),
        registered_date=row.registered_date,
        last_visit_date=row.last_visit_date,
        interval_months=row.interval_months,
        due_date=row.due_date,
        state=ScheduleState(row.state),
        overdue_days=row.overdue_days,
        on=on,
    )
