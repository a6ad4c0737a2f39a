"""Make the ``tianmen-2020`` dataset: deterministic for a seed, nobody's real data.

Everything is made in memory as the API bodies (dicts, JSON-ready) and import
rows the loader sends, in the order the platform needs them: divisions before
the registers that name them, households before their enrolments, dibao
members before their disability subsidies. Counts and money come from
:mod:`civil_cli.demo.figures`; the remaining freedom (who, where, how much
each) is drawn from one ``random.Random(seed)``.

Names are Faker's ``zh_CN`` names (a pool drawn once, then picked from: Faker
takes 50 µs a name); ID numbers are Tianmen's (429006), each with a valid
check character and a birth date fitting the person's group, all distinct.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from faker import Faker

from civil_cli.demo import figures as F
from civil_shared.types import IdNumber, id_check_char

Body = dict[str, Any]

#: The 28 township-level units (DOMAIN.md): code suffix, name, division kind.
TOWNSHIPS: tuple[tuple[str, str, str], ...] = (
    ("001", "竟陵街道", "street"),
    ("002", "侯口街道", "street"),
    ("003", "杨林街道", "street"),
    ("100", "多宝镇", "town"),
    ("101", "拖市镇", "town"),
    ("102", "张港镇", "town"),
    ("103", "蒋场镇", "town"),
    ("104", "汪场镇", "town"),
    ("105", "渔薪镇", "town"),
    ("106", "黄潭镇", "town"),
    ("107", "岳口镇", "town"),
    ("108", "横林镇", "town"),
    ("109", "彭市镇", "town"),
    ("110", "麻洋镇", "town"),
    ("111", "多祥镇", "town"),
    ("112", "干驿镇", "town"),
    ("113", "马湾镇", "town"),
    ("114", "卢市镇", "town"),
    ("115", "小板镇", "town"),
    ("116", "九真镇", "town"),
    ("118", "皂市镇", "town"),
    ("119", "胡市镇", "town"),
    ("120", "石家河镇", "town"),
    ("121", "佛子山镇", "town"),
    ("201", "净潭乡", "township"),
    ("450", "蒋湖农场", "farm"),
    ("451", "白茅湖农场", "farm"),
    ("452", "沉湖管委会", "management_committee"),
)
REPORT_UNITS = tuple(t for t in TOWNSHIPS if t[2] not in ("farm", "management_committee"))
#: Urban communities of the three streets; every town and the township has one at its seat.
STREET_COMMUNITIES = {"001": 24, "002": 8, "003": 6}
STREET_VILLAGES = {"001": 10, "002": 12, "003": 14}
#: Villages of the farms and the management committee: not among the report's 621
#: communities, but each has a child director (629 = 621 + 8).
FARM_VILLAGES = {"450": 3, "451": 3, "452": 2}
#: The two communities of the report's social-work psychological-aid pilots.
NAMED_COMMUNITIES = ("官路社区", "鸿渐社区")

_PLACE_CHARS = list(
    "新和平安河湾岭桥湖台坪岗垸洲林塘口集家庙堤港咀场山潭店寺城沟"
    "东西南北中上下前后大小高长青红黄白金银石杨柳李张王刘陈彭胡马"
    "义仁兴旺丰福顺建光明华荣永星月莲荷渔樊瓦窑桑竹梅花松鹤龙凤"
)

JAN_2020 = "2020-01"
YEAR_END = date(2020, 12, 31)


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


@dataclass
class Division:
    code: str
    name: str
    kind: str  # community or village

    @property
    def township(self) -> str:
        return self.code[:9]


@dataclass
class Dataset:
    """Everything the loader sends, grouped by where it goes."""

    seed: int
    divisions: list[Division] = field(default_factory=list)
    communities: list[Body] = field(default_factory=list)
    councils: list[tuple[str, Body]] = field(default_factory=list)  # (area_code, body)
    illegal_cases: list[tuple[Body, Body]] = field(default_factory=list)  # (case, outcome)
    donations: list[Body] = field(default_factory=list)
    boundary_trainings: list[Body] = field(default_factory=list)
    social_work_projects: list[Body] = field(default_factory=list)
    volunteers: list[dict[str, str]] = field(default_factory=list)  # import rows
    volunteer_organisations: list[Body] = field(default_factory=list)
    volunteer_activities: list[Body] = field(default_factory=list)  # organisation by name
    volunteer_services: list[dict[str, str]] = field(default_factory=list)  # import rows
    households: list[dict[str, str]] = field(default_factory=list)  # import rows
    enrolments: list[Body] = field(default_factory=list)  # household by "address"
    temporary_cases: list[Body] = field(default_factory=list)
    helper_assignments: list[Body] = field(default_factory=list)
    rescues: list[Body] = field(default_factory=list)
    welfare_parameters: list[Body] = field(default_factory=list)
    elders: list[Body] = field(default_factory=list)
    child_files: list[Body] = field(default_factory=list)
    supervisors: list[Body] = field(default_factory=list)
    directors: list[Body] = field(default_factory=list)
    trainings: dict[str, Body] = field(default_factory=dict)  # by role
    unsupported_children: list[Body] = field(default_factory=list)
    disabled_persons: list[Body] = field(default_factory=list)  # with "subsidies"
    institutions: list[Body] = field(default_factory=list)
    closures: list[Body] = field(default_factory=list)  # institution by "name"
    disabled_tekun: list[Body] = field(default_factory=list)  # institution by "institution"
    funeral_waivers: list[Body] = field(default_factory=list)
    cemeteries: list[Body] = field(default_factory=list)
    high_age: list[dict[str, str]] = field(default_factory=list)  # import rows
    orphans: list[Body] = field(default_factory=list)
    visits: list[dict[str, str]] = field(default_factory=list)  # import rows

    def yearly_assistance(self) -> Decimal:
        """What twelve monthly runs of the enrolments pay in 2020."""
        return sum((Decimal(e["monthly_amount"]) for e in self.enrolments), Decimal(0)) * 12


class People:
    """Names and ID numbers: distinct, valid, of a plausible age."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.seed = seed
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self._male = [fake.name_male() for _ in range(6000)]
        self._female = [fake.name_female() for _ in range(6000)]
        self._phones = [fake.phone_number() for _ in range(3000)]
        self._used: set[str] = set()

    def part(self, name: str) -> tuple[random.Random, People]:
        """A random stream of the part ``name`` and these people drawing from it (the
        same names, and no ID number given twice across the parts)."""
        rng = random.Random(f"{self.seed}/{name}")  # noqa: S311 - made-up data
        other = copy.copy(self)
        other.rng = rng
        return rng, other

    def name(self, male: bool | None = None) -> str:
        if male is None:
            male = self.rng.random() < 0.5
        return self.rng.choice(self._male if male else self._female)

    def phone(self) -> str:
        return self.rng.choice(self._phones)

    def id_number(self, born_from: date, born_to: date, male: bool | None = None) -> str:
        span = (born_to - born_from).days
        while True:
            born = born_from + timedelta(days=self.rng.randint(0, span))
            if male is None:
                male = self.rng.random() < 0.5
            sex = self.rng.choice("13579" if male else "02468")
            first17 = f"{F.TIANMEN}{born:%Y%m%d}{self.rng.randint(0, 99):02d}{sex}"
            number = first17 + id_check_char(first17)
            if number not in self._used:
                self._used.add(number)
                return number

    def person(self, born_from: date, born_to: date, male: bool | None = None) -> tuple[str, str]:
        """(ID number, name) of one person."""
        if male is None:
            male = self.rng.random() < 0.5
        return self.id_number(born_from, born_to, male), self.name(male)


