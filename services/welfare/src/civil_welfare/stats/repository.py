"""The registers' figures as SQL aggregates, grouped by township (the first 9 digits).

Each method is one statement: the registers' counts at a date, the persons of every
subsidy in a month, and the money of the year's paid runs. A township-level record
(9 digits) groups under itself.
"""

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from civil_shared.types import Period
from civil_welfare.children.files.models import ChildFile
from civil_welfare.children.files.schemas import ChildCategory, FileStatus
from civil_welfare.children.majority import ADULT_AGE
from civil_welfare.children.orphans.schemas import OrphanKind
from civil_welfare.children.support.models import ChildSupportCase
from civil_welfare.children.support.repository import covering
from civil_welfare.children.support.schemas import Scheme
from civil_welfare.disability.models import DisabilitySubsidyGrant, DisabledPerson
from civil_welfare.disability.schemas import DisabilitySubsidy, GrantStatus
from civil_welfare.elderly.ages import born_by
from civil_welfare.elderly.models import LeftBehindElder
from civil_welfare.elderly.repository import qualifies_on
from civil_welfare.elderly.schemas import ElderStatus
from civil_welfare.hard_up_elderly.models import HardUpElderSubsidy
from civil_welfare.hard_up_elderly.repository import payable_in as hard_up_payable_in
from civil_welfare.high_age.models import HighAgeAllowance
from civil_welfare.high_age.repository import payable_in as high_age_payable_in
from civil_welfare.parameters.by_area import AreaValues
from civil_welfare.subsidy_runs.models import DisbursementLine, DisbursementRun
from civil_welfare.subsidy_runs.schemas import Subsidy

PAID = "paid"

#: The registers' figures, as named in the contract's ``WelfareCounts``.
LEFT_BEHIND_ELDERLY = "left_behind_elderly"
LEFT_BEHIND_CHILDREN = "left_behind_children"
HARDSHIP_CHILDREN = "hardship_children"


def township(column: Any) -> ColumnElement[str]:
    return func.left(column, 9)


def within(column: Any, area_code: str | None) -> ColumnElement[bool]:
    """Rows in ``area_code`` (a prefix: a township's code covers its villages)."""
    return column.startswith(area_code, autoescape=True) if area_code else true()


def _counted(name: str, area_column: Any, counted: Any, *conditions: Any) -> Any:
    """``(figure, township, n)``: distinct ``counted`` per township where ``conditions``."""
    where = township(area_column)
    return (
        select(
            literal(name, String).label("figure"),
            where.label("township"),
            func.count(func.distinct(counted)).label("n"),
        )
        .where(*conditions)
        .group_by(where)
    )


def _child_on_file(on: date, categories: tuple[ChildCategory, ...]) -> ColumnElement[bool]:
    """A file open on ``on`` (not closed by then) of a child born by then and not yet 18."""
    f = ChildFile
    return and_(
        f.category.in_([c.value for c in categories]),
        or_(f.status == FileStatus.ACTIVE.value, f.closed_date > on),
        born_by(f.id_number, on, 0),
        ~born_by(f.id_number, on, ADULT_AGE),
    )


