"""parse_japanese_number: kanji, Arabic and mixed numbers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.metadata.numerals import parse_japanese_number
from tests.ocr.japanese_formats import arabic_with_large_units, kanji_numeral, positional_kanji

OCR_PROFILE = settings.get_profile("ocr")


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


@settings(OCR_PROFILE)
@given(AMOUNTS)
def test_ordinary_kanji_round_trip(number):
    assert parse_japanese_number(kanji_numeral(number)) == number


@settings(OCR_PROFILE)
@given(AMOUNTS, st.sampled_from("百佰陌"), st.sampled_from("千阡仟"), st.sampled_from("万萬"))
def test_anti_tamper_round_trip(number, hundred, thousand, myriad):
    text = kanji_numeral(
        number, anti_tamper=True, hundred=hundred, thousand=thousand, myriad=myriad
    )
    assert parse_japanese_number(text) == number


@settings(OCR_PROFILE)
@given(AMOUNTS)
def test_arabic_and_mixed_round_trip(number):
    assert parse_japanese_number(f"{number:,}") == number
    assert parse_japanese_number(str(number)) == number
    assert parse_japanese_number(arabic_with_large_units(number)) == number


@settings(OCR_PROFILE)
@given(st.integers(min_value=1, max_value=9999))
def test_positional_kanji_round_trip(number):
    assert parse_japanese_number(positional_kanji(number)) == number