def split(total: int, parts: int, rng: random.Random, low: int = 0) -> list[int]:
    """``parts`` non-negative integers (each at least ``low``) summing to ``total``."""
    base = [low] * parts
    for _ in range(total - low * parts):
        base[rng.randrange(parts)] += 1
    return base


def amounts(total: Decimal, count: int, low: int, high: int, rng: random.Random) -> list[Decimal]:
    """``count`` whole-yuan amounts in [low, high] summing to exactly ``total`` (whole yuan)."""
    target = int(total)
    mean = target / count
    values = [max(low, min(high, round(rng.gauss(mean, mean / 3)))) for _ in range(count)]
    gap = target - sum(values)
    while gap:
        i = rng.randrange(count)
        step = max(-(values[i] - low), min(high - values[i], gap))
        step = max(-50, min(50, step))
        values[i] += step
        gap -= step
    return [Decimal(v).quantize(Decimal("0.01")) for v in values]


def generate(seed: int = F.SEED) -> Dataset:
    everyone = People(random.Random(seed), seed)  # noqa: S311 - made-up, reproducible
    data = Dataset(seed=seed)
    _divisions(data, everyone.part("divisions")[0])
    for name, make in (
        ("governance", _governance),
        ("volunteers", _volunteers),
        ("assistance", _assistance),
        ("welfare", _welfare),
        ("allowances", _allowances),
    ):
        make(data, *everyone.part(name))
    return data


# --- divisions and governance ----------------------------------------------------------


def _place_names(rng: random.Random, count: int, suffix: str, taken: set[str]) -> Iterator[str]:
    made = 0
    while made < count:
        name = "".join(rng.sample(_PLACE_CHARS, 2)) + suffix
        if name not in taken:
            taken.add(name)
            made += 1
            yield name


def _divisions(data: Dataset, rng: random.Random) -> None:
    towns = [t for t in REPORT_UNITS if t[2] != "street"]
    # 621 in the report's 25 units: the streets' communities and villages, one
    # community at each town's seat, the rest villages shared out among the towns.
    town_villages = split(
        F.COMMUNITIES
        - sum(STREET_COMMUNITIES.values())
        - sum(STREET_VILLAGES.values())
        - len(towns),
        len(towns),
        rng,
        low=15,
    )
    plan: list[tuple[str, str, int, int]] = []  # township code, name, communities, villages
    for suffix, name, kind in TOWNSHIPS:
        code = f"{F.TIANMEN}{suffix}"
        if kind == "street":
            plan.append((code, name, STREET_COMMUNITIES[suffix], STREET_VILLAGES[suffix]))
        elif suffix in FARM_VILLAGES:
            plan.append((code, name, 0, FARM_VILLAGES[suffix]))
        else:
            plan.append((code, name, 1, town_villages.pop(0)))
    for code, township_name, communities, villages in plan:
        taken: set[str] = set()
        names = list(_place_names(rng, communities, "社区", taken))
        if code.endswith("001"):
            names[: len(NAMED_COMMUNITIES)] = NAMED_COMMUNITIES
        elif communities == 1:
            names = [f"{township_name[:-1]}社区"]
        for i, name in enumerate(names, start=1):
            data.divisions.append(Division(f"{code}{i:03d}", name, "community"))
        for i, name in enumerate(_place_names(rng, villages, "村", taken), start=1):
            data.divisions.append(Division(f"{code}{200 + i:03d}", name, "village"))


def in_report(division: Division) -> bool:
    return division.code[6:9] not in FARM_VILLAGES


