"""One mapping and one query builder for Elasticsearch and OpenSearch.

The analysis depends on what the server has (``search.engine``):

* ``kuromoji+bigram`` — each text field is analysed twice: the field itself with the CJK
  bigram analyzer (recall: 給付金 inside 特別定額給付金) and ``<field>.ja`` with kuromoji in
  search mode, base forms, part-of-speech stop tags and the user dictionary (precision:
  京都 is a word in 京都市 and not in 東京都). Queries ask both, the bigram side weighted
  lower, each as a phrase.
* ``bigram`` — the bigram field only.
* ``standard`` — the Elasticsearch test distribution has no ``analysis-common``: the
  standard analyzer (one token per ideograph) with phrase queries, so a word is found
  where its characters stand together. The search folds are then applied by Python.

Both normalisation char filters are inline in the index settings (``icu_normalizer`` when
``analysis-icu`` is there, else ``cjk_width`` as a token filter) together with the search
folds as a ``mapping`` char filter and the user dictionary as ``user_dictionary_rules``:
no file needs to exist on the server, and a reindex picks up a changed configuration.
"""

from __future__ import annotations

import re

from search import text
from search.backends.base import (
    FACETS,
    HIGHLIGHT_FIELDS,
    INDEXED,
    TEXT,
    TEXT_FIELDS,
    WEIGHTS,
    Filters,
    Indexed,
    IndexEntry,
    Principals,
    SearchRequest,
)
from search.engine import ANALYSIS_KUROMOJI, ANALYSIS_STANDARD
from search.query import Node, Not, Or, Term

# The bigram view counts less than the word view (field weights: IndexEntry).
JA_BOOST = 3.0

# The standard tokenizer keeps a katakana run as one token (コミュニティセンター), so a part
# of it would not be found; on the standard profile katakana is indexed and queried one
# character at a time, and the spaces are taken out of the highlights again.
_KATAKANA = "\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
_BETWEEN_KATAKANA = re.compile(f"(?<=[{_KATAKANA}])(?=[{_KATAKANA}])")
_SPACED_KATAKANA = re.compile(f"(?<=[{_KATAKANA}])((?:</?mark>)*) (?=(?:</?mark>)*[{_KATAKANA}])")


def split_katakana(value: str) -> str:
    return _BETWEEN_KATAKANA.sub(" ", value)


def join_katakana(fragment: str) -> str:
    return _SPACED_KATAKANA.sub(r"\1", fragment).replace("</mark><mark>", "")


def index_body(analysis: str, components: tuple[str, ...]) -> dict:
    """Settings and mappings of a new index."""
    settings: dict = {"number_of_shards": 1, "number_of_replicas": 0}
    text_mapping: dict = {"type": "text", "index_options": "offsets"}
    if analysis == ANALYSIS_STANDARD:
        text_mapping["analyzer"] = "standard"
    else:
        icu = "analysis-icu" in components
        char_filters = ["kiroku_nfkc", "kiroku_folds"] if icu else ["kiroku_folds"]
        width = [] if icu else ["cjk_width"]
        analysis_settings: dict = {
            "char_filter": {
                "kiroku_folds": {
                    "type": "mapping",
                    "mappings": [f"{source} => {target}" for source, target in text.fold_rules()],
                }
            },
            "analyzer": {
                "kiroku_bigram": {
                    "type": "custom",
                    "char_filter": char_filters,
                    "tokenizer": "standard",
                    "filter": [*width, "lowercase", "cjk_bigram"],
                }
            },
        }
        if icu:
            analysis_settings["char_filter"]["kiroku_nfkc"] = {
                "type": "icu_normalizer",
                "name": "nfkc_cf",
            }
        text_mapping["analyzer"] = "kiroku_bigram"
        if analysis == ANALYSIS_KUROMOJI:
            analysis_settings["tokenizer"] = {
                "kiroku_ja": {
                    "type": "kuromoji_tokenizer",
                    "mode": "search",
                    "discard_compound_token": True,
                    "user_dictionary_rules": text.user_dictionary_rules(),
                }
            }
            analysis_settings["analyzer"]["kiroku_ja"] = {
                "type": "custom",
                "char_filter": char_filters,
                "tokenizer": "kiroku_ja",
                "filter": [
                    "kuromoji_baseform",
                    "kuromoji_part_of_speech",
                    *width,
                    "lowercase",
                    "kuromoji_stemmer",
                ],
            }
            text_mapping["fields"] = {
                "ja": {"type": "text", "analyzer": "kiroku_ja", "index_options": "offsets"}
            }
        settings["analysis"] = analysis_settings
    properties = {name: field_mapping(how, text_mapping) for name, how in INDEXED.items()}
    return {"settings": settings, "mappings": {"dynamic": "strict", "properties": properties}}


