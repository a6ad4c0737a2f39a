"""Valid identifiers for tests and demo data, reproducible from a seed.

Every generator takes a :class:`random.Random`; the same seed gives the same
values. Without one they draw from a module-level generator with a fixed seed,
so a run is still reproducible while successive calls differ (unique
constraints hold).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from civil_shared.types import (
    TIANMEN,
    AreaCode,
    AreaLevel,
    CreditCode,
    IdNumber,
    Sex,
    SocialOrgType,
    credit_check_char,
    id_check_char,
)

__all__ = [
    "TIANMEN_TOWNSHIP_SUFFIXES",
    "forget_issued_id_numbers",
    "make_area_code",
    "make_credit_code",
    "make_id_number",
]

_default_rng = random.Random(11643)  # noqa: S311 - test data, not secrets
#: The ID numbers the default generator gave since :func:`forget_issued_id_numbers`: a
#: test's people are distinct even when many share a birth date (500 numbers a day).
_issued: set[str] = set()

#: Statistical suffixes of Tianmen's township-level units (DOMAIN.md, 2023):
#: streets, towns, the township, then the farms and the management committee.
TIANMEN_TOWNSHIP_SUFFIXES: tuple[str, ...] = (
    "001", "002", "003",
    *(f"{n:03d}" for n in range(100, 117)),
    "118", "119", "120", "121", "201",
    "450", "451", "452",
)  # fmt: skip

# A fixed window (not relative to today) so a seed gives the same people on
# any day; everyone in it is an adult born after 1900.
_BIRTH_FROM = date(1935, 1, 1)
_BIRTH_TO = date(2005, 12, 31)

# GB 11714 organisation-code check, so the body of a credit code is realistic.
_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _rng(rng: random.Random | None) -> random.Random:
    return _default_rng if rng is None else rng


def make_id_number(
    rng: random.Random | None = None,
    *,
    division: str = "429006",
    birth_date: date | None = None,
    sex: Sex | None = None,
) -> IdNumber:
    """A valid ID number for someone born in ``division``.

    Unspecified birth dates fall between 1935 and 2005; an unspecified sex is
    drawn at random.
    """
    if rng is not None:
        return _draw_id_number(rng, division, birth_date, sex)
    for _ in range(1000):
        number = _draw_id_number(_default_rng, division, birth_date, sex)
        if number not in _issued:
            _issued.add(number)
            return number
    raise RuntimeError(f"no unused ID number left for {birth_date} in {division}")


def forget_issued_id_numbers() -> None:
    """Let the default generator give numbers again (a new test's database is fresh)."""
    _issued.clear()


def _draw_id_number(
    r: random.Random, division: str, birth_date: date | None, sex: Sex | None
) -> IdNumber:
    if birth_date is None:
        birth_date = _BIRTH_FROM + timedelta(days=r.randint(0, (_BIRTH_TO - _BIRTH_FROM).days))
    if sex is None:
        sex = r.choice((Sex.MALE, Sex.FEMALE))
    sex_digit = r.choice("13579" if sex is Sex.MALE else "02468")
    first17 = f"{division}{birth_date:%Y%m%d}{r.randint(0, 99):02d}{sex_digit}"
    return IdNumber(first17 + id_check_char(first17))


def _org_code_body(r: random.Random) -> str:
    digits = "".join(str(r.randint(0, 9)) for _ in range(8))
    remainder = sum(int(d) * w for d, w in zip(digits, _ORG_CODE_WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    return digits + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(
    rng: random.Random | None = None,
    *,
    org_type: SocialOrgType = SocialOrgType.SOCIAL_GROUP,
    division: str = "429006",
) -> CreditCode:
    """A valid credit code of an organisation registered by civil affairs in ``division``."""
    first17 = f"5{org_type.credit_code_char}{division}{_org_code_body(_rng(rng))}"
    return CreditCode(first17 + credit_check_char(first17))


def make_area_code(
    rng: random.Random | None = None,
    *,
    level: AreaLevel = AreaLevel.VILLAGE,
    within: AreaCode = TIANMEN,
) -> AreaCode:
    """A code at ``level`` inside ``within``.

    Inside Tianmen, township parts are real township-level units; village
    parts are made up.
    """
    r = _rng(rng)
    if level.digits < len(within):
        raise ValueError(f"cannot make a {level} code inside {within}")
    code = str(within)
    if len(code) == 6 and level.digits > 6:
        if code == TIANMEN:
            code += r.choice(TIANMEN_TOWNSHIP_SUFFIXES)
        else:
            code += f"{r.randint(1, 120):03d}"
    if len(code) == 9 and level.digits > 9:
        code += f"{r.randint(1, 250):03d}"
    return AreaCode(code)
