"""Dates and fiscal years (年度) as text: how they are written, read and displayed.

The grammar is written once, as regular-expression sources with named groups, and read
back with :func:`date_of` and :func:`fiscal_year_named_by`: :func:`parse_date` matches
it against a whole string (a query parameter), and the OCR metadata finders search
running text with it. Forms accepted: 令和6年4月1日, 令和六年四月一日, 令和 6 年 (OCR
spacing), R6.4.1, R.6/4/1, 2024年4月1日, 二〇二四年四月一日, 2024/4/1, 2024-04-01, 2024.4.1;
令和6年度, R6年度, 2024年度. The era rules are in :mod:`ja.eras`; besides them:

* A day that does not exist (2月30日) is not a date.
* Western years are accepted from 1800 to 2199; other four-digit numbers before 年 are
  more likely counts or codes.
"""

from __future__ import annotations

import enum
import re
from datetime import date

from ja.eras import ERAS, Era, era_named, from_wareki, to_wareki
from ja.fiscal import era_fiscal_year
from ja.normalize import normalize_text
from ja.numerals import parse_japanese_number

__all__ = [
    "DATE_NUMERAL_CHARS",
    "ERA_DATE",
    "ERA_DATE_NUMERIC",
    "ERA_FISCAL_YEAR",
    "ERA_NAMES",
    "WESTERN_DATE",
    "WESTERN_DATE_NUMERIC",
    "WESTERN_FISCAL_YEAR",
    "DateStyle",
    "date_of",
    "era_of",
    "fiscal_year_named_by",
    "format_date",
    "format_wareki",
    "parse_date",
    "parse_fiscal_year",
]

# --- the grammar --------------------------------------------------------------------------

# After normalisation, spaces are left only next to digits and Latin letters (令和 6 年),
# and a run of whitespace is a single space.
_SPACE = " ?"
# The numerals that occur in dates, 大字 included (令和弐年).
DATE_NUMERAL_CHARS = "〇零一二三四五六七八九十百千壱弐参拾"
# Letter-spaced text (令　和　１　２　年) spaces the digits of one number too.
_NUMBER = rf"[0-9](?: ?[0-9])?|[{DATE_NUMERAL_CHARS}]{{1,4}}"
_ERA_YEAR = rf"元|{_NUMBER}"
_WESTERN_YEAR = rf"[0-9](?: ?[0-9]){{3}}|[{DATE_NUMERAL_CHARS}]{{2,7}}"
# An era by name, or by its letter when the letter does not end a word (TR6.4.1).
ERA_NAMES = "|".join(era.name for era in ERAS)
_ERA_LETTERS = "".join(era.letter for era in ERAS)
_ERA = rf"(?:(?P<era>{ERA_NAMES})|(?<![A-Za-z0-9])(?P<letter>[{_ERA_LETTERS}])\.?)"
_KANJI_MONTH_DAY = (
    rf"{_SPACE}年{_SPACE}(?P<month>{_NUMBER}){_SPACE}月{_SPACE}(?P<day>{_NUMBER}){_SPACE}日"
)
# 6.4.1, 6/4/1, 6-4-1 with the same separator twice, not part of a longer dotted number
_NUMERIC_MONTH_DAY = (
    r"(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"
    # not part of a longer number (R6.4.1.2), but a time may follow, its space read as a
    # full stop on scans (2025/09/30.14時00分)
    r"(?![0-9]|[./-][0-9](?![0-9]?時))"
)

ERA_DATE = rf"{_ERA}{_SPACE}(?P<year>{_ERA_YEAR}){_KANJI_MONTH_DAY}"  # 令和6年4月1日
ERA_DATE_NUMERIC = rf"{_ERA}{_SPACE}(?P<year>元|[0-9]{{1,2}}){_NUMERIC_MONTH_DAY}"  # R6.4.1
WESTERN_DATE = rf"(?P<year>{_WESTERN_YEAR}){_KANJI_MONTH_DAY}"  # 2024年4月1日
WESTERN_DATE_NUMERIC = rf"(?P<year>[0-9]{{4}}){_NUMERIC_MONTH_DAY}"  # 2024/4/1
ERA_FISCAL_YEAR = rf"{_ERA}{_SPACE}(?P<year>{_ERA_YEAR}){_SPACE}年度"  # 令和6年度
WESTERN_FISCAL_YEAR = rf"(?P<year>{_WESTERN_YEAR}){_SPACE}年度"  # 2024年度