def field_mapping(how: Indexed, text_mapping: dict) -> dict:
    """The mapping of one :class:`IndexEntry` field."""
    if how.type == TEXT:
        return dict(text_mapping)
    return {"type": how.type} if how.searchable else {"type": how.type, "index": False}


class QueryBuilder:
    """Compiles a :class:`SearchRequest` into the search body both engines accept."""

    def __init__(self, analysis: str) -> None:
        self.analysis = analysis
        self.python_folds = analysis == ANALYSIS_STANDARD

    # --- text ---------------------------------------------------------------------------
    def prepare(self, value: str) -> str:
        """Text as the engine should receive it (folds applied here if it cannot)."""
        value = text.display_text(value)
        return split_katakana(text.fold(value)) if self.python_folds else value

    def prepare_source(self, entry: IndexEntry) -> dict:
        """The ``_source`` the engine stores for ``entry``."""
        source = entry.source()
        if self.python_folds:
            for name in TEXT_FIELDS:
                source[name] = split_katakana(text.fold(source[name] or ""))
        return source

    def highlights(self, highlight: dict) -> list[str]:
        fragments = merge_highlights(highlight)
        return [join_katakana(f) for f in fragments] if self.python_folds else fragments

    def term_clause(self, term: Term) -> dict:
        value = self.prepare(term.text)
        bigram_fields = [f"{name}^{WEIGHTS[name]}" for name in term.fields]
        clauses = [
            {"multi_match": {"query": value, "type": "phrase", "fields": bigram_fields}},
        ]
        if self.analysis == ANALYSIS_KUROMOJI:
            ja_fields = [f"{name}.ja^{WEIGHTS[name] * JA_BOOST}" for name in term.fields]
            clauses.append({"multi_match": {"query": value, "type": "phrase", "fields": ja_fields}})
        if len(clauses) == 1:
            return clauses[0]
        return {"bool": {"should": clauses, "minimum_should_match": 1}}

    def compile(self, node: Node) -> dict:
        if isinstance(node, Term):
            return self.term_clause(node)
        if isinstance(node, Or):
            return {
                "bool": {
                    "should": [self.compile(child) for child in node.children],
                    "minimum_should_match": 1,
                }
            }
        if isinstance(node, Not):  # only reached inside an AND (the parser checks)
            return {"bool": {"must_not": [self.compile(node.child)]}}
        must, must_not = [], []
        for child in node.children:
            if isinstance(child, Not):
                must_not.append(self.compile(child.child))
            else:
                must.append(self.compile(child))
        return {"bool": {"must": must, "must_not": must_not}}

    # --- filters ------------------------------------------------------------------------
    def filter_clauses(self, request: SearchRequest) -> list[dict]:
        clauses: list[dict] = []
        principals: Principals | None = request.principals
        if principals is not None:
            clauses.append(
                {
                    "bool": {
                        "should": [
                            self.department_principal(principals),
                            {"term": {"allowed_users": principals.user_id}},
                            {"terms": {"allowed_groups": list(principals.groups)}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            )
        if not request.include_deleted:
            clauses.append({"term": {"deleted": False}})
        if request.exclude_ids:
            clauses.append({"bool": {"must_not": [{"terms": {"id": list(request.exclude_ids)}}]}})
        f: Filters = request.filters
        if f.departments:
            clauses.append({"terms": {"allowed_departments": list(f.departments)}})
        if f.document_types:
            clauses.append({"terms": {"document_type": list(f.document_types)}})
        if f.fiscal_years:
            clauses.append({"terms": {"fiscal_year": list(f.fiscal_years)}})
        if f.statuses:
            clauses.append({"terms": {"status": list(f.statuses)}})
        for name, low, high in (
            ("document_date", f.date_from, f.date_to),
            ("amount", f.amount_min, f.amount_max),
            ("created_on", f.created_from, f.created_to),
        ):
            bounds = {}
            if low is not None:
                bounds["gte"] = low.isoformat() if hasattr(low, "isoformat") else low
            if high is not None:
                bounds["lte"] = high.isoformat() if hasattr(high, "isoformat") else high
            if bounds:
                clauses.append({"range": {name: bounds}})
        if f.counterparty:
            value = text.counterparty_value(f.counterparty)
            if value:
                value = split_katakana(text.fold(value)) if self.python_folds else value
                clauses.append({"match_phrase": {"counterparty": value}})
        if f.contains_personal_number is not None:
            clauses.append({"term": {"contains_personal_number": f.contains_personal_number}})
        return clauses

    @staticmethod
    def department_principal(principals: Principals) -> dict:
        clause = {"terms": {"allowed_departments": list(principals.departments)}}
        if principals.department_scope is None:
            return clause
        scope = {"terms": {"department_id": list(principals.department_scope)}}
        return {"bool": {"filter": [clause, scope]}}

    # --- the whole body -----------------------------------------------------------------
    def query(self, request: SearchRequest) -> dict:
        filters = self.filter_clauses(request)
        if request.query is None:
            return {"bool": {"filter": filters}}
        return {"bool": {"must": [self.compile(request.query)], "filter": filters}}

    def search_body(self, request: SearchRequest) -> dict:
        body: dict = {
            "query": self.query(request),
            "from": request.offset,
            "size": request.limit,
            "track_total_hits": True,
            "_source": ["id", *FACETS.values(), "revision"],
        }
        if request.sort == "relevance" and request.query is not None:
            body["sort"] = [
                {"_score": "desc"},
                {"document_date": {"order": "desc", "missing": "_last"}},
                {"id": "desc"},
            ]
        else:
            order = "asc" if request.sort == "date_asc" else "desc"
            body["sort"] = [
                {"document_date": {"order": order, "missing": "_last"}},
                {"id": order},
            ]
            body["track_scores"] = True
        if request.facets:
            body["aggs"] = {
                facet: {"terms": {"field": name, "size": INDEXED[name].facet_size}}
                for facet, name in FACETS.items()
            }
        if request.highlight and request.query is not None:
            fields: dict = {}
            # The bigram (or standard) view marks every place the query's characters
            # occur; highlighting the word view too doubled the cost for little gain.
            for name in HIGHLIGHT_FIELDS:
                fields[name] = {}
            body["highlight"] = {
                "type": "unified",
                "encoder": "html",
                "pre_tags": ["<mark>"],
                "post_tags": ["</mark>"],
                "fragment_size": 100,
                "number_of_fragments": 3,
                "require_field_match": True,
                "fields": fields,
            }
        return body


def merge_highlights(highlight: dict, limit: int = 3) -> list[str]:
    """A few fragments per hit, title first; the same text from both views only once."""
    fragments: list[str] = []
    seen: dict[str, int] = {}
    for name in HIGHLIGHT_FIELDS:
        for key in (name, f"{name}.ja"):
            for fragment in highlight.get(key, []):
                plain = fragment.replace("<mark>", "").replace("</mark>", "")
                if plain in seen:
                    index = seen[plain]
                    if fragment.count("<mark>") > fragments[index].count("<mark>"):
                        fragments[index] = fragment
                    continue
                seen[plain] = len(fragments)
                fragments.append(fragment)
    return fragments[:limit]


def facet_counts(aggregations: dict) -> dict[str, dict[str, int]]:
    return {
        name: {str(bucket["key"]): bucket["doc_count"] for bucket in aggregations[name]["buckets"]}
        for name in FACETS
        if name in aggregations
    }
