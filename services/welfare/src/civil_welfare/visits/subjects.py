"""Who is visited: a left-behind elder or a child with a file, seen the same way.

Both are on the round from their registration date (``registered_date``).
"""

import uuid
from dataclasses import dataclass
from datetime import date

from civil_shared.types import IdNumber
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import FileStatus
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.elderly.schemas import ElderStatus
from civil_welfare.visits.schedule import on_round
from civil_welfare.visits.schemas import Responsible, SubjectKind


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
        registered=child.registered_date,
        active=active,
        ended=None if active else child.closed_date,
        responsible=(
            Responsible(name=director_name, username=None, director_id=child.director_id)
            if child.director_id is not None and director_name is not None
            else None
        ),
    )
