"""Fixtures for the search tests: one backend per implementation, on the real servers.

``backend`` yields each implementation in turn (embedded, Elasticsearch, OpenSearch)
under an index prefix unique to this run (``kiroku-test-<random>``) and drops its indices
afterwards, so parallel runs never share an index.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from search.backends.base import TEXT_FIELDS, IndexEntry
from search.backends.embedded import EmbeddedBackend
from search.backends.remote import RemoteBackend
from search.engine import ANALYSIS_BIGRAM, detect_engine
from search.text import display_text
from tests.documents.conftest import clients, org  # noqa: F401 (fixtures)
from tests.services import implementation_params, require

RUN_PREFIX = f"kiroku-test-{secrets.token_hex(4)}"


def make_backend(name: str, index_dir, suffix: str = ""):
    prefix = f"{RUN_PREFIX}{suffix}"
    if name == "embedded":
        return EmbeddedBackend(str(index_dir), prefix)
    engine, _, profile = name.partition("-")
    url = require(engine)
    info = detect_engine(url)
    assert info.engine == engine, f"{url} answered as {info.engine}"
    analysis = ANALYSIS_BIGRAM if profile == "bigram" else info.analysis
    return RemoteBackend(url, prefix, info.engine, analysis, info.components)


IMPLEMENTATIONS = implementation_params("embedded", "elasticsearch", "opensearch")
# The contract also runs on OpenSearch as an engine without kuromoji would be used (the
# bigram view only), so that the middle analysis profile is tested on a real server.
CONTRACT_IMPLEMENTATIONS = [
    *IMPLEMENTATIONS,
    pytest.param("opensearch-bigram", id="opensearch-bigram", marks=pytest.mark.opensearch),
]


@pytest.fixture(scope="module", params=CONTRACT_IMPLEMENTATIONS)
def backend(request, tmp_path_factory):
    suffix = "-" + secrets.token_hex(3)
    instance = make_backend(request.param, tmp_path_factory.mktemp("index"), suffix)
    instance.ensure_index()
    yield instance
    instance.drop()


def doc(doc_id: int, title: str, content: str = "", **fields) -> IndexEntry:
    """An index entry as search.entries builds it, with sensible defaults (dates may be
    given in ISO form, principals as lists)."""
    values = {
        "revision": 1,
        "department_id": 3,
        "department_name": "文書課",
        "allowed_departments": (1, 2, 3),
        "document_type": "notice",
        "fiscal_year": 2024,
        "status": "ready",
        "document_date": "2024-06-01",
        "created_on": "2024-06-01",
        **fields,
    }
    for name, value in values.items():
        if name in TEXT_FIELDS:
            values[name] = display_text(value)
        elif isinstance(value, list):
            values[name] = tuple(value)
        elif name in ("document_date", "created_on") and isinstance(value, str):
            values[name] = dt.date.fromisoformat(value)
    return IndexEntry(id=doc_id, title=display_text(title), content=display_text(content), **values)
