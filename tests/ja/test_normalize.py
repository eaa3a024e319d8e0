"""normalize_text, search_key and join_broken_lines (domain.md §4)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ja.normalize import join_broken_lines, normalize_text, search_key

JA_PROFILE = settings.get_profile("ja")

# Characters that exercise every rule: kana with separate voiced sound marks, variant kanji,
# dashes, wave dashes, squared eras, legal-form symbols, spaces of all widths, line breaks.
TRICKY_CHARACTERS = list(
    "請求書株式会社神戸市かがカガｶﾞ゛゙゚ー－‐‑–—―−〜～∼〇髙﨑德邊齋齊濱櫻萬㋿㍻㈱（）()"
    "0123456789０１２AaＡｚ ,.，、。「」・\u3000\u00a0\t\n\r\u200b\ufeffİẞǅ"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # NFKC: full-width digits and letters, half-width kana, ㈱, circled numbers, squared eras
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾞｲﾄﾞ", "ガイド"),
        ("㈱神戸", "(株)神戸"),
        ("（株）神戸", "(株)神戸"),
        ("①", "1"),
        ("㋿6年", "令和6年"),
        ("㍻31年", "平成31年"),
        # what NFKC leaves: wave dashes, dashes, ー between digits
        ("4月1日〜4月30日", "4月1日~4月30日"),
        ("4月1日～4月30日", "4月1日~4月30日"),
        ("078ー331ー8181", "078-331-8181"),
        ("〒650‐8570", "〒650-8570"),
        ("1–2", "1-2"),
        ("1−2", "1-2"),
        ("――", "--"),
        ("コーヒー", "コーヒー"),  # a real prolonged sound mark stays
        # 〇 stays a character in text: the number parser reads it as zero
        ("〇〇課", "〇〇課"),
        ("二〇二四年", "二〇二四年"),
        # variant kanji are displayed as written
        ("髙橋", "髙橋"),
        # spaces between Japanese characters go; between Latin words they stay
        ("請　求　書", "請求書"),
        ("請 求 書", "請求書"),
        ("株式会社 Kiroku Systems", "株式会社 Kiroku Systems"),
        ("Kiroku  Systems", "Kiroku Systems"),
        ("令 和 6 年", "令和 6 年"),
        # line breaks are kept, CRLF becomes LF, line edges are trimmed
        ("請 求 書\r\n合 計 ", "請求書\n合計"),
        ("か゛", "が"),  # the voiced sound mark NFKC separates is joined again
        ("ゼロ\u200b幅", "ゼロ幅"),
    ],
)
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_keeps_the_raw_text_untouched():
    raw = "請　求　書"
    normalize_text(raw)
    assert raw == "請　求　書"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("髙橋", "高橋"),
        ("山﨑", "山崎"),
        ("德川", "徳川"),
        ("渡邊", "渡辺"),
        ("渡邉", "渡辺"),
        ("齋藤", "斎藤"),
        ("齊藤", "斎藤"),
        ("濱田", "浜田"),
        ("櫻井", "桜井"),
        ("ＤＸ推進", "dx推進"),
        ("㈱ABC", "株式会社abc"),
        ("ABC（株）", "abc株式会社"),
        ("ABC( 株 )", "abc株式会社"),
        ("㈲さくら", "有限会社さくら"),
        ("(一社)神戸", "一般社団法人神戸"),
        ("金壱萬円", "金壱万円"),
    ],
)
def test_search_key(text, expected):
    assert search_key(text) == expected


def test_search_key_makes_legal_form_variants_match():
    variants = ["株式会社ABC", "㈱ABC", "（株）ABC", "(株)ABC", "(株) ABC", "株式会社ＡＢＣ"]
    assert len({search_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("個人情報保護研修の実\n施について", "個人情報保護研修の実施について"),
        ("document manage-\nment", "document manage-\nment"),
        ("Kiroku document\nmanagement", "Kiroku document management"),
        ("実施します。\n次に", "実施します。\n次に"),  # a sentence ends the line
        ("第1段落\n\n第2段落", "第1段落\n\n第2段落"),  # a paragraph break stays
        ("事業概要\n・目的", "事業概要\n・目的"),  # a bullet starts a line of its own
        ("神戸市\nABC", "神戸市\nABC"),  # Japanese next to Latin: left alone
        ("請求 \n 書", "請求書"),
    ],
)
def test_join_broken_lines(text, expected):
    assert join_broken_lines(text) == expected


@settings(JA_PROFILE, max_examples=300)
@given(st.text(alphabet=st.sampled_from(TRICKY_CHARACTERS)) | st.text())
def test_normalize_text_is_idempotent(raw):
    once = normalize_text(raw)
    assert normalize_text(once) == once


@settings(JA_PROFILE, max_examples=300)
@given(st.text(alphabet=st.sampled_from(TRICKY_CHARACTERS)) | st.text())
def test_search_key_is_idempotent(raw):
    once = search_key(raw)
    assert search_key(once) == once


@settings(JA_PROFILE)
@given(st.text(alphabet=st.sampled_from(TRICKY_CHARACTERS)))
def test_normalize_text_leaves_no_space_between_japanese_characters(raw):
    text = normalize_text(raw)
    for before, space, after in zip(text, text[1:], text[2:], strict=False):
        if space == " ":
            assert not (_is_japanese(before) and _is_japanese(after)), text


def _is_japanese(character: str) -> bool:
    return "\u3001" <= character <= "\u30ff" or "\u4e00" <= character <= "\u9fff"
