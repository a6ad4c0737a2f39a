"""What a parameter is: its key, unit, Chinese label and the values it may take."""

from decimal import Decimal
from enum import StrEnum
from typing import Self


class ParameterUnit(StrEnum):
    """倍数 / 比例 / 月 / 天 / 工作日 / 岁 / 元每月 / 元每年."""

    MULTIPLE = "multiple"  # 倍
    SHARE = "share"  # 比例（0–1）
    MONTHS = "months"  # 月
    DAYS = "days"  # 天
    WORKING_DAYS = "working_days"  # 工作日
    YEARS_OF_AGE = "years_of_age"  # 岁
    GRADE = "grade"  # 等级
    FLAG = "flag"  # 是否（1 是，0 否）
    YUAN_PER_MONTH = "yuan_per_month"  # 元/月
    YUAN_PER_YEAR = "yuan_per_year"  # 元/年


#: Counted in whole units: a review every 1.5 months has no due date.
WHOLE_UNITS = frozenset(
    {
        ParameterUnit.MONTHS,
        ParameterUnit.DAYS,
        ParameterUnit.WORKING_DAYS,
        ParameterUnit.YEARS_OF_AGE,
        ParameterUnit.GRADE,
        ParameterUnit.FLAG,
    }
)
MONEY_UNITS = frozenset({ParameterUnit.YUAN_PER_MONTH, ParameterUnit.YUAN_PER_YEAR})


class PolicyKey(StrEnum):
    """Base of a service's parameter keys; each member names its unit and label::

        EDGE_OF_DIBAO_FACTOR = "edge_of_dibao_factor", U.MULTIPLE, "低保边缘倍数", {"minimum": 1}

    Rules beyond the unit's: ``minimum`` (inclusive), ``maximum`` (inclusive) and
    ``zero_allowed`` (zero is a real setting, such as "no public notice").
    """

    # Underscored: mypy takes plain names in an enum body for (final) members.
    _unit: ParameterUnit
    _label: str
    _minimum: Decimal | None
    _maximum: Decimal | None
    _zero_allowed: bool

    def __new__(
        cls,
        value: str,
        unit: ParameterUnit,
        label: str,
        rules: dict[str, object] | None = None,
    ) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._unit = unit
        member._label = label
        rules = rules or {}
        member._minimum = _decimal(rules.get("minimum"))
        member._maximum = _decimal(rules.get("maximum"))
        member._zero_allowed = bool(rules.get("zero_allowed", False))
        return member

    @classmethod
    def parse(cls, value: str) -> Self:
        """The member whose value is ``value`` (``ValueError`` if none)."""
        return cls(value)  # type: ignore[call-arg]  # the enum look-up, not __new__

    @property
    def unit(self) -> ParameterUnit:
        return self._unit

    @property
    def label(self) -> str:
        return self._label

    def check(self, value: Decimal) -> None:
        """``ValueError`` with a Chinese message unless ``value`` suits this key."""
        unit = self._unit
        if value < 0 or (value == 0 and not self._zero_allowed and unit is not ParameterUnit.FLAG):
            raise ValueError(f"{self.label}应大于 0")
        if unit in WHOLE_UNITS and value != value.to_integral_value():
            raise ValueError(f"{self.label}应为整数")
        if unit in MONEY_UNITS and value != value.quantize(Decimal("0.01")):
            raise ValueError(f"{self.label}金额最多保留两位小数")
        if unit is ParameterUnit.SHARE and value > 1:
            raise ValueError(f"{self.label}应在 0 至 1 之间")
        if unit is ParameterUnit.FLAG and value not in (0, 1):
            raise ValueError(f"{self.label}应为 1（是）或 0（否）")
        if self._minimum is not None and value < self._minimum:
            raise ValueError(f"{self.label}应不小于 {self._minimum}")
        if self._maximum is not None and value > self._maximum:
            raise ValueError(f"{self.label}应不大于 {self._maximum}")


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))
