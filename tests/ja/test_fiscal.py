"""The fiscal year (年度): April 1 to March 31, and 和暦 fiscal years."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.eras import OutsideEraError, era_named
from ja.fiscal import (
    era_fiscal_year,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
    next_fiscal_year_start,
)

JA_PROFILE = settings.get_profile("ja")


@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2025, 3, 31), 2024),
        (date(2025, 4, 1), 2025),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
        (date(2024, 2, 29), 2023),
    ],
)
def test_fiscal_year_of(day, fiscal_year):
    assert fiscal_year_of(day) == fiscal_year


def test_a_fiscal_year_runs_from_april_1_to_march_31():
    assert fiscal_year_start(2024) == date(2024, 4, 1)
    assert fiscal_year_end(2024) == date(2025, 3, 31)


@pytest.mark.parametrize(
    ("day", "next_start"),
    [
        (date(2025, 3, 31), date(2025, 4, 1)),  # the last day: the next year starts tomorrow
        (date(2025, 4, 1), date(2026, 4, 1)),  # the first day: a whole year to go
        (date(2024, 10, 15), date(2025, 4, 1)),
    ],
)
def test_next_fiscal_year_start(day, next_start):
    assert next_fiscal_year_start(day) == next_start


@pytest.mark.parametrize(
    ("era", "year", "fiscal_year"),
    [
        ("平成", 31, 2019),
        ("令和", 1, 2019),
        ("令和", 6, 2024),
        ("昭和", 63, 1988),
        ("昭和", 1, 1926),
    ],
)
def test_era_fiscal_year(era, year, fiscal_year):
    assert era_fiscal_year(era_named(era), year) == fiscal_year


@pytest.mark.parametrize(("era", "year"), [("平成", 32), ("昭和", 64), ("令和", 0)])
def test_era_fiscal_year_outside_its_era(era, year):
    with pytest.raises(ValueError):
        era_fiscal_year(era_named(era), year)


def test_an_era_fiscal_year_after_the_era_is_flagged_as_such():
    with pytest.raises(OutsideEraError, match="does not overlap 平成"):
        era_fiscal_year(era_named("平成"), 32)


DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31))


@settings(JA_PROFILE, max_examples=300)
@given(DAYS)
def test_every_day_lies_in_its_fiscal_year(day):
    fiscal_year = fiscal_year_of(day)
    assert fiscal_year_start(fiscal_year) <= day <= fiscal_year_end(fiscal_year)
    assert next_fiscal_year_start(day) == fiscal_year_end(fiscal_year) + timedelta(days=1)
    assert fiscal_year_of(next_fiscal_year_start(day)) == fiscal_year + 1


@settings(JA_PROFILE)
@given(st.integers(min_value=1900, max_value=2198))
def test_fiscal_years_follow_each_other_without_gap(fiscal_year):
    assert fiscal_year_start(fiscal_year + 1) - fiscal_year_end(fiscal_year) == timedelta(days=1)
    assert fiscal_year_of(fiscal_year_start(fiscal_year)) == fiscal_year
    assert fiscal_year_of(fiscal_year_end(fiscal_year)) == fiscal_year
