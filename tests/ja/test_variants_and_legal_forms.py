"""Variant kanji and legal-form abbreviations, folded for search and matching."""

import pytest

from ja.legal_forms import LEGAL_FORM_ABBREVIATIONS, LEGAL_FORMS, expand_legal_form_abbreviations
from ja.variants import VARIANT_KANJI, fold_variant_kanji


def test_variant_kanji_fold_to_the_common_form():
    assert fold_variant_kanji("髙橋 﨑田 齊藤 𠮷田") == "高橋 崎田 斎藤 吉田"


def test_the_common_forms_are_never_folded_again():
    assert set(VARIANT_KANJI.values()).isdisjoint(VARIANT_KANJI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ABC(株)", "ABC株式会社"),
        ("( 株 )ABC", "株式会社ABC"),
        ("(一社)神戸", "一般社団法人神戸"),
        ("(社)神戸", "社団法人神戸"),  # the shorter abbreviation does not eat the longer one
        ("(社福)神戸", "社会福祉法人神戸"),
        ("株式会社ABC", "株式会社ABC"),
        ("(注)", "(注)"),  # brackets that are no legal form
    ],
)
def test_expand_legal_form_abbreviations(text, expected):
    assert expand_legal_form_abbreviations(text) == expected


def test_every_abbreviation_expands_to_a_legal_form_or_its_older_short_name():
    for full in LEGAL_FORM_ABBREVIATIONS.values():
        assert full in LEGAL_FORMS or full in {"社団法人", "財団法人"}, full
