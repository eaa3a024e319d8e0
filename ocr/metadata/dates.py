"""Dates and fiscal years (年度) found in running text, with their confidence.

How dates are written and which are valid (eras, 元年, the lunisolar calendar before
明治6年, days that do not exist, fiscal years overlapping an era) is ``ja.dates`` and
``ja.eras``; this module searches a whole document with that grammar, keeps the dates a
reviewer must see (outside their era, lunisolar) as candidates without a value, and
judges which date is the document's own from the labels around it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date

from ja.dates import (
    DATE_NUMERAL_CHARS,
    ERA_DATE,
    ERA_DATE_NUMERIC,
    ERA_FISCAL_YEAR,
    WESTERN_DATE,
    WESTERN_DATE_NUMERIC,
    WESTERN_FISCAL_YEAR,
    date_of,
    era_of,
    fiscal_year_named_by,
)
from ja.eras import LunisolarDateError, OutsideEraError
from ja.normalize import normalize_text
from ocr.metadata.candidates import (
    Candidate,
    clamp_confidence,
    is_alone_on_line,
    line_after,
    line_before,
    non_overlapping,
)

__all__ = ["DateCandidate", "FiscalYearCandidate", "find_dates", "find_fiscal_years"]


@dataclass(frozen=True)
class DateCandidate(Candidate[date]):
    era: str | None = None  # 令和 …; None for a Western date
    out_of_era: bool = False


@dataclass(frozen=True)
class FiscalYearCandidate(Candidate[int]):
    era: str | None = None
    out_of_era: bool = False


# In running text a Western year must not continue a number (12024年, 三二〇二四年).
_NOT_AFTER_A_NUMBER = rf"(?<![0-9{DATE_NUMERAL_CHARS}])"
_ERA_DATE_PATTERNS = (re.compile(ERA_DATE), re.compile(ERA_DATE_NUMERIC))
_WESTERN_DATE_PATTERNS = (
    re.compile(_NOT_AFTER_A_NUMBER + WESTERN_DATE),
    re.compile(r"(?<![0-9./-])" + WESTERN_DATE_NUMERIC),  # nor a dotted one (1.2024.4.1)
)
_ERA_FISCAL_YEAR = re.compile(ERA_FISCAL_YEAR)
_WESTERN_FISCAL_YEAR = re.compile(_NOT_AFTER_A_NUMBER + WESTERN_FISCAL_YEAR)

# The date of the document itself (not a deadline or a period) is what 電子帳簿保存法 search
# and the register need.
_DOCUMENT_DATE_LABEL = re.compile(
    "発行日|作成日|請求日|契約日|取引日|発信日|起案日|決裁日|施行日|受付日|納品日|領収日|日付"
)
_OTHER_DATE_LABEL = re.compile("期限|期日|期間|生年月日|有効|満了|締切|支払日|納期|から|まで|~")


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


def _date_candidate(text: str, match: re.Match[str], base: float) -> DateCandidate | None:
    era = era_of(match)
    era_name = era.name if era else None
    span = match.span()
    try:
        value = date_of(match)
    except LunisolarDateError as error:
        return DateCandidate(None, match[0], span, 0.0, (str(error),), era_name)
    except OutsideEraError as error:
        note = str(error)
        return DateCandidate(None, match[0], span, 0.0, (note,), era_name, out_of_era=True)
    except ValueError:
        return None  # no such day, or not a year
    return DateCandidate(value, match[0], span, _date_confidence(text, span, base), (), era_name)


# On degraded scans Tesseract reads the 日 that ends a date as 晶, 曰, 目 or 白. Put back
# only right after a month and a day number (5月10晶), one character for one, so that
# every span still points into the text as read.
_MISREAD_DAY = re.compile(r"(?<=月)( ?[0-9]{1,2} ?)([晶曰目白])")


def find_dates(text: str) -> list[DateCandidate]:
    """Every date in the text, in text order, including those flagged as out of era."""
    text = normalize_text(text)
    repaired = {m.start(2): m[2] for m in _MISREAD_DAY.finditer(text)}
    text = _MISREAD_DAY.sub(r"\1日", text)
    found: list[DateCandidate | None] = []
    for kanji_style, numeric_style in (_ERA_DATE_PATTERNS, _WESTERN_DATE_PATTERNS):
        found += [_date_candidate(text, m, 0.6) for m in kanji_style.finditer(text)]
        found += [_date_candidate(text, m, 0.5) for m in numeric_style.finditer(text)]
    return [
        _noted(candidate, repaired)
        for candidate in non_overlapping([c for c in found if c is not None])
    ]


def _noted(candidate: DateCandidate, repaired: dict[int, str]) -> DateCandidate:
    start, end = candidate.span
    misread = [char for at, char in repaired.items() if start <= at < end]
    if not misread:
        return candidate
    note = f"OCR misreading: {misread[0]} → 日"
    return dataclasses.replace(candidate, notes=(*candidate.notes, note))


def find_fiscal_years(text: str) -> list[FiscalYearCandidate]:
    """Every fiscal year (年度) in the text: 令和6年度 → 2024, 平成31年度 → 2019."""
    text = normalize_text(text)
    found: list[FiscalYearCandidate] = []
    for pattern, confidence in ((_ERA_FISCAL_YEAR, 0.8), (_WESTERN_FISCAL_YEAR, 0.7)):
        for match in pattern.finditer(text):
            era = era_of(match)
            era_name = era.name if era else None
            try:
                year = fiscal_year_named_by(match)
            except OutsideEraError as error:
                notes = (str(error),)
                found.append(
                    FiscalYearCandidate(
                        None, match[0], match.span(), 0.0, notes, era_name, out_of_era=True
                    )
                )
                continue
            except ValueError:
                continue
            found.append(
                FiscalYearCandidate(year, match[0], match.span(), confidence, (), era_name)
            )
    return non_overlapping(found)