def _governance(data: Dataset, rng: random.Random, people: People) -> None:
    counted = [d for d in data.divisions if in_report(d)]
    pilots = set(rng.sample([d.code for d in counted if d.kind == "village"], F.PILOTS))
    for division in counted:
        households = (
            rng.randint(300, 1500) if division.kind == "village" else rng.randint(800, 4000)
        )
        body: Body = {
            "area_code": division.code,
            "population": households * rng.randint(25, 38) // 10,
            "households": households,
        }
        if division.code in pilots:
            body["pilot_year"] = rng.randint(2016, 2020)
        data.communities.append(body)
        for kind in ("consultation_council", "council", "supervision_committee"):
            established = date(2018, 1, 1) + timedelta(days=rng.randint(0, 1000))
            data.councils.append(
                (division.code, {"kind": kind, "established_date": established.isoformat()})
            )
    for i, (name, township) in enumerate(
        (("天门市慈善互助协会", "001"), ("竟陵老乡联谊会", "001"), ("渔薪商会联合会", "105")),
        start=1,
    ):
        opened = date(2020, 3 + 2 * i, 10 + i)
        data.illegal_cases.append(
            (
                {
                    "name": name,
                    "source": "report",
                    "opened_date": opened.isoformat(),
                    "township_code": f"{F.TIANMEN}{township}",
                    "activities": "未经登记以社会组织名义开展活动",
                },
                {
                    "outcome": "dispersed",
                    "outcome_date": (opened + timedelta(days=20)).isoformat(),
                    "outcome_notes": "约谈负责人，责令停止活动，已劝散",
                },
            )
        )
    _donations(data, *people.part("donations"))
    rng, people = people.part("boundaries-and-social-work")
    units = [f"{F.TIANMEN}{t[0]}" for t in REPORT_UNITS]
    batches = split(len(units), F.BOUNDARY_TRAINING_BATCHES, rng, low=3)
    for batch, size in enumerate(batches, start=1):
        data.boundary_trainings.append(
            {
                "held_date": date(2020, 9, 7 + batch).isoformat(),
                "place": "天门市民政局会议室",
                "topic": f"乡级界线勘界业务培训（第{batch}批）",
                "participants": size * rng.randint(6, 10),
                "township_codes": [units.pop(0) for _ in range(size)],
            }
        )
    named = [d for d in data.divisions if d.name in NAMED_COMMUNITIES]
    for division in named:
        data.social_work_projects.append(
            {
                "name": f"{division.name}社会工作心理援助试点",
                "kind": "psychological_aid",
                "pilot": True,
                "service": "疫情后社区居民心理疏导、危机干预和个案辅导",
                "provider_name": "天门市阳光社会工作服务中心",
                "budget": "130000",
                "start_date": "2020-05-01",
                "end_date": "2020-12-31",
                "area_code": division.code,
            }
        )


def _donations(data: Dataset, rng: random.Random, people: People) -> None:
    donors = [
        "天门市红十字会",
        "湖北天门农村商业银行",
        "天门市工商联",
        "天门籍在外企业家",
        "爱心市民",
    ]
    receipt = 0
    for purpose, total, count in (
        ("epidemic", F.DONATIONS_EPIDEMIC, 60),
        ("other", F.DONATIONS_OTHER, 40),
    ):
        for amount in amounts(total / 100, count, 1000, 10_000_000, rng):
            receipt += 1
            donor = rng.choice(donors)
            when = (
                date(2020, 1, 25) + timedelta(days=rng.randint(0, 80))
                if purpose == "epidemic"
                else date(2020, 4, 1) + timedelta(days=rng.randint(0, 260))
            )
            data.donations.append(
                {
                    "donor_name": donor if donor != "爱心市民" else people.name(),
                    "donor_kind": "person" if donor == "爱心市民" else "organisation",
                    "donation_date": when.isoformat(),
                    "amount": str(amount * 100),
                    "purpose": purpose,
                    "receiving_body": "天门市慈善会",
                    "receipt_number": f"TMCS2020-{receipt:05d}",
                }
            )


def _volunteers(data: Dataset, rng: random.Random, people: People) -> None:
    villages = [d for d in data.divisions if in_report(d)]
    for suffix, name, _kind in REPORT_UNITS:
        township = f"{F.TIANMEN}{suffix}"
        data.volunteer_organisations.append(
            {
                "name": f"{name}志愿者协会",
                "kind": "volunteer_association",
                "township_code": township,
                "contact_name": people.name(),
                "contact_phone": people.phone(),
            }
        )
        for month in range(1, 13):
            day = date(2020, month, rng.randint(1, 28))
            data.volunteer_activities.append(
                {
                    "code": f"TM{suffix}-2020-{month:02d}",
                    "organisation": f"{name}志愿者协会",
                    "title": rng.choice(
                        ["疫情防控值守", "关爱留守老人", "环境整治", "助学帮扶", "文明劝导", "义诊"]
                    )
                    + f"（{month}月）",
                    "activity_date": day.isoformat(),
                    "place": name,
                    "township_code": township,
                    "organiser": f"{name}志愿者协会",
                }
            )
    counts = [rng.choice((1, 2, 2, 3)) for _ in range(F.VOLUNTEERS)]
    hours = split_hours(F.VOLUNTEER_HOURS, sum(counts), rng)
    h = 0
    for i in range(F.VOLUNTEERS):
        village = villages[i % len(villages)]
        id_number, name = people.person(date(1955, 1, 1), date(2000, 12, 31))
        registered = date(2015, 1, 1) + timedelta(days=rng.randint(0, 1825))
        data.volunteers.append(
            {
                "id_number": id_number,
                "name": name,
                "phone": people.phone(),
                "area_code": village.code,
                "registered_date": registered.isoformat(),
            }
        )
        for month in rng.sample(range(1, 13), counts[i]):
            data.volunteer_services.append(
                {
                    "id_number": id_number,
                    "activity_code": f"TM{village.code[6:9]}-2020-{month:02d}",
                    "hours": str(hours[h]),
                }
            )
            h += 1


