"""What a stored file is called follows what it is: a file that starts as HTML is no PDF,
and a PDF is stored and downloaded under a .pdf name whatever name it was sent with."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from dms.documents.models import Blob, Document, Version
from tests.documents.conftest import named, pdf_bytes

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str):
    return client.post("/api/documents/", {"file": named(data, name)}, format="multipart")


def test_html_with_a_pdf_header_further_on_is_refused(store, clients):
    polyglot = b"<!DOCTYPE html><html><script>fetch('/api/')</script></html>\n" + pdf_bytes()
    response = upload(clients["tanaka"], polyglot, "請求書.pdf")
    assert response.status_code == 415, response.content
    assert response.json()["error"] == "unsupported_media_type"
    assert Document.objects.count() == 0 and Blob.objects.count() == 0


@pytest.mark.parametrize(
    ("sent_as", "downloaded_as"),
    [
        ("申請書.html", "申請書.html.pdf"),
        ("申請書", "申請書.pdf"),
        ("scan.PDF", "scan.PDF"),
        ("scan.jpg", "scan.jpg.pdf"),
    ],
)
def test_the_stored_and_downloaded_names_say_what_the_file_is(
    store, clients, generated_keys, sent_as, downloaded_as
):
    created = upload(clients["tanaka"], pdf_bytes(), sent_as)
    assert created.status_code == 201, created.content
    version = Version.objects.select_related("blob").get(document_id=created.json()["id"])
    assert version.original_filename == sent_as  # shown as the person named it
    assert version.blob.key == generated_keys[0] and version.blob.key.endswith(".pdf")
    download = clients["tanaka"].get(f"/api/documents/{created.json()['id']}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    # (non-ASCII names travel percent-encoded, RFC 5987)
    assert unquote(download["Content-Disposition"]).endswith(f'"{downloaded_as}"') or unquote(
        download["Content-Disposition"]
    ).endswith(f"''{downloaded_as}")
