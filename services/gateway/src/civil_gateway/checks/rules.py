"""The rules: joins of the services' sets, pure functions (no I/O).

Each set is small for its year (a row per person and programme, a row per recorded
death), so the joins are dictionaries keyed by ID number: linear in the sets' sizes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from civil_gateway.checks.schemas import RULE_LABELS, Finding, FindingPerson, Rule
from civil_shared.contracts.checks import (
    AssistanceCheckSets,
    LastPaid,
    ProgrammeSpell,
    RecordedDeath,
    WelfareCheckSets,
)

DIBAO = frozenset({"urban_dibao", "rural_dibao"})
TEKUN = frozenset({"urban_tekun", "rural_tekun"})
DISABILITY_SUBSIDIES = frozenset({"living", "care"})


def month_number(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_of(month: int) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def months_in_year(spell: ProgrammeSpell, year: int) -> range:
    """The spell's months within ``year`` (empty if none)."""
    first = max(month_number(spell.start_period), year * 12)
    last = min(
        month_number(spell.end_period) if spell.end_period else year * 12 + 11, year * 12 + 11
    )
    return range(first, last + 1)


def _span(months: Iterable[int]) -> str:
    ordered = sorted(months)
    if not ordered:
        return ""
    if ordered[-1] - ordered[0] + 1 == len(ordered):
        return f"{period_of(ordered[0])}至{period_of(ordered[-1])}"
    return "、".join(period_of(m) for m in ordered)


def _finding(rule: Rule, spells: Iterable[ProgrammeSpell], detail: str) -> Finding:
    spells = list(spells)
    person = spells[0]
    return Finding(
        rule=rule,
        label=RULE_LABELS[rule],
        persons=[FindingPerson(id_number=person.id_number, name=person.name)],
        records=[s.record for s in spells],
        detail=detail,
    )


def _by_person(
    spells: Iterable[ProgrammeSpell], programmes: frozenset[str]
) -> dict[str, list[ProgrammeSpell]]:
    found: dict[str, list[ProgrammeSpell]] = defaultdict(list)
    for spell in spells:
        if spell.programme in programmes:
            found[str(spell.id_number)].append(spell)
    return found


def _overlaps(
    rule: Rule,
    left: dict[str, list[ProgrammeSpell]],
    right: dict[str, list[ProgrammeSpell]],
    year: int,
    what: str,
) -> Iterator[Finding]:
    for number, mine in left.items():
        for a in mine:
            for b in right.get(number, ()):
                if a.record == b.record:
                    continue
                common = set(months_in_year(a, year)) & set(months_in_year(b, year))
                if common:
                    yield _finding(rule, (a, b), f"{_span(common)}{what}")


def dibao_and_tekun(assistance: AssistanceCheckSets) -> Iterator[Finding]:
    yield from _overlaps(
        Rule.DIBAO_AND_TEKUN,
        _by_person(assistance.spells, DIBAO),
        _by_person(assistance.spells, TEKUN),
        assistance.year,
        "同时在低保和特困供养中",
    )


def tekun_with_disability_subsidy(
    assistance: AssistanceCheckSets, welfare: WelfareCheckSets
) -> Iterator[Finding]:
    yield from _overlaps(
        Rule.TEKUN_WITH_DISABILITY_SUBSIDY,
        _by_person(assistance.spells, TEKUN),
        _by_person(welfare.spells, DISABILITY_SUBSIDIES),
        assistance.year,
        "特困供养期间同时享受残疾人补贴",
    )


def orphan_and_unsupported(welfare: WelfareCheckSets) -> Iterator[Finding]:
    yield from _overlaps(
        Rule.ORPHAN_AND_UNSUPPORTED,
        _by_person(welfare.spells, frozenset({"orphan"})),
        _by_person(welfare.spells, frozenset({"de_facto_unsupported"})),
        welfare.year,
        "同时按孤儿和事实无人抚养儿童保障",
    )


def living_subsidy_without_dibao(
    assistance: AssistanceCheckSets, welfare: WelfareCheckSets
) -> Iterator[Finding]:
    """A living-subsidy month of the year not covered by dibao, for a grant that only
    dibao justifies (edge-of-dibao not extended to the area, or not found at decision)."""
    year = welfare.year
    only_dibao = set(welfare.living_without_edge)
    dibao_months: dict[str, set[int]] = defaultdict(set)
    for spell in assistance.spells:
        if spell.programme in DIBAO:
            dibao_months[str(spell.id_number)].update(months_in_year(spell, year))
    for spell in welfare.spells:
        if spell.programme != "living" or spell.record.record_id not in only_dibao:
            continue
        uncovered = set(months_in_year(spell, year)) - dibao_months.get(str(spell.id_number), set())
        if uncovered:
            yield _finding(
                Rule.LIVING_SUBSIDY_WITHOUT_DIBAO,
                (spell,),
                f"{_span(uncovered)}享受生活补贴而家庭不在低保",
            )


def high_age_under_age(welfare: WelfareCheckSets) -> Iterator[Finding]:
    for allowance in welfare.under_age_allowances or ():
        yield Finding(
            rule=Rule.HIGH_AGE_UNDER_AGE,
            label=RULE_LABELS[Rule.HIGH_AGE_UNDER_AGE],
            persons=[FindingPerson(id_number=allowance.id_number, name=allowance.name)],
            records=[allowance.record],
            detail=f"{allowance.first_month}月末{allowance.age}周岁，未达{allowance.min_age}周岁",
        )


def paid_after_death(
    last_paid: Iterable[LastPaid], deaths: Iterable[RecordedDeath]
) -> Iterator[Finding]:
    """A payment for a month after the month of a death recorded in any service."""
    died: dict[str, RecordedDeath] = {}
    for death in deaths:
        number = str(death.id_number)
        if number not in died or death.death_date < died[number].death_date:
            died[number] = death
    for paid in last_paid:
        recorded = died.get(str(paid.id_number))
        if recorded is None:
            continue
        death_month = f"{recorded.death_date:%Y-%m}"
        if paid.period > death_month:
            yield Finding(
                rule=Rule.PAID_AFTER_DEATH,
                label=RULE_LABELS[Rule.PAID_AFTER_DEATH],
                persons=[FindingPerson(id_number=paid.id_number, name=paid.name)],
                records=[recorded.record, paid.record],
                detail=f"{recorded.death_date.isoformat()}登记死亡，{paid.programme}"
                f"发放至{paid.period}",
            )


def paid_after_exit(sets: Iterable[AssistanceCheckSets | WelfareCheckSets]) -> Iterator[Finding]:
    for service_sets in sets:
        for line in service_sets.paid_after_exit:
            yield Finding(
                rule=Rule.PAID_AFTER_EXIT,
                label=RULE_LABELS[Rule.PAID_AFTER_EXIT],
                persons=[FindingPerson(id_number=line.id_number, name=line.name)],
                records=[line.record, line.line],
                detail=f"{line.programme}于{line.ended_period}终止，仍发放{line.period}",
            )