def split_hours(total: int, records: int, rng: random.Random) -> list[int]:
    """Whole hours of ``records`` records (1–24 each) summing to ``total``."""
    mean = total / records
    values = [max(1, min(24, round(rng.expovariate(1 / mean)))) for _ in range(records)]
    gap = total - sum(values)
    while gap:
        i = rng.randrange(records)
        if gap > 0 and values[i] < 24:
            values[i] += 1
            gap -= 1
        elif gap < 0 and values[i] > 1:
            values[i] -= 1
            gap += 1
    return values


# --- assistance ---------------------------------------------------------------------------


def _household(
    data: Dataset,
    rng: random.Random,
    people: People,
    *,
    village: Division,
    size: int,
    ref: str,
    rural: bool,
    poverty: bool,
) -> list[tuple[str, str, str]]:
    """Add a household's import rows; its members as (id_number, name, relation)."""
    head_male = rng.random() < 0.7
    head = people.person(date(1940, 1, 1), date(1985, 12, 31), head_male)
    born_head = date(int(head[0][6:10]), 1, 1)
    members = [(*head, "head")]
    if size >= 2:
        members.append(
            (*people.person(born_head, born_head + timedelta(days=1500), not head_male), "spouse")
        )
    for _ in range(size - len(members)):
        start = max(born_head + timedelta(days=365 * 20), date(1990, 1, 1))
        members.append((*people.person(start, date(2019, 12, 31)), "child"))
    address = f"{village.name}{rng.randint(1, 12)}组{ref}号"
    income = rng.choice((0, 0, 50, 100, 150, 200)) if size > 1 else 0
    for i, (id_number, name, relation) in enumerate(members):
        row = {
            "household_ref": ref,
            "area_code": village.code,
            "address": address,
            "residence_type": "rural" if rural else "urban",
            "income_stability": "stable",
            "in_poverty_alleviation": "是" if poverty else "否",
            "id_number": id_number,
            "name": name,
            "relation": relation,
            "employment_status": "unemployed" if i == 0 else "other",
        }
        if i == 0 and income:
            row["income_wages"] = str(income * size)
        data.households.append(row)
    standard = 450 if rural else 630
    people_ = [{"id_number": m[0], "name": m[1]} for m in members]
    data.enrolments.append(
        {
            "programme": "rural_dibao" if rural else "urban_dibao",
            "household": address,
            "area_code": village.code,
            "payee": people_[0],
            "people": people_,
            "monthly_amount": f"{(standard - income) * size}.00",
            "start_period": f"{rng.randint(2015, 2019)}-{rng.randint(1, 12):02d}",
            "in_poverty_alleviation": poverty,
        }
    )
    return members


def _assistance(data: Dataset, rng: random.Random, people: People) -> None:
    villages = [d for d in data.divisions if d.kind == "village" and in_report(d)]
    towns = [d for d in data.divisions if d.kind == "community" and in_report(d)]
    members: list[tuple[str, str, str, str]] = []  # id, name, relation, village
    ref = 0
    for poverty, households, persons in (
        (True, F.RURAL_DIBAO_PA_HOUSEHOLDS, F.RURAL_DIBAO_PA_PERSONS),
        (
            False,
            F.RURAL_DIBAO_HOUSEHOLDS - F.RURAL_DIBAO_PA_HOUSEHOLDS,
            F.RURAL_DIBAO_PERSONS - F.RURAL_DIBAO_PA_PERSONS,
        ),
    ):
        sizes = [1] * households
        for _ in range(persons - households):
            i = rng.randrange(households)
            while sizes[i] >= 6:
                i = rng.randrange(households)
            sizes[i] += 1
        for size in sizes:
            ref += 1
            village = rng.choice(villages)
            for m in _household(
                data,
                rng,
                people,
                village=village,
                size=size,
                ref=f"R{ref}",
                rural=True,
                poverty=poverty,
            ):
                members.append((*m, village.code))
    # Tekun: rural persons of 60 and over, and a few in town; the support standard
    # (9,000 a year, 1,260 a month) plus a care allowance by self-care ability.
    tekun: list[tuple[str, str, str]] = []
    for programme, count, basic in (
        ("rural_tekun", F.RURAL_TEKUN_PERSONS, 750),
        ("urban_tekun", 120, 1260),
    ):
        for _ in range(count):
            where = rng.choice(villages if programme == "rural_tekun" else towns)
            person = people.person(date(1925, 1, 1), date(1960, 12, 31))
            care = rng.choices((0, 175, 350), weights=(70, 20, 10))[0]
            payee = {"id_number": person[0], "name": person[1]}
            data.enrolments.append(
                {
                    "programme": programme,
                    "area_code": where.code,
                    "payee": payee,
                    "people": [payee],
                    "monthly_amount": f"{basic + care}.00",
                    "start_period": f"{rng.randint(2012, 2019)}-{rng.randint(1, 12):02d}",
                }
            )
            if programme == "rural_tekun":
                tekun.append((person[0], person[1], where.code))
    # Urban dibao makes up the rest of the year's 2.68 亿 (the report gives no count);
    # the last household's amount is what is left, below its standard.
    paid = data.yearly_assistance()
    while F.ASSISTANCE_PAID - paid > 12 * 630 * 4:
        ref += 1
        _household(
            data,
            rng,
            people,
            village=rng.choice(towns),
            size=rng.choice((1, 1, 2, 2, 3, 4)),
            ref=f"U{ref}",
            rural=False,
            poverty=False,
        )
        paid += Decimal(data.enrolments[-1]["monthly_amount"]) * 12
    left = ((F.ASSISTANCE_PAID - paid) / 12).quantize(Decimal("0.01"))
    ref += 1
    _household(
        data, rng, people, village=towns[0], size=4, ref=f"U{ref}", rural=False, poverty=False
    )
    data.enrolments[-1]["monthly_amount"] = str(left)
    # Each part draws from a stream of its own: a change to one leaves the others'
    # records as they were (a platform loaded before still holds them).
    rng, people = people.part("disability")
    _disability(data, rng, people, members)
    rng, people = people.part("helpers")
    _helpers(data, rng, people, members, tekun)
    rng, people = people.part("ledger-and-funerals")
    _ledger_and_funerals(data, rng, people, tekun, members)
    rng, people = people.part("temporary")
    _temporary(data, rng, people, villages + towns)
    rng, people = people.part("rescues")
    for i in range(F.RESCUES):
        found = date(2020, 1, 1) + timedelta(days=rng.randint(0, 365))
        male = rng.random() < 0.8
        known = rng.random() < 0.6
        data.rescues.append(
            {
                "person_name": people.name(male) if known else f"无名氏{i + 1:03d}",
                "id_number": people.id_number(date(1950, 1, 1), date(2000, 1, 1), male)
                if known
                else None,
                "sex": "male" if male else "female",
                "approximate_age": None if known else rng.randint(30, 70),
                "found_date": found.isoformat(),
                "place": rng.choice(
                    ["天门火车站", "天门汽车客运站", "竟陵大道", "陆羽广场", "天门南站"]
                ),
                "area_code": f"{F.TIANMEN}001",
                "help_given": rng.sample(["food", "shelter", "medical", "transport_home"], 2),
                "outcome": rng.choice(
                    ["returned_home", "returned_home", "placed_in_institution", "left"]
                ),
            }
        )


