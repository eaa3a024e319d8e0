"""domain.md §1's vectors and the properties of the 起算日 / 満了日 rules (pure)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.dates import parse_date
from retention import rules


@pytest.mark.parametrize(
    ("created", "start", "years", "expiry"),
    [
        ("2024-03-18", "2024-04-01", 5, "2029-03-31"),
        ("2024-04-01", "2025-04-01", 10, "2035-03-31"),
        ("昭和64年1月7日", "1989-04-01", 30, "2019-03-31"),
        ("2019-04-26", "2020-04-01", 5, "2025-03-31"),
        ("2024-12-02", "2025-04-01", 3, "2028-03-31"),
    ],
)
def test_domain_vectors(created, start, years, expiry):
    created_on = parse_date(created) if not created[0].isdigit() else date.fromisoformat(created)
    result = rules.compute(
        unit=rules.YEARS, duration=years, rule=rules.NEXT_FISCAL_YEAR, created_on=created_on
    )
    assert result.start == date.fromisoformat(start)
    assert result.base_expiry == date.fromisoformat(expiry)
    assert result.effective_expiry == result.base_expiry


def test_heisei_31_document_counts_from_reiwa_2():
    assert parse_date("平成31年4月26日") == date(2019, 4, 26)


def test_disclosure_decision_holds_a_file_one_year_from_the_day_after():
    result = rules.compute(
        unit=rules.YEARS,
        duration=1,
        rule=rules.NEXT_FISCAL_YEAR,
        created_on=date(2023, 6, 1),
        holds=[(rules.DISCLOSURE, date(2025, 2, 14))],
    )
    assert result.base_expiry == date(2025, 3, 31)
    assert result.effective_expiry == date(2026, 2, 14)


@pytest.mark.parametrize(
    ("kind", "event", "until"),
    [
        (rules.AUDIT, date(2030, 5, 1), date(2030, 5, 1)),
        (rules.LITIGATION, date(2031, 1, 20), date(2031, 1, 20)),
        (rules.APPEAL, date(2030, 6, 30), date(2031, 6, 30)),
        (rules.DISCLOSURE, date(2024, 2, 28), date(2025, 2, 28)),
        # The day after is 2024-02-29: one year from it ends on 2025-02-28.
        (rules.DISCLOSURE, date(2024, 2, 29), date(2025, 2, 28)),
    ],
)
def test_hold_ends(kind, event, until):
    assert rules.hold_until(kind, event) == until


def test_open_hold_blocks_expiry_and_the_latest_end_wins():
    base = date(2029, 3, 31)
    assert rules.effective_expiry(base, [date(2030, 1, 1), None]) is None
    assert rules.effective_expiry(base, [date(2028, 1, 1)]) == base
    assert rules.effective_expiry(base, [date(2030, 1, 1), date(2031, 2, 1)]) == date(2031, 2, 1)
    result = rules.compute(
        unit=rules.YEARS,
        duration=5,
        rule=rules.NEXT_FISCAL_YEAR,
        created_on=date(2024, 3, 18),
        holds=[(rules.LITIGATION, None)],
    )
    assert (result.base_expiry, result.effective_expiry, result.open_hold) == (base, None, True)


def test_other_start_rules():
    created = date(2024, 6, 10)
    completion = rules.compute(
        unit=rules.YEARS,
        duration=3,
        rule=rules.DAY_AFTER_COMPLETION,
        created_on=created,
        completed_on=date(2024, 9, 30),
    )
    assert (completion.start, completion.base_expiry) == (date(2024, 10, 1), date(2027, 9, 30))
    calendar = rules.compute(
        unit=rules.YEARS, duration=5, rule=rules.NEXT_CALENDAR_YEAR, created_on=created
    )
    assert (calendar.start, calendar.base_expiry) == (date(2025, 1, 1), date(2029, 12, 31))
    fixed = rules.compute(
        unit=rules.YEARS,
        duration=1,
        rule=rules.SET_DATE,
        created_on=created,
        set_date=date(2024, 8, 1),
        reason="契約締結日から起算",
    )
    assert (fixed.start, fixed.base_expiry) == (date(2024, 8, 1), date(2025, 7, 31))
    undecided = rules.compute(
        unit=rules.YEARS, duration=10, rule=rules.UNDECIDED, created_on=created
    )
    assert (undecided.start, undecided.base_expiry, undecided.warnings) == (
        None,
        None,
        ("start_undecided",),
    )
    pending = rules.compute(
        unit=rules.YEARS, duration=3, rule=rules.DAY_AFTER_COMPLETION, created_on=created
    )
    assert pending.base_expiry is None and pending.warnings == ("start_undecided",)
    short = rules.compute(
        unit=rules.MONTHS, duration=6, rule=rules.NEXT_FISCAL_YEAR, created_on=date(2024, 8, 31)
    )
    # From creation, never a next April 1; no February 31: the month's last day.
    assert short.base_expiry == date(2025, 2, 28)
    in_use = rules.compute(
        unit=rules.WHILE_IN_USE, duration=None, rule=rules.NEXT_FISCAL_YEAR, created_on=created
    )
    assert in_use.base_expiry is None and in_use.warnings == ()


@pytest.mark.parametrize(
    ("set_date", "reason", "code"),
    [
        (date(2024, 8, 1), "", "start_reason_required"),
        (date(2025, 6, 11), "遅すぎる", "start_out_of_range"),
        (date(2024, 6, 9), "早すぎる", "start_out_of_range"),
    ],
)
def test_set_start_date_refusals(set_date, reason, code):
    with pytest.raises(rules.RuleError) as refused:
        rules.start_date(rules.SET_DATE, date(2024, 6, 10), set_date=set_date, reason=reason)
    assert refused.value.code == code and refused.value.ja


def test_extensions_add_up_and_the_register_shows_the_total():
    result = rules.compute(
        unit=rules.YEARS,
        duration=5,
        rule=rules.NEXT_FISCAL_YEAR,
        created_on=date(2024, 3, 18),
        extension_years=[3],
    )
    assert result.base_expiry == date(2032, 3, 31)
    assert rules.period_text(5, rules.YEARS, [3]) == "5年 + 3年 → 8年"
    assert rules.period_text(5, rules.YEARS, [3, 2]) == "5年 + 3年 + 2年 → 10年"
    assert rules.period_text(6, rules.MONTHS) == "6か月"
    assert rules.show(date(2019, 4, 30)) == "2019-04-30(平成31年4月30日)"


days = st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31))
rule_names = st.sampled_from(
    [rules.NEXT_FISCAL_YEAR, rules.DAY_AFTER_COMPLETION, rules.NEXT_CALENDAR_YEAR, rules.SET_DATE]
)


@settings(max_examples=300, deadline=None)
@given(
    created=days,
    rule=rule_names,
    years=st.integers(1, 30),
    offset=st.integers(0, 365),
    extensions=st.lists(st.integers(1, 10), max_size=3),
)
def test_expiry_never_before_start_plus_duration(created, rule, years, offset, extensions):
    result = rules.compute(
        unit=rules.YEARS,
        duration=years,
        rule=rule,
        created_on=created,
        completed_on=created + timedelta(days=offset),
        set_date=min(created + timedelta(days=offset), rules.add_years(created, 1))
        if rule == rules.SET_DATE
        else None,
        reason="理由",
        extension_years=extensions,
    )
    total = years + sum(extensions)
    assert result.start >= created
    # The period covers N whole years: its last day is the eve of start + N years or later.
    assert result.base_expiry >= rules.period_end(result.start, years=total)
    if rule == rules.NEXT_FISCAL_YEAR:
        assert (result.base_expiry.month, result.base_expiry.day) == (3, 31)
        assert (result.start.month, result.start.day) == (4, 1)
    if rule == rules.NEXT_CALENDAR_YEAR:
        assert (result.base_expiry.month, result.base_expiry.day) == (12, 31)


@settings(max_examples=200, deadline=None)
@given(
    created=days,
    events=st.lists(
        st.tuples(
            st.sampled_from([rules.AUDIT, rules.LITIGATION, rules.APPEAL, rules.DISCLOSURE]), days
        ),
        max_size=4,
    ),
)
def test_holds_never_shorten(created, events):
    plain = rules.compute(
        unit=rules.YEARS, duration=5, rule=rules.NEXT_FISCAL_YEAR, created_on=created
    )
    held = rules.compute(
        unit=rules.YEARS, duration=5, rule=rules.NEXT_FISCAL_YEAR, created_on=created, holds=events
    )
    assert held.effective_expiry >= plain.base_expiry
    for _kind, event in events:
        assert held.effective_expiry >= event
