"""法人番号, インボイス登録番号, 文書番号 and マイナンバー (domain.md §4)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.metadata.identifiers import (
    corporate_number_check_digit,
    find_corporate_numbers,
    find_document_numbers,
    find_individual_numbers,
    find_invoice_numbers,
    individual_number_check_digit,
    is_valid_corporate_number,
    is_valid_individual_number,
)
from tests.ja.japanese_formats import full_width

OCR_PROFILE = settings.get_profile("ocr")

# 国税庁's own number, and numbers quoted as worked examples in public explanations of the
# check digit (財務省令第70号 第2条).
PUBLISHED_CORPORATE_NUMBERS = ["7000012050002", "4011001098993", "2120901007402", "7123456789012"]
# The sample number used in public explanations of 総務省令第85号 第5条; not a real person's.
SAMPLE_INDIVIDUAL_NUMBER = "123456789018"


@pytest.mark.parametrize("number", PUBLISHED_CORPORATE_NUMBERS)
def test_published_corporate_numbers_validate(number):
    assert is_valid_corporate_number(number)
    assert corporate_number_check_digit(number[1:]) == int(number[0])


def test_corporate_check_digit_worked_example():
    # base 000012050002 from its last digit: 2×1 + 5×1 + 2×1 + 1×2 = 11; 11 mod 9 = 2; 9 − 2 = 7
    assert corporate_number_check_digit("000012050002") == 7


@pytest.mark.parametrize(
    "number", ["6000012050002", "7000012050003", "700001205000", "70000120500021", "T700001205000"]
)
def test_invalid_corporate_numbers(number):
    assert not is_valid_corporate_number(number)


def test_individual_number_check_digit():
    # 1,2,3,…,0,1 weighted from the end by 2,3,4,5,6,7,2,3,4,5,6: Σ = 212, 212 mod 11 = 3
    assert individual_number_check_digit("12345678901") == 8
    assert is_valid_individual_number(SAMPLE_INDIVIDUAL_NUMBER)
    assert not is_valid_individual_number("123456789017")


def test_individual_number_check_digit_is_zero_for_remainders_zero_and_one():
    for base in ("00000000000", "00000000005"):  # Σ = 0 and Σ = 5×2 = 10 → remainder 10
        assert individual_number_check_digit(base) in range(10)
    assert individual_number_check_digit("00000000000") == 0
    # Σ = 6×2 = 12 → remainder 1 → 0
    assert individual_number_check_digit("00000000006") == 0


BASE_12 = st.text(alphabet="0123456789", min_size=12, max_size=12)
BASE_11 = st.text(alphabet="0123456789", min_size=11, max_size=11)


@settings(OCR_PROFILE, max_examples=300)
@given(BASE_12, st.integers(min_value=0, max_value=12), st.integers(min_value=1, max_value=9))
def test_a_single_digit_change_of_a_corporate_number_is_caught_except_0_and_9(
    base, position, shift
):
    number = f"{corporate_number_check_digit(base)}{base}"
    assert is_valid_corporate_number(number)
    old = int(number[position])
    new = (old + shift) % 10
    changed = number[:position] + str(new) + number[position + 1 :]
    # A mod-9 check cannot tell 0 from 9 in the base number: both weigh 0 mod 9.
    if position > 0 and {old, new} == {0, 9}:
        assert is_valid_corporate_number(changed)
    else:
        assert not is_valid_corporate_number(changed)


def _individual_remainder(base: str) -> int:
    weights = [n + 1 if n <= 6 else n - 5 for n in range(1, 12)]
    return sum(int(d) * w for d, w in zip(reversed(base), weights, strict=True)) % 11


@settings(OCR_PROFILE, max_examples=300)
@given(BASE_11, st.integers(min_value=0, max_value=11), st.integers(min_value=1, max_value=9))
def test_a_single_digit_change_of_an_individual_number_is_caught_except_remainders_0_1(
    base, position, shift
):
    number = f"{base}{individual_number_check_digit(base)}"
    assert is_valid_individual_number(number)
    new = (int(number[position]) + shift) % 10
    changed = number[:position] + str(new) + number[position + 1 :]
    # Remainders 0 and 1 both give check digit 0, so a change between them goes unseen.
    unseen = position < 11 and {
        _individual_remainder(base),
        _individual_remainder(changed[:11]),
    } <= {0, 1}
    assert is_valid_individual_number(changed) == unseen


def test_corporate_numbers_in_text():
    text = "法人番号 7000012050002\n参考 4011001098993\n電話 1234567890123\n法人番号 7000012050003"
    candidates = find_corporate_numbers(text)
    assert [c.value for c in candidates] == ["7000012050002", "4011001098993", None]
    labelled, unlabelled, wrong = candidates
    assert labelled.confidence > unlabelled.confidence
    assert "check digit" in wrong.notes[0]


def test_corporate_number_grouped_and_full_width():
    [candidate] = find_corporate_numbers(full_width("法人番号:7000012050002"))
    assert candidate.value == "7000012050002"
    [grouped] = find_corporate_numbers("法人番号 7-0000-1205-0002")
    assert grouped.value == "7000012050002"


def test_a_corporate_number_is_not_part_of_a_longer_number():
    assert find_corporate_numbers("70000120500021") == []
    assert find_corporate_numbers("17000012050002") == []


@pytest.mark.parametrize(
    "text",
    [
        "登録番号 T7000012050002",
        full_width("登録番号:T7000012050002"),
        "T-7000012050002",
        "T 7000012050002",
    ],
)
def test_invoice_numbers(text):
    [candidate] = find_invoice_numbers(text)
    assert candidate.value == "T7000012050002"
    assert not candidate.notes


def test_an_invoice_number_that_is_not_a_corporate_number_is_kept_with_a_note():
    [candidate] = find_invoice_numbers("登録番号 T1234567890123")
    assert candidate.value == "T1234567890123"
    assert candidate.notes
    assert candidate.confidence < 0.9


def test_the_digits_of_an_invoice_number_are_not_also_a_corporate_number():
    assert find_corporate_numbers("T7000012050002") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("神戸市総務局第１２３号", "神戸市総務局第123号"),
        ("総第45号", "総第45号"),
        ("令和6年度 財第12号", "令和6年度財第12号"),
        ("令和６年度　財第１２号", "令和6年度財第12号"),
        ("文書番号：総第45号", "総第45号"),
        ("総第百二十三号", "総第123号"),
        ("総第45-2号", "総第45-2号"),
        ("総第45号の2", "総第45号の2"),
        ("神 戸 市 総 務 局 第 1 2 3 号", "神戸市総務局第123号"),
    ],
)
def test_document_numbers(text, expected):
    [candidate] = find_document_numbers(text)
    assert candidate.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "第3条第1項第2号",
        "様式第3号",
        "第3号様式",
        "地方自治法(昭和22年法律第67号)",
        "神戸市条例第5号",
        "第1回",
    ],
)
def test_references_are_not_document_numbers(text):
    assert find_document_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        f"個人番号 {SAMPLE_INDIVIDUAL_NUMBER}",
        "マイナンバー：1234 5678 9018",
        "個人番号 1234-5678-9018",
        "申請者の番号は123456789018です",  # unlabelled, but the check digit holds
    ],
)
def test_individual_numbers_are_detected(text):
    [candidate] = find_individual_numbers(text)
    assert candidate.value == SAMPLE_INDIVIDUAL_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        "123456789017",  # check digit fails and no label
        "1234567890185",  # 13 digits
        "01234567890180",
        "1234 5678 9018 3456",  # a card number
        "0000 1234 5678 9018",
        "TEL 123456789018",
        "202404011230",  # a timestamp
        "T7000012050002",
        "078-331-8181",
    ],
)
def test_not_an_individual_number(text):
    assert find_individual_numbers(text) == []


def test_a_labelled_individual_number_with_a_bad_check_digit_is_still_reported():
    # one OCR misread must not hide a My Number
    [candidate] = find_individual_numbers("個人番号 123456789017")
    assert candidate.notes