def _disability(
    data: Dataset, rng: random.Random, people: People, members: list[tuple[str, str, str, str]]
) -> None:
    """The living subsidy for disabled members of dibao households; the care subsidy for
    grade 1–2 persons, some of them the same people, the rest outside dibao."""
    living = rng.sample(
        [m for m in members if m[2] != "head"] + [m for m in members if m[2] == "head"][:4000],
        F.DISABILITY_LIVING_PERSONS,
    )
    categories = ("physical", "physical", "visual", "hearing", "intellectual", "mental", "multiple")
    digits = {
        "visual": 1,
        "hearing": 2,
        "speech": 3,
        "physical": 4,
        "intellectual": 5,
        "mental": 6,
        "multiple": 7,
    }

    def body(id_number: str, name: str, area: str, grade: int, subsidies: list[str]) -> Body:
        category = rng.choice(categories)
        return {
            "id_number": id_number,
            "name": name,
            "area_code": area,
            "certificate_number": f"{id_number}{digits[category]}{grade}",
            "category": category,
            "grade": grade,
            "care_need_since": "2018-01-01" if grade <= 2 else None,
            "subsidies": subsidies,
            "start_period": JAN_2020,
        }

    for i, (id_number, name, _relation, area) in enumerate(living):
        both = i < F.DISABILITY_BOTH_PERSONS
        grade = rng.choice((1, 2)) if both else rng.choice((3, 4))
        data.disabled_persons.append(
            body(id_number, name, area, grade, ["living", "care"] if both else ["living"])
        )
    villages = [d for d in data.divisions if in_report(d)]
    for _ in range(F.DISABILITY_CARE_PERSONS - F.DISABILITY_BOTH_PERSONS):
        id_number, name = people.person(date(1940, 1, 1), date(2010, 12, 31))
        data.disabled_persons.append(
            body(id_number, name, rng.choice(villages).code, rng.choice((1, 2)), ["care"])
        )


def _helpers(
    data: Dataset,
    rng: random.Random,
    people: People,
    members: list[tuple[str, str, str, str]],
    tekun: list[tuple[str, str, str]],
) -> None:
    severe = {p["id_number"] for p in data.disabled_persons if p["grade"] <= 2}
    disabled = [m for m in members if m[0] in severe]
    ill = [m for m in members if m[0] not in severe]
    chosen: list[tuple[str, str, str, str]] = []
    dispersed = rng.sample(tekun, 2500)
    chosen += [(i, n, "dispersed_tekun", a) for i, n, a in dispersed]
    chosen += [(m[0], m[1], "severely_disabled", m[3]) for m in rng.sample(disabled, 2000)]
    rest = F.HELPER_LEDGER - len(chosen)
    chosen += [(m[0], m[1], "seriously_ill", m[3]) for m in rng.sample(ill, rest)]
    roles = ("village_cadre", "village_cadre", "party_member", "township_staff", "neighbour")
    for id_number, name, reason, area in chosen:
        data.helper_assignments.append(
            {
                "id_number": id_number,
                "name": name,
                "area_code": area,
                "reason": reason,
                "has_phone": False,
                "helper_name": people.name(),
                "helper_phone": people.phone(),
                "helper_role": rng.choice(roles),
                "start_date": (date(2020, 3, 1) + timedelta(days=rng.randint(0, 90))).isoformat(),
            }
        )


