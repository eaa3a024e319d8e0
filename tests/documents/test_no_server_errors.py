"""Inputs that once answered 500: each is now a 4xx in the project's error body (or a
truthful 5xx for a real outage), and nothing bad is saved on the way."""

from __future__ import annotations

import logging

import pytest
from django.db import DataError, IntegrityError, InterfaceError, OperationalError, connection
from rest_framework.test import APIRequestFactory

from dms.documents.models import Document
from dms.errors import api_exception_handler
from dms.storage import get_object_store
from tests.documents.conftest import after_quarantine, named, pdf_bytes

pytestmark = pytest.mark.django_db

HUGE = "9" * 40  # beyond 64 bits (and beyond any database integer)


def _error_body(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] and body["message"] and body["message_en"], body
    return body


@pytest.fixture
def document(store, clients):
    created = clients["tanaka"].post(
        "/api/documents/", {"file": named(pdf_bytes(), "申請書.pdf")}, format="multipart"
    )
    assert created.status_code == 201, created.content
    return Document.objects.get(pk=created.json()["id"])


def _patch(client, document, body):
    return client.patch(f"/api/documents/{document.pk}/", body, format="json")


# --- extra_metadata -----------------------------------------------------------------------
def test_a_lone_surrogate_in_extra_metadata_is_refused_and_not_saved(clients, document):
    # JSON allows "\ud800" on the wire; it is no Unicode text and PostgreSQL's jsonb and
    # every response renderer choke on it.
    raw = b'{"extra_metadata": {"note": "\\ud800"}}'
    response = clients["tanaka"].generic(
        "PATCH", f"/api/documents/{document.pk}/", raw, content_type="application/json"
    )
    body = _error_body(response, 400)
    assert "extra_metadata" in body
    document.refresh_from_db()
    assert document.extra_metadata == {}
    assert clients["tanaka"].get("/api/documents/").status_code == 200


@pytest.mark.parametrize(
    "extra",
    [
        {"amount": 1},  # would shadow the typed field in `metadata`
        {"counterparty": "株式会社A"},
        {"document_date": "2024-04-01"},
        {"nested": {"a": 1}},
        {"list": [1, 2]},
        {"null": None},
        {"k" * 65: "long key"},
        {"": "empty key"},
        {"note": "x" * 2001},
        {"note": "bell\x07"},
        {"big": 10**30},
        {"nan": float("inf")},
        {f"key{i}": i for i in range(51)},
    ],
    ids=[
        "shadows-amount",
        "shadows-counterparty",
        "shadows-date",
        "nested-object",
        "list",
        "null",
        "long-key",
        "empty-key",
        "long-value",
        "control-character",
        "huge-number",
        "infinity",
        "too-many-keys",
    ],
)
def test_extra_metadata_holds_only_plain_bounded_values(clients, document, extra):
    if extra == {"nan": float("inf")}:
        raw = b'{"extra_metadata": {"nan": Infinity}}'
        response = clients["tanaka"].generic(
            "PATCH", f"/api/documents/{document.pk}/", raw, content_type="application/json"
        )
    else:
        response = _patch(clients["tanaka"], document, {"extra_metadata": extra})
    assert response.status_code == 400, response.content
    document.refresh_from_db()
    assert document.extra_metadata == {}


def test_plain_extra_metadata_is_saved_and_shown(clients, document):
    extra = {"案件番号": "R6-123", "件数": 3, "割合": 0.5, "公開": True}
    response = _patch(clients["tanaka"], document, {"extra_metadata": extra})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"] | extra == response.json()["metadata"]


def test_a_bad_value_already_stored_never_breaks_the_list_or_the_detail(clients, document):
    """Written before validation existed (or by hand): shown escaped, never a 500."""
    from django.db import connection, transaction

    stored = {"note": "a\ud800b", "amount": 999, "bell": "\x07", "nested": {"k": "\udfff"}}
    # PostgreSQL's jsonb cannot even hold a lone surrogate; SQLite stores it as given.
    try:
        with transaction.atomic():
            Document.objects.filter(pk=document.pk).update(extra_metadata=stored)
        surrogates_stored = True
    except DataError:
        assert connection.vendor == "postgresql"
        surrogates_stored = False
        stored = {"amount": 999, "bell": "\x07", "nested": {"k": "v"}}
        Document.objects.filter(pk=document.pk).update(extra_metadata=stored)
    for url in ("/api/documents/", f"/api/documents/{document.pk}/"):
        response = clients["tanaka"].get(url)
        assert response.status_code == 200, response.content
    metadata = clients["tanaka"].get(f"/api/documents/{document.pk}/").json()["metadata"]
    assert metadata["amount"] is None  # the typed field wins over a stored extra key
    assert "\x07" not in metadata["bell"]
    if surrogates_stored:
        assert metadata["note"] == "a\\ud800b"


