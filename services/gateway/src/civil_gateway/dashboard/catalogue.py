"""Which figure of the services' statistics is which dashboard indicator.

Every figure the three ``/internal/v1/stats`` contracts carry
(:mod:`civil_shared.contracts`) is named here once: a stable dotted key that
front ends and the annual report rely on, a Chinese label and a unit. A figure
is found by a *path* into the contract: ``temporary.cases`` is an attribute,
``programmes[rural_dibao].households`` the ``households`` of the list item
whose ``programme`` is ``rural_dibao`` (:data:`LISTS` says which field names an
item, and what an absent item means: a programme nobody is enrolled in counts
0, a standard not set is unknown). ``tests/test_dashboard.py`` checks that every
path resolves in its contract and that no numeric field of a contract is left
out.

The labels of list items (programmes, subsidies, organisation types...) are the
services' own Chinese terms; the gateway cannot import the services' enums (the
services are independent), so the values are spelled out here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, get_args

from pydantic import BaseModel

from civil_shared.clients.stats import STATS_CONTRACTS

SourceName = Literal["assistance", "welfare", "governance"]
Value = int | Decimal

#: The contract each service answers ``/internal/v1/stats`` with.
CONTRACTS: Final[Mapping[str, type[BaseModel]]] = STATS_CONTRACTS


@dataclass(frozen=True, slots=True)
class ListSpec:
    """A list of a contract: the fields that name an item, and an absent item's value."""

    by: tuple[str, ...]
    absent: Literal["zero", "unknown"]


#: (service, list attribute) → how its items are told apart.
LISTS: Final[Mapping[tuple[SourceName, str], ListSpec]] = {
    ("assistance", "programmes"): ListSpec(("programme",), "zero"),
    ("assistance", "paid"): ListSpec(("programme",), "zero"),
    ("assistance", "standards"): ListSpec(("programme",), "unknown"),
    ("welfare", "subsidies"): ListSpec(("subsidy",), "zero"),
    ("welfare", "standards"): ListSpec(("key",), "unknown"),
    ("governance", "organisations_by_type"): ListSpec(("org_type", "status"), "zero"),
    ("governance", "donations"): ListSpec(("purpose",), "zero"),
}

