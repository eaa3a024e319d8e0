"""The query language: a small parser that turns ``q`` into an AST each backend compiles.

Syntax (full-width forms are accepted everywhere: ＡＮＤ, （ ）, ＂, the ideographic space)::

    給付金 申請            both words (AND is implied)
    "特別定額給付金 申請"   a phrase (also 「…」 and “…”)
    申請 OR 届出           either
    申請 AND NOT 廃止       NOT, or a leading minus: 申請 -廃止
    (申請 OR 届出) 子育て   grouping
    title:予算 counterparty:"ABC株式会社"

Why no library: Lucene's syntax parsers for Python (luqum) emit Elasticsearch JSON only and
know nothing of full-width operators or Japanese quotes; a general parser generator
(pyparsing, lark) would be a new dependency for a grammar of five rules; Whoosh's qparser
is tied to Whoosh. The grammar below is about a hundred lines and every error it raises
carries a Japanese and an English message for the API's 400 answer.

Semantics shared by all backends: a term matches where its text occurs (after the same
normalisation as the index); NOT must be combined with at least one positive condition
(a query of exclusions alone would list every document, which is what filters are for).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.backends.base import DEFAULT_SEARCH_FIELDS
from search.text import query_text

MAX_QUERY_LENGTH = 1000
MAX_TERMS = 32
# Parentheses, NOTs and field prefixes nest; each level is a few frames of the recursive
# parser (and of each backend's compiler), so 400 nested parentheses overflowed the stack.
MAX_NESTING = 16

# Field prefixes a person may use, and the index fields they search.
FIELDS = {
    "title": ("title",),
    "件名": ("title",),
    "content": ("content",),
    "本文": ("content",),
    "notes": ("notes",),
    "備考": ("notes",),
    "counterparty": ("counterparty",),
    "取引先": ("counterparty",),
    "number": ("document_number",),
    "文書番号": ("document_number",),
}
DEFAULT_FIELDS = DEFAULT_SEARCH_FIELDS  # a term without a prefix (search.backends.base.IndexEntry)


class QuerySyntaxError(ValueError):
    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en


@dataclass(frozen=True)
class Term:
    text: str
    fields: tuple[str, ...] = DEFAULT_FIELDS
    phrase: bool = False  # written in quotes


@dataclass(frozen=True)
class And:
    children: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Or:
    children: tuple = field(default_factory=tuple)


@dataclass(frozen=True)
class Not:
    child: object = None


Node = Term | And | Or | Not

_QUOTES = {'"': '"', "「": "」", "“": "”", "『": "』"}
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<field>[^\s():"「“『]+?):(?=[^\s)])
  | (?P<quote>["「“『])
  | (?P<minus>-(?=[^\s\-]))
  | (?P<word>[^\s()"「」“”『』]+)
    """,
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # a stray closing quote
            raise QuerySyntaxError(
                "unbalanced_quotes",
                f"引用符の対応が取れていません(位置 {position + 1})。",
                f"Unbalanced quotation mark at position {position + 1}.",
            )
        kind = match.lastgroup
        if kind == "quote":
            closing = _QUOTES[match[0]]
            end = text.find(closing, match.end())
            if end < 0:
                raise QuerySyntaxError(
                    "unbalanced_quotes",
                    '引用符が閉じられていません。フレーズは "…" で囲んでください。',
                    'A quotation mark is not closed; enclose a phrase in "…".',
                )
            tokens.append(("phrase", text[match.end() : end]))
            position = end + 1
            continue
        if kind == "field" and match["field"] not in FIELDS:
            # Not a known field (a time 12:30, a URL): the whole word is text.
            word = re.match(r"[^\s()\"「」“”『』]+", text[position:])
            tokens.append(("word", word[0]))
            position += len(word[0])
            continue
        if kind != "space":
            value = match["field"] if kind == "field" else match[0]
            if kind == "word" and value in {"AND", "OR", "NOT"}:
                kind = value
            tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.position = 0
        self.terms = 0
        self.depth = 0

    def nested(self) -> _Nesting:
        return _Nesting(self)

    def peek(self) -> str | None:
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() == "rparen":
            raise QuerySyntaxError(
                "unbalanced_parentheses",
                "閉じ括弧 ) に対応する開き括弧がありません。",
                "A closing parenthesis has no matching opening one.",
            )
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.unary()]
        while self.peek() not in (None, "OR", "rparen"):
            if self.peek() == "AND":
                self.take()
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        kind = self.peek()
        if kind in ("NOT", "minus"):
            self.take()
            with self.nested():
                return Not(self.unary())
        return self.primary(DEFAULT_FIELDS)

    def primary(self, fields: tuple[str, ...]) -> Node:
        kind = self.peek()
        if kind is None or kind in ("AND", "OR", "rparen"):
            raise QuerySyntaxError(
                "missing_term",
                "演算子(AND・OR・NOT)の前後に検索語が必要です。",
                "An operator (AND, OR, NOT) needs a search term on each side.",
            )
        kind, value = self.take()
        if kind == "lparen":
            with self.nested():
                node = self.or_expr()
            if self.peek() != "rparen":
                raise QuerySyntaxError(
                    "unbalanced_parentheses",
                    "括弧 ( が閉じられていません。",
                    "An opening parenthesis is not closed.",
                )
            self.take()
            return node if fields == DEFAULT_FIELDS else _with_fields(node, fields)
        if kind == "field":
            with self.nested():
                return self.primary(FIELDS[value])
        if kind in ("NOT", "minus"):
            with self.nested():
                return Not(self.primary(fields))
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QuerySyntaxError(
                "too_many_terms",
                f"検索語が多すぎます(最大 {MAX_TERMS} 語)。",
                f"Too many search terms (at most {MAX_TERMS}).",
            )
        return Term(value, fields, phrase=kind == "phrase")


