"""起算日, 満了日 and holds by the rules of domain.md §1: pure functions, no Django.

Fiscal years and 和暦 come from :mod:`ja`. Every date is a :class:`datetime.date`; None
means "no date": an undecided start (未定), a class without end (常用, 永年) or an open
hold, and each of them blocks expiry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ja.dates import format_wareki
from ja.fiscal import fiscal_year_end, fiscal_year_of, next_fiscal_year_start

# The choices' values of retention.models, repeated here so that this module stays pure.
NEXT_FISCAL_YEAR = "next_fiscal_year"
DAY_AFTER_COMPLETION = "day_after_completion"
NEXT_CALENDAR_YEAR = "next_calendar_year"
SET_DATE = "set_date"
UNDECIDED = "undecided"

YEARS, MONTHS, DAYS = "years", "months", "days"
WHILE_IN_USE, PERMANENT = "while_in_use", "permanent"

AUDIT, LITIGATION, APPEAL, DISCLOSURE = "audit", "litigation", "appeal", "disclosure"

ONE_DAY = timedelta(days=1)


class RuleError(ValueError):
    """A rule cannot be applied: ``code`` names it, ``ja`` and ``en`` explain it."""

    def __init__(self, code: str, ja: str, en: str):
        super().__init__(en)
        self.code, self.ja, self.en = code, ja, en


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; February 29 becomes February 28."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def period_end(start: date, years: int = 0, months: int = 0) -> date:
    """The last day of a period counted from ``start`` (Civil Code art. 143): the day
    before the corresponding day, or the month's last day when there is none."""
    index = start.month - 1 + months
    year, month = start.year + years + index // 12, index % 12 + 1
    try:
        return date(year, month, start.day) - ONE_DAY
    except ValueError:  # no corresponding day (Feb 29, the 31st): the month's last day
        return date(year + month // 12, month % 12 + 1, 1) - ONE_DAY


def start_date(
    rule: str,
    created_on: date,
    *,
    completed_on: date | None = None,
    set_date: date | None = None,
    reason: str = "",
) -> date | None:
    """The 起算日 by ``rule``, counted from the creation or receipt date (作成・取得日).

    Returns None for 未定 and for 完結日 before the matter is completed: no expiry yet.
    """
    if rule == NEXT_FISCAL_YEAR:
        return next_fiscal_year_start(created_on)
    if rule == DAY_AFTER_COMPLETION:
        return completed_on + ONE_DAY if completed_on else None
    if rule == NEXT_CALENDAR_YEAR:
        return date(created_on.year + 1, 1, 1)
    if rule == SET_DATE:
        if set_date is None:
            return None
        if not reason.strip():
            raise RuleError(
                "start_reason_required",
                "起算日を指定するときは理由が必要です。",
                "A set start date needs a reason.",
            )
        if not created_on <= set_date <= add_years(created_on, 1):
            raise RuleError(
                "start_out_of_range",
                "指定する起算日は作成・取得日から1年以内にしてください。",
                "A set start date must be within one year of the creation date.",
            )
        return set_date
    if rule == UNDECIDED:
        return set_date  # the event's date once a records officer enters it
    raise RuleError(
        "unknown_rule", f"起算日の規則 {rule} は不明です。", f"Unknown start rule {rule}."
    )


def expiry(start: date | None, unit: str, duration: int | None, *, rule: str) -> date | None:
    """The 満了日 of a period of ``duration`` ``unit`` from ``start``.

    Fiscal-year starts end on March 31 of (start year + N), calendar-year ones on
    December 31; any other start on the day before its N-th anniversary. 常用 and 永年
    have none.
    """
    if start is None or unit in (WHILE_IN_USE, PERMANENT) or duration is None:
        return None
    if unit == YEARS:
        # A corrected start on another day counts whole years from that day instead.
        if rule == NEXT_FISCAL_YEAR and (start.month, start.day) == (4, 1):
            return fiscal_year_end(fiscal_year_of(start) + duration - 1)
        if rule == NEXT_CALENDAR_YEAR and (start.month, start.day) == (1, 1):
            return date(start.year + duration - 1, 12, 31)
        return period_end(start, years=duration)
    if unit == MONTHS:
        return period_end(start, months=duration)
    if unit == DAYS:
        return start + timedelta(days=duration - 1)
    raise RuleError("unknown_unit", f"期間の単位 {unit} は不明です。", f"Unknown unit {unit}.")


def short_term_start(rule: str, created_on: date, completed_on: date | None) -> date | None:
    """1年未満 counts from creation (or the day after completion), never a next April 1:
    a period shorter than a year must not outlast one."""
    if rule == DAY_AFTER_COMPLETION:
        return completed_on + ONE_DAY if completed_on else None
    return created_on


def hold_until(hold_type: str, event_on: date | None) -> date | None:
    """The end of a hold: 監査 and 訴訟 until they end; 審査請求 and 開示請求 one year
    counted from the day after the ruling or decision. None while open."""
    if event_on is None:
        return None
    if hold_type in (AUDIT, LITIGATION):
        return event_on
    if hold_type in (APPEAL, DISCLOSURE):
        return period_end(event_on + ONE_DAY, years=1)
    raise RuleError(
        "unknown_hold", f"保留の種別 {hold_type} は不明です。", f"Unknown hold {hold_type}."
    )


def effective_expiry(base: date | None, hold_ends: Iterable[date | None]) -> date | None:
    """The latest of the base expiry and every hold's end; an open hold (None) → None."""
    if base is None:
        return None
    latest = base
    for end in hold_ends:
        if end is None:
            return None
        latest = max(latest, end)
    return latest


@dataclass(frozen=True)
class Computed:
    start: date | None
    base_expiry: date | None
    effective_expiry: date | None
    open_hold: bool
    warnings: tuple[str, ...]


def compute(
    *,
    unit: str,
    duration: int | None,
    rule: str,
    created_on: date,
    completed_on: date | None = None,
    set_date: date | None = None,
    reason: str = "",
    extension_years: Iterable[int] = (),
    holds: Iterable[tuple[str, date | None]] = (),
) -> Computed:
    """Everything a file or a standalone document needs, from its class, dates and holds.

    A set date on a rule other than 特定日 is a correction: it replaces the rule's date.
    """
    warnings: list[str] = []
    if set_date is not None and rule not in (SET_DATE, UNDECIDED):
        start = set_date
    elif unit in (MONTHS, DAYS):
        start = short_term_start(rule, created_on, completed_on)
    else:
        start = start_date(
            rule, created_on, completed_on=completed_on, set_date=set_date, reason=reason
        )
    if start is None and unit not in (WHILE_IN_USE, PERMANENT):
        warnings.append("start_undecided")
    total = None if duration is None else duration + (sum(extension_years) if unit == YEARS else 0)
    base = expiry(start, unit, total, rule=rule)
    ends = [hold_until(kind, event) for kind, event in holds]
    return Computed(
        start=start,
        base_expiry=base,
        effective_expiry=effective_expiry(base, ends),
        open_hold=any(end is None for end in ends),
        warnings=tuple(warnings),
    )


def period_text(duration: int | None, unit: str, extension_years: Iterable[int] = ()) -> str:
    """The period as the register shows it: 5年, or 5年 + 3年 → 8年 after extensions."""
    if unit == WHILE_IN_USE:
        return "常用"
    if unit == PERMANENT:
        return "永年"
    suffix = {YEARS: "年", MONTHS: "か月", DAYS: "日"}[unit]
    base = f"{duration}{suffix}"
    extra = [years for years in extension_years if years]
    if not extra or unit != YEARS:
        return base
    return " + ".join([base, *(f"{y}年" for y in extra)]) + f" → {duration + sum(extra)}年"


def show(day: date | None) -> str:
    """ISO and 和暦 together, as the register and the file page show a date."""
    return "" if day is None else f"{day.isoformat()}({format_wareki(day)})"
