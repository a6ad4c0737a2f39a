"""Value types for the identifiers, amounts and periods every service handles.

Each identifier is a ``str`` subclass whose constructor validates and
normalises, so an instance is always well formed: code that holds an
:class:`IdNumber` never has to check it again, and the database layer can store
it as plain text. The same types plug into pydantic (and so into FastAPI query,
path and body parameters); their validation errors are
:class:`~pydantic_core.PydanticCustomError` with a stable ``type`` and a Chinese
message, because the bureau's staff read those messages.

ID numbers are personal data. They leave the process masked unless the caller
was granted ``pii:read``: see :data:`pii_revealed`.
"""

from __future__ import annotations

import calendar
import operator
import re
from abc import ABCMeta, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP as _ROUND_HALF_UP
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Final, Self

from pydantic import AfterValidator, BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

__all__ = [
    "CIVIL_AFFAIRS_AUTHORITY",
    "PERIOD_MAX_YEAR",
    "PERIOD_MIN_YEAR",
    "TIANMEN",
    "Amount",
    "AreaCode",
    "AreaLevel",
    "CreditCode",
    "IdNumber",
    "IsoDate",
    "Money",
    "Period",
    "Sex",
    "SocialOrgType",
    "credit_check_char",
    "credit_code_matches_org_type",
    "id_check_char",
    "pii_revealed",
    "reveal_pii",
    "set_pii_revealed",
    "to_fen",
]

# ``str.isdigit`` also accepts full-width and other Unicode digits, which would
# slip past validation and then break the check-character arithmetic.
_ASCII_DIGITS: Final = frozenset("0123456789")


def _all_digits(value: str) -> bool:
    # isdigit() alone accepts other scripts' digits (e.g. "٣"); isascii() rules them out.
    return value.isascii() and value.isdigit()


class _ValidatedStr(str, metaclass=ABCMeta):
    """A string that is valid by construction.

    Subclasses implement :meth:`_normalize`, which returns the canonical form
    or raises ``ValueError`` with a Chinese message.
    """

    __slots__ = ()

    #: The pydantic error ``type`` for this identifier; clients match on it.
    _error_type: ClassVar[str] = "value_error"
    #: Merged into the generated JSON schema (both modes unless overridden).
    _json_schema: ClassVar[dict[str, Any]] = {}

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str):
            raise TypeError(f"{cls.__name__} expects a str, got {type(value).__name__}")
        return super().__new__(cls, cls._normalize(value))

    @classmethod
    @abstractmethod
    def _normalize(cls, value: str) -> str:
        """The canonical form of ``value``, or ``ValueError`` with a Chinese message."""

    @classmethod
    def parse(cls, value: str) -> Self:
        """Validate and normalise ``value``; ``ValueError`` (Chinese message) if bad."""
        return cls(value)

    @classmethod
    def _pydantic_validate(cls, value: str) -> Self:
        if type(value) is cls:
            return value
        try:
            return cls(value)
        except ValueError as exc:
            # A plain ValueError would surface as "Value error, ..." with type
            # "value_error"; the API contract is our own type and message.
            raise PydanticCustomError(cls._error_type, str(exc)) from None

    @classmethod
    def _serialization_schema(cls) -> core_schema.SerSchema | None:
        return None

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls._pydantic_validate,
            core_schema.str_schema(),
            serialization=cls._serialization_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(cls._json_schema)
        return json_schema


# --- Resident ID number (GB 11643-1999) ------------------------------------

_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS: Final = "10X98765432"
_EARLIEST_BIRTH: Final = date(1900, 1, 1)
#: Weighted over the ASCII codes, the digits' offset comes off once at the end.
_ID_CODE_OFFSET: Final = ord("0") * sum(_ID_WEIGHTS)
_MASK: Final = "*" * 8


