"""IndexEntry is the one description of the index: the engines' mapping, the embedded
tables, the query language and the facets all agree with it (no engine needed)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from search.backends.base import FACETS, INDEXED, PRINCIPALS, TEXT, TEXT_FIELDS
from search.backends.dsl import index_body
from search.backends.embedded import EmbeddedBackend
from search.engine import ANALYSIS_BIGRAM, ANALYSIS_KUROMOJI, ANALYSIS_STANDARD
from search.query import DEFAULT_FIELDS, FIELDS
from tests.search.conftest import doc


@pytest.mark.parametrize("analysis", [ANALYSIS_STANDARD, ANALYSIS_BIGRAM, ANALYSIS_KUROMOJI])
def test_the_engine_mapping_has_exactly_the_entry_fields(analysis):
    properties = index_body(analysis, ("analysis-icu",))["mappings"]["properties"]
    assert list(properties) == list(INDEXED)
    for name, how in INDEXED.items():
        assert properties[name]["type"] == how.type, name
    assert properties["fingerprint"] == {"type": "keyword", "index": False}
    assert set(doc(1, "件名").source()) == set(properties)  # the mapping is strict


def test_the_embedded_tables_have_a_column_for_every_entry_field(tmp_path):
    backend = EmbeddedBackend(str(tmp_path), "entry")
    backend.ensure_index()
    backend.upsert(doc(1, "件名", "本文", allowed_users=[7], allowed_groups=[8]))
    db = sqlite3.connect(backend.path)
    docs = [row[1] for row in db.execute("PRAGMA table_info(docs_1)")]
    fts = [row[1] for row in db.execute("PRAGMA table_info(fts_1)")]
    acl = {row[0] for row in db.execute("SELECT principal FROM acl_1 WHERE doc_id = 1")}
    backend.drop()
    # principals live in the acl table, one row per principal; everything else is a column
    assert set(docs) == set(INDEXED) - set(PRINCIPALS)
    assert docs[0] == "id" and docs[-len(TEXT_FIELDS) :] == list(TEXT_FIELDS)
    assert fts == [*TEXT_FIELDS, "heads"]
    assert acl == {"d:1", "d:2", "d:3", "u:7", "g:8"}


def test_the_query_language_and_the_facets_name_entry_fields():
    assert DEFAULT_FIELDS == TEXT_FIELDS
    assert {name for targets in FIELDS.values() for name in targets} <= set(TEXT_FIELDS)
    assert set(FACETS) == {"department", "document_type", "fiscal_year"}
    assert all(INDEXED[name].type != TEXT and INDEXED[name].facet_size for name in FACETS.values())


def test_the_fingerprint_covers_everything_but_the_revision():
    entry = doc(1, "件名", "本文")
    # The recipe is that of the entries already in the indexes: a change would make
    # search_check rewrite every entry once.
    assert entry.fingerprint == "070101d9b7089551db9271f43441ca1d"
    assert replace(entry, revision=9).fingerprint == entry.fingerprint
    assert replace(entry, allowed_departments=(1, 3)).fingerprint != entry.fingerprint
    assert replace(entry, title="別件").fingerprint != entry.fingerprint
