"""The query language: parsing, full-width forms and errors (no engine needed)."""

import pytest

from search import text
from search.query import DEFAULT_FIELDS, And, Not, Or, QuerySyntaxError, Term, parse


def test_terms_are_anded_and_full_width_forms_are_operators():
    assert parse("給付金　申請") == And((Term("給付金"), Term("申請")))
    assert parse("給付金 ＯＲ 申請") == Or((Term("給付金"), Term("申請")))
    assert parse("給付金 AND NOT 申請") == And((Term("給付金"), Not(Term("申請"))))
    assert parse("給付金 -申請") == And((Term("給付金"), Not(Term("申請"))))
    assert parse("（京都 OR 大阪） 出張") == And((Or((Term("京都"), Term("大阪"))), Term("出張")))


def test_phrases_and_field_prefixes():
    assert parse('"特別定額 給付金"') == Term("特別定額 給付金", phrase=True)
    assert parse("「働き方改革」") == Term("働き方改革", phrase=True)
    assert parse("title:予算") == Term("予算", ("title",))
    assert parse("件名：予算") == Term("予算", ("title",))
    assert parse('counterparty:"山田 商事"') == Term("山田 商事", ("counterparty",), True)
    assert parse("title:(予算 OR 決算)") == Or((Term("予算", ("title",)), Term("決算", ("title",))))
    assert parse("12:30") == Term("12:30", DEFAULT_FIELDS)  # not a field
    assert parse("ＤＸ") == Term("DX")  # NFKC
    assert parse("DX-推進") == Term("DX-推進")  # a hyphen inside a word is not NOT


def test_blank_is_none_and_punctuation_only_terms_are_dropped():
    assert parse(None) is None
    assert parse(" 　 ") is None
    assert parse("給付金 、") == Term("給付金")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ('"給付金', "unbalanced_quotes"),
        ("「給付金", "unbalanced_quotes"),
        ("給付金」", "unbalanced_quotes"),
        ("(給付金", "unbalanced_parentheses"),
        ("給付金)", "unbalanced_parentheses"),
        ("AND", "missing_term"),
        ("給付金 OR", "missing_term"),
        ("OR 給付金", "missing_term"),
        ("。、", "missing_term"),
        ("NOT 給付金", "negation_only"),
        ("-給付金 -申請", "negation_only"),
        ("給付金 OR NOT 申請", "negation_only"),
        ("x" * 1001, "query_too_long"),
        (" ".join(["語"] * 33), "too_many_terms"),
    ],
)
def test_malformed_queries_raise_a_bilingual_error(query, code):
    with pytest.raises(QuerySyntaxError) as error:
        parse(query)
    assert error.value.code == code
    assert error.value.message and error.value.message_en


def test_search_folds():
    assert text.fold("令和六年度") == "令和6年度"
    assert text.fold("令和元年五月一日") == "令和1年5月1日"
    assert text.fold("二〇二四年") == "2024年"
    assert text.fold("一般会計") == "一般会計"  # a word, not a number
    assert text.fold("申し込み") == "申込"
    assert text.fold("取扱い") == "取扱い"  # the canonical form is not rewritten
    assert text.fold("取り扱い") == "取扱い"
    assert text.fold("髙橋") == "高橋"
    assert text.fold("(株)山田") == "株式会社山田"


def test_display_text_joins_broken_lines_and_letter_spacing():
    assert text.display_text("請　求　書") == "請求書"
    assert text.display_text("本件は請求\n書の提出") == "本件は請求書の提出"
    assert text.display_text("ＤＸ推進　２０２４") == "DX推進 2024"


def test_configuration_goes_inline_into_the_index_settings():
    from search.backends.dsl import index_body

    body = index_body("kuromoji+bigram", ("analysis-common", "analysis-icu", "analysis-kuromoji"))
    analysis = body["settings"]["analysis"]
    rules = analysis["tokenizer"]["kiroku_ja"]["user_dictionary_rules"]
    assert any(rule.startswith("後閲,") for rule in rules)
    assert "申し込み => 申込" in analysis["char_filter"]["kiroku_folds"]["mappings"]
    assert body["mappings"]["properties"]["content"]["fields"]["ja"]["analyzer"] == "kiroku_ja"
    bigram_only = index_body("bigram", ("analysis-common",))["settings"]["analysis"]
    assert "kiroku_ja" not in bigram_only["analyzer"]
    assert bigram_only["analyzer"]["kiroku_bigram"]["filter"][0] == "cjk_width"
    standard = index_body("standard", ())
    assert "analysis" not in standard["settings"]
    assert standard["mappings"]["properties"]["title"]["analyzer"] == "standard"
