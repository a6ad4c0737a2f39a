"""Run the checks: both services' sets fetched at once, the rules joined, the caller's areas."""

from __future__ import annotations

import asyncio
from typing import TypeVar

import structlog
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from civil_gateway.checks import rules
from civil_gateway.checks.schemas import (
    RULE_LABELS,
    RULE_SERVICES,
    ConflictReport,
    Finding,
    Rule,
    RuleSummary,
)
from civil_gateway.db import AuditEvent
from civil_gateway.peers import Peers
from civil_shared.auth import Principal
from civil_shared.contracts.checks import AssistanceCheckSets, WelfareCheckSets
from civil_shared.errors import ServiceUnavailable
from civil_shared.runtime.audit import AuditAction, record_event
from civil_shared.runtime.internal import InternalServiceError

log = structlog.get_logger("civil.gateway.checks")

M = TypeVar("M", bound=BaseModel)


async def _sets(
    peers: Peers | None, service: str, year: int, answer: type[M], deadline: float
) -> M | None:
    client = peers[service].client if peers is not None else None
    if client is None:
        return None
    try:
        async with asyncio.timeout(deadline):
            return await client.get("/internal/v1/checks/sets", answer, params={"year": str(year)})
    except (InternalServiceError, TimeoutError) as exc:
        log.warning("check sets unavailable", service=service, error=type(exc).__name__)
        return None


def evaluate(
    assistance: AssistanceCheckSets | None, welfare: WelfareCheckSets | None
) -> tuple[dict[Rule, bool], list[Finding]]:
    """Which rules could be evaluated, and their findings."""
    evaluated: dict[Rule, bool] = dict.fromkeys(Rule, False)
    findings: list[Finding] = []
    if assistance is not None:
        findings += rules.dibao_and_tekun(assistance)
        evaluated[Rule.DIBAO_AND_TEKUN] = True
    if welfare is not None:
        findings += rules.orphan_and_unsupported(welfare)
        evaluated[Rule.ORPHAN_AND_UNSUPPORTED] = True
        if welfare.under_age_allowances is not None:
            findings += rules.high_age_under_age(welfare)
            evaluated[Rule.HIGH_AGE_UNDER_AGE] = True
    if assistance is not None and welfare is not None:
        findings += rules.tekun_with_disability_subsidy(assistance, welfare)
        findings += rules.living_subsidy_without_dibao(assistance, welfare)
        findings += rules.paid_after_death(
            [*assistance.last_paid, *welfare.last_paid], [*assistance.deaths, *welfare.deaths]
        )
        findings += rules.paid_after_exit((assistance, welfare))
        for rule in (
            Rule.TEKUN_WITH_DISABILITY_SUBSIDY,
            Rule.LIVING_SUBSIDY_WITHOUT_DIBAO,
            Rule.PAID_AFTER_DEATH,
            Rule.PAID_AFTER_EXIT,
        ):
            evaluated[rule] = True
    return evaluated, findings


def _visible(principal: Principal, finding: Finding) -> bool:
    return any(principal.sees_area(record.area_code) for record in finding.records)


async def conflicts(
    session: AsyncSession,
    peers: Peers | None,
    principal: Principal,
    *,
    year: int,
    rule: Rule | None,
    limit: int,
    offset: int,
    deadline: float,
) -> ConflictReport:
    assistance, welfare = await asyncio.gather(
        _sets(peers, "assistance", year, AssistanceCheckSets, deadline),
        _sets(peers, "welfare", year, WelfareCheckSets, deadline),
    )
    degraded = [
        name for name, sets in (("assistance", assistance), ("welfare", welfare)) if sets is None
    ]
    if len(degraded) == 2:
        raise ServiceUnavailable(
            "社会救助和福利服务均未应答，暂时无法进行数据比对", code="GATEWAY_CHECKS_UNAVAILABLE"
        )
    evaluated, found = evaluate(assistance, welfare)
    found = [f for f in found if _visible(principal, f)]
    counts = dict.fromkeys(Rule, 0)
    for finding in found:
        counts[finding.rule] += 1
    chosen = [f for f in found if rule is None or f.rule is rule]
    chosen.sort(key=lambda f: (list(Rule).index(f.rule), str(f.persons[0].id_number)))
    page = chosen[offset : offset + limit]
    if principal.reads_pii and page:
        await record_event(
            session,
            AuditEvent,
            action=AuditAction.READ_PII,
            entity="conflict_checks",
            entity_id=str(year),
            new_values={
                "id_numbers": sorted({str(p.id_number) for f in page for p in f.persons}),
            },
        )
        await session.commit()
    return ConflictReport(
        year=year,
        rules=[
            RuleSummary(
                rule=r,
                label=RULE_LABELS[r],
                services=list(RULE_SERVICES[r]),
                evaluated=evaluated[r],
                findings=counts[r],
            )
            for r in Rule
        ],
        total=len(chosen),
        findings=page,
        degraded=degraded,
    )
