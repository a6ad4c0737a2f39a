"""The tianmen-2020 generator's high-age register, orphans and elders' visits: the
report's 1,895 万 to the yuan, ages fitting the tiers and the start months, orphans
under 18 all year, a monthly round with no one overdue at the year's end."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from civil_cli.demo import figures as F
from civil_cli.demo.dataset import Dataset, generate, high_age_monthly, high_age_paid
from civil_shared.types import IdNumber

END_2020 = date(2020, 12, 31)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return generate()


def test_the_high_age_register_pays_the_reports_sum_to_the_yuan(data: Dataset) -> None:
    assert high_age_paid(data.high_age) == F.HIGH_AGE_PAID
    # Independently of the generator's helper: 12 months, by the tier of the month's age.
    by_tier: Counter[Decimal] = Counter()
    for row in data.high_age:
        for month in range(int(row["start_period"][5:]), 13):
            by_tier[high_age_monthly(row["id_number"], f"2020-{month:02d}")] += 1
    assert Decimal(0) not in by_tier  # nobody is paid a month before turning 80
    assert sum(amount * n for amount, n in by_tier.items()) == F.HIGH_AGE_PAID


def test_high_age_recipients_are_80_by_their_start_month_and_split_plausibly(
    data: Dataset,
) -> None:
    births = Counter(IdNumber(r["id_number"]).birth_date.year for r in data.high_age)
    assert births[1940] == F.HIGH_AGE_BORN_1940
    assert births[1930] == F.HIGH_AGE_BORN_1930
    assert births[1920] == F.HIGH_AGE_BORN_1920
    assert sum(births[y] for y in range(1921, 1930)) == F.HIGH_AGE_BORN_1921_1929
    assert sum(births[y] for y in range(1908, 1920)) == F.HIGH_AGE_BORN_1908_1919
    assert min(births) >= 1908
    assert max(births) == 1940
    for row in data.high_age:
        birth = IdNumber(row["id_number"]).birth_date
        if birth.year == 1940:
            assert row["start_period"] == f"2020-{birth.month:02d}"  # from turning 80
    ages = Counter(
        min(IdNumber(r["id_number"]).age_on(END_2020) // 10 * 10, 100) for r in data.high_age
    )
    total = len(data.high_age)
    assert 25_000 < total < 35_000  # ~2 % of a city of 1.6 M
    assert 0.08 < ages[90] / total < 0.2
    assert 50 < ages[100] < 200
    assert len({r["id_number"] for r in data.high_age}) == total
    # Late registrations: only the one that brings the sum to the yuan, besides the 80s.
    late = [
        r
        for r in data.high_age
        if r["start_period"] != "2020-01" and IdNumber(r["id_number"]).birth_date.year != 1940
    ]
    assert len(late) <= 1


def test_orphans_are_minors_all_year_and_assessed_before_it(data: Dataset) -> None:
    kinds = Counter(o["kind"] for o in data.orphans)
    assert kinds == {"scattered": F.ORPHANS_SCATTERED, "institution": F.ORPHANS_INSTITUTION}
    for orphan in data.orphans:
        number = IdNumber(orphan["id_number"])
        assert number.age_on(END_2020) < 18
        assert number.birth_date < date.fromisoformat(orphan["assessed_date"]) < date(2020, 1, 1)
        assert ("guardian" in orphan) == (orphan["kind"] == "scattered")
        assert ("institution_name" in orphan) == (orphan["kind"] == "institution")
    others = {c["id_number"] for c in data.child_files + data.unsupported_children}
    assert not others & {o["id_number"] for o in data.orphans}


def visit_dates(data: Dataset, kind: str) -> dict[str, list[date]]:
    dates: dict[str, list[date]] = defaultdict(list)
    for visit in data.visits:
        if visit["subject_kind"] == kind:
            dates[visit["id_number"]].append(date.fromisoformat(visit["visit_date"]))
    return {k: sorted(v) for k, v in dates.items()}


def test_every_elder_is_visited_monthly_from_registration_none_overdue_at_year_end(
    data: Dataset,
) -> None:
    elders = {e["id_number"]: e for e in data.elders}
    visits = visit_dates(data, "elderly")
    assert set(visits) == set(elders)
    for id_number, dates in visits.items():
        registered = date.fromisoformat(elders[id_number]["registered_date"])
        assert dates[0] >= registered
        assert all(d.year == 2020 for d in dates)
        months = [d.month for d in dates]
        assert months == list(range(months[0], 13))  # one a month, December the last
        # Due a month after the last visit: still in time on 31 December.
        assert date(2021, 1, dates[-1].day) >= END_2020
    assert 9 * len(elders) < sum(map(len, visits.values())) <= 12 * len(elders)


def test_every_childs_home_is_visited_every_3_months_none_overdue_at_year_end(
    data: Dataset,
) -> None:
    files = {c["id_number"]: c for c in data.child_files}
    visits = visit_dates(data, "child")
    assert set(visits) == set(files)
    directors = {d["area_code"]: d["name"] for d in data.directors}
    for visit in data.visits:
        if visit["subject_kind"] == "child":
            assert visit["kind"] == "home_visit"  # only home visits keep a child's round
            assert visit["visitor_name"] == directors[files[visit["id_number"]]["area_code"]]
    for id_number, dates in visits.items():
        registered = date.fromisoformat(files[id_number]["registered_date"])
        assert IdNumber(id_number).birth_date < registered <= dates[0]
        months = [d.month for d in dates]
        assert all(b - a == 3 for a, b in pairwise(months))
        assert months[-1] >= 10  # the fourth quarter: due again in 2021
        assert len({d.day for d in dates}) == 1
    assert 3 * len(files) < sum(map(len, visits.values())) <= 4 * len(files)
