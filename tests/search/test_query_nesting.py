"""Nesting in the query language is bounded: deep input is a clear 400, never a
RecursionError (400 nested parentheses once crashed the parser with a 500)."""

import pytest

from search.query import MAX_NESTING, And, Not, QuerySyntaxError, Term, parse


@pytest.mark.parametrize(
    "query",
    [
        "(" * 400 + "給付金" + ")" * 400,
        "（" * 400 + "給付金" + "）" * 400,
        "給付金 " + "NOT " * 240 + "申請",
        "給付金 " + "title:" * 150 + "申請",
        "(" * 499,
    ],
    ids=["parentheses", "full-width", "nots", "field-prefixes", "unclosed"],
)
def test_deep_nesting_is_refused_with_a_bilingual_error(query):
    assert len(query) <= 1000  # within the length limit: only the depth refuses it
    with pytest.raises(QuerySyntaxError) as error:
        parse(query)
    assert error.value.code == "too_deeply_nested"
    assert "入れ子" in error.value.message and "nested" in error.value.message_en


def test_nesting_up_to_the_limit_still_parses():
    assert parse("(" * MAX_NESTING + "給付金" + ")" * MAX_NESTING) == Term("給付金")
    assert parse("給付金 -(申請 OR (届出 NOT 廃止))") == And(
        (Term("給付金"), Not(parse("申請 OR (届出 NOT 廃止)")))
    )
