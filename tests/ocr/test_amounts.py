"""Amounts in yen (domain.md §4)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.metadata.amounts import find_amounts, parse_amount
from tests.ja.japanese_formats import amount_variants

OCR_PROFILE = settings.get_profile("ocr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥1,234,567-", 1_234_567),
        ("￥１，２３４，５６７－", 1_234_567),
        ("¥ 1,234,567※", 1_234_567),
        ("\\1,234,567-", 1_234_567),  # the yen sign in Japanese encodings
        ("1,234,567円", 1_234_567),
        ("1,234,567 円", 1_234_567),
        ("百二十万円", 1_200_000),
        ("1万2千円", 12_000),
        ("12万円", 120_000),
        ("12,345千円", 12_345_000),
        ("1,234百万円", 1_234_000_000),
        ("千円", 1000),
        ("金壱百弐拾萬円也", 1_200_000),
        ("金弐億参仟四百萬円", 234_000_000),
        ("金 1,200,000円也", 1_200_000),
        ("金壱萬円也", 10_000),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "83e2000",
        "83e2000円",
        "¥83e2000",
        "TEL 078-331-8181",
        "〒123-4567",
        "〒650-8570 神戸市中央区加納町6丁目5番1号",
        "2024/4/1",
        "令和6年4月1日",
        "数万円",  # "tens of thousands", not 10,000
        "万円",
        "3.5円",
        "1,23円",
        "合計 3件",
        "C:\\2024\\reports",
        "1,234,567",  # a bare number is not money without a caption or a label
    ],
)
def test_noise_is_not_an_amount(text):
    assert find_amounts(text) == []


def test_noise_under_a_unit_caption_is_still_rejected():
    text = "（単位：千円）\n〒650-8570 TEL 078-331-8181\n83e2000\n令和6年4月1日\n△1,234"
    assert find_amounts(text) == []


def test_a_unit_caption_multiplies_plain_numbers_in_its_table():
    text = "（単位：千円）\n区分 予算額 決算額\n事業費 12,345 11,000\n合計 12,345 11,000"
    values = [c.value for c in find_amounts(text)]
    assert values == [12_345_000, 11_000_000, 12_345_000, 11_000_000]


def test_a_caption_applies_until_the_next_caption():
    text = "（単位：千円）\n事業費 1,234\n（単位：円）\n手数料 5,600"
    assert [c.value for c in find_amounts(text)] == [1_234_000, 5_600]


def test_a_caption_does_not_multiply_amounts_that_carry_their_own_unit():
    text = "（単位：千円）\n事業費 1,234\n参考 委託料 1,500,000円"
    assert [c.value for c in find_amounts(text)] == [1_234_000, 1_500_000]


def test_the_caption_itself_is_not_an_amount():
    assert find_amounts("（単位：千円）") == []
    assert find_amounts("(単位:百万円)") == []


def test_a_labelled_plain_number_is_an_amount():
    [candidate] = find_amounts("請求金額 1,234,567")
    assert candidate.value == 1_234_567


def test_labels_order_the_candidates_of_an_invoice():
    text = (
        "ご請求金額 ¥110,000-\n"
        "単価 5,000円\n"
        "小計 100,000円\n"
        "消費税 10,000円\n"
        "合計(税込) 110,000円\n"
        "料金 2,000円\n"
    )
    by_value = {c.value: c.confidence for c in find_amounts(text)}
    assert max(by_value, key=by_value.get) == 110_000
    assert by_value[10_000] < by_value[100_000] < by_value[110_000]
    assert by_value[5_000] < by_value[110_000]


def test_kin_inside_a_word_is_not_a_formal_amount():
    [fee] = find_amounts("料金1,000円")
    [formal] = find_amounts("金1,000円也")
    assert fee.value == formal.value == 1000
    assert fee.text == "1,000円"
    assert formal.confidence > fee.confidence


@settings(OCR_PROFILE, max_examples=200)
@given(st.integers(min_value=1, max_value=10**13 - 1))
def test_any_amount_written_any_way_parses_back(yen):
    for text in amount_variants(yen):
        assert parse_amount(text) == yen, text


CAPTION_MULTIPLIERS = {"千円": 1_000, "万円": 10_000, "百万円": 1_000_000}


@settings(OCR_PROFILE)
@given(st.integers(min_value=1000, max_value=10**9), st.sampled_from(list(CAPTION_MULTIPLIERS)))
def test_captioned_comma_grouped_numbers_are_scaled(number, unit):
    [candidate] = find_amounts(f"(単位:{unit})\n事業費 {number:,}")
    assert candidate.value == number * CAPTION_MULTIPLIERS[unit]


@settings(OCR_PROFILE)
@given(st.integers(min_value=100, max_value=999), st.sampled_from(list(CAPTION_MULTIPLIERS)))
def test_captioned_small_numbers_need_a_label(number, unit):
    assert find_amounts(f"(単位:{unit})\n事業費 {number}") == []
    [candidate] = find_amounts(f"(単位:{unit})\n合計 {number}")
    assert candidate.value == number * CAPTION_MULTIPLIERS[unit]


@settings(OCR_PROFILE)
@given(st.integers(min_value=1, max_value=10**12))
def test_amounts_in_a_sentence_are_found(yen):
    text = f"本契約の契約金額は、金{yen:,}円(消費税込)とする。"
    assert [c.value for c in find_amounts(text)] == [yen]


@pytest.mark.parametrize(
    ("ocr_text", "expected"),
    [
        ("請求金額 \\1.234,000-", 1_234_000),  # what Tesseract reads for ¥1,234,000-
        ("¥12.345", 12_345),
        ("¥1.234.567-", 1_234_567),
    ],
)
def test_a_full_stop_misread_for_a_comma_after_a_yen_sign(ocr_text, expected):
    (found,) = find_amounts(ocr_text)
    assert found.value == expected
    assert any("OCR" in note for note in found.notes)


def test_a_decimal_without_a_yen_sign_is_still_not_money():
    assert find_amounts("比率 1.234,5") == []
    assert find_amounts("¥3.5") == []  # not 3-digit groups: no reading at all


@pytest.mark.parametrize(
    ("ocr_text", "expected"),
    [
        # read by Tesseract from the scan-degraded documents of benchmarks/metadata_corpus.py
        ("金3.276,900円了", 3_276_900),
        ("契約金額6.017,000円(税込)", 6_017_000),
        ("契約予定金額金5.060.000円", 5_060_000),
        ("合計3.276,900", 3_276_900),
        ("(単位:千円)\n合計100.448", 100_448_000),
    ],
)
def test_a_full_stop_misread_for_a_comma_before_yen_or_after_a_total_label(ocr_text, expected):
    (found,) = find_amounts(ocr_text)
    assert found.value == expected
    assert any("OCR" in note for note in found.notes)


def test_decimals_with_a_unit_or_short_groups_are_not_read_as_grouped():
    assert find_amounts("1.5万円") == []
    assert find_amounts("単価3.5円") == []
    assert find_amounts("2024.04.01") == []
