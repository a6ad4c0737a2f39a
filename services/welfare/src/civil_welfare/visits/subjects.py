"""Who is visited: a left-behind elder or a child with a file, seen the same way.

A child file's registration date is its ``registered_date``; a file made before that
was kept has none, and the day it was created on the platform stands for it, in the
server's local time as "today" is everywhere (taken at the server's present UTC offset,
the same in Python and in SQL; Tianmen keeps no daylight saving time).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Date, Interval, cast, func, literal
from sqlalchemy.sql.elements import ColumnElement

from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import FileStatus
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.elderly.schemas import ElderStatus
from civil_welfare.visits.schedule import on_round
from civil_welfare.visits.schemas import Responsible, SubjectKind


def utc_offset() -> timedelta:
    """The server's present offset from UTC (its "today" is local)."""
    return datetime.now().astimezone().utcoffset() or timedelta(0)


def local_date(moment: datetime) -> date:
    """The calendar day of ``moment`` where the service runs."""
    return moment.astimezone(timezone(utc_offset())).date()


def local_date_sql(column: Any) -> ColumnElement[date]:
    """SQL twin of :func:`local_date`: the database session runs in UTC, so the day of
    the moment shifted by the offset."""
    return cast(func.timezone("UTC", column) + literal(utc_offset(), Interval), Date)


@dataclass(frozen=True, slots=True)
class Subject:
    kind: SubjectKind
    id: uuid.UUID
    name: str
    id_number: IdNumber
    area_code: str
    registered: date
    active: bool
    #: The day it left the register (elder) or its file was closed (child), if it did.
    ended: date | None
    responsible: Responsible | None

    def on_round(self, on: date) -> bool:
        return on_round(
            self.registered,
            on,
            active=self.active,
            ended=self.ended,
            child_id_number=self.id_number if self.kind is SubjectKind.CHILD else None,
        )


def elder_subject(elder: LeftBehindElder) -> Subject:
    active = elder.status == ElderStatus.ACTIVE.value
    return Subject(
        kind=SubjectKind.ELDERLY,
        id=elder.id,
        name=elder.name,
        id_number=IdNumber(elder.id_number),
        area_code=elder.area_code,
        registered=elder.registered_date,
        active=active,
        ended=None if active else elder.left_date,
        responsible=Responsible(
            name=elder.worker_name, username=elder.worker_username, director_id=None
        ),
    )


def child_subject(child: ChildFile, director_name: str | None) -> Subject:
    active = child.status == FileStatus.ACTIVE.value
    return Subject(
        kind=SubjectKind.CHILD,
        id=child.id,
        name=child.name,
        id_number=IdNumber(child.id_number),
        area_code=child.area_code,
        registered=(
            child.registered_date
            if child.registered_date is not None
            else local_date(child.created_at)
        ),
        active=active,
        ended=None if active else child.closed_date,
        responsible=(
            Responsible(name=director_name, username=None, director_id=child.director_id)
            if child.director_id is not None and director_name is not None
            else None
        ),
    )