class _Nesting:
    """One level deeper in the parser; past :data:`MAX_NESTING` the query is refused."""

    def __init__(self, parser: _Parser) -> None:
        self.parser = parser

    def __enter__(self) -> None:
        self.parser.depth += 1
        if self.parser.depth > MAX_NESTING:
            raise QuerySyntaxError(
                "too_deeply_nested",
                f"括弧や NOT の入れ子が深すぎます(最大 {MAX_NESTING} 段)。",
                f"Parentheses and NOTs are nested too deeply (at most {MAX_NESTING} levels).",
            )

    def __exit__(self, *exc_info) -> None:
        self.parser.depth -= 1


def _with_fields(node: Node, fields: tuple[str, ...]) -> Node:
    if isinstance(node, Term):
        return Term(node.text, fields, node.phrase)
    if isinstance(node, Not):
        return Not(_with_fields(node.child, fields))
    return type(node)(tuple(_with_fields(child, fields) for child in node.children))


def _drop_empty(node: Node) -> Node | None:
    """Remove terms that normalise to nothing (only punctuation)."""
    if isinstance(node, Term):
        text = node.text.strip()
        return Term(text, node.fields, node.phrase) if re.search(r"[^\W_]", text) else None
    if isinstance(node, Not):
        child = _drop_empty(node.child)
        return Not(child) if child is not None else None
    children = tuple(c for c in (_drop_empty(child) for child in node.children) if c is not None)
    if not children:
        return None
    return children[0] if len(children) == 1 else type(node)(children)


def _positive(node: Node) -> bool:
    """True when the node can match on its own (is not only an exclusion)."""
    if isinstance(node, Term):
        return True
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_positive(child) for child in node.children)
    return all(_positive(child) for child in node.children)


def _check_negations(node: Node) -> None:
    if isinstance(node, Not):
        _check_negations(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            if isinstance(node, Or) and not _positive(child):
                break
            _check_negations(child)
        else:
            return
        raise QuerySyntaxError(
            "negation_only",
            "NOT(-)は他の検索語と AND で組み合わせてください(例: 申請 -廃止)。",
            "Combine NOT (-) with another term using AND (e.g. 申請 -廃止).",
        )


def parse(raw: str | None) -> Node | None:
    """The AST of a query, or None for a blank query; :class:`QuerySyntaxError` if malformed."""
    if raw is None:
        return None
    if len(raw) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            "query_too_long",
            f"検索語が長すぎます(最大 {MAX_QUERY_LENGTH} 文字)。",
            f"The query is too long (at most {MAX_QUERY_LENGTH} characters).",
        )
    text = query_text(raw).strip()
    if not text:
        return None
    node = _drop_empty(_Parser(_tokens(text)).parse())
    if node is None:
        raise QuerySyntaxError(
            "missing_term",
            "検索語がありません。演算子や記号だけでは検索できません。",
            "The query has no search term, only operators or punctuation.",
        )
    if not _positive(node):
        raise QuerySyntaxError(
            "negation_only",
            "除外条件(NOT・-)だけでは検索できません。検索語を加えてください。",
            "A query of exclusions (NOT, -) alone cannot be searched; add a search term.",
        )
    _check_negations(node)
    return node


def positive_terms(node: Node | None) -> list[Term]:
    """The terms a hit may contain (for highlighting): everything not under a NOT."""
    if node is None:
        return []
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [term for child in node.children for term in positive_terms(child)]