# --- other free text ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "field", ["title", "counterparty", "document_number"], ids=lambda field: field
)
@pytest.mark.parametrize(
    "text", ["\\ud800", "a\\u0000b", "a\\u001bb"], ids=["surrogate", "nul", "esc"]
)
def test_free_text_fields_refuse_surrogates_and_control_characters(clients, document, field, text):
    raw = f'{{"{field}": "{text}"}}'.encode()
    response = clients["tanaka"].generic(
        "PATCH", f"/api/documents/{document.pk}/", raw, content_type="application/json"
    )
    body = _error_body(response, 400)
    assert field in body


def test_line_breaks_and_tabs_are_allowed_in_free_text(clients, document):
    response = _patch(clients["tanaka"], document, {"title": "令和6年度\t予算"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("comment", ["\x1b[31m", "長" * 301], ids=["escape", "too-long"])
def test_a_version_comment_is_checked_and_the_file_not_kept(
    clients, document, comment, generated_keys
):
    boundary = "b"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="comment"\r\n\r\n'.encode()
        + comment.encode()
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="v2.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + pdf_bytes(2)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = clients["tanaka"].generic(
        "POST",
        f"/api/documents/{document.pk}/versions/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert _error_body(response, 400)["comment"]
    assert document.versions.count() == 1
    after_quarantine()
    assert get_object_store().list_versions(generated_keys[-1]) == []  # discarded


# --- parameters and bodies ----------------------------------------------------------------
def test_a_document_id_that_is_not_a_number_is_404(clients, document):
    _error_body(clients["tanaka"].get("/api/documents/abc/"), 404)


@pytest.mark.parametrize(
    "query",
    [
        f"ids={HUGE}",
        f"ids=1,{HUGE}",
        f"amount_min={HUGE}",
        f"amount_max=-{HUGE}",
        f"fiscal_year={HUGE}",
        "amount_min=1e400",
        "amount_min=NaN",
        "fiscal_year=Infinity",
    ],
)
def test_huge_numbers_in_list_filters_are_400(clients, document, query):
    response = clients["tanaka"].get(f"/api/documents/?{query}")
    _error_body(response, 400)


@pytest.mark.parametrize("version", ["abc", HUGE, "-1", "1.5"])
def test_download_of_a_version_that_is_not_a_number(clients, document, version):
    response = clients["tanaka"].get(f"/api/documents/{document.pk}/download/?version={version}")
    assert 400 <= response.status_code < 500, response.content
    response.json()["error"]


@pytest.mark.parametrize("amount", [2**63, -(2**63) - 1, int(HUGE)])
def test_an_amount_beyond_64_bits_is_refused(clients, document, amount):
    body = _error_body(_patch(clients["tanaka"], document, {"amount": amount}), 400)
    assert "amount" in body
    document.refresh_from_db()
    assert document.amount is None


def test_the_largest_amount_is_accepted(clients, document):
    response = _patch(clients["tanaka"], document, {"amount": 2**63 - 1})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "raw", [b"[]", b'["tanaka"]', b'"suzuki"', b"3", b"null", b'{"users": "suzuki"}'], ids=repr
)
def test_share_with_a_body_that_is_not_an_object_is_400(clients, document, raw):
    response = clients["tanaka"].generic(
        "POST", f"/api/documents/{document.pk}/share/", raw, content_type="application/json"
    )
    _error_body(response, 400)


def test_a_missing_stored_original_is_reported_truthfully(clients, document, caplog):
    blob = document.versions.get().blob
    blob.key = "originals/gone-" + blob.key.rsplit("/", 1)[-1]
    blob.save(update_fields=["key"])
    with caplog.at_level(logging.ERROR, logger="dms.errors"):
        response = clients["tanaka"].get(f"/api/documents/{document.pk}/download/")
    body = _error_body(response, 410)
    assert body["error"] == "stored_file_missing"
    assert any(blob.key in record.getMessage() for record in caplog.records)
    assert not get_object_store().exists(blob.key)


# --- database errors ----------------------------------------------------------------------
def _rendered(exc):
    request = APIRequestFactory().get("/")
    return api_exception_handler(exc, {"request": request})


def test_database_errors_are_told_apart_from_an_outage():
    assert _rendered(DataError("value out of range")).status_code == 400
    assert _rendered(DataError("x")).data["error"] == "invalid_value"
    assert _rendered(IntegrityError("duplicate key")).status_code == 409
    assert _rendered(IntegrityError("x")).data["error"] == "conflict"
    assert _rendered(OperationalError("connection lost")).status_code == 503
    assert _rendered(InterfaceError("closed")).status_code == 503


def test_a_value_the_database_refuses_is_400_not_503(clients, document):
    def out_of_range(execute, sql, params, many, context):
        if sql.startswith('UPDATE "documents_document"'):
            raise DataError("value out of range for type bigint")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(out_of_range):
        response = _patch(clients["tanaka"], document, {"title": "新しい件名"})
    assert _error_body(response, 400)["error"] == "invalid_value"
