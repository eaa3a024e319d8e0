"""parse_japanese_number and the kanji writers: kanji, 大字, Arabic and mixed numbers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.numerals import format_kanji_number, format_positional_kanji, parse_japanese_number
from tests.ja.japanese_formats import arabic_with_large_units, kanji_numeral, positional_kanji

JA_PROFILE = settings.get_profile("ja")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十五", 25),
        ("三十一", 31),
        ("二〇二四", 2024),
        ("二千二十四", 2024),
        ("百二十万", 1_200_000),
        ("一千万", 10_000_000),
        ("千", 1000),
        ("百万", 1_000_000),
        ("壱百弐拾萬", 1_200_000),
        ("弐億参仟四百萬", 234_000_000),
        ("壱陌", 100),
        ("壱阡", 1000),
        ("1万2千", 12_000),
        ("12万", 120_000),
        ("1,234,567", 1_234_567),
        ("12,345千", 12_345_000),
        ("1,234百万", 1_234_000_000),
        ("12,345万", 123_450_000),
        ("1億2345万6789", 123_456_789),
        ("〇", 0),
    ],
)
def test_parses(text, expected):
    assert parse_japanese_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "万",  # a large unit needs a coefficient
        "〇万",
        "十百",  # units must descend
        "万億",
        "1億12345万",
        "十二三",  # too many digits after a unit
        "二三百",  # positional kanji digits do not take a unit
        "12二",
        "1,23",  # bad comma grouping
        "1,2345",
        "83e2000",
        "壱x",
    ],
)
def test_rejects(text):
    assert parse_japanese_number(text) is None


AMOUNTS = st.integers(min_value=1, max_value=10**16 - 1)


@settings(JA_PROFILE)
@given(AMOUNTS)
def test_ordinary_kanji_round_trip(number):
    assert parse_japanese_number(kanji_numeral(number)) == number


@settings(JA_PROFILE)
@given(AMOUNTS, st.sampled_from("百佰陌"), st.sampled_from("千阡仟"), st.sampled_from("万萬"))
def test_anti_tamper_round_trip(number, hundred, thousand, myriad):
    text = kanji_numeral(
        number, anti_tamper=True, hundred=hundred, thousand=thousand, myriad=myriad
    )
    assert parse_japanese_number(text) == number


@settings(JA_PROFILE)
@given(AMOUNTS)
def test_arabic_and_mixed_round_trip(number):
    assert parse_japanese_number(f"{number:,}") == number
    assert parse_japanese_number(str(number)) == number
    assert parse_japanese_number(arabic_with_large_units(number)) == number


@settings(JA_PROFILE)
@given(st.integers(min_value=1, max_value=9999))
def test_positional_kanji_round_trip(number):
    assert parse_japanese_number(positional_kanji(number)) == number


@pytest.mark.parametrize(
    ("number", "ordinary", "daiji"),
    [
        (0, "〇", "〇"),
        (1, "一", "壱"),
        (10, "十", "壱拾"),
        (12, "十二", "壱拾弐"),
        (31, "三十一", "参拾壱"),
        (100, "百", "壱百"),
        (2024, "二千二十四", "弐千弐拾四"),
        (10_000, "一万", "壱萬"),
        (1_200_000, "百二十万", "壱百弐拾萬"),
        (10_000_000, "千万", "壱千萬"),
        (100_000_010, "一億十", "壱億壱拾"),
    ],
)
def test_format_kanji_number(number, ordinary, daiji):
    assert format_kanji_number(number) == ordinary
    assert format_kanji_number(number, daiji=True) == daiji


def test_format_positional_kanji():
    assert format_positional_kanji(2024) == "二〇二四"
    assert format_positional_kanji(0) == "〇"


@pytest.mark.parametrize("write", [format_kanji_number, format_positional_kanji])
def test_negative_numbers_are_not_written(write):
    with pytest.raises(ValueError, match="negative"):
        write(-1)


@settings(JA_PROFILE)
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_written_numbers_read_back(number):
    assert parse_japanese_number(format_kanji_number(number)) == number
    assert parse_japanese_number(format_kanji_number(number, daiji=True)) == number
    assert parse_japanese_number(format_positional_kanji(number)) == number


@settings(JA_PROFILE)
@given(AMOUNTS)
def test_ordinary_writing_agrees_with_the_independent_one(number):
    assert format_kanji_number(number) == kanji_numeral(number)


@settings(JA_PROFILE)
@given(AMOUNTS)
def test_daiji_leave_no_stroke_to_add(number):
    # 一二三十 and 万 become other numbers with a stroke or two; 大字 has none of them
    assert not set(format_kanji_number(number, daiji=True)) & set("一二三十万")
