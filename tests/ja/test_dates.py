"""Dates and 年度 as text: parse_date, parse_fiscal_year, format_wareki, format_date."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.dates import DateStyle, format_date, format_wareki, parse_date, parse_fiscal_year
from ja.eras import ERAS, GREGORIAN_CALENDAR_ADOPTED
from tests.ja.japanese_formats import wareki_variants, western_variants

JA_PROFILE = settings.get_profile("ja")


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
        # kanji numerals, 〇 as zero, 大字, full-width digits, spacing
        ("令和六年四月一日", date(2024, 4, 1)),
        ("令和六年十二月二十五日", date(2024, 12, 25)),
        ("平成三十一年四月三十日", date(2019, 4, 30)),
        ("令和弐年参月拾日", date(2020, 3, 10)),
        ("二〇二四年四月一日", date(2024, 4, 1)),
        ("令和６年４月１日", date(2024, 4, 1)),
        ("令和 6 年 4 月 1 日", date(2024, 4, 1)),
        ("令　和　６　年　４　月　１　日", date(2024, 4, 1)),
        ("  令和6年4月1日 ", date(2024, 4, 1)),
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
        # outside the era: a reviewer's matter, never converted
        "平成31年5月1日",
        "昭和64年1月8日",
        "令和元年4月30日",
        "大正元年7月29日",
        "平成32年1月1日",
        "明治5年12月2日",  # lunisolar calendar
        # no such day
        "2024年2月30日",
        "2023年2月29日",
        "R6.13.1",
        "令和0年4月1日",
        # Western years outside 1800–2199 are counts or codes
        "1799年1月1日",
        "2200/1/1",
        # not only a date
        "発行日 令和6年4月1日",
        "令和6年4月1日から",
        "R6.4.1.2",
        "TR6.4.1",
        "令和6年4月",
        "",
    ],
)
def test_parse_date_refuses(text):
    assert parse_date(text) is None


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


@pytest.mark.parametrize(
    "text", ["平成32年度", "昭和64年度", "令和0年度", "1799年度", "令和6年度予算"]
)
def test_parse_fiscal_year_refuses(text):
    assert parse_fiscal_year(text) is None


@pytest.mark.parametrize(
    ("day", "wareki", "era_letter", "era_year", "western"),
    [
        (date(2024, 4, 1), "令和6年4月1日", "R6.4.1", "6.4.1", "2024.4.1"),
        (date(2019, 5, 1), "令和元年5月1日", "R1.5.1", "1.5.1", "2019.5.1"),
        (date(2019, 4, 30), "平成31年4月30日", "H31.4.30", "31.4.30", "2019.4.30"),
        (date(1989, 1, 7), "昭和64年1月7日", "S64.1.7", "64.1.7", "1989.1.7"),
        (date(1989, 1, 8), "平成元年1月8日", "H1.1.8", "1.1.8", "1989.1.8"),
        (date(1926, 12, 25), "昭和元年12月25日", "S1.12.25", "1.12.25", "1926.12.25"),
        (date(1912, 7, 30), "大正元年7月30日", "T1.7.30", "1.7.30", "1912.7.30"),
        (date(1873, 1, 1), "明治6年1月1日", "M6.1.1", "6.1.1", "1873.1.1"),
    ],
)
def test_format_date_in_every_style(day, wareki, era_letter, era_year, western):
    assert format_wareki(day) == wareki
    assert format_date(day, DateStyle.WAREKI) == wareki
    assert format_date(day, DateStyle.ERA_LETTER) == era_letter
    assert format_date(day, DateStyle.ERA_YEAR) == era_year
    assert format_date(day, DateStyle.WESTERN_DOTTED) == western


def test_format_wareki_without_gannen():
    assert format_wareki(date(2019, 5, 1), gannen=False) == "令和1年5月1日"


def test_western_style_needs_no_era():
    assert format_date(date(1872, 12, 31), DateStyle.WESTERN_DOTTED) == "1872.12.31"


@pytest.mark.parametrize("style", [DateStyle.WAREKI, DateStyle.ERA_LETTER, DateStyle.ERA_YEAR])
def test_no_wareki_style_before_the_gregorian_calendar(style):
    with pytest.raises(ValueError, match="Gregorian"):
        format_date(date(1872, 12, 31), style)


def _era_days(era):
    first = max(era.start, GREGORIAN_CALENDAR_ADOPTED)
    last = era.end or date(2099, 12, 31)
    return st.dates(min_value=first, max_value=last)


ANY_DAY = st.one_of(*[_era_days(era) for era in ERAS])


@settings(JA_PROFILE, max_examples=300)
@given(ANY_DAY)
def test_wareki_written_any_way_parses_back(day):
    written = [
        format_date(day, DateStyle.WAREKI),
        format_date(day, DateStyle.ERA_LETTER),
        format_date(day, DateStyle.WESTERN_DOTTED),
        format_wareki(day, gannen=False),
        *wareki_variants(day),
    ]
    for text in written:
        assert parse_date(text) == day, text


@settings(JA_PROFILE)
@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2199, 12, 31)))
def test_western_dates_written_any_way_parse_back(day):
    for text in western_variants(day):
        assert parse_date(text) == day, text