def _ledger_and_funerals(
    data: Dataset,
    rng: random.Random,
    people: People,
    tekun: list[tuple[str, str, str]],
    members: list[tuple[str, str, str, str]],
) -> None:
    """Fully disabled tekun elderly in the welfare homes (not among the dispersed ones the
    helper ledger names), and funeral fees waived for deceased dibao and tekun persons."""
    helped = {a["id_number"] for a in data.helper_assignments}
    cared = rng.sample([t for t in tekun if t[0] not in helped], F.DISABLED_TEKUN_RESIDENTS)
    homes = [t for t in REPORT_UNITS if t[2] != "street"]
    for id_number, name, _area in cared:
        home = rng.choice(homes)
        data.disabled_tekun.append(
            {
                "institution": f"天门市{home[1]}福利院",
                "id_number": id_number,
                "name": name,
                "self_care_level": "fully_disabled",
                "admitted_date": (
                    date(2019, 1, 1) + timedelta(days=rng.randint(0, 700))
                ).isoformat(),
            }
        )
    places = [d for d in data.divisions if in_report(d)]
    items = ("transport", "storage", "cremation", "urn", "ash_storage", "farewell")
    for amount in amounts(F.FUNERAL_WAIVER_AMOUNT, F.FUNERAL_WAIVERS, 600, 2000, rng):
        # The deceased are not on the registers the dataset loads (a death ends an enrolment).
        id_number, name = people.person(date(1925, 1, 1), date(1960, 12, 31))
        died = date(2020, 1, 1) + timedelta(days=rng.randint(0, 350))
        data.funeral_waivers.append(
            {
                "deceased_id_number": id_number,
                "deceased_name": name,
                "death_date": died.isoformat(),
                "area_code": rng.choice(places).code,
                "family_programme": rng.choice(("dibao", "dibao", "tekun")),
                "items": rng.sample(items, 3),
                "amount": str(amount),
                "approved_by": "天门市民政局",
                "approved_date": (died + timedelta(days=rng.randint(1, 14))).isoformat(),
            }
        )


def _temporary(data: Dataset, rng: random.Random, people: People, places: list[Division]) -> None:
    causes = (
        "illness",
        "illness",
        "accident",
        "disaster",
        "fire",
        "education",
        "epidemic",
        "other",
    )
    for year, count, average, high in (
        (2019, F.TEMPORARY_CASES_2019, F.TEMPORARY_AVERAGE_2019, 3600),
        (2020, F.TEMPORARY_CASES, F.TEMPORARY_AVERAGE, 3780),
    ):
        # Whole yuan, but 2019's average has fen: the fen go on the last case.
        total = average * count
        whole = amounts(Decimal(int(total)), count, 300, high, rng)
        whole[-1] += total - int(total)
        for i, amount in enumerate(whole, start=1):
            id_number, name = people.person(date(1945, 1, 1), date(2000, 12, 31))
            when = date(year, 1, 2) + timedelta(days=rng.randint(0, 360))
            cause = rng.choice(causes)
            data.temporary_cases.append(
                {
                    "key": f"demo-temporary-{year}-{i:05d}",
                    "id_number": id_number,
                    "name": name,
                    "area_code": rng.choice(places).code,
                    "kind": "emergency",
                    "cause": cause,
                    "application_date": when.isoformat(),
                    "description": "因病因灾等突发困难，家庭基本生活暂时出现严重困难",
                    "amount": str(amount),
                }
            )


# --- welfare ------------------------------------------------------------------------------


def _welfare(data: Dataset, rng: random.Random, people: People) -> None:
    villages = [d for d in data.divisions if d.kind == "village" and in_report(d)]
    every = list(data.divisions)
    workers = {v.code: people.name() for v in villages}
    for _ in range(F.LEFT_BEHIND_ELDERLY):
        village = rng.choice(villages)
        id_number, name = people.person(date(1930, 1, 1), date(1958, 12, 31))
        children = []
        for _c in range(rng.randint(1, 3)):
            male = rng.random() < 0.5
            away = date(2012, 1, 1) + timedelta(days=rng.randint(0, 2700))
            children.append(
                {
                    "name": people.name(male),
                    "relation": "son" if male else "daughter",
                    "away_for": "work",
                    "whereabouts": rng.choice(
                        ["武汉", "广州", "深圳", "上海", "北京", "杭州", "东莞"]
                    ),
                    "away_since": away.isoformat(),
                }
            )
        data.elders.append(
            {
                "id_number": id_number,
                "name": name,
                "area_code": village.code,
                "living_situation": rng.choice(
                    ["alone", "with_spouse", "with_spouse", "with_grandchildren"]
                ),
                "risk_level": rng.choice(["low", "low", "medium", "high"]),
                "responsible_worker": {"name": workers[village.code]},
                "children": children,
                "registered_date": (
                    date(2019, 1, 1) + timedelta(days=rng.randint(0, 500))
                ).isoformat(),
            }
        )
    for i in range(F.LEFT_BEHIND_CHILDREN):
        village = rng.choice(villages)
        id_number, name = people.person(date(2009, 1, 1), date(2019, 12, 31))
        data.child_files.append(
            {
                "id_number": id_number,
                "name": name,
                "area_code": village.code,
                "category": "both" if i % 7 == 0 else "left_behind",
                "guardian": {
                    "name": people.name(),
                    "relation": "grandparent",
                    "phone": people.phone(),
                },
                "situation": "父母均外出务工，由祖父母照料",
            }
        )
    supervisor_units = [f"{F.TIANMEN}{t[0]}" for t in REPORT_UNITS] + [f"{F.TIANMEN}450"]
    for code in supervisor_units[: F.CHILD_SUPERVISORS]:
        data.supervisors.append(_worker(people, code, rng))
    for division in every[: F.CHILD_DIRECTORS]:
        data.directors.append(_worker(people, division.code, rng))
    assert len(data.directors) == F.CHILD_DIRECTORS, "629 directors need 629 villages"
    data.trainings = {
        "supervisor": {
            "training_date": "2020-09-15",
            "topic": "儿童督导员政策解读培训",
            "hours": "6",
            "organiser": "天门市民政局",
        },
        "director": {
            "training_date": "2020-09-16",
            "topic": "儿童主任业务能力培训",
            "hours": "6",
            "organiser": "天门市民政局",
        },
    }
    for _ in range(F.DE_FACTO_UNSUPPORTED):
        village = rng.choice(villages)
        id_number, name = people.person(date(2009, 1, 1), date(2018, 12, 31))
        data.unsupported_children.append(
            {
                "id_number": id_number,
                "name": name,
                "area_code": village.code,
                "father": {"state": "dead"},
                "mother": rng.choice([{"state": "imprisoned"}, {"state": "seriously_ill"}]),
                "guardian": {
                    "name": people.name(),
                    "relation": "grandparent",
                    "phone": people.phone(),
                },
                "assessed_date": "2020-01-10",
                "start_period": JAN_2020,
                "situation": "父亲死亡，母亲服刑或重病，由祖父母抚养",
            }
        )
    _institutions(data, rng, people, villages)