_WESTERN_YEARS = range(1800, 2200)


def _number(text: str) -> int | None:
    return 1 if text == "元" else parse_japanese_number(text.replace(" ", ""))


def era_of(match: re.Match[str]) -> Era | None:
    """The era a match of one of the patterns names; None for a Western one."""
    name = match.groupdict().get("era") or match.groupdict().get("letter")
    return era_named(name) if name else None


def date_of(match: re.Match[str]) -> date:
    """The date a match of one of the date patterns names.

    Raises ValueError when it names none: no such day, a Western year out of range, and
    the era errors of :func:`ja.eras.from_wareki` (lunisolar, outside its era).
    """
    year, month, day = _number(match["year"]), _number(match["month"]), _number(match["day"])
    if year is None or month is None or day is None:
        raise ValueError(f"{match[0]}: not a number")
    era = era_of(match)
    if era is not None:
        return from_wareki(era, year, month, day)
    if year not in _WESTERN_YEARS:
        raise ValueError(f"{match[0]}: year {year} is not read as a year")
    return date(year, month, day)


def fiscal_year_named_by(match: re.Match[str]) -> int:
    """The fiscal year a match of one of the 年度 patterns names (令和元年度 → 2019).

    Raises ValueError when it names none, :class:`~ja.eras.OutsideEraError` (平成32年度).
    """
    year = _number(match["year"])
    if year is None:
        raise ValueError(f"{match[0]}: not a number")
    era = era_of(match)
    if era is not None:
        return era_fiscal_year(era, year)
    if year not in _WESTERN_YEARS:
        raise ValueError(f"{match[0]}: year {year} is not read as a year")
    return year


_WHOLE_DATE = [
    re.compile(p) for p in (ERA_DATE, ERA_DATE_NUMERIC, WESTERN_DATE, WESTERN_DATE_NUMERIC)
]
_WHOLE_FISCAL_YEAR = [re.compile(p) for p in (ERA_FISCAL_YEAR, WESTERN_FISCAL_YEAR)]


def _whole(patterns: list[re.Pattern[str]], text: str) -> re.Match[str] | None:
    text = normalize_text(text).strip()
    return next((m for p in patterns if (m := p.fullmatch(text))), None)


def parse_date(text: str) -> date | None:
    """The date written in ``text`` (nothing else around it), or None if it is not a
    valid date in its era."""
    match = _whole(_WHOLE_DATE, text)
    try:
        return date_of(match) if match else None
    except ValueError:
        return None


def parse_fiscal_year(text: str) -> int | None:
    """The fiscal year written in ``text`` (平成31年度 → 2019), or None."""
    match = _whole(_WHOLE_FISCAL_YEAR, text)
    try:
        return fiscal_year_named_by(match) if match else None
    except ValueError:
        return None


# --- display -------------------------------------------------------------------------------


class DateStyle(enum.Enum):
    """How a date is written for people: in full, or as on a date stamp (日付印)."""

    WAREKI = "wareki"  # 令和6年4月1日, 令和元年5月1日
    ERA_LETTER = "era_letter"  # R6.4.1
    ERA_YEAR = "era_year"  # 6.4.1 (the era is printed on the stamp itself)
    WESTERN_DOTTED = "western_dotted"  # 2024.4.1


def format_wareki(day: date, *, gannen: bool = True) -> str:
    """Format as "令和6年4月1日", for display next to the ISO date.

    The first year of an era is written 元年 (令和元年5月1日) unless ``gannen`` is False.
    """
    wareki = to_wareki(day)
    year = "元" if gannen and wareki.year == 1 else str(wareki.year)
    return f"{wareki.era.name}{year}年{wareki.month}月{wareki.day}日"


def format_date(day: date, style: DateStyle) -> str:
    """``day`` in ``style``; the 和暦 styles need a day from 1873-01-01 on (ValueError)."""
    if style is DateStyle.WAREKI:
        return format_wareki(day)
    if style is DateStyle.WESTERN_DOTTED:
        return f"{day.year}.{day.month}.{day.day}"
    wareki = to_wareki(day)
    numbers = f"{wareki.year}.{wareki.month}.{wareki.day}"
    return wareki.era.letter + numbers if style is DateStyle.ERA_LETTER else numbers
