"""Counterparty names (domain.md §3: counterparty matches ㈱ / （株） / 株式会社 variants)."""

import pytest

from ocr.metadata.candidates import best_candidate
from ocr.metadata.counterparty import find_counterparties, is_public_body


def best(text: str) -> str | None:
    candidate = best_candidate(find_counterparties(text))
    return candidate.value if candidate else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("株式会社ABC", "株式会社ABC"),
        ("ABC株式会社", "ABC株式会社"),
        ("㈱ABC", "株式会社ABC"),
        ("（株）ＡＢＣ", "株式会社ABC"),
        ("ABC(株)", "ABC株式会社"),
        ("ＡＢＣ（株）", "ABC株式会社"),
        ("ABC ( 株 )", "ABC株式会社"),
        ("㈲さくら工務店", "有限会社さくら工務店"),
        ("合同会社みなと", "合同会社みなと"),
        ("一般社団法人神戸観光協会", "一般社団法人神戸観光協会"),
        ("特定非営利活動法人こうべ子ども支援", "特定非営利活動法人こうべ子ども支援"),
        ("株式会社 神戸 システムズ", "株式会社神戸システムズ"),  # Tesseract's spaces
        ("株式会社Kiroku Systems 御中", "株式会社Kiroku Systems"),
        ("ABC株式会社神戸支店", "ABC株式会社"),
        ("株式会社ABCと神戸市は、次のとおり契約する。", "株式会社ABC"),
        ("受注者（乙） 株式会社ABC", "株式会社ABC"),
        ("乙 株式会社ABC", "株式会社ABC"),
        ("発行者：株式会社ABC 代表取締役 山田太郎", "株式会社ABC"),
        ("山田 太郎 様", "山田太郎"),
        ("取引先：山田商店", "山田商店"),
    ],
)
def test_best_counterparty(text, expected):
    assert best(text) == expected


def test_variants_give_the_same_value():
    variants = ["株式会社ABC", "㈱ABC", "（株）ABC", "(株)ＡＢＣ", "株式会社 ABC"]
    assert {best(v) for v in variants} == {"株式会社ABC"}


@pytest.mark.parametrize("text", ["お客様各位", "皆様", "株式会社とは何か", "第3号様式"])
def test_no_counterparty(text):
    assert find_counterparties(text) == []


def test_a_company_next_to_an_honorific_beats_one_without():
    text = "株式会社DEF\n株式会社ABC 御中"
    assert best(text) == "株式会社ABC"


def test_the_city_is_not_the_counterparty_when_another_candidate_exists():
    text = "神戸市長 様\n株式会社ABC"
    assert best(text) == "株式会社ABC"
    assert best("神戸市長 様") == "神戸市長"  # but it is kept when nothing else is found


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("神戸市長", True),
        ("神戸市", True),
        ("神戸市役所", True),
        ("神戸市水道局長", True),
        ("株式会社ABC", False),
        ("中村", False),  # a surname, not a village
        ("山田太郎", False),
    ],
)
def test_is_public_body(name, expected):
    assert is_public_body(name) is expected


def test_one_candidate_per_name_with_the_best_confidence():
    text = "株式会社ABC\n請求者 株式会社ABC\n㈱ABC 御中"
    [candidate] = find_counterparties(text)
    assert candidate.value == "株式会社ABC"
    assert candidate.confidence >= 0.8
