"""和暦 and Western dates, fiscal years, and the 和暦 display format (domain.md §4)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.metadata.dates import (
    ERAS,
    GREGORIAN_CALENDAR_ADOPTED,
    find_dates,
    find_fiscal_years,
    format_wareki,
    format_wareki_abbreviated,
    parse_date,
    parse_fiscal_year,
    to_wareki,
)
from tests.ocr.japanese_formats import wareki_variants, western_variants

OCR_PROFILE = settings.get_profile("ocr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # era boundaries (domain.md §4)
        ("明治45年7月29日", date(1912, 7, 29)),
        ("大正元年7月30日", date(1912, 7, 30)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("明治6年1月1日", date(1873, 1, 1)),
        # the retention vectors of domain.md §1
        ("平成31年4月26日", date(2019, 4, 26)),
        # kanji numerals, 〇 as zero, full-width digits
        ("令和六年四月一日", date(2024, 4, 1)),
        ("令和六年十二月二十五日", date(2024, 12, 25)),
        ("平成三十一年四月三十日", date(2019, 4, 30)),
        ("二〇二四年四月一日", date(2024, 4, 1)),
        ("令和６年４月１日", date(2024, 4, 1)),
        ("令和 6 年 4 月 1 日", date(2024, 4, 1)),
        ("令　和　６　年　４　月　１　日", date(2024, 4, 1)),
        # abbreviations
        ("R6.4.1", date(2024, 4, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("S64.1.7", date(1989, 1, 7)),
        ("R6/4/1", date(2024, 4, 1)),
        ("R.6.4.1", date(2024, 4, 1)),
        ("R06.04.01", date(2024, 4, 1)),
        ("Ｒ６．４．１", date(2024, 4, 1)),
        ("令和6.4.1", date(2024, 4, 1)),
        # squared era symbols (NFKC)
        ("㋿6年4月1日", date(2024, 4, 1)),
        ("㍻31年4月30日", date(2019, 4, 30)),
        ("㍼64年1月7日", date(1989, 1, 7)),
        ("㍽2年3月4日", date(1913, 3, 4)),
        ("㍾30年1月1日", date(1897, 1, 1)),
        # Western
        ("2024年4月1日", date(2024, 4, 1)),
        ("2024/4/1", date(2024, 4, 1)),
        ("2024-04-01", date(2024, 4, 1)),
        ("2024.4.1", date(2024, 4, 1)),
        ("２０２４年４月１日", date(2024, 4, 1)),
        ("2024年2月29日", date(2024, 2, 29)),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


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
    assert parse_date(text) is None


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平成31年度", 2019),
        ("令和元年度", 2019),
        ("令和6年度", 2024),
        ("令和六年度", 2024),
        ("R6年度", 2024),
        ("昭和63年度", 1988),
        ("2024年度", 2024),
        ("令和 6 年度", 2024),
    ],
)
def test_parse_fiscal_year(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["平成32年度", "昭和64年度"])
def test_a_fiscal_year_outside_its_era_is_flagged(text):
    [candidate] = find_fiscal_years(text)
    assert candidate.out_of_era
    assert parse_fiscal_year(text) is None


@pytest.mark.parametrize(
    ("day", "long_form", "abbreviated"),
    [
        (date(2024, 4, 1), "令和6年4月1日", "R6.4.1"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30"),
        (date(1873, 1, 1), "明治6年1月1日", "M6.1.1"),
    ],
)
def test_format_wareki(day, long_form, abbreviated):
    assert format_wareki(day) == long_form
    assert format_wareki_abbreviated(day) == abbreviated


def test_format_wareki_without_gannen():
    assert format_wareki(date(2019, 5, 1), gannen=False) == "令和1年5月1日"


def test_no_wareki_before_the_gregorian_calendar():
    with pytest.raises(ValueError, match="Gregorian"):
        to_wareki(date(1872, 12, 31))


def _era_days(era):
    first = max(era.start, GREGORIAN_CALENDAR_ADOPTED)
    last = era.end or date(2099, 12, 31)
    return st.dates(min_value=first, max_value=last)


ANY_DAY = st.one_of(*[_era_days(era) for era in ERAS])


@settings(OCR_PROFILE, max_examples=300)
@given(ANY_DAY)
def test_wareki_written_any_way_parses_back(day):
    for text in [format_wareki(day), format_wareki_abbreviated(day), *wareki_variants(day)]:
        assert parse_date(text) == day, text


@settings(OCR_PROFILE)
@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2199, 12, 31)))
def test_western_dates_written_any_way_parse_back(day):
    for text in western_variants(day):
        assert parse_date(text) == day, text


@settings(OCR_PROFILE)
@given(ANY_DAY)
def test_to_wareki_names_the_era_that_contains_the_day(day):
    wareki = to_wareki(day)
    assert wareki.era.contains(day)
    assert wareki.era.gregorian_year(wareki.year) == day.year


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
