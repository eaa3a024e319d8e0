"""The era table and 和暦 ↔ Gregorian conversion (domain.md §4)."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.eras import (
    ERAS,
    GREGORIAN_CALENDAR_ADOPTED,
    LunisolarDateError,
    OutsideEraError,
    era_named,
    from_wareki,
    to_wareki,
)

JA_PROFILE = settings.get_profile("ja")

SHOWA, HEISEI, REIWA = era_named("昭和"), era_named("平成"), era_named("令和")


def test_each_era_ends_the_day_before_the_next_begins():
    for era, following in itertools.pairwise(ERAS):
        assert era.end == following.start - timedelta(days=1)
    assert ERAS[-1].end is None


def test_eras_are_named_by_kanji_or_letter():
    assert era_named("R") is REIWA
    assert era_named("H") is HEISEI
    with pytest.raises(KeyError):
        era_named("X")


@pytest.mark.parametrize(
    ("day", "era", "year"),
    [
        (date(1989, 1, 7), "昭和", 64),
        (date(1989, 1, 8), "平成", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(2019, 5, 1), "令和", 1),
        (date(1873, 1, 1), "明治", 6),
    ],
)
def test_era_boundaries_both_ways(day, era, year):
    wareki = to_wareki(day)
    assert (wareki.era.name, wareki.year, wareki.month, wareki.day) == (
        era,
        year,
        day.month,
        day.day,
    )
    assert from_wareki(era_named(era), year, day.month, day.day) == day


@pytest.mark.parametrize(
    ("era", "year", "month", "day"),
    [
        (SHOWA, 64, 1, 8),  # the day 平成 began
        (HEISEI, 1, 1, 7),  # the last day of 昭和
        (HEISEI, 31, 5, 1),
        (REIWA, 1, 4, 30),
    ],
)
def test_a_day_outside_its_era_is_not_converted(era, year, month, day):
    with pytest.raises(OutsideEraError, match="read naively") as raised:
        from_wareki(era, year, month, day)
    assert raised.value.era is era


def test_lunisolar_dates_are_not_converted():
    with pytest.raises(LunisolarDateError, match="lunisolar"):
        from_wareki(era_named("明治"), 5, 12, 2)


@pytest.mark.parametrize(("year", "month", "day"), [(6, 2, 30), (0, 4, 1), (6, 13, 1)])
def test_no_such_day(year, month, day):
    with pytest.raises(ValueError):
        from_wareki(REIWA, year, month, day)


def test_no_wareki_before_the_gregorian_calendar():
    with pytest.raises(ValueError, match="Gregorian"):
        to_wareki(GREGORIAN_CALENDAR_ADOPTED - timedelta(days=1))


@settings(JA_PROFILE, max_examples=300)
@given(st.dates(min_value=GREGORIAN_CALENDAR_ADOPTED, max_value=date(2199, 12, 31)))
def test_wareki_round_trip(day):
    wareki = to_wareki(day)
    assert wareki.era.contains(day)
    assert from_wareki(wareki.era, wareki.year, wareki.month, wareki.day) == day


@settings(JA_PROFILE)
@given(st.dates(min_value=GREGORIAN_CALENDAR_ADOPTED, max_value=date(2199, 12, 31)))
def test_every_other_era_refuses_the_day(day):
    for era in ERAS:
        if era.contains(day):
            continue
        year = day.year - era.start.year + 1
        if year < 1:
            continue  # an era year before 元年 is no day at all
        with pytest.raises(OutsideEraError):
            from_wareki(era, year, day.month, day.day)