def _disability_grant_covering(month: str) -> ColumnElement[bool]:
    """The same months as the subsidy's payable lines: from the start, to the end if any."""
    grant = DisabilitySubsidyGrant
    return and_(
        grant.start_period <= month,
        or_(
            and_(grant.status == GrantStatus.ACTIVE.value, grant.end_period.is_(None)),
            and_(grant.status == GrantStatus.STOPPED.value, grant.end_period >= month),
        ),
    )


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def register_counts(
        self, on: date, left_behind_rule: AreaValues | None, area_code: str | None
    ) -> list[Any]:
        """``(figure, township, n)``: left-behind elderly (registered by ``on``, not left by
        then, and qualifying on ``on`` under the area's rule; none without a rule), and the
        left-behind and the hardship children with a file open on ``on`` (a child of both
        kinds in both)."""
        elder, f = LeftBehindElder, ChildFile
        elders = _counted(
            LEFT_BEHIND_ELDERLY,
            elder.area_code,
            elder.id,
            elder.registered_date <= on,
            or_(elder.status == ElderStatus.ACTIVE.value, elder.left_date > on),
            qualifies_on(on, left_behind_rule) if left_behind_rule is not None else false(),
            within(elder.area_code, area_code),
        )
        left_behind = _counted(
            LEFT_BEHIND_CHILDREN,
            f.area_code,
            f.id,
            _child_on_file(on, (ChildCategory.LEFT_BEHIND, ChildCategory.BOTH)),
            within(f.area_code, area_code),
        )
        hardship = _counted(
            HARDSHIP_CHILDREN,
            f.area_code,
            f.id,
            _child_on_file(on, (ChildCategory.HARDSHIP, ChildCategory.BOTH)),
            within(f.area_code, area_code),
        )
        query = union_all(elders, left_behind, hardship)
        return list((await self.session.execute(query)).all())

    async def subsidy_persons(self, period: Period, area_code: str | None) -> list[Any]:
        """``(figure, township, n)`` with ``figure`` a ``Subsidy`` value: the persons whose
        entitlement covers ``period``, by each register's own rule of months and status
        (the amounts play no part: a count needs no parameter)."""
        month = str(period)
        high_age, hard_up = HighAgeAllowance, HardUpElderSubsidy
        support, grant, person = ChildSupportCase, DisabilitySubsidyGrant, DisabledPerson
        parts: list[Any] = [
            _counted(
                Subsidy.HIGH_AGE.value,
                high_age.area_code,
                high_age.id_number,
                high_age_payable_in(period),
                within(high_age.area_code, area_code),
            )
        ]
        for subsidy in (Subsidy.HARD_UP_HIGH_AGE, Subsidy.HARD_UP_DISABLED):
            parts.append(
                _counted(
                    subsidy.value,
                    hard_up.area_code,
                    hard_up.id_number,
                    hard_up.kind == subsidy.value,
                    hard_up_payable_in(period),
                    within(hard_up.area_code, area_code),
                )
            )
        for subsidy, scheme, kind in (
            (Subsidy.ORPHAN_SCATTERED, Scheme.ORPHAN, OrphanKind.SCATTERED),
            (Subsidy.ORPHAN_INSTITUTION, Scheme.ORPHAN, OrphanKind.INSTITUTION),
            (Subsidy.DE_FACTO_UNSUPPORTED, Scheme.DE_FACTO_UNSUPPORTED, None),
        ):
            parts.append(
                _counted(
                    subsidy.value,
                    support.area_code,
                    support.id_number,
                    support.scheme == scheme.value,
                    support.orphan_kind == kind.value if kind is not None else true(),
                    covering(month),
                    within(support.area_code, area_code),
                )
            )
        for subsidy, which in (
            (Subsidy.DISABILITY_LIVING, DisabilitySubsidy.LIVING),
            (Subsidy.DISABILITY_CARE, DisabilitySubsidy.CARE),
        ):
            parts.append(
                _counted(
                    subsidy.value,
                    person.area_code,
                    person.id,
                    person.id == grant.person_id,
                    grant.subsidy == which.value,
                    _disability_grant_covering(month),
                    within(person.area_code, area_code),
                )
            )
        return list((await self.session.execute(union_all(*parts))).all())

    async def paid(self, year: int, area_code: str | None) -> list[Any]:
        """``(subsidy, township, amount, person_months)``: the lines of the year's paid runs,
        by the village each line was paid in."""
        run, line = DisbursementRun, DisbursementLine
        where = township(line.area_code)
        query = (
            select(
                run.programme.label("subsidy"),
                where.label("township"),
                func.sum(line.amount).label("amount"),
                func.sum(line.persons).label("person_months"),
            )
            .join(line, line.run_id == run.id)
            .where(
                run.status == PAID,
                run.period.startswith(f"{year}-"),
                within(line.area_code, area_code),
            )
            .group_by(run.programme, where)
        )
        return list((await self.session.execute(query)).all())
