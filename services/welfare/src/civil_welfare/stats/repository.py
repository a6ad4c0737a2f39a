"""The registers' figures as SQL aggregates, grouped by township (the first 9 digits).

Each method is one statement covering the year and the year before at once: the
registers' counts at the two statistics dates and the persons of every subsidy in the
two months (one pass over each register, an aggregate ``FILTER`` per date: columns
``n`` and ``previous``), and the money of the two years' paid runs (grouped by year).
A township-level record (9 digits) groups under itself.
"""

from dataclasses import dataclass
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

from civil_shared.runtime.statements import Statements
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
from civil_welfare.subsidy_runs.models import DisbursementAreaTotal, DisbursementRun
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


def _counted(
    name: str,
    area_column: Any,
    counted: Any,
    this_year: ColumnElement[bool],
    year_before: ColumnElement[bool],
    *conditions: Any,
) -> Any:
    """``(figure, township, n, previous)``: distinct ``counted`` per township where
    ``conditions`` and, for ``n``, ``this_year``, for ``previous``, ``year_before``;
    rows, with ``counted`` None (a register of one row per person: no sort needed)."""
    where = township(area_column)
    distinct = func.count() if counted is None else func.count(func.distinct(counted))
    return (
        select(
            literal(name, String).label("figure"),
            where.label("township"),
            distinct.filter(this_year).label("n"),
            distinct.filter(year_before).label("previous"),
        )
        .where(*conditions, or_(this_year, year_before))
        .group_by(where)
    )


def _child_on_file(on: date, categories: tuple[ChildCategory, ...]) -> ColumnElement[bool]:
    """A file open on ``on`` (opened by then, not closed by then) of a child born by then
    and not yet 18."""
    f = ChildFile
    return and_(
        f.category.in_([c.value for c in categories]),
        f.registered_date <= on,
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


#: Each statement below, built once per year, date, rule and area (see Statements).
_STATEMENTS = Statements()


def _fingerprint(rule: AreaValues | None) -> object:
    return None if rule is None else rule.fingerprint


@dataclass(frozen=True, slots=True)
class Dated:
    """A statistics date and the left-behind rule of its year (None: not set)."""

    on: date
    left_behind_rule: AreaValues | None


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def register_counts(self, now: Dated, before: Dated, area_code: str | None) -> list[Any]:
        """``(figure, township, n, previous)``: left-behind elderly (registered by the date,
        not left by then, and qualifying on it under the area's rule of its year; none
        without a rule), and the left-behind and the hardship children with a file open on
        the date (a child of both kinds in both); ``n`` on ``now``, ``previous`` on
        ``before``."""
        key = (
            "registers",
            now.on,
            _fingerprint(now.left_behind_rule),
            before.on,
            _fingerprint(before.left_behind_rule),
            area_code,
        )
        query = _STATEMENTS.get(key, lambda: self._register_counts(now, before, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _register_counts(now: Dated, before: Dated, area_code: str | None) -> Any:
        elder, f = LeftBehindElder, ChildFile

        def elder_on(dated: Dated) -> ColumnElement[bool]:
            on, rule = dated.on, dated.left_behind_rule
            return and_(
                elder.registered_date <= on,
                or_(elder.status == ElderStatus.ACTIVE.value, elder.left_date > on),
                qualifies_on(on, rule) if rule is not None else false(),
            )

        elders = _counted(
            LEFT_BEHIND_ELDERLY,
            elder.area_code,
            None,
            elder_on(now),
            elder_on(before),
            within(elder.area_code, area_code),
        )
        children = [
            _counted(
                name,
                f.area_code,
                None,
                _child_on_file(now.on, categories),
                _child_on_file(before.on, categories),
                within(f.area_code, area_code),
            )
            for name, categories in (
                (LEFT_BEHIND_CHILDREN, (ChildCategory.LEFT_BEHIND, ChildCategory.BOTH)),
                (HARDSHIP_CHILDREN, (ChildCategory.HARDSHIP, ChildCategory.BOTH)),
            )
        ]
        return union_all(elders, *children)

    async def subsidy_persons(
        self, now: Period, before: Period, area_code: str | None
    ) -> list[Any]:
        """``(figure, township, n, previous)`` with ``figure`` a ``Subsidy`` value: the
        persons whose entitlement covers ``now`` (``n``) and ``before`` (``previous``), by
        each register's own rule of months and status (the amounts play no part: a count
        needs no parameter)."""
        key = ("persons", now, before, area_code)
        query = _STATEMENTS.get(key, lambda: self._subsidy_persons(now, before, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _subsidy_persons(now: Period, before: Period, area_code: str | None) -> Any:
        high_age, hard_up = HighAgeAllowance, HardUpElderSubsidy
        support, grant, person = ChildSupportCase, DisabilitySubsidyGrant, DisabledPerson
        parts: list[Any] = [
            _counted(
                Subsidy.HIGH_AGE.value,
                high_age.area_code,
                None,  # one row per person (unique ID number)
                high_age_payable_in(now),
                high_age_payable_in(before),
                within(high_age.area_code, area_code),
            )
        ]
        for subsidy in (Subsidy.HARD_UP_HIGH_AGE, Subsidy.HARD_UP_DISABLED):
            parts.append(
                _counted(
                    subsidy.value,
                    hard_up.area_code,
                    hard_up.id_number,
                    hard_up_payable_in(now),
                    hard_up_payable_in(before),
                    hard_up.kind == subsidy.value,
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
                    covering(str(now)),
                    covering(str(before)),
                    support.scheme == scheme.value,
                    support.orphan_kind == kind.value if kind is not None else true(),
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
                    _disability_grant_covering(str(now)),
                    _disability_grant_covering(str(before)),
                    person.id == grant.person_id,
                    grant.subsidy == which.value,
                    within(person.area_code, area_code),
                )
            )
        return union_all(*parts)

    async def paid(self, year: int, area_code: str | None) -> list[Any]:
        """``(year, subsidy, township, amount, person_months)``: the money of the paid runs
        of ``year`` and the year before, by year and the township it was paid in."""
        query = _STATEMENTS.get(("paid", year, area_code), lambda: self._paid(year, area_code))
        return list((await self.session.execute(query)).all())

    @staticmethod
    def _paid(year: int, area_code: str | None) -> Any:
        # The runs' sums by village, not their lines: a year's lines are 20 times as many.
        run, by_area = DisbursementRun, DisbursementAreaTotal
        where = township(by_area.area_code)
        run_year = func.left(run.period, 4)
        return (
            select(
                run_year.label("year"),
                run.programme.label("subsidy"),
                where.label("township"),
                func.sum(by_area.amount).label("amount"),
                func.sum(by_area.persons).label("person_months"),
            )
            .join(by_area, by_area.run_id == run.id)
            .where(
                run.status == PAID,
                or_(run.period.startswith(f"{year}-"), run.period.startswith(f"{year - 1}-")),
                within(by_area.area_code, area_code),
            )
            .group_by(run_year, run.programme, where)
        )
