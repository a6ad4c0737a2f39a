"""The tianmen-2020 generator: the report's figures by construction, valid made-up people."""

import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest

from civil_cli.demo import figures as F
from civil_cli.demo.dataset import Dataset, People, generate
from civil_shared.types import IdNumber


@pytest.fixture(scope="module")
def data() -> Dataset:
    return generate()


def test_every_id_number_is_valid_distinct_and_of_a_fitting_age(data: Dataset) -> None:
    numbers = (
        [v["id_number"] for v in data.volunteers]
        + [p["id_number"] for e in data.enrolments for p in e["people"]]
        + [c["id_number"] for c in data.temporary_cases]
        + [e["id_number"] for e in data.elders]
        + [c["id_number"] for c in data.child_files]
        + [c["id_number"] for c in data.unsupported_children]
    )
    assert len(numbers) == len(set(numbers))
    assert all(IdNumber(n) == n for n in numbers)  # check characters hold
    end_2020 = date(2020, 12, 31)
    assert min(IdNumber(e["id_number"]).age_on(end_2020) for e in data.elders) >= 60
    assert max(IdNumber(c["id_number"]).age_on(end_2020) for c in data.child_files) < 18
    assert min(IdNumber(c["id_number"]).age_on(date.today()) for c in data.child_files) >= 0
    assert max(IdNumber(c["id_number"]).age_on(date.today()) for c in data.child_files) < 18


def test_the_counts_and_sums_are_the_reports(data: Dataset) -> None:
    programmes = Counter(e["programme"] for e in data.enrolments)
    rural = [e for e in data.enrolments if e["programme"] == "rural_dibao"]
    poor = [e for e in rural if e["in_poverty_alleviation"]]
    assert programmes["rural_dibao"] == F.RURAL_DIBAO_HOUSEHOLDS
    assert sum(len(e["people"]) for e in rural) == F.RURAL_DIBAO_PERSONS
    assert len(poor) == F.RURAL_DIBAO_PA_HOUSEHOLDS
    assert sum(len(e["people"]) for e in poor) == F.RURAL_DIBAO_PA_PERSONS
    assert programmes["rural_tekun"] == F.RURAL_TEKUN_PERSONS
    assert abs(data.yearly_assistance() - F.ASSISTANCE_PAID) < 12
    by_year: dict[str, list[Decimal]] = {}
    for case in data.temporary_cases:
        by_year.setdefault(case["application_date"][:4], []).append(Decimal(case["amount"]))
    cases_2020, cases_2019 = by_year["2020"], by_year["2019"]
    assert len(cases_2020) == F.TEMPORARY_CASES
    assert sum(cases_2020) / len(cases_2020) == F.TEMPORARY_AVERAGE
    assert sum(cases_2019) / len(cases_2019) == F.TEMPORARY_AVERAGE_2019
    assert max(cases_2020) <= 6 * 630  # within the per-case limit, no major-hardship case
    assert len(data.communities) == F.COMMUNITIES
    assert sum(1 for c in data.communities if "pilot_year" in c) == F.PILOTS
    assert len(data.councils) == 3 * F.COMMUNITIES
    assert len(data.volunteers) == F.VOLUNTEERS
    assert sum(int(r["hours"]) for r in data.volunteer_services) == F.VOLUNTEER_HOURS
    assert max(int(r["hours"]) for r in data.volunteer_services) <= 24
    donations = [Decimal(d["amount"]) for d in data.donations]
    epidemic = [Decimal(d["amount"]) for d in data.donations if d["purpose"] == "epidemic"]
    assert (sum(donations), sum(epidemic)) == (F.DONATIONS_TOTAL, F.DONATIONS_EPIDEMIC)
    living = sum("living" in p["subsidies"] for p in data.disabled_persons)
    care = sum("care" in p["subsidies"] for p in data.disabled_persons)
    assert (living, care) == (F.DISABILITY_LIVING_PERSONS, F.DISABILITY_CARE_PERSONS)
    assert len(data.helper_assignments) == F.HELPER_LEDGER
    assert len({a["id_number"] for a in data.helper_assignments}) == F.HELPER_LEDGER
    assert sum(i["residents_count"] for i in data.institutions) == F.INSTITUTION_RESIDENTS
    assert sum(i["staff_count"] for i in data.institutions) == F.INSTITUTION_STAFF
    assert (len(data.directors), len(data.supervisors)) == (629, 26)
    assert sum(Decimal(w["amount"]) for w in data.funeral_waivers) == F.FUNERAL_WAIVER_AMOUNT


def test_living_subsidies_go_to_dibao_members_and_nobody_is_in_dibao_and_tekun(
    data: Dataset,
) -> None:
    dibao = {
        p["id_number"] for e in data.enrolments if "dibao" in e["programme"] for p in e["people"]
    }
    tekun = {e["payee"]["id_number"] for e in data.enrolments if "tekun" in e["programme"]}
    living = {p["id_number"] for p in data.disabled_persons if "living" in p["subsidies"]}
    care_only = {p["id_number"] for p in data.disabled_persons if p["subsidies"] == ["care"]}
    assert living <= dibao
    assert not dibao & tekun
    assert not care_only & (dibao | tekun)
    assert all(p["grade"] <= 2 for p in data.disabled_persons if "care" in p["subsidies"])


def test_no_visit_is_in_the_round_books_twice(data: Dataset) -> None:
    """The visit import refuses a subject's visit of one kind on one day recorded twice."""
    visits = Counter(
        (v["subject_kind"], v["id_number"], v["visit_date"], v["kind"]) for v in data.visits
    )
    assert visits.most_common(1)[0][1] == 1


def test_the_same_seed_makes_the_same_people() -> None:
    first = People(random.Random(7), 7)  # noqa: S311 - made-up data
    second = People(random.Random(7), 7)  # noqa: S311
    made = [first.person(date(1950, 1, 1), date(2000, 1, 1)) for _ in range(50)]
    assert made == [second.person(date(1950, 1, 1), date(2000, 1, 1)) for _ in range(50)]