def _worker(people: People, area_code: str, rng: random.Random) -> Body:
    id_number, name = people.person(date(1965, 1, 1), date(1995, 12, 31))
    return {
        "id_number": id_number,
        "name": name,
        "phone": people.phone(),
        "appointed_date": (date(2019, 3, 1) + timedelta(days=rng.randint(0, 300))).isoformat(),
        "area_code": area_code,
    }


def _institutions(
    data: Dataset, rng: random.Random, people: People, villages: list[Division]
) -> None:
    residents = split(F.INSTITUTION_RESIDENTS, F.INSTITUTIONS, rng, low=20)
    staff = split(F.INSTITUTION_STAFF, F.INSTITUTIONS, rng, low=4)
    homes = [t for t in REPORT_UNITS if t[2] != "street"]
    for i in range(F.INSTITUTIONS):
        if i < len(homes):
            suffix, name, _kind = homes[i]
            institution = f"天门市{name}福利院"
            area, kind, operator = f"{F.TIANMEN}{suffix}", "welfare_home", "public"
        else:
            brand = rng.choice(["康乐", "颐养", "福寿", "夕阳红", "安康", "仁爱", "松鹤", "长青"])
            institution = f"天门市{brand}养老院{i}"
            area, kind, operator = f"{F.TIANMEN}001", "elderly_care_institution", "private"
        data.institutions.append(
            {
                "name": institution,
                "kind": kind,
                "operator": operator,
                "area_code": area,
                "capacity": residents[i] + rng.randint(10, 60),
                "residents_count": residents[i],
                "staff_count": staff[i],
            }
        )
        data.closures.append(
            {
                "institution": institution,
                "start_date": "2020-01-26",
                "end_date": "2020-05-06",
                "residents_inside": residents[i],
                "staff_inside": staff[i],
                "infections": 0,
                "notes": "疫情期间实行封闭管理，零感染",
            }
        )
    for i, village in enumerate(rng.sample(villages, F.CEMETERIES)):
        built = 2020 if i < F.CEMETERIES_BUILT_IN_YEAR else rng.randint(2014, 2019)
        data.cemeteries.append(
            {
                "name": f"{village.name}公益性公墓",
                "area_code": village.code,
                "status": "built" if built == 2020 else "in_use",
                "year_built": built,
                "graves_capacity": rng.randint(300, 1500),
                "pilot": True,
            }
        )


# --- high-age allowance, orphans, visits ------------------------------------------------------

#: The high-age tiers' first ages (the welfare service's seeded rule, DOMAIN.md).
HIGH_AGE_TIER_AGES = (80, 90, 100)
_HIGH_AGE_AMOUNTS = tuple(F.HIGH_AGE_ALLOWANCES.values())  # tier 1, 2, 3, per month


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def high_age_monthly(id_number: str, period: str) -> Decimal:
    """What the platform pays the holder of ``id_number`` for ``period``: the tier of the
    age reached by the month's last day (0 below the first)."""
    year, month = int(period[:4]), int(period[5:])
    age = IdNumber(id_number).age_on(_month_end(year, month))
    amount = Decimal(0)
    for minimum, tier_amount in zip(HIGH_AGE_TIER_AGES, _HIGH_AGE_AMOUNTS, strict=True):
        if age >= minimum:
            amount = tier_amount
    return amount


def high_age_paid(rows: list[dict[str, str]]) -> Decimal:
    """What twelve monthly runs of ``rows`` pay in the year."""
    return sum(
        (
            high_age_monthly(r["id_number"], period)
            for r in rows
            for period in _months(F.YEAR)
            if period >= r["start_period"]
        ),
        Decimal(0),
    )


def _allowances(data: Dataset, rng: random.Random, people: People) -> None:
    rng_high_age, high_age_people = people.part("high-age")
    _high_age(data, rng_high_age, high_age_people)
    rng_orphans, orphan_people = people.part("orphans")
    _orphans(data, rng_orphans, orphan_people)
    _elder_visits(data, people.part("visits")[0])
    _child_visits(data, people.part("child-visits")[0])


