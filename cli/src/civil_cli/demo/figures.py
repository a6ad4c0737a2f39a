"""The figures of the 2020 report (``FIGURES.md`` sections 1–3) the dataset reproduces.

Money in yuan. Where the report is inconsistent the reading used is noted.
"""

from decimal import Decimal
from typing import Final

YEAR: Final = 2020
SEED: Final = 2020
TIANMEN: Final = "429006"

# --- 1. Social assistance --------------------------------------------------------
#: Paid by the year's dibao and tekun disbursement runs (2.68 亿), within 0.5 %.
ASSISTANCE_PAID: Final = Decimal("268000000.00")
ASSISTANCE_PAID_TOLERANCE: Final = Decimal("0.005")
RURAL_DIBAO_HOUSEHOLDS: Final = 17_344
RURAL_DIBAO_PERSONS: Final = 34_015
RURAL_DIBAO_PA_HOUSEHOLDS: Final = 12_040  # also in targeted poverty alleviation
RURAL_DIBAO_PA_PERSONS: Final = 24_431
RURAL_TEKUN_PERSONS: Final = 3_780
TEMPORARY_CASES: Final = 4_321
TEMPORARY_AVERAGE: Final = Decimal("1921.00")
TEMPORARY_GROWTH_PCT: Final = Decimal("31.3")
#: 2019's average, so that 2020's is 31.3 % above it: 1921 / 1.313.
TEMPORARY_AVERAGE_2019: Final = Decimal("1463.06")
TEMPORARY_CASES_2019: Final = 300
HELPER_LEDGER: Final = 6_325
RESCUES: Final = 103
#: Seeded by the assistance service's migrations (programme → 2020, 2019, growth %).
STANDARDS: Final = {
    "urban_dibao": (Decimal("630"), Decimal("600"), Decimal("5")),
    "rural_dibao": (Decimal("5400"), Decimal("4800"), Decimal("12.5")),
    "urban_tekun": (Decimal("1260"), Decimal("1200"), Decimal("5")),
    "rural_tekun": (Decimal("9000"), Decimal("8100"), Decimal("11.11")),
}

#: The high-age allowance's amounts are not in the report (its 1,895 万 paid is): set
#: through the parameters API, plausible values (元/人·月, 80–89, 90–99, 100+).
HIGH_AGE_ALLOWANCES: Final = {
    "high_age_tier1_allowance": Decimal("50"),
    "high_age_tier2_allowance": Decimal("100"),
    "high_age_tier3_allowance": Decimal("300"),
}
#: Paid by the year's twelve monthly high-age runs (1,895 万), exactly.
HIGH_AGE_PAID: Final = Decimal("18950000.00")
#: Recipients by birth year, the report giving only the money: a plausible 80+ register
#: for a city of ~1.6 M (about 29,000, tier 2 about an eighth, some 100 centenarians).
#: Those born 1931–1939 (81–89 all year, tier 1) fill the rest up to HIGH_AGE_PAID; one
#: of them starts late in the year so the sum comes out to the yuan.
HIGH_AGE_BORN_1940: Final = 3_400  # turn 80 in 2020: paid from the birthday's month
HIGH_AGE_BORN_1930: Final = 760  # turn 90: tier 2 from the birthday's month
HIGH_AGE_BORN_1921_1929: Final = 2_950  # tier 2 all year
HIGH_AGE_BORN_1920: Final = 30  # turn 100: tier 3 from the birthday's month
HIGH_AGE_BORN_1908_1919: Final = 70  # tier 3 all year

# --- 2. Special groups ------------------------------------------------------------
LEFT_BEHIND_ELDERLY: Final = 3_760
LEFT_BEHIND_CHILDREN: Final = 5_853
CHILD_SUPERVISORS: Final = 26
CHILD_DIRECTORS: Final = 629  # all trained in the year
ORPHAN_SCATTERED_ALLOWANCE: Final = Decimal("1260")
ORPHAN_INSTITUTION_ALLOWANCE: Final = Decimal("2016")
#: The report gives the orphans' standards, not their numbers: plausible small counts
#: (about 1 in 10,000 inhabitants), all on the allowance the whole year.
ORPHANS_SCATTERED: Final = 128
ORPHANS_INSTITUTION: Final = 36
#: Left-behind elderly are visited monthly (the round's default; the report: "a regular
#: round"), children at home every 3 months (the report), from their registration (the
#: children's files opened in 2019); none is overdue at the year's end.
VISITS_OVERDUE_AT_YEAR_END: Final = 0
DE_FACTO_UNSUPPORTED: Final = 227
DISABILITY_LIVING_PERSONS: Final = 9_194
DISABILITY_CARE_PERSONS: Final = 7_265
#: Of them holding both (the report does not say; a plausible overlap).
DISABILITY_BOTH_PERSONS: Final = 3_000
INSTITUTIONS: Final = 34
INSTITUTION_RESIDENTS: Final = 1_715
INSTITUTION_STAFF: Final = 259
CEMETERIES: Final = 49
DISABLED_TEKUN_RESIDENTS: Final = 118  # fully disabled tekun elderly on the ledger
FUNERAL_WAIVERS: Final = 1_017
#: The report's "115.27" lost its unit; read as 万.
FUNERAL_WAIVER_AMOUNT: Final = Decimal("1152700.00")
CEMETERIES_BUILT_IN_YEAR: Final = 10

# --- 3. Grassroots governance -----------------------------------------------------
TOWNSHIP_UNITS: Final = 25
COMMUNITIES: Final = 621  # each with its three councils
PILOTS: Final = 46
ILLEGAL_DISPERSED: Final = 3
BOUNDARY_TRAINING_BATCHES: Final = 7  # boundary-survey training, all 25 townships
#: The social-work psychological-aid pilots (官路社区, 鸿渐社区).
PSYCHOLOGICAL_AID_PILOTS: Final = 2
#: The report gives 16,216.26 万 in all, of which 11,126.42 万 for the epidemic and
#: 5,090.84 万 other; but 11,126.42 + 5,090.84 = 16,217.26. The total and the
#: epidemic part are kept; "other" is the difference, 5,089.84 万.
DONATIONS_TOTAL: Final = Decimal("162162600.00")
DONATIONS_EPIDEMIC: Final = Decimal("111264200.00")
DONATIONS_OTHER: Final = DONATIONS_TOTAL - DONATIONS_EPIDEMIC
VOLUNTEERS: Final = 194_200
VOLUNTEER_HOURS: Final = 4_014_142
