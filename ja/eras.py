"""The Japanese eras (元号) and conversion between 和暦 and Gregorian dates.

Rules (domain.md §4):

* Eras and their first days: 明治 1868-10-23, 大正 1912-07-30, 昭和 1926-12-25,
  平成 1989-01-08, 令和 2019-05-01; each ends the day before the next begins. 元年 is year 1.
  明治 is dated from the Gregorian day of its proclamation (明治元年九月八日); the change
  was retroactive to the start of the lunisolar year, but that only matters for dates
  before 明治6年 and those are not converted at all (next rule).
* Japan adopted the Gregorian calendar on 明治6年1月1日 (1873-01-01). Earlier dates were
  written in the lunisolar calendar: they are recognised but never silently turned into a
  wrong Gregorian date.
* A date outside its era (平成31年5月1日, 昭和64年1月8日, 令和元年4月30日) is not converted
  either: it is a mistake for a reviewer to see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = [
    "ERAS",
    "GREGORIAN_CALENDAR_ADOPTED",
    "Era",
    "LunisolarDateError",
    "OutsideEraError",
    "WarekiDate",
    "era_named",
    "from_wareki",
    "to_wareki",
]


@dataclass(frozen=True)
class Era:
    name: str  # 令和
    letter: str  # R, as in R6.4.1
    start: date
    end: date | None  # None for the current era

    def gregorian_year(self, era_year: int) -> int:
        return self.start.year + era_year - 1

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, first: date, last: date) -> bool:
        return first <= (self.end or date.max) and self.start <= last

    def describe_range(self) -> str:
        return f"{self.start} – {self.end}" if self.end else f"from {self.start}"


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)
_ERA_BY_NAME_OR_LETTER = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}

GREGORIAN_CALENDAR_ADOPTED = date(1873, 1, 1)  # 明治6年1月1日


def era_named(name_or_letter: str) -> Era:
    """The era called 令和 or R; KeyError for anything else."""
    return _ERA_BY_NAME_OR_LETTER[name_or_letter]


@dataclass(frozen=True)
class WarekiDate:
    era: Era
    year: int  # 1 for 元年
    month: int
    day: int


class LunisolarDateError(ValueError):
    """A 和暦 date before 明治6年: written in the lunisolar calendar, not converted."""

    def __init__(self) -> None:
        super().__init__("lunisolar calendar date (before 明治6年): not converted")


class OutsideEraError(ValueError):
    """A 和暦 date or 年度 that its era does not contain (平成31年5月1日, 平成32年度)."""

    def __init__(self, era: Era, message: str) -> None:
        self.era = era
        super().__init__(message)


def to_wareki(day: date) -> WarekiDate:
    """The era, era year, month and day of a Gregorian date from 1873-01-01 on."""
    if day < GREGORIAN_CALENDAR_ADOPTED:
        raise ValueError(f"{day} is before Japan adopted the Gregorian calendar (1873-01-01)")
    era = next(era for era in reversed(ERAS) if era.start <= day)
    return WarekiDate(era, day.year - era.start.year + 1, day.month, day.day)


def from_wareki(era: Era, year: int, month: int, day: int) -> date:
    """The Gregorian date of 令和6年4月1日 (``era``, 6, 4, 1).

    Raises ValueError when there is no such day (2月30日, year 0),
    :class:`LunisolarDateError` before 1873 and :class:`OutsideEraError` when the era does
    not contain the day; both are ValueErrors too.
    """
    if year < 1:
        raise ValueError(f"era year {year}: 元年 is the first")
    value = date(era.gregorian_year(year), month, day)
    if value < GREGORIAN_CALENDAR_ADOPTED:
        raise LunisolarDateError
    if not era.contains(value):
        message = f"outside {era.name} ({era.describe_range()}); read naively it would be {value}"
        raise OutsideEraError(era, message)
    return value
