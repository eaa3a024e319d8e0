"""Fixtures for the search tests: one backend per implementation, on the real servers.

``backend`` yields each implementation in turn (embedded, Elasticsearch, OpenSearch)
under an index prefix unique to this run (``kiroku-test-<random>``) and drops its indices
afterwards, so parallel runs never share an index.
"""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from search.backends.embedded import EmbeddedBackend
from search.backends.remote import RemoteBackend
from search.documents import fingerprint
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


def doc(doc_id: int, title: str, content: str = "", **fields) -> dict:
    """An index entry as search.documents builds it, with sensible defaults."""
    entry = {
        "id": doc_id,
        "revision": fields.pop("revision", 1),
        "title": display_text(title),
        "content": display_text(content),
        "notes": display_text(fields.pop("notes", "")),
        "counterparty": display_text(fields.pop("counterparty", "")),
        "department_name": display_text(fields.pop("department_name", "文書課")),
        "document_number": display_text(fields.pop("document_number", "")),
        "department_id": fields.get("department_id", 3),
        "allowed_departments": fields.pop("allowed_departments", [1, 2, 3]),
        "allowed_users": fields.pop("allowed_users", []),
        "allowed_groups": fields.pop("allowed_groups", []),
        "document_type": fields.pop("document_type", "notice"),
        "fiscal_year": fields.pop("fiscal_year", 2024),
        "status": fields.pop("status", "ready"),
        "document_date": fields.pop("document_date", "2024-06-01"),
        "amount": fields.pop("amount", None),
        "created_on": fields.pop("created_on", "2024-06-01"),
        "contains_personal_number": fields.pop("contains_personal_number", False),
        "deleted": fields.pop("deleted", False),
    }
    entry.update(fields)
    if isinstance(entry["document_date"], dt.date):
        entry["document_date"] = entry["document_date"].isoformat()
    entry["fingerprint"] = fingerprint(entry)
    return entry
