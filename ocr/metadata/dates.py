"""Dates in Japanese documents: 和暦 (era) and Western, in kanji or digits.

Rules (domain.md §4):

* Eras and their first days: 明治 1868-10-23, 大正 1912-07-30, 昭和 1926-12-25,
  平成 1989-01-08, 令和 2019-05-01; each ends the day before the next begins. 元年 is year 1.
  明治 is dated from the Gregorian day of its proclamation (明治元年九月八日); the change
  was retroactive to the start of the lunisolar year, but that only matters for dates
  before 明治6年 and those are not converted at all (next rule).
* Japan adopted the Gregorian calendar on 明治6年1月1日 (1873-01-01). Earlier dates were
  written in the lunisolar calendar: they are recognised but not converted (value None,
  with a note), never silently turned into a wrong Gregorian date.
* A date outside its era (平成31年5月1日, 昭和64年1月8日, 令和元年4月30日) is returned with
  ``out_of_era=True`` and no value, so that a reviewer sees it; it is never converted.
* A day that does not exist (2月30日) is not a date and is not returned.
* Western years are accepted from 1800 to 2199; other four-digit numbers before 年 are
  more likely counts or codes.
* Fiscal years (年度) run from April 1 to March 31 and are named by the calendar year they
  start in. An era fiscal year is valid when it overlaps the era: 平成31年度 and 令和元年度
  are both FY2019; 平成32年度 is outside its era.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ocr.metadata.candidates import (
    Candidate,
    clamp_confidence,
    is_alone_on_line,
    line_after,
    line_before,
    non_overlapping,
)
from ocr.metadata.numerals import parse_japanese_number
from ocr.normalize import normalize_text

__all__ = [
    "ERAS",
    "GREGORIAN_CALENDAR_ADOPTED",
    "DateCandidate",
    "Era",
    "FiscalYearCandidate",
    "WarekiDate",
    "find_dates",
    "find_fiscal_years",
    "format_wareki",
    "format_wareki_abbreviated",
    "parse_date",
    "parse_fiscal_year",
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


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)
_ERA_BY_NAME_OR_LETTER = {era.name: era for era in ERAS} | {era.letter: era for era in ERAS}

GREGORIAN_CALENDAR_ADOPTED = date(1873, 1, 1)  # 明治6年1月1日
_WESTERN_YEARS = range(1800, 2200)


@dataclass(frozen=True)
class WarekiDate:
    era: Era
    year: int  # 1 for 元年
    month: int
    day: int


@dataclass(frozen=True)
class DateCandidate(Candidate[date]):
    era: str | None = None  # 令和 …; None for a Western date
    out_of_era: bool = False


@dataclass(frozen=True)
class FiscalYearCandidate(Candidate[int]):
    era: str | None = None
    out_of_era: bool = False


def to_wareki(day: date) -> WarekiDate:
    """The era, era year, month and day of a Gregorian date from 1873-01-01 on."""
    if day < GREGORIAN_CALENDAR_ADOPTED:
        raise ValueError(f"{day} is before Japan adopted the Gregorian calendar (1873-01-01)")
    era = next(era for era in reversed(ERAS) if era.start <= day)
    return WarekiDate(era, day.year - era.start.year + 1, day.month, day.day)


def format_wareki(day: date, *, gannen: bool = True) -> str:
    """Format as "令和6年4月1日", for display next to the ISO date.

    The first year of an era is written 元年 (令和元年5月1日) unless ``gannen`` is False.
    """
    wareki = to_wareki(day)
    year = "元" if gannen and wareki.year == 1 else str(wareki.year)
    return f"{wareki.era.name}{year}年{wareki.month}月{wareki.day}日"


def format_wareki_abbreviated(day: date) -> str:
    """Format as "R6.4.1", as on a date stamp (日付印)."""
    wareki = to_wareki(day)
    return f"{wareki.era.letter}{wareki.year}.{wareki.month}.{wareki.day}"


# After normalisation, spaces are left only next to digits and Latin letters (令和 6 年),
# and a run of whitespace is a single space.
_SPACE = " ?"
_DATE_KANJI = "〇零一二三四五六七八九十百千壱弐参拾"
# Letter-spaced text (令　和　１　２　年) spaces the digits of one number too.
_NUMBER = rf"[0-9](?: ?[0-9])?|[{_DATE_KANJI}]{{1,4}}"
_ERA_YEAR = rf"元|{_NUMBER}"
_WESTERN_YEAR = rf"[0-9](?: ?[0-9]){{3}}|[{_DATE_KANJI}]{{2,7}}"
_ERA = r"(?:(?P<era>明治|大正|昭和|平成|令和)|(?<![A-Za-z0-9])(?P<letter>[MTSHR])\.?)"
_KANJI_MONTH_DAY = (
    rf"{_SPACE}年{_SPACE}(?P<month>{_NUMBER}){_SPACE}月{_SPACE}(?P<day>{_NUMBER}){_SPACE}日"
)
# 6.4.1, 6/4/1, 6-4-1 with the same separator twice, not part of a longer dotted number
_NUMERIC_MONTH_DAY = (
    r"(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})(?![0-9]|[./-][0-9])"
)

_ERA_DATE_PATTERNS = (
    re.compile(rf"{_ERA}{_SPACE}(?P<year>{_ERA_YEAR}){_KANJI_MONTH_DAY}"),
    re.compile(rf"{_ERA}{_SPACE}(?P<year>元|[0-9]{{1,2}}){_NUMERIC_MONTH_DAY}"),
)
_WESTERN_DATE_PATTERNS = (
    re.compile(rf"(?<![0-9{_DATE_KANJI}])(?P<year>{_WESTERN_YEAR}){_KANJI_MONTH_DAY}"),
    re.compile(rf"(?<![0-9./-])(?P<year>[0-9]{{4}}){_NUMERIC_MONTH_DAY}"),
)
_ERA_FISCAL_YEAR = re.compile(rf"{_ERA}{_SPACE}(?P<year>{_ERA_YEAR}){_SPACE}年度")
_WESTERN_FISCAL_YEAR = re.compile(rf"(?<![0-9{_DATE_KANJI}])(?P<year>{_WESTERN_YEAR}){_SPACE}年度")

# The date of the document itself (not a deadline or a period) is what 電子帳簿保存法 search
# and the register need.
_DOCUMENT_DATE_LABEL = re.compile(
    "発行日|作成日|請求日|契約日|取引日|発信日|起案日|決裁日|施行日|受付日|納品日|領収日|日付"
)
_OTHER_DATE_LABEL = re.compile("期限|期日|期間|生年月日|有効|満了|締切|支払日|納期|から|まで|~")


def _number(text: str) -> int | None:
    return 1 if text == "元" else parse_japanese_number(text.replace(" ", ""))


def _date_confidence(text: str, span: tuple[int, int], base: float) -> float:
    before, after = line_before(text, span[0], limit=15), line_after(text, span[1], limit=6)
    confidence = base
    if _OTHER_DATE_LABEL.search(before) or _OTHER_DATE_LABEL.search(after):
        confidence -= 0.3
    elif _DOCUMENT_DATE_LABEL.search(before):
        confidence += 0.3
    if is_alone_on_line(text, span):
        confidence += 0.1  # the date line of a letter or notice
    return clamp_confidence(confidence)


def _era_date(text: str, match: re.Match[str], base: float) -> DateCandidate | None:
    era = _ERA_BY_NAME_OR_LETTER[match["era"] or match["letter"]]
    era_year, month, day = _number(match["year"]), _number(match["month"]), _number(match["day"])
    if not era_year or month is None or day is None:
        return None
    try:
        value = date(era.gregorian_year(era_year), month, day)
    except ValueError:
        return None  # no such day
    span = match.span()
    if value < GREGORIAN_CALENDAR_ADOPTED:
        note = "lunisolar calendar date (before 明治6年): not converted"
        return DateCandidate(None, match[0], span, 0.0, (note,), era.name)
    if not era.contains(value):
        note = f"outside {era.name} ({_era_range(era)}); read naively it would be {value}"
        return DateCandidate(None, match[0], span, 0.0, (note,), era.name, out_of_era=True)
    return DateCandidate(value, match[0], span, _date_confidence(text, span, base), (), era.name)


def _western_date(text: str, match: re.Match[str], base: float) -> DateCandidate | None:
    year, month, day = _number(match["year"]), _number(match["month"]), _number(match["day"])
    if year not in _WESTERN_YEARS or month is None or day is None:
        return None
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    span = match.span()
    return DateCandidate(value, match[0], span, _date_confidence(text, span, base))


def _era_range(era: Era) -> str:
    return f"{era.start} – {era.end}" if era.end else f"from {era.start}"


def find_dates(text: str) -> list[DateCandidate]:
    """Every date in the text, in text order, including those flagged as out of era."""
    text = normalize_text(text)
    found: list[DateCandidate | None] = []
    kanji_style, numeric_style = _ERA_DATE_PATTERNS
    found += [_era_date(text, m, 0.6) for m in kanji_style.finditer(text)]
    found += [_era_date(text, m, 0.5) for m in numeric_style.finditer(text)]
    kanji_style, numeric_style = _WESTERN_DATE_PATTERNS
    found += [_western_date(text, m, 0.6) for m in kanji_style.finditer(text)]
    found += [_western_date(text, m, 0.5) for m in numeric_style.finditer(text)]
    return non_overlapping([candidate for candidate in found if candidate is not None])


def parse_date(text: str) -> date | None:
    """The date written in ``text`` (nothing else around it), or None if it is not a
    valid date in its era."""
    return _whole_text_value(text, find_dates(text))


def find_fiscal_years(text: str) -> list[FiscalYearCandidate]:
    """Every fiscal year (年度) in the text: 令和6年度 → 2024, 平成31年度 → 2019."""
    text = normalize_text(text)
    found: list[FiscalYearCandidate] = []
    for match in _ERA_FISCAL_YEAR.finditer(text):
        era = _ERA_BY_NAME_OR_LETTER[match["era"] or match["letter"]]
        era_year = _number(match["year"])
        if not era_year:
            continue
        year = era.gregorian_year(era_year)
        if era.overlaps(date(year, 4, 1), date(year + 1, 3, 31)):
            found.append(FiscalYearCandidate(year, match[0], match.span(), 0.8, (), era.name))
        else:
            note = f"fiscal year {year} does not overlap {era.name} ({_era_range(era)})"
            candidate = FiscalYearCandidate(
                None, match[0], match.span(), 0.0, (note,), era.name, out_of_era=True
            )
            found.append(candidate)
    for match in _WESTERN_FISCAL_YEAR.finditer(text):
        year = _number(match["year"])
        if year in _WESTERN_YEARS:
            found.append(FiscalYearCandidate(year, match[0], match.span(), 0.7))
    return non_overlapping(found)


def parse_fiscal_year(text: str) -> int | None:
    """The fiscal year written in ``text`` (平成31年度 → 2019), or None."""
    return _whole_text_value(text, find_fiscal_years(text))


def _whole_text_value(text: str, candidates: Sequence[Candidate[Any]]) -> Any:
    """The value of the only candidate when it covers the whole text, else None."""
    whole = normalize_text(text).strip()
    if len(candidates) == 1 and candidates[0].text == whole:
        return candidates[0].value
    return None
