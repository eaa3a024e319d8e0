"""find_dates and find_fiscal_years: dates in running text, flags and confidence.

How single dates are read and written is tested with ``ja.dates`` (tests/ja).
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.eras import ERAS
from ocr.metadata.dates import find_dates, find_fiscal_years

OCR_PROFILE = settings.get_profile("ocr")


@pytest.mark.parametrize(
    "text",
    [
        "平成31年5月1日",  # after the end of 平成
        "昭和64年1月8日",
        "令和元年4月30日",  # before the start of 令和
        "大正元年7月29日",
        "昭和元年12月24日",
        "平成32年1月1日",
    ],
)
def test_a_date_outside_its_era_is_flagged_not_converted(text):
    [candidate] = find_dates(text)
    assert candidate.out_of_era
    assert candidate.value is None
    assert "outside" in candidate.notes[0]


def test_the_flag_says_what_the_date_would_naively_be():
    [candidate] = find_dates("平成31年5月1日")
    assert candidate.era == "平成"
    assert candidate.notes == (
        "outside 平成 (1989-01-08 – 2019-04-30); read naively it would be 2019-05-01",
    )


@pytest.mark.parametrize(
    "text",
    [
        "2024年2月30日",
        "令和6年2月30日",
        "2023年2月29日",
        "R6.13.1",
        "令和6年4月31日",
        "令和0年4月1日",
    ],
)
def test_a_day_that_does_not_exist_is_not_a_date(text):
    assert find_dates(text) == []


def test_lunisolar_meiji_dates_are_recognised_but_not_converted():
    [candidate] = find_dates("明治5年12月2日")
    assert candidate.value is None
    assert not candidate.out_of_era
    assert "lunisolar" in candidate.notes[0]


@pytest.mark.parametrize(
    "text",
    [
        "R6.4.1.2",  # a version-like dotted number
        "TR6.4.1",
        "1234.5.6.7",
        "83e2000",
        "TEL 078-331-8181",
        "〒650-8570",
        "4月1日",  # no year
        "令和6年4月",  # no day
    ],
)
def test_noise_is_not_a_date(text):
    assert find_dates(text) == []


def test_era_date_is_not_also_read_as_a_western_one():
    [candidate] = find_dates("平成31年4月30日付けで")
    assert candidate.era == "平成"
    assert candidate.text == "平成31年4月30日"


def test_a_western_year_does_not_continue_a_longer_number():
    assert find_dates("12024年4月1日") == []
    assert find_fiscal_years("12024年度") == []


def test_dates_in_running_text_with_labels():
    text = "発行日 令和6年4月1日\nお支払期限 令和6年4月30日\n契約期間 2024/4/1から2025/3/31まで"
    candidates = find_dates(text)
    assert [c.value for c in candidates] == [
        date(2024, 4, 1),
        date(2024, 4, 30),
        date(2024, 4, 1),
        date(2025, 3, 31),
    ]
    issued, deadline, *period = candidates
    assert issued.confidence > deadline.confidence
    assert all(issued.confidence > c.confidence for c in period)


def test_fiscal_years_in_running_text():
    candidates = find_fiscal_years("令和6年度予算 (2024年度)")
    assert [(c.value, c.era) for c in candidates] == [(2024, "令和"), (2024, None)]
    assert candidates[0].confidence > candidates[1].confidence


@pytest.mark.parametrize("text", ["平成32年度", "昭和64年度"])
def test_a_fiscal_year_outside_its_era_is_flagged(text):
    [candidate] = find_fiscal_years(text)
    assert candidate.out_of_era
    assert candidate.value is None
    assert "does not overlap" in candidate.notes[0]


ENDED_ERAS = [era for era in ERAS if era.end is not None]


@settings(OCR_PROFILE)
@given(st.sampled_from(ENDED_ERAS), st.integers(min_value=1, max_value=3650))
def test_any_day_after_an_era_written_in_it_is_flagged(era, days_after):
    day = era.end + timedelta(days=days_after)
    era_year = day.year - era.start.year + 1
    [candidate] = find_dates(f"{era.name}{era_year}年{day.month}月{day.day}日")
    assert candidate.out_of_era and candidate.value is None


@settings(OCR_PROFILE)
@given(st.sampled_from(ERAS[1:]), st.integers(min_value=1, max_value=365))
def test_any_day_before_an_era_in_its_first_year_is_flagged(era, days_before):
    day = era.start - timedelta(days=days_before)
    if day.year != era.start.year:
        return  # 元年 starts on January 1 at the earliest
    [candidate] = find_dates(f"{era.name}元年{day.month}月{day.day}日")
    assert candidate.out_of_era and candidate.value is None