def _high_age(data: Dataset, rng: random.Random, people: People) -> None:
    """The register by birth year (figures), the 81–89-year-olds filling up to the year's
    money; each starts with 2020 or, turning 80 in it, with the birthday's month."""
    places = [d for d in data.divisions if in_report(d)]

    def add(id_number: str, name: str, start: str) -> None:
        data.high_age.append(
            {
                "id_number": id_number,
                "name": name,
                "area_code": rng.choice(places).code,
                "start_period": start,
            }
        )

    def born_in(years: list[int], weights: list[float]) -> tuple[str, str]:
        year = rng.choices(years, weights)[0]
        return people.person(date(year, 1, 1), date(year, 12, 31))

    for _ in range(F.HIGH_AGE_BORN_1940):
        id_number, name = born_in([1940], [1])
        add(id_number, name, f"{F.YEAR}-{IdNumber(id_number).birth_date.month:02d}")
    fixed: list[tuple[int, list[int], list[float]]] = [
        (F.HIGH_AGE_BORN_1930, [1930], [1]),
        (F.HIGH_AGE_BORN_1921_1929, list(range(1921, 1930)), [1.0 + 0.25 * i for i in range(9)]),
        (F.HIGH_AGE_BORN_1920, [1920], [1]),
        (F.HIGH_AGE_BORN_1908_1919, list(range(1908, 1920)), [1.0 + i for i in range(12)]),
    ]
    for count, years, weights in fixed:
        for _ in range(count):
            add(*born_in(years, weights), JAN_2020)
    left = F.HIGH_AGE_PAID - high_age_paid(data.high_age)
    tier1 = _HIGH_AGE_AMOUNTS[0]
    full_years, rest = divmod(left, tier1 * 12)
    assert rest % tier1 == 0, "the other tiers' amounts are multiples of the first's"
    fillers = list(range(1931, 1940))
    filler_weights = [1.0 + 0.12 * i for i in range(len(fillers))]
    for _ in range(int(full_years)):
        add(*born_in(fillers, filler_weights), JAN_2020)
    if rest:
        # Registered late in the year: paid from that month, the last months' worth of rest.
        add(*born_in(fillers, filler_weights), f"{F.YEAR}-{13 - int(rest / tier1):02d}")


def _orphans(data: Dataset, rng: random.Random, people: People) -> None:
    places = [d for d in data.divisions if in_report(d)]
    states = ("dead", "dead", "dead", "missing")
    for kind, count in (
        ("scattered", F.ORPHANS_SCATTERED),
        ("institution", F.ORPHANS_INSTITUTION),
    ):
        for _ in range(count):
            # Under 18 the whole year: born from 2 January 2003.
            id_number, name = people.person(date(2003, 1, 2), date(2016, 12, 31))
            born = IdNumber(id_number).birth_date
            earliest = max(born + timedelta(days=60), date(2015, 1, 1))
            span = (date(2019, 12, 1) - earliest).days
            assessed = earliest + timedelta(days=rng.randint(0, span))
            body: Body = {
                "id_number": id_number,
                "name": name,
                "area_code": rng.choice(places).code,
                "kind": kind,
                "father_state": "dead",
                "mother_state": rng.choice(states),
                "assessed_date": assessed.isoformat(),
                "start_period": JAN_2020,
            }
            if kind == "institution":
                body["institution_name"] = "天门市儿童福利院"
                body["situation"] = "父母双亡，由市儿童福利院集中养育"
            else:
                body["guardian"] = {
                    "name": people.name(),
                    "relation": rng.choice(("grandparent", "grandparent", "other_relative")),
                    "phone": people.phone(),
                }
                body["situation"] = "父母双亡或查找不到，由亲属监护，社会散居"
            data.orphans.append(body)


_FINDINGS = (
    "身体状况良好，生活能自理，家中安全隐患已排查",
    "血压偏高，已提醒按时服药，子女已电话联系",
    "独自在家，饮食正常，已告知村委会联系电话",
    "与配偶同住，身体尚可，了解近期生活需求",
    "行动不便，已协助购买生活用品",
)


def _elder_visits(data: Dataset, rng: random.Random) -> None:
    """The left-behind elderly visited monthly in 2020 on a day of their own, from their
    registration on: the last visit is in December, so no one is overdue at the year's end."""
    for elder in data.elders:
        registered = date.fromisoformat(elder["registered_date"])
        day = rng.randint(1, 28)
        for month in range(1, 13):
            when = date(F.YEAR, month, day)
            if when < registered:
                continue
            data.visits.append(
                {
                    "subject_kind": "elderly",
                    "id_number": elder["id_number"],
                    "visit_date": when.isoformat(),
                    "kind": rng.choices(("home_visit", "phone", "video"), (14, 5, 1))[0],
                    "findings": rng.choice(_FINDINGS),
                    "visitor_name": elder["responsible_worker"]["name"],
                }
            )


def _child_visits(data: Dataset, rng: random.Random) -> None:
    """The children's files opened in 2019 (the report's database; a month after birth at
    the earliest) and their homes visited by the village's director every 3 months in 2020,
    on a day and in a month of the quarter of their own: the last visit is in the fourth
    quarter, so no child is overdue at the year's end."""
    directors = {d["area_code"]: d["name"] for d in data.directors}
    for child in data.child_files:
        born = IdNumber(child["id_number"]).birth_date
        opened = date(2019, 1, 1) + timedelta(days=rng.randint(0, 364))
        registered = max(opened, born + timedelta(days=30))
        child["registered_date"] = registered.isoformat()
        day, first = rng.randint(1, 28), rng.randint(1, 3)
        for month in range(first, 13, 3):
            when = date(F.YEAR, month, day)
            if when < registered:
                continue
            data.visits.append(
                {
                    "subject_kind": "child",
                    "id_number": child["id_number"],
                    "visit_date": when.isoformat(),
                    "kind": "home_visit",
                    "findings": rng.choice(_CHILD_FINDINGS),
                    "visitor_name": directors[child["area_code"]],
                }
            )


_CHILD_FINDINGS = (
    "祖父母照料良好，学习正常，已提醒注意用水用电安全",
    "身体健康，按时上学，与外出务工父母每周视频联系",
    "近期感冒已痊愈，监护人照护到位",
    "学习成绩有所下降，已与学校老师沟通",
)
