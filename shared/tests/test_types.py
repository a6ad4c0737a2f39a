"""Identifier, money and period types: check algorithms, pydantic behaviour, masking."""

from __future__ import annotations

import json
import random
from contextvars import copy_context
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Body, FastAPI
from pydantic import BaseModel, TypeAdapter, ValidationError

from civil_shared.testing.factories import (
    TIANMEN_TOWNSHIP_SUFFIXES,
    make_area_code,
    make_credit_code,
    make_id_number,
)
from civil_shared.types import (
    TIANMEN,
    Amount,
    AreaCode,
    AreaLevel,
    CreditCode,
    IdNumber,
    IsoDate,
    Money,
    Period,
    Sex,
    SocialOrgType,
    credit_check_char,
    credit_code_matches_org_type,
    id_check_char,
    mask_ids_in,
    pii_revealed,
    reveal_pii,
    set_pii_revealed,
    to_fen,
)

# --- independent reference implementations ---------------------------------
# Written from the standards' text, not from the module, so a shared mistake
# cannot make both agree.


def ref_id_check(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = 0
    for i in range(17):
        total += int(first17[i]) * weights[i]
    return ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"][total % 11]


def ref_credit_check(first17: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = 0
    for i in range(17):
        total += alphabet.index(first17[i]) * weights[i]
    check = 31 - total % 31
    if check == 31:
        check = 0
    return alphabet[check]


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data


def make_id(first17: str) -> str:
    return first17 + ref_id_check(first17)


VALID_ID = "11010519491231002X"  # the standard's own example, female, born 1949-12-31
TIANMEN_MALE = make_id("42900619800101001")  # sequence 001: odd, male


class Person(BaseModel):
    id_number: IdNumber
    name: str = "张三"


# --- ID number --------------------------------------------------------------


def test_reference_vectors_agree_with_module() -> None:
    assert ref_id_check(VALID_ID[:17]) == "X"
    assert id_check_char(VALID_ID[:17]) == "X"
    rng = seeded(7)
    for _ in range(200):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_char(first17) == ref_id_check(first17)


def test_valid_id_number() -> None:
    value = IdNumber(VALID_ID)
    assert value == VALID_ID
    assert isinstance(value, str)
    assert IdNumber.parse(VALID_ID) == VALID_ID
    assert value.birth_date == date(1949, 12, 31)
    assert value.sex is Sex.FEMALE
    assert value.division_code == "110105"


def test_lowercase_x_and_whitespace_normalised() -> None:
    value = IdNumber.parse("  11010519491231002x \t")
    assert value == "11010519491231002X"
    assert str(value) == "11010519491231002X"


def test_tianmen_male() -> None:
    value = IdNumber(TIANMEN_MALE)
    assert value.sex is Sex.MALE
    assert str(value.sex) == "male"
    assert value.division_code == "429006"
    assert value.birth_date == date(1980, 1, 1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (VALID_ID[:17], "身份证号应为18位"),
        (VALID_ID + "1", "身份证号应为18位"),
        ("", "身份证号应为18位"),
        ("11010519491231002Y", "身份证号前17位应为数字，最后一位应为数字或X"),
        ("1101051949A231002X", "身份证号前17位应为数字，最后一位应为数字或X"),
        # full-width digits are Unicode digits but not ID-number digits
        ("１" + VALID_ID[1:], "身份证号前17位应为数字，最后一位应为数字或X"),
        ("110105194912310021", "身份证号校验位错误"),
        (make_id("42900619900231001"), "身份证号中的出生日期无效"),
        (make_id("42900619901301001"), "身份证号中的出生日期无效"),
        (make_id("42900618991231001"), "出生日期不能早于1900年1月1日"),
        (make_id("09000619800101001"), "身份证号中的行政区划代码无效"),
        (make_id("99000619800101001"), "身份证号中的行政区划代码无效"),
    ],
)
def test_invalid_id_numbers(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        IdNumber.parse(raw)


def test_future_birth_date_rejected() -> None:
    tomorrow = date.today() + timedelta(days=1)
    raw = make_id(f"429006{tomorrow:%Y%m%d}001")
    with pytest.raises(ValueError, match="出生日期不能晚于今天"):
        IdNumber.parse(raw)
    born_today = make_id(f"429006{date.today():%Y%m%d}001")
    assert IdNumber(born_today).age_on(date.today()) == 0


def test_non_str_rejected() -> None:
    with pytest.raises(TypeError):
        IdNumber(110105194912310020)  # type: ignore[arg-type]


def test_age_on_edges() -> None:
    value = IdNumber(make_id("42900619800615001"))
    assert value.age_on(date(2020, 6, 14)) == 39  # day before the birthday
    assert value.age_on(date(2020, 6, 15)) == 40  # on the birthday
    assert value.age_on(date(2020, 6, 16)) == 40
    assert value.age_on(date(1980, 6, 15)) == 0
    with pytest.raises(ValueError, match="日期早于出生日期"):
        value.age_on(date(1980, 6, 14))


def test_age_on_leap_day_birthday() -> None:
    value = IdNumber(make_id("42900620000229002"))
    assert value.birth_date == date(2000, 2, 29)
    assert value.sex is Sex.FEMALE
    # non-leap years: the birthday is 1 March
    assert value.age_on(date(2001, 2, 28)) == 0
    assert value.age_on(date(2001, 3, 1)) == 1
    assert value.age_on(date(2018, 2, 28)) == 17
    assert value.age_on(date(2018, 3, 1)) == 18
    # leap years: on the day itself
    assert value.age_on(date(2004, 2, 28)) == 3
    assert value.age_on(date(2004, 2, 29)) == 4


def test_masked() -> None:
    value = IdNumber(make_id("42900619800101123"))
    assert value.masked == f"429006********123{value[-1]}"
    assert IdNumber(VALID_ID).masked == "110105********002X"
    assert len(value.masked) == 18


def test_repr_is_masked_but_str_is_full() -> None:
    value = IdNumber(VALID_ID)
    assert "19491231" not in repr(value)
    assert "19491231" not in repr(Person(id_number=value))
    assert str(value) == VALID_ID
    assert f"{value}" == VALID_ID


# --- ID number in pydantic: validation, errors, masking ---------------------


def test_pydantic_validation_python_and_json() -> None:
    person = Person(id_number="11010519491231002x")
    assert type(person.id_number) is IdNumber
    assert person.id_number == VALID_ID
    from_json = Person.model_validate_json(json.dumps({"id_number": VALID_ID.lower()}))
    assert from_json.id_number == VALID_ID
    adapter = TypeAdapter(IdNumber)
    assert adapter.validate_python(IdNumber(VALID_ID), strict=True) == VALID_ID


def test_pydantic_error_type_and_chinese_message() -> None:
    with pytest.raises(ValidationError) as info:
        Person(id_number="110105194912310021")
    [error] = info.value.errors()
    assert error["type"] == "id_number"
    assert error["msg"] == "身份证号校验位错误"
    assert error["loc"] == ("id_number",)
    with pytest.raises(ValidationError) as info:
        TypeAdapter(IdNumber).validate_json('"123"')
    assert info.value.errors()[0]["msg"] == "身份证号应为18位"


def test_json_masked_by_default() -> None:
    person = Person(id_number=IdNumber(VALID_ID))
    assert json.loads(person.model_dump_json())["id_number"] == "110105********002X"
    assert person.model_dump(mode="json")["id_number"] == "110105********002X"
    assert VALID_ID not in person.model_dump_json()
    assert TypeAdapter(IdNumber).dump_json(IdNumber(VALID_ID)) == b'"110105********002X"'


def test_json_revealed_by_context() -> None:
    person = Person(id_number=IdNumber(VALID_ID))
    assert person.model_dump(mode="json", context={"reveal_pii": True})["id_number"] == VALID_ID
    revealed = json.loads(person.model_dump_json(context={"reveal_pii": True}))
    assert revealed["id_number"] == VALID_ID
    # only a real True reveals
    for context in ({"reveal_pii": "yes"}, {"reveal_pii": False}, {"other": True}, ["reveal_pii"]):
        masked = person.model_dump(mode="json", context=context)["id_number"]
        assert masked == "110105********002X"


def test_json_revealed_by_contextvar() -> None:
    person = Person(id_number=IdNumber(VALID_ID))
    assert pii_revealed.get() is False
    with reveal_pii():
        assert pii_revealed.get() is True
        assert person.model_dump(mode="json")["id_number"] == VALID_ID
        assert json.loads(person.model_dump_json())["id_number"] == VALID_ID
    assert pii_revealed.get() is False
    assert person.model_dump(mode="json")["id_number"] == "110105********002X"


def test_set_pii_revealed_token() -> None:
    person = Person(id_number=IdNumber(VALID_ID))

    def request() -> tuple[str, str]:
        set_pii_revealed(True)
        inside = person.model_dump(mode="json")["id_number"]
        token = set_pii_revealed(False)
        masked = person.model_dump(mode="json")["id_number"]
        pii_revealed.reset(token)
        assert pii_revealed.get() is True
        return inside, masked

    # run in a copied context, as a request task would, so nothing leaks out
    assert copy_context().run(request) == (VALID_ID, "110105********002X")
    assert pii_revealed.get() is False


def test_python_mode_is_unmasked_id_number() -> None:
    person = Person(id_number=IdNumber(VALID_ID))
    dumped = person.model_dump()
    assert dumped["id_number"] == VALID_ID
    assert type(dumped["id_number"]) is IdNumber
    assert TypeAdapter(IdNumber).dump_python(IdNumber(VALID_ID)) == VALID_ID


def test_id_number_json_schema() -> None:
    validation = Person.model_json_schema(mode="validation")["properties"]["id_number"]
    assert validation["type"] == "string"
    assert validation["pattern"] == r"^\d{17}[\dXx]$"
    assert validation["description"].startswith("居民身份证号（GB 11643-1999）")
    for example in validation["examples"]:
        IdNumber(example)
    serialization = Person.model_json_schema(mode="serialization")["properties"]["id_number"]
    assert "*" in serialization["examples"][0]
    assert "脱敏" in serialization["description"]


# --- credit code ------------------------------------------------------------

KNOWN_CREDIT_CODE = "91350100M000100Y43"


def test_known_credit_code() -> None:
    assert ref_credit_check(KNOWN_CREDIT_CODE[:17]) == "3"
    code = CreditCode(KNOWN_CREDIT_CODE)
    assert code == KNOWN_CREDIT_CODE
    assert code.registration_authority_kind == "9"
    assert code.org_kind == "1"
    assert code.authority_division_code == "350100"
    assert not credit_code_matches_org_type(code, SocialOrgType.SOCIAL_GROUP)


def test_credit_check_char_matches_reference() -> None:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    rng = seeded(32100)
    seen = set()
    for _ in range(500):
        first17 = "".join(rng.choice(alphabet) for _ in range(17))
        check = credit_check_char(first17)
        assert check == ref_credit_check(first17)
        seen.add(check)
    assert "0" in seen  # the 31 → 0 case is exercised


def test_credit_code_normalised() -> None:
    assert CreditCode.parse(" 91350100m000100y43 ") == KNOWN_CREDIT_CODE


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_forbidden_letters(letter: str) -> None:
    raw = "9135010" + letter + "M000100Y43"
    with pytest.raises(ValueError, match="统一社会信用代码含有不允许的字符"):
        CreditCode.parse(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("91350100M000100Y44", "统一社会信用代码校验位错误"),
        ("91350100M000100Y4", "统一社会信用代码应为18位"),
        ("91350100M000100Y433", "统一社会信用代码应为18位"),
        ("91350100-000100Y43", "统一社会信用代码含有不允许的字符"),
    ],
)
def test_invalid_credit_codes(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CreditCode.parse(raw)


def test_credit_code_pydantic() -> None:
    class Org(BaseModel):
        credit_code: CreditCode

    org = Org.model_validate_json('{"credit_code": "91350100m000100y43"}')
    assert type(org.credit_code) is CreditCode
    assert org.model_dump_json() == '{"credit_code":"91350100M000100Y43"}'
    with pytest.raises(ValidationError) as info:
        Org(credit_code="91350100M000100Y4O")
    assert info.value.errors()[0]["type"] == "credit_code"
    assert info.value.errors()[0]["msg"] == "统一社会信用代码含有不允许的字符"


@pytest.mark.parametrize(
    ("org_type", "char"),
    [
        (SocialOrgType.SOCIAL_GROUP, "1"),
        (SocialOrgType.SOCIAL_SERVICE_AGENCY, "2"),
        (SocialOrgType.FOUNDATION, "3"),
        (SocialOrgType.OTHER, "9"),
    ],
)
def test_factory_credit_code_matches_org_type(org_type: SocialOrgType, char: str) -> None:
    code = make_credit_code(seeded(1), org_type=org_type)
    assert code[17] == ref_credit_check(code[:17])
    assert code.registration_authority_kind == "5"
    assert code.org_kind == char
    assert code.authority_division_code == "429006"
    assert credit_code_matches_org_type(code, org_type)
    others = [t for t in SocialOrgType if t is not org_type]
    assert not any(credit_code_matches_org_type(code, other) for other in others)


def test_org_type_labels() -> None:
    assert SocialOrgType.SOCIAL_GROUP.label == "社会团体"
    assert SocialOrgType.SOCIAL_SERVICE_AGENCY.label == "民办非企业单位"
    assert SocialOrgType.FOUNDATION.label == "基金会"
    assert len(list(SocialOrgType)) == 4


# --- area code --------------------------------------------------------------


def test_area_code_levels() -> None:
    assert AreaCode("429006").level is AreaLevel.COUNTY
    assert AreaCode("429006100").level is AreaLevel.TOWNSHIP
    assert AreaCode("429006100201").level is AreaLevel.VILLAGE
    assert AreaLevel.COUNTY.label == "县级"
    assert AreaLevel.TOWNSHIP.label == "乡级"
    assert AreaLevel.VILLAGE.label == "村级"


@pytest.mark.parametrize("raw", ["", "42900", "4290061", "42900610", "4290061002", "42900610020a"])
def test_area_code_invalid(raw: str) -> None:
    with pytest.raises(ValueError, match="行政区划代码应为6、9或12位数字"):
        AreaCode(raw)


def test_area_code_parent_chain() -> None:
    village = AreaCode("429006100201")
    assert village.parent == "429006100"
    assert village.parent is not None
    assert village.parent.parent == "429006"
    assert village.parent.parent is not None
    assert village.parent.parent.parent is None
    assert village.ancestors == ("429006", "429006100")
    assert all(type(a) is AreaCode for a in village.ancestors)
    assert TIANMEN.ancestors == ()


def test_area_code_contains() -> None:
    township = AreaCode("429006100")
    assert TIANMEN.contains("429006100201")
    assert TIANMEN.contains(TIANMEN)
    assert township.contains("429006100201")
    assert township.contains(township)
    assert not township.contains("429006101201")
    assert not township.contains(TIANMEN)
    assert not TIANMEN.contains("429005100")
    assert AreaCode("429006100201").is_within(TIANMEN)
    assert AreaCode("429006100201").is_within("429006100201")
    assert not TIANMEN.is_within("429006100")
    with pytest.raises(ValueError, match="行政区划代码"):
        TIANMEN.contains("4290")


def test_area_code_pydantic_error() -> None:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(AreaCode).validate_python("4290")
    assert info.value.errors()[0]["type"] == "area_code"
    assert info.value.errors()[0]["msg"] == "行政区划代码应为6、9或12位数字"
    assert TypeAdapter(AreaCode).validate_json('" 429006 "') == TIANMEN


def test_make_area_code() -> None:
    village = make_area_code(seeded(3))
    assert village.level is AreaLevel.VILLAGE
    assert village.is_within(TIANMEN)
    assert village[6:9] in TIANMEN_TOWNSHIP_SUFFIXES
    assert len(TIANMEN_TOWNSHIP_SUFFIXES) == 28
    township = make_area_code(seeded(3), level=AreaLevel.TOWNSHIP)
    assert township.level is AreaLevel.TOWNSHIP
    assert make_area_code(level=AreaLevel.COUNTY) == TIANMEN
    inside = make_area_code(seeded(3), within=AreaCode("429006100"))
    assert inside.startswith("429006100")
    with pytest.raises(ValueError, match="cannot make"):
        make_area_code(level=AreaLevel.COUNTY, within=AreaCode("429006100"))


# --- factories --------------------------------------------------------------


def test_make_id_number_valid_and_deterministic() -> None:
    first = [make_id_number(seeded(42)) for _ in range(3)]
    assert len(set(first)) == 1
    rng = seeded(42)
    many = [make_id_number(rng) for _ in range(300)]
    assert len(set(many)) > 290
    for value in many:
        assert value[17] == ref_id_check(value[:17])
        assert value.division_code == "429006"
    assert {v.sex for v in many} == {Sex.MALE, Sex.FEMALE}
    assert make_id_number() != make_id_number()


def test_make_id_number_options() -> None:
    born = date(1944, 2, 29)
    value = make_id_number(seeded(1), division="420982", birth_date=born, sex=Sex.FEMALE)
    assert value.birth_date == born
    assert value.sex is Sex.FEMALE
    assert value.division_code == "420982"
    assert make_id_number(seeded(1), sex=Sex.MALE).sex is Sex.MALE


# --- money ------------------------------------------------------------------


class Payment(BaseModel):
    amount: Amount
    adjustment: Money = Decimal("0.00")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("630", "630.00"),
        ("630.5", "630.50"),
        ("630.55", "630.55"),
        (630, "630.00"),
        (630.1, "630.10"),
        ("1.230", "1.23"),
        (Decimal("0"), "0.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_amount_valid(raw: Any, expected: str) -> None:
    payment = Payment(amount=raw)
    assert payment.amount == Decimal(expected)
    assert str(payment.amount) == expected
    assert json.loads(payment.model_dump_json())["amount"] == expected


def test_money_three_places_rejected_not_rounded() -> None:
    for raw in ("1.234", 1.005, Decimal("0.001")):
        with pytest.raises(ValidationError) as info:
            Payment(amount=raw)
        [error] = info.value.errors()
        assert error["type"] == "money"
        assert error["msg"] == "金额最多保留两位小数"
    with pytest.raises(ValidationError, match="金额最多保留两位小数"):
        Payment.model_validate_json('{"amount": 1.005}')


def test_negative_rejected_for_amount_allowed_for_money() -> None:
    with pytest.raises(ValidationError) as info:
        Payment(amount="-0.01")
    assert info.value.errors()[0]["msg"] == "金额不能为负数"
    payment = Payment(amount="0", adjustment="-12.5")
    assert payment.adjustment == Decimal("-12.50")
    assert payment.model_dump(mode="json")["adjustment"] == "-12.50"
    # negative zero is zero
    assert Payment(amount="-0", adjustment="-0").model_dump(mode="json") == {
        "amount": "0.00",
        "adjustment": "0.00",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("NaN", "金额应为有限数值"),
        ("Infinity", "金额应为有限数值"),
        (float("nan"), "金额应为有限数值"),
        (float("-inf"), "金额应为有限数值"),
        ("abc", "金额格式无效"),
        ("1_000", "金额格式无效"),
        ("١٢", "金额格式无效"),
        (True, "金额应为数字"),
        (None, "金额应为数字"),
        ("1000000000000", "金额超出范围（整数部分最多12位）"),
    ],
)
def test_money_invalid(raw: Any, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Money).validate_python(raw)
    assert info.value.errors()[0]["msg"] == message
    assert info.value.errors()[0]["type"] == "money"


def test_money_json_input_and_output() -> None:
    payment = Payment.model_validate_json('{"amount": "630.00", "adjustment": 0.1}')
    assert payment.adjustment == Decimal("0.10")
    assert payment.model_dump_json() == '{"amount":"630.00","adjustment":"0.10"}'
    dumped = payment.model_dump()
    assert dumped["amount"] == Decimal("630.00")
    assert type(dumped["amount"]) is Decimal


def test_money_json_schema() -> None:
    validation = Payment.model_json_schema(mode="validation")["properties"]
    assert "金额（元），两位小数" in validation["amount"]["description"]
    assert "不能为负数" in validation["amount"]["description"]
    serialization = Payment.model_json_schema(mode="serialization")["properties"]
    assert serialization["amount"]["type"] == "string"


def test_to_fen_rounds_half_up() -> None:
    assert to_fen(Decimal("1.005")) == Decimal("1.01")
    assert to_fen(Decimal("1.004")) == Decimal("1.00")
    assert to_fen(Decimal("2.675")) == Decimal("2.68")
    assert to_fen(Decimal("-1.005")) == Decimal("-1.01")
    assert str(to_fen(Decimal("5400") / 12)) == "450.00"
    assert str(to_fen(Decimal("1260") / 7)) == "180.00"
    assert str(to_fen(Decimal(100) / 3)) == "33.33"


# --- period -----------------------------------------------------------------


def test_period_valid() -> None:
    period = Period("2024-02")
    assert period.year == 2024
    assert period.month == 2
    assert period.first_day == date(2024, 2, 1)
    assert period.last_day == date(2024, 2, 29)
    assert Period("2023-02").last_day == date(2023, 2, 28)
    assert Period("2100-02").last_day == date(2100, 2, 28)
    assert Period("2024-12").last_day == date(2024, 12, 31)
    assert Period(" 2024-04 ") == "2024-04"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2024-13", "月份应在01至12之间"),
        ("2024-00", "月份应在01至12之间"),
        ("9999-01", "年份应在2000至2100之间"),
        ("1999-12", "年份应在2000至2100之间"),
        ("2024-1", "月份格式应为YYYY-MM"),
        ("202401", "月份格式应为YYYY-MM"),
        ("2024/01", "月份格式应为YYYY-MM"),
        ("2024-01-01", "月份格式应为YYYY-MM"),
    ],
)
def test_period_invalid(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Period(raw)
    with pytest.raises(ValidationError) as info:
        TypeAdapter(Period).validate_python(raw)
    assert info.value.errors()[0]["type"] == "period"


def test_period_next_previous_across_years() -> None:
    assert Period("2023-12").next() == "2024-01"
    assert Period("2024-01").previous() == "2023-12"
    assert Period("2024-05").next() == "2024-06"
    assert Period("2024-05").previous() == "2024-04"
    assert type(Period("2023-12").next()) is Period
    with pytest.raises(ValueError, match="年份"):
        Period("2100-12").next()


def test_period_of_and_ordering() -> None:
    assert Period.of(date(2024, 3, 31)) == "2024-03"
    assert Period("2023-12") < Period("2024-01") < Period("2024-10") < Period("2024-11")
    assert sorted([Period("2024-10"), Period("2024-02"), Period("2023-12")]) == [
        "2023-12",
        "2024-02",
        "2024-10",
    ]
    assert max(Period("2024-09"), Period("2024-10")) == "2024-10"


def test_period_json_schema() -> None:
    schema = TypeAdapter(Period).json_schema()
    assert schema["pattern"] == r"^\d{4}-(0[1-9]|1[0-2])$"


# --- FastAPI ----------------------------------------------------------------


class PaymentIn(BaseModel):
    id_number: IdNumber
    amount: Amount


class PaymentOut(BaseModel):
    id_number: IdNumber
    period: Period
    area: AreaCode
    amount: Amount
    org: CreditCode


async def test_fastapi_parameters_and_masking() -> None:
    # Models and annotations at module level: FastAPI resolves string
    # annotations (from __future__) in the module's namespace.
    app = FastAPI()

    @app.post("/payments/{period}", response_model=PaymentOut)
    async def pay(
        period: Period,
        area: AreaCode,
        org: CreditCode,
        body: Annotated[PaymentIn, Body()],
    ) -> PaymentOut:
        return PaymentOut(
            id_number=body.id_number, period=period, area=area, amount=body.amount, org=org
        )

    @app.get("/people")
    async def person(id_number: IdNumber, reveal: bool = False) -> Person:
        if reveal:
            set_pii_revealed(True)
        return Person(id_number=id_number)

    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t")
    response = await client.post(
        "/payments/2024-03",
        params={"area": "429006100", "org": KNOWN_CREDIT_CODE.lower()},
        json={"id_number": VALID_ID.lower(), "amount": "630"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "id_number": "110105********002X",
        "period": "2024-03",
        "area": "429006100",
        "amount": "630.00",
        "org": KNOWN_CREDIT_CODE,
    }

    bad = await client.post(
        "/payments/2024-13",
        params={"area": "4290", "org": KNOWN_CREDIT_CODE},
        json={"id_number": "110105194912310021", "amount": "1.234"},
    )
    assert bad.status_code == 422
    errors = {tuple(e["loc"]): (e["type"], e["msg"]) for e in bad.json()["detail"]}
    assert errors[("path", "period")] == ("period", "月份应在01至12之间")
    assert errors[("query", "area")] == ("area_code", "行政区划代码应为6、9或12位数字")
    assert errors[("body", "id_number")] == ("id_number", "身份证号校验位错误")
    assert errors[("body", "amount")] == ("money", "金额最多保留两位小数")

    masked = await client.get("/people", params={"id_number": VALID_ID})
    assert masked.json()["id_number"] == "110105********002X"
    revealed = await client.get("/people", params={"id_number": VALID_ID, "reveal": True})
    assert revealed.json()["id_number"] == VALID_ID

    openapi = app.openapi()
    assert "components" in openapi


def test_id_numbers_in_text_are_masked() -> None:
    text = f"/internal/v1/persons/{VALID_ID}/status?other=1101051949123100234"
    assert (
        mask_ids_in(text)
        == "/internal/v1/persons/110105********002X/status?other=1101051949123100234"
    )


# --- IsoDate ------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        0,  # pydantic's own date reads seconds since 1970
        "0",
        1_600_000_000,
        "20200630",
        "2020-6-30",
        "2020-06-30T00:00:00",
        "2020-06-30 ",
        "２０２０-06-30",  # full-width digits
        date(2020, 6, 30).isoformat().replace("-", "/"),
    ],
)
def test_iso_date_refuses_anything_but_yyyy_mm_dd(raw: object) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(IsoDate).validate_python(raw)
    (error,) = caught.value.errors()
    assert error["type"] == "date_format"
    assert "YYYY-MM-DD" in error["msg"]


def test_iso_date_reads_yyyy_mm_dd_and_refuses_a_day_that_does_not_exist() -> None:
    dates = TypeAdapter(IsoDate)
    assert dates.validate_python("2020-02-29") == date(2020, 2, 29)
    assert dates.validate_json('"2020-06-30"') == date(2020, 6, 30)
    assert dates.validate_python(date(2020, 6, 30)) == date(2020, 6, 30)
    with pytest.raises(ValidationError) as caught:
        dates.validate_python("2021-02-29")
    assert caught.value.errors()[0]["type"] == "date_invalid"
    assert dates.json_schema() == {"type": "string", "format": "date"}


async def test_an_iso_date_query_parameter_refuses_a_number() -> None:
    app = FastAPI()

    @app.get("/donations")
    async def donations(to: IsoDate | None = None) -> dict[str, str | None]:
        return {"to": to.isoformat() if to else None}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        number = await client.get("/donations", params={"to": "0"})
        iso = await client.get("/donations", params={"to": "2020-12-31"})
        absent = await client.get("/donations")

    assert number.status_code == 422
    assert number.json()["detail"][0]["type"] == "date_format"
    assert iso.json() == {"to": "2020-12-31"}
    assert absent.json() == {"to": None}