class Sex(StrEnum):
    """Sex as encoded in the ID number (the 17th digit)."""

    MALE = "male"  # 男
    FEMALE = "female"  # 女

    @property
    def label(self) -> str:
        return "男" if self is Sex.MALE else "女"


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not _all_digits(first17):
        raise ValueError("身份证号前17位应为数字")
    # map() over a precomputed tuple: this runs once per person in a 250,000-row import.
    total = sum(map(operator.mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK_CHARS[total % 11]


@lru_cache(maxsize=65_536)
def _birth_digits_valid(digits: str, today: date) -> bool:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= today


def canonical_id_number(text: str, today: date | None = None) -> str | None:
    """``text`` when it already is an ID number in canonical form, by the rules of
    :class:`IdNumber`, at a fraction of the cost; None when it is not, or may not be.

    For bulk imports, which check hundreds of thousands of numbers: whatever this
    leaves (a lower-case x, spaces, a wrong check character) goes to
    :class:`IdNumber`, which decides and words the problem.
    """
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit():
        return None
    total = sum(map(operator.mul, text.encode()[:17], _ID_WEIGHTS)) - _ID_CODE_OFFSET
    if _ID_CHECK_CHARS[total % 11] != text[17] or not "11" <= text[:2] <= "82":
        return None
    return text if _birth_digits_valid(text[6:14], today or date.today()) else None


#: An ID number inside free text (a URL path, a log line).
_ID_IN_TEXT: Final = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_ids_in(text: str) -> str:
    """``text`` with every ID-number-shaped run masked, for logs and paths."""
    return _ID_IN_TEXT.sub(lambda found: _mask_id(found.group()), text)


def _mask_id(value: str) -> str:
    if len(value) <= 10:
        # Not a real ID number (only reachable via model_construct); hide all of it.
        return "*" * len(value)
    return value[:6] + _MASK + value[-4:]


#: Whether ID numbers serialise in full in JSON. Request-scoped: the security
#: layer sets it for callers holding ``pii:read``; everything else sees masks.
pii_revealed: ContextVar[bool] = ContextVar("pii_revealed", default=False)


def set_pii_revealed(flag: bool) -> Token[bool]:
    """Set :data:`pii_revealed` for the current context; reset with the token."""
    return pii_revealed.set(flag)


@contextmanager
def reveal_pii() -> Iterator[None]:
    """Serialise ID numbers in full inside the block (exports, internal calls)."""
    token = pii_revealed.set(True)
    try:
        yield
    finally:
        pii_revealed.reset(token)


def _serialize_id_number(value: Any, info: core_schema.SerializationInfo) -> str:
    text = str(value)
    context = info.context
    if isinstance(context, dict) and context.get("reveal_pii") is True:
        return text
    if pii_revealed.get():
        return text
    return _mask_id(text)


class IdNumber(_ValidatedStr):
    """Resident ID number (居民身份证号码, GB 11643-1999), 18 characters.

    Surrounding whitespace is stripped and a lowercase ``x`` becomes ``X``.
    The birth date must be a real date from 1900-01-01 up to today, and the
    first two digits a province-level code (11–82).

    ``str(id_number)`` is the full number (for the database). JSON output is
    masked (:attr:`masked`) unless the serialisation context is
    ``{"reveal_pii": True}`` or :data:`pii_revealed` is set; ``repr`` is
    masked too, so a model logged by accident does not leak the number.
    """

    __slots__ = ()

    _error_type = "id_number"

    @classmethod
    def _normalize(cls, value: str) -> str:
        text = value.strip().upper()
        if len(text) != 18:
            raise ValueError("身份证号应为18位")
        first17, check = text[:17], text[17]
        if not _all_digits(first17) or not (check in _ASCII_DIGITS or check == "X"):
            raise ValueError("身份证号前17位应为数字，最后一位应为数字或X")
        if id_check_char(first17) != check:
            raise ValueError("身份证号校验位错误")
        if not 11 <= int(text[:2]) <= 82:
            raise ValueError("身份证号中的行政区划代码无效")
        try:
            birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        except ValueError:
            raise ValueError("身份证号中的出生日期无效") from None
        if birth > date.today():
            raise ValueError("出生日期不能晚于今天")
        if birth < _EARLIEST_BIRTH:
            raise ValueError("出生日期不能早于1900年1月1日")
        return text

    def __repr__(self) -> str:
        return f"IdNumber({self.masked!r})"

    @property
    def division_code(self) -> str:
        """The 6-digit division code of the place the number was issued."""
        return self[:6]

    @property
    def birth_date(self) -> date:
        return date(int(self[6:10]), int(self[10:12]), int(self[12:14]))

    @property
    def sex(self) -> Sex:
        return Sex.MALE if int(self[16]) % 2 == 1 else Sex.FEMALE

    @property
    def masked(self) -> str:
        """First 6 and last 4 characters, the birth date hidden: ``429006********123X``."""
        return _mask_id(self)

    def age_on(self, on: date) -> int:
        """Full years completed on ``on``.

        Someone born on 29 February turns a year older on 1 March in a
        non-leap year (still the younger age on 28 February), which is how
        the age of majority and the 60/80-year thresholds are counted.
        """
        birth = self.birth_date
        if on < birth:
            raise ValueError("日期早于出生日期")
        years = on.year - birth.year
        if (on.month, on.day) < (birth.month, birth.day):
            years -= 1
        return years

    @classmethod
    def _serialization_schema(cls) -> core_schema.SerSchema:
        return core_schema.plain_serializer_function_ser_schema(
            _serialize_id_number,
            info_arg=True,
            when_used="json",
            return_schema=core_schema.str_schema(),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        if handler.mode == "serialization":
            json_schema.update(
                pattern=r"^\d{6}(\d{8}|\*{8})\d{3}[\dX]$",
                examples=["429006********0018"],
                description=(
                    "居民身份证号（GB 11643-1999）。默认脱敏输出（前6位+8个*+后4位），"
                    "具有 pii:read 权限时输出完整号码"
                ),
            )
        else:
            json_schema.update(
                pattern=r"^\d{17}[\dXx]$",
                examples=["429006198001010018"],
                description=(
                    "居民身份证号（GB 11643-1999），18位，末位为校验码（数字或X），小写x按X处理"
                ),
            )
        return json_schema


# --- Unified social credit code (GB 32100-2015) ----------------------------

_CREDIT_ALPHABET: Final = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_VALUES: Final = {ch: i for i, ch in enumerate(_CREDIT_ALPHABET)}
_CREDIT_WEIGHTS: Final = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Registration-authority code of organisations registered by civil affairs.
CIVIL_AFFAIRS_AUTHORITY: Final = "5"


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a code."""
    if len(first17) != 17 or any(ch not in _CREDIT_VALUES for ch in first17):
        raise ValueError("统一社会信用代码含有不允许的字符")
    total = sum(_CREDIT_VALUES[ch] * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


class SocialOrgType(StrEnum):
    """Kinds of social organisation registered by civil affairs."""

    SOCIAL_GROUP = "social_group"  # 社会团体
    SOCIAL_SERVICE_AGENCY = "social_service_agency"  # 民办非企业单位（社会服务机构）
    FOUNDATION = "foundation"  # 基金会
    OTHER = "other"  # 其他

    @property
    def credit_code_char(self) -> str:
        """The second character of the credit code for this kind."""
        return _ORG_TYPE_CHARS[self]

    @property
    def label(self) -> str:
        return _ORG_TYPE_LABELS[self]


_ORG_TYPE_CHARS: Final = {
    SocialOrgType.SOCIAL_GROUP: "1",
    SocialOrgType.SOCIAL_SERVICE_AGENCY: "2",
    SocialOrgType.FOUNDATION: "3",
    SocialOrgType.OTHER: "9",
}
_ORG_TYPE_LABELS: Final = {
    SocialOrgType.SOCIAL_GROUP: "社会团体",
    SocialOrgType.SOCIAL_SERVICE_AGENCY: "民办非企业单位",
    SocialOrgType.FOUNDATION: "基金会",
    SocialOrgType.OTHER: "其他",
}


class CreditCode(_ValidatedStr):
    """Unified social credit code (统一社会信用代码, GB 32100-2015), 18 characters.

    Surrounding whitespace is stripped and letters are upper-cased. Not personal
    data, so it serialises unchanged.
    """

    __slots__ = ()

    _error_type = "credit_code"
    _json_schema: ClassVar[dict[str, Any]] = {
        "pattern": r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        "examples": ["91350100M000100Y43"],
        "description": "统一社会信用代码（GB 32100-2015），18位，末位为校验码",
    }

    @classmethod
    def _normalize(cls, value: str) -> str:
        text = value.strip().upper()
        if len(text) != 18:
            raise ValueError("统一社会信用代码应为18位")
        if any(ch not in _CREDIT_VALUES for ch in text):
            raise ValueError("统一社会信用代码含有不允许的字符")
        if credit_check_char(text[:17]) != text[17]:
            raise ValueError("统一社会信用代码校验位错误")
        return text

    @property
    def registration_authority_kind(self) -> str:
        """First character: which kind of authority registered it (5 = civil affairs)."""
        return self[0]

    @property
    def org_kind(self) -> str:
        """Second character: the kind of organisation within that authority."""
        return self[1]

    @property
    def authority_division_code(self) -> str:
        """Characters 3–8: the division code of the registering authority."""
        return self[2:8]


def credit_code_matches_org_type(code: CreditCode, org_type: SocialOrgType) -> bool:
    """Whether ``code`` was issued by civil affairs to an organisation of ``org_type``."""
    return code[0] == CIVIL_AFFAIRS_AUTHORITY and code[1] == org_type.credit_code_char


# --- Administrative division code (GB/T 2260 + statistical codes) ----------


class AreaLevel(StrEnum):
    """Level of a division code, by its length."""

    COUNTY = "county"  # 县级，6位
    TOWNSHIP = "township"  # 乡级（乡镇街道），9位
    VILLAGE = "village"  # 村级（村、社区），12位

    @property
    def digits(self) -> int:
        return _LEVEL_DIGITS[self]

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]


_LEVEL_DIGITS: Final = {AreaLevel.COUNTY: 6, AreaLevel.TOWNSHIP: 9, AreaLevel.VILLAGE: 12}
_LEVEL_LABELS: Final = {
    AreaLevel.COUNTY: "县级",
    AreaLevel.TOWNSHIP: "乡级",
    AreaLevel.VILLAGE: "村级",
}
_LEVEL_BY_DIGITS: Final = {n: level for level, n in _LEVEL_DIGITS.items()}


class AreaCode(_ValidatedStr):
    """Administrative division code: 6 (county), 9 (township) or 12 (village) digits.

    A deeper code starts with the digits of every level above it, so the
    hierarchy is read off the string itself.
    """

    __slots__ = ()

    _error_type = "area_code"
    _json_schema: ClassVar[dict[str, Any]] = {
        "pattern": r"^(\d{6}|\d{9}|\d{12})$",
        "examples": ["429006", "429006100", "429006100201"],
        "description": "行政区划代码：6位（县级）、9位（乡级）或12位（村级）数字",
    }

    @classmethod
    def _normalize(cls, value: str) -> str:
        text = value.strip()
        if len(text) not in _LEVEL_BY_DIGITS or not _all_digits(text):
            raise ValueError("行政区划代码应为6、9或12位数字")
        return text

    @property
    def level(self) -> AreaLevel:
        return _LEVEL_BY_DIGITS[len(self)]

    @property
    def parent(self) -> AreaCode | None:
        """The code one level up; None for a county-level code."""
        if len(self) == 6:
            return None
        return AreaCode(self[: len(self) - 3])

    @property
    def ancestors(self) -> tuple[AreaCode, ...]:
        """Every code above this one, the county first (breadcrumb order)."""
        return tuple(AreaCode(self[:n]) for n in (6, 9) if n < len(self))

    @property
    def lineage(self) -> tuple[AreaCode, ...]:
        """This code, then each one above it: where a local rule is looked up first."""
        return (self, *reversed(self.ancestors))

    def contains(self, other: str | AreaCode) -> bool:
        """Whether ``other`` is this area or lies inside it.

        A plain ``str`` is validated first (``ValueError`` if it is no code).
        """
        return AreaCode(other).startswith(self)

    def is_within(self, other: str | AreaCode) -> bool:
        """Whether this area is ``other`` or lies inside it."""
        return AreaCode(other).contains(self)


TIANMEN: Final = AreaCode("429006")


def inside_tianmen(area_code: AreaCode) -> AreaCode:
    """``ValueError`` (Chinese) unless the code is Tianmen or lies inside it."""
    if not TIANMEN.contains(area_code):
        raise ValueError("区域应在天门市（429006）范围内")
    return area_code


#: An area the bureau administers: Tianmen itself, a township-level unit, a village.
TianmenAreaCode = Annotated[AreaCode, AfterValidator(inside_tianmen)]


# --- Dates --------------------------------------------------------------------

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> date:
    # pydantic's own date is lax: 0 or "0" is 1970-01-01 (seconds since the epoch),
    # "2020-01-01T00:00" a date too. A date sent to the bureau is written YYYY-MM-DD.
    if type(value) is date:
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid", "日期不存在：{value}", {"value": value}
            ) from None
    raise PydanticCustomError("date_format", "日期须写成 YYYY-MM-DD（如 2020-06-30）")


#: A calendar date written YYYY-MM-DD, and only so (query, path and body alike).
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# --- Disability ---------------------------------------------------------------


class DisabilityCategory(StrEnum):
    """残疾类别 (GB/T 26341-2010): visual 视力; hearing 听力; speech 言语; physical 肢体;
    intellectual 智力; mental 精神; multiple 多重."""

    VISUAL = "visual"  # 视力残疾
    HEARING = "hearing"  # 听力残疾
    SPEECH = "speech"  # 言语残疾
    PHYSICAL = "physical"  # 肢体残疾
    INTELLECTUAL = "intellectual"  # 智力残疾
    MENTAL = "mental"  # 精神残疾
    MULTIPLE = "multiple"  # 多重残疾

    @property
    def certificate_digit(self) -> str:
        """The category's digit in a disability certificate number (the standard's order)."""
        return str(list(DisabilityCategory).index(self) + 1)


# --- Month period -----------------------------------------------------------

PERIOD_MIN_YEAR: Final = 2000
PERIOD_MAX_YEAR: Final = 2100


class Period(_ValidatedStr):
    """A calendar month, ``YYYY-MM`` (years 2000–2100): the unit of payment.

    The fixed width makes string order chronological, so periods compare, sort
    and range-query (also in the database) as plain strings.
    """

    __slots__ = ()

    _error_type = "period"
    _json_schema: ClassVar[dict[str, Any]] = {
        "pattern": r"^\d{4}-(0[1-9]|1[0-2])$",
        "examples": ["2024-01"],
        "description": "月份（YYYY-MM），年份2000–2100",
    }

    @classmethod
    def _normalize(cls, value: str) -> str:
        text = value.strip()
        if len(text) != 7 or text[4] != "-" or not _all_digits(text[:4] + text[5:]):
            raise ValueError("月份格式应为YYYY-MM，如2024-01")
        if not PERIOD_MIN_YEAR <= int(text[:4]) <= PERIOD_MAX_YEAR:
            raise ValueError("年份应在2000至2100之间")
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError("月份应在01至12之间")
        return text

    @classmethod
    def of(cls, d: date) -> Self:
        """The period containing ``d``."""
        return cls(f"{d.year:04d}-{d.month:02d}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def month(self) -> int:
        return int(self[5:])

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> Self:
        if self.month == 12:
            return type(self)(f"{self.year + 1:04d}-01")
        return type(self)(f"{self.year:04d}-{self.month + 1:02d}")

    def previous(self) -> Self:
        if self.month == 1:
            return type(self)(f"{self.year - 1:04d}-12")
        return type(self)(f"{self.year:04d}-{self.month - 1:02d}")


# --- Money ------------------------------------------------------------------

_CENT: Final = Decimal("0.01")
#: NUMERIC(14,2): at most 12 digits before the point.
_MONEY_LIMIT: Final = Decimal(10) ** 12


def to_fen(value: Decimal) -> Decimal:
    """Round a computed amount to the fen (0.01 yuan), halves away from zero."""
    return value.quantize(_CENT, rounding=_ROUND_HALF_UP)


def _money_error(message: str) -> PydanticCustomError:
    return PydanticCustomError("money", message)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    # bool is an int; True would otherwise be 1.00 yuan.
    if isinstance(value, bool):
        raise _money_error("金额应为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest round-tripping form, so 0.1 becomes Decimal("0.1"),
        # not the binary expansion; 14 digits fit a float's precision.
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        # Decimal() also takes "1_000" and non-ASCII digits; an amount must not.
        if not text.isascii() or "_" in text:
            raise _money_error("金额格式无效")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise _money_error("金额格式无效") from None
    raise _money_error("金额应为数字")


@dataclass(frozen=True, slots=True)
class _MoneySchema:
    non_negative: bool

    def validate(self, value: Any) -> Decimal:
        amount = _to_decimal(value)
        if not amount.is_finite():
            raise _money_error("金额应为有限数值")
        if abs(amount) >= _MONEY_LIMIT:
            raise _money_error("金额超出范围（整数部分最多12位）")
        if amount != amount.quantize(_CENT):
            # Rounding here would silently change what the user entered.
            raise _money_error("金额最多保留两位小数")
        if self.non_negative and amount < 0:
            raise _money_error("金额不能为负数")
        # Exactly two places (and no negative zero) so the stored, printed and
        # serialised forms agree.
        return amount.quantize(_CENT) + Decimal("0.00")

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _money_to_json, when_used="json", return_schema=core_schema.str_schema()
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        sign = "" if self.non_negative else "-?"
        description = '金额（元），两位小数；输出为字符串，如 "630.00"'
        if self.non_negative:
            description += "，不能为负数"
        if handler.mode == "serialization":
            return {
                "type": "string",
                "pattern": rf"^{sign}\d{{1,12}}\.\d{{2}}$",
                "examples": ["630.00"],
                "description": description,
            }
        number: dict[str, Any] = {"type": "number"}
        if self.non_negative:
            number["minimum"] = 0
        return {
            "anyOf": [
                number,
                {"type": "string", "pattern": rf"^{sign}\d{{1,12}}(\.\d{{1,2}})?$"},
            ],
            "examples": ["630.00"],
            "description": description,
        }


def _money_to_json(value: Any) -> str:
    # Strings, not JSON numbers: clients parse numbers as binary floats.
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(to_fen(amount), "f")


#: An amount of money in yuan: at most 2 decimal places (more is an error, not
#: rounded), at most 12 integer digits, finite. JSON output is a string such as
#: ``"630.00"``; Python output is a ``Decimal`` with exactly 2 places.
Money = Annotated[Decimal, _MoneySchema(non_negative=False)]
#: :data:`Money` that cannot be negative.
Amount = Annotated[Decimal, _MoneySchema(non_negative=True)]
