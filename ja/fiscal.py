"""The Japanese fiscal year (年度): April 1 to March 31, named by the year it starts in.

2025-03-31 is in FY2024 (令和6年度), 2025-04-01 starts FY2025. Retention periods count
from the start of the fiscal year after a record's (起算日) and end on a March 31 (満了日).
"""

from __future__ import annotations

from datetime import date

from ja.eras import Era, OutsideEraError

__all__ = [
    "era_fiscal_year",
    "fiscal_year_end",
    "fiscal_year_of",
    "fiscal_year_start",
    "next_fiscal_year_start",
]

_FIRST_MONTH = 4  # April


def fiscal_year_of(day: date) -> int:
    """The fiscal year a day belongs to: 2025-03-31 is FY2024, 2025-04-01 is FY2025."""
    return day.year if day.month >= _FIRST_MONTH else day.year - 1


def fiscal_year_start(fiscal_year: int) -> date:
    """April 1 of the fiscal year: FY2024 starts on 2024-04-01."""
    return date(fiscal_year, _FIRST_MONTH, 1)


def fiscal_year_end(fiscal_year: int) -> date:
    """March 31 of the fiscal year: FY2024 ends on 2025-03-31."""
    return date(fiscal_year + 1, _FIRST_MONTH - 1, 31)


def next_fiscal_year_start(day: date) -> date:
    """April 1 after the fiscal year of ``day``: 2025-03-31 → 2025-04-01, 2025-04-01 →
    2026-04-01 (the 起算日 of a retention period)."""
    return fiscal_year_start(fiscal_year_of(day) + 1)


def era_fiscal_year(era: Era, era_year: int) -> int:
    """The fiscal year 令和6年度 names (``era``, 6) → 2024.

    An era fiscal year is valid when it overlaps the era: 平成31年度 and 令和元年度 are
    both FY2019, 平成32年度 raises :class:`~ja.eras.OutsideEraError`; year 0 a ValueError.
    """
    if era_year < 1:
        raise ValueError(f"era year {era_year}: 元年 is the first")
    year = era.gregorian_year(era_year)
    if not era.overlaps(fiscal_year_start(year), fiscal_year_end(year)):
        message = f"fiscal year {year} does not overlap {era.name} ({era.describe_range()})"
        raise OutsideEraError(era, message)
    return year