#: The unit of an assistance standard comes with it (the rural dibao standard is yearly).
STANDARD_UNITS: Final[Mapping[str, str]] = {"per_month": "元/人·月", "per_year": "元/人·年"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One indicator: where its value is in the service's statistics, and how it is shown.

    ``unit_from`` names a field of the list item that gives the unit instead
    (through :data:`STANDARD_UNITS`), for standards set per month or per year.
    """

    key: str
    label: str
    unit: str
    source: SourceName
    path: str
    unit_from: str | None = None


_ITEM = re.compile(r"^(?P<list>\w+)\[(?P<match>[\w,]+)\]\.(?P<field>\w+)$")


@dataclass(frozen=True, slots=True)
class Path:
    """A parsed :attr:`Figure.path`: an attribute chain, or a field of a list item."""

    attributes: tuple[str, ...]
    list_name: str | None = None
    match: tuple[str, ...] = ()
    field: str | None = None

    @classmethod
    def parse(cls, text: str) -> Path:
        item = _ITEM.match(text)
        if item is None:
            return cls(attributes=tuple(text.split(".")))
        return cls(
            attributes=(),
            list_name=item["list"],
            match=tuple(item["match"].split(",")),
            field=item["field"],
        )


# --- The catalogue ---------------------------------------------------------------------

PERSONS = "人"
HOUSEHOLDS = "户"
YUAN = "元"
COUNT = "个"

_A: SourceName = "assistance"
_W: SourceName = "welfare"
_G: SourceName = "governance"

#: Programmes of assistance (enrolments and payments), in the report's order.
ASSISTANCE_PROGRAMMES: Final = (
    ("urban_dibao", "城市低保"),
    ("rural_dibao", "农村低保"),
    ("urban_tekun", "城市特困供养"),
    ("rural_tekun", "农村特困供养"),
)
#: Standards of assistance (the standards register's categories).
ASSISTANCE_STANDARDS: Final = (
    ("urban_dibao", "城市最低生活保障标准"),
    ("rural_dibao", "农村最低生活保障标准"),
    ("urban_tekun_basic", "城市特困人员基本生活标准"),
    ("rural_tekun_basic", "农村特困人员基本生活标准"),
    ("tekun_care_self_care", "特困人员护理标准（全自理）"),
    ("tekun_care_partly_disabled", "特困人员护理标准（半失能）"),
    ("tekun_care_fully_disabled", "特困人员护理标准（全失能）"),
)
#: Welfare's monthly subsidies (disbursement programmes).
WELFARE_SUBSIDIES: Final = (
    ("high_age", "高龄津贴"),
    ("hard_up_high_age", "经济困难高龄老人补贴"),
    ("hard_up_disabled", "经济困难失能老人补贴"),
    ("orphan_scattered", "散居孤儿基本生活费"),
    ("orphan_institution", "集中供养孤儿基本生活费"),
    ("de_facto_unsupported", "事实无人抚养儿童生活补贴"),
    ("disability_living", "困难残疾人生活补贴"),
    ("disability_care", "重度残疾人护理补贴"),
)
#: Welfare's standards (policy parameters, yuan per person and month).
WELFARE_STANDARDS: Final = (
    ("orphan_scattered_allowance", "散居孤儿基本生活费标准"),
    ("orphan_institution_allowance", "集中供养孤儿基本生活费标准"),
    ("disability_living_subsidy", "困难残疾人生活补贴标准"),
    ("disability_care_subsidy", "重度残疾人护理补贴标准"),
    ("high_age_tier1_allowance", "高龄津贴第一档标准"),
    ("high_age_tier2_allowance", "高龄津贴第二档标准"),
    ("high_age_tier3_allowance", "高龄津贴第三档标准"),
    ("hard_up_high_age_subsidy", "经济困难高龄老人补贴标准"),
    ("hard_up_disabled_elderly_subsidy", "经济困难失能老人补贴标准"),
)
ORGANISATION_TYPES: Final = (
    ("social_group", "社会团体"),
    ("social_service_agency", "社会服务机构"),
    ("foundation", "基金会"),
)
ORGANISATION_STATUSES: Final = (
    ("active", "正常"),
    ("suspended", "停止活动"),
    ("deregistered", "注销登记"),
    ("revoked", "撤销登记"),
)
DONATION_PURPOSES: Final = (
    ("epidemic", "疫情防控"),
    ("poverty", "扶贫济困"),
    ("education", "助学"),
    ("disaster", "救灾"),
    ("other", "其他"),
)


def _assistance() -> Iterator[Figure]:
    for programme, name in ASSISTANCE_PROGRAMMES:
        at = f"programmes[{programme}]"
        yield Figure(
            f"assistance.{programme}.households", f"{name}户数", HOUSEHOLDS, _A, f"{at}.households"
        )
        yield Figure(f"assistance.{programme}.persons", f"{name}人数", PERSONS, _A, f"{at}.persons")
        yield Figure(
            f"assistance.{programme}.poverty_alleviation_households",
            f"{name}中精准扶贫户数",
            HOUSEHOLDS,
            _A,
            f"{at}.poverty_alleviation_households",
        )
        yield Figure(
            f"assistance.{programme}.poverty_alleviation_persons",
            f"{name}中精准扶贫人数",
            PERSONS,
            _A,
            f"{at}.poverty_alleviation_persons",
        )
    for programme, name in ASSISTANCE_PROGRAMMES:
        yield Figure(
            f"assistance.{programme}.paid_amount",
            f"{name}资金年内发放",
            YUAN,
            _A,
            f"paid[{programme}].amount",
        )
    yield Figure("assistance.paid.total", "社会救助资金年内发放合计", YUAN, _A, "paid_total")
    for programme, name in ASSISTANCE_STANDARDS:
        yield Figure(
            f"assistance.standards.{programme}",
            name,
            "元/人·月",
            _A,
            f"standards[{programme}].amount",
            unit_from="unit",
        )
    yield Figure("assistance.temporary.cases", "临时救助人次", "人次", _A, "temporary.cases")
    yield Figure("assistance.temporary.amount", "临时救助金额", YUAN, _A, "temporary.total_amount")
    yield Figure(
        "assistance.temporary.average_amount",
        "临时救助人均（每人次）金额",
        YUAN,
        _A,
        "temporary.average_amount",
    )
    yield Figure(
        "assistance.helper_ledger.persons", "帮扶人台账在册人数", PERSONS, _A, "helper_ledger"
    )
    yield Figure("assistance.rescues.person_times", "流浪乞讨人员救助人次", "人次", _A, "rescues")


def _welfare() -> Iterator[Figure]:
    counts = (
        ("left_behind_elderly.count", "农村留守老人", PERSONS, "left_behind_elderly"),
        ("left_behind_children.count", "农村留守儿童", PERSONS, "left_behind_children"),
        ("hardship_children.count", "困境儿童", PERSONS, "hardship_children"),
        ("orphans.scattered", "散居孤儿", PERSONS, "orphans_scattered"),
        ("orphans.institution", "集中供养孤儿", PERSONS, "orphans_institution"),
        (
            "de_facto_unsupported_children.count",
            "事实无人抚养儿童",
            PERSONS,
            "de_facto_unsupported_children",
        ),
        (
            "disability_living_subsidy.persons",
            "困难残疾人生活补贴人数",
            PERSONS,
            "disability_living_subsidy_persons",
        ),
        (
            "disability_care_subsidy.persons",
            "重度残疾人护理补贴人数",
            PERSONS,
            "disability_care_subsidy_persons",
        ),
        ("high_age_allowance.persons", "高龄津贴人数", PERSONS, "high_age_allowance_persons"),
        ("child_directors.count", "儿童主任", PERSONS, "child_directors"),
        ("child_directors.trained", "儿童主任年内受训", PERSONS, "child_directors_trained"),
        ("child_supervisors.count", "儿童督导员", PERSONS, "child_supervisors"),
        ("child_supervisors.trained", "儿童督导员年内受训", PERSONS, "child_supervisors_trained"),
        ("visits.made", "年内探访次数", "次", "visits_made"),
        ("visits.overdue", "逾期未探访的留守老人和儿童", PERSONS, "visits_overdue"),
        ("institutions.count", "养老机构、福利院", "所", "institutions"),
        ("institutions.residents", "机构在院人数", PERSONS, "institution_residents"),
        ("institutions.staff", "机构工作人员", PERSONS, "institution_staff"),
        (
            "institutions.disabled_tekun_residents",
            "失能特困人员台账",
            PERSONS,
            "disabled_tekun_residents",
        ),
        (
            "closed_management.institutions",
            "实行封闭管理的机构",
            "所",
            "closed_management_institutions",
        ),
        (
            "closed_management.residents",
            "封闭管理期间在院老人",
            PERSONS,
            "closed_management_residents",
        ),
        ("closed_management.staff", "封闭管理期间在岗工作人员", PERSONS, "closed_management_staff"),
        (
            "closed_management.infections",
            "封闭管理期间感染人数",
            PERSONS,
            "closed_management_infections",
        ),
        ("funeral_waivers.count", "殡葬救助（减免）件数", "例", "funeral_waivers"),
        ("funeral_waivers.amount", "殡葬减免金额", YUAN, "funeral_waiver_amount"),
        ("cemeteries.count", "农村公益性公墓", COUNT, "cemeteries"),
        ("cemeteries.built_in_year", "年内建成农村公益性公墓", COUNT, "cemeteries_built_in_year"),
        ("subsidies.paid_total", "各项补贴年内发放合计", YUAN, "paid_total"),
    )
    for key, label, unit, path in counts:
        yield Figure(f"welfare.{key}", label, unit, _W, path)
    for subsidy, name in WELFARE_SUBSIDIES:
        at = f"subsidies[{subsidy}]"
        yield Figure(
            f"welfare.subsidies.{subsidy}.persons",
            f"{name}年末享受人数",
            PERSONS,
            _W,
            f"{at}.persons",
        )
        yield Figure(
            f"welfare.subsidies.{subsidy}.paid_amount",
            f"{name}年内发放",
            YUAN,
            _W,
            f"{at}.paid_amount",
        )
        yield Figure(
            f"welfare.subsidies.{subsidy}.paid_person_months",
            f"{name}年内发放人次",
            "人·月",
            _W,
            f"{at}.paid_person_months",
        )
    for key, name in WELFARE_STANDARDS:
        yield Figure(f"welfare.standards.{key}", name, "元/人·月", _W, f"standards[{key}].amount")


def _governance() -> Iterator[Figure]:
    counts = (
        ("township_units.count", "乡、镇、街道", COUNT, "township_units"),
        ("township_units.all", "乡级单位（含农场、管委会）", COUNT, "township_units_all"),
        ("communities.urban", "城市社区", COUNT, "communities_urban"),
        ("communities.rural", "村（农村社区）", COUNT, "communities_rural"),
        ("pilots.count", "农村社区建设试点", COUNT, "pilots"),
        ("councils.count", "协商议事会、理事会、村（居）务监督委员会", COUNT, "councils"),
        (
            "councils.communities_complete",
            "三会齐全的城乡社区",
            COUNT,
            "communities_with_three_councils",
        ),
        ("councils.meetings", "三会年内召开会议", "次", "council_meetings"),
        ("covenants.adopted", "年内通过的村规民约（居民公约）", "件", "covenants_adopted"),
        ("organisations.count", "在册社会组织", "家", "organisations"),
        ("illegal_organisations.dispersed", "劝散非法社会组织", "家", "illegal_dispersed"),
        ("illegal_organisations.banned", "取缔非法社会组织", "家", "illegal_banned"),
        ("donations.amount", "接收慈善捐赠款物", YUAN, "donation_amount"),
        ("volunteers.registered", "注册志愿者", PERSONS, "volunteers_registered"),
        ("volunteers.with_hours", "年内有服务记录的志愿者", PERSONS, "volunteers_with_hours"),
        ("volunteers.hours", "志愿服务时长", "小时", "volunteer_hours"),
        ("boundaries.lines", "乡级界线", "条", "boundary_lines"),
        ("boundaries.lines_surveyed", "已勘定的乡级界线", "条", "boundary_lines_surveyed"),
        ("boundaries.training_batches", "界线勘定培训批次", "批", "boundary_training_batches"),
        (
            "boundaries.training_townships",
            "参加界线勘定培训的乡镇",
            COUNT,
            "boundary_training_townships",
        ),
    )
    for key, label, unit, path in counts:
        yield Figure(f"governance.{key}", label, unit, _G, path)
    for org_type, type_name in ORGANISATION_TYPES:
        for status, status_name in ORGANISATION_STATUSES:
            yield Figure(
                f"governance.organisations.{org_type}.{status}",
                f"{type_name}（{status_name}）",
                "家",
                _G,
                f"organisations_by_type[{org_type},{status}].count",
            )
    for purpose, name in DONATION_PURPOSES:
        yield Figure(
            f"governance.donations.{purpose}.count",
            f"{name}捐赠笔数",
            "笔",
            _G,
            f"donations[{purpose}].count",
        )
        yield Figure(
            f"governance.donations.{purpose}.amount",
            f"{name}捐赠款物",
            YUAN,
            _G,
            f"donations[{purpose}].amount",
        )


#: Every indicator, in the order the dashboard lists them.
CATALOGUE: Final[tuple[Figure, ...]] = (*_assistance(), *_welfare(), *_governance())
BY_KEY: Final[Mapping[str, Figure]] = {figure.key: figure for figure in CATALOGUE}
PATHS: Final[Mapping[str, Path]] = {figure.key: Path.parse(figure.path) for figure in CATALOGUE}
assert len(BY_KEY) == len(CATALOGUE), "two indicators share a key"


# --- Reading a figure out of the statistics ---------------------------------------------


def _number(value: object) -> Value | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return value
    raise TypeError(f"not a figure: {value!r}")


def read(figure: Figure, stats: BaseModel) -> tuple[Value | None, str]:
    """The figure's value in ``stats`` (None when unknown) and its unit."""
    path = PATHS[figure.key]
    if path.list_name is None:
        value: object = stats
        for attribute in path.attributes:
            value = getattr(value, attribute)
        return _number(value), figure.unit
    spec = LISTS[(figure.source, path.list_name)]
    for item in getattr(stats, path.list_name):
        if tuple(str(getattr(item, name)) for name in spec.by) == path.match:
            assert path.field is not None
            unit = figure.unit
            if figure.unit_from is not None:
                unit = STANDARD_UNITS.get(str(getattr(item, figure.unit_from)), unit)
            return _number(getattr(item, path.field)), unit
    if spec.absent == "unknown":
        return None, figure.unit
    assert path.field is not None
    return _zero(figure.source, path.list_name, path.field), figure.unit


def _zero(source: SourceName, list_name: str, field: str) -> Value:
    """Nothing of an absent list item: 0, or 0.00 for an amount."""
    (item_type,) = get_args(CONTRACTS[source].model_fields[list_name].annotation)
    annotation = item_type.model_fields[field].annotation
    return Decimal("0.00") if annotation is Decimal else 0
