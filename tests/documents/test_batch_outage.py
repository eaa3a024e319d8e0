"""A batch upload during an object-store outage answers 503, not 207."""

import pytest
from django.test import override_settings

from dms.documents.models import Document
from tests.documents.conftest import named, pdf_bytes

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "BACKEND": "s3",
    "ENDPOINT": "http://127.0.0.1:1",
    "ACCESS_KEY": "x",
    "SECRET_KEY": "y",
    "BUCKET": "kiroku",
    "REGION": "us-east-1",
}


def test_batch_where_every_file_failed_for_the_outage_answers_503(org, clients):
    with override_settings(OBJECT_STORE=UNREACHABLE):
        response = clients["tanaka"].post(
            "/api/documents/batch/",
            {"file": [named(pdf_bytes(1), "a.pdf"), named(pdf_bytes(2), "b.pdf")]},
            format="multipart",
        )
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "object_store_unavailable"
    assert body["message"] and body["message_en"]
    assert [r["filename"] for r in body["results"]] == ["a.pdf", "b.pdf"]
    assert {r["error"] for r in body["results"]} == {"object_store_unavailable"}
    assert Document.objects.count() == 0


def test_batch_with_a_refused_file_and_an_outage_stays_207(org, clients):
    """Some files are refused for what they are: those answers matter per file."""
    with override_settings(OBJECT_STORE=UNREACHABLE):
        response = clients["tanaka"].post(
            "/api/documents/batch/",
            {"file": [named(b"MZ\x90\x00", "a.pdf"), named(pdf_bytes(2), "b.pdf")]},
            format="multipart",
        )
    assert response.status_code == 207
    errors = [r["error"] for r in response.json()["results"]]
    assert errors == ["unsupported_media_type", "object_store_unavailable"]
